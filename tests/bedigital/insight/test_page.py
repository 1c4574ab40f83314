"""The /insight page on a real server: the same figures as the command's report, 503 while the warehouse is unavailable."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from bedigital.api.app import create_app
from bedigital.cli import main
from bedigital.insight.pdf import find_chromium
from bedigital.insight.routes import build_insight_router

from ..embed.conftest import serving
from .figures import figure, main_part

PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}


def insight_app(warehouse: Path, tmp_path: Path, **options):
    # Nothing published: /insight does not need the snapshot.
    app = create_app(tmp_path / "public", insight_router=build_insight_router(lambda: warehouse, **options))
    return app


def test_the_page_shows_the_same_figures_and_charts_as_the_command(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["insight", "--from", PERIOD["from"], "--to", PERIOD["to"], "--lang", "nl",
                 "--warehouse", str(warehouse), "--out", str(out)]) == 0
    with serving(insight_app(warehouse, tmp_path)) as url:
        page = httpx.get(f"{url}/insight", params={**PERIOD, "lang": "nl"}, timeout=60)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert main_part(page.text) == main_part(out.read_text(encoding="utf-8"))
        assert figure(page.text, "items") == 12
        # The page offers the other languages, the period form and the other formats.
        assert 'href="/insight?from=2026-01-01&amp;to=2026-03-31&amp;lang=fr"' in page.text
        assert '<input id="p-from" type="date" name="from" value="2026-01-01">' in page.text
        english = httpx.get(f"{url}/insight", params=PERIOD, headers={"Accept-Language": "en-GB"}, timeout=60)
        assert '<html lang="en">' in english.text
        figures = httpx.get(f"{url}/insight", params={**PERIOD, "format": "json"}, timeout=60).json()
        assert figures["summary"]["items"] == 12 and figures["period"] == PERIOD
        if find_chromium() is not None:
            pdf = httpx.get(f"{url}/insight", params={**PERIOD, "format": "pdf"}, timeout=120)
            assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
        bad = httpx.get(f"{url}/insight", params={"from": "2026-03-01", "to": "2026-01-01"}, timeout=10)
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "to"]


def test_a_missing_warehouse_is_a_503(tmp_path: Path) -> None:
    with serving(insight_app(tmp_path / "none.duckdb", tmp_path)) as url:
        response = httpx.get(f"{url}/insight", timeout=10)
    assert response.status_code == 503 and "run the pipeline first" in response.json()["detail"]


def test_a_warehouse_held_by_a_run_is_a_503_with_retry_after(warehouse: Path, tmp_path: Path) -> None:
    busy = tmp_path / "busy.duckdb"
    busy.write_bytes(warehouse.read_bytes())
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(120)", str(busy)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with serving(insight_app(busy, tmp_path, lock_wait_s=0.5)) as url:
            response = httpx.get(f"{url}/insight", params=PERIOD, timeout=30)
        assert response.status_code == 503
        assert response.headers["retry-after"] == "30" and "busy" in response.json()["detail"]
    finally:
        holder.kill()
        holder.wait(timeout=10)
    with serving(insight_app(busy, tmp_path)) as url:  # free again: served
        assert httpx.get(f"{url}/insight", params={**PERIOD, "format": "json"}, timeout=60).status_code == 200
