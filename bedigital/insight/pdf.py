"""The report as PDF: the HTML printed by the system's headless Chromium (no network, no extra package)."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_ENV = "BEDIGITAL_CHROMIUM"
PRINT_TIMEOUT_S = 120


class PdfError(Exception):
    """No Chromium to print with, or it failed."""


def find_chromium() -> str | None:
    """$BEDIGITAL_CHROMIUM, else `chromium` on the PATH, else Debian's /usr/bin/chromium."""
    candidate = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).is_file() else None


def html_to_pdf(html: str, out: Path, *, chromium: str | None = None) -> Path:
    """Print `html` to `out` (A4 by the page's CSS); the file is complete when this returns."""
    executable = chromium or find_chromium()
    if executable is None:
        raise PdfError("no Chromium to print the PDF with: install Debian's `chromium` or set BEDIGITAL_CHROMIUM")
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bedigital-pdf-") as work:
        page = Path(work) / "report.html"
        page.write_text(html, encoding="utf-8")
        partial = Path(work) / "report.pdf"
        command = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--no-pdf-header-footer",
            f"--user-data-dir={Path(work) / 'profile'}", f"--print-to-pdf={partial}", page.as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"Chromium could not print the report: {exc}") from exc
        if not partial.is_file() or partial.stat().st_size == 0:
            raise PdfError(f"Chromium printed no PDF (exit {result.returncode}): {result.stderr.strip()[-500:]}")
        # Renamed into place whole: a reader never sees half a PDF.
        staged = out.with_name(f".{out.name}.tmp")
        shutil.copyfile(partial, staged)
        os.replace(staged, out)
    return out
