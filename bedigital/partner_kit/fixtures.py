"""Recorded responses of a partner source: what `partners record` saves and the tests replay.

    partners/fixtures/<partner>/<source>/index.json     pages in order, with the `now` they are replayed at
    partners/fixtures/<partner>/<source>/001.json …     one file per page, the bytes as received
    partners/fixtures/<partner>/<source>/expected.jsonl the normalised items, reviewed in diffs

Replaying at the stored `now` keeps the fixtures valid tomorrow: relative windows (recurrences,
"today's events", year-less dates) are computed from the day they were recorded.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from connectors.pages import Page, PageRequest

INDEX = "index.json"
EXPECTED = "expected.jsonl"
_EXTENSIONS = {"json": ".json", "html": ".html", "xml": ".xml", "rss": ".xml", "atom": ".xml", "rdf": ".xml",
               "calendar": ".ics", "plain": ".txt"}


class FixtureError(Exception):
    """Fixtures missing or unreadable; the message names the folder and what to do."""


@dataclass(frozen=True, slots=True)
class Fixture:
    """The recorded pages of one source and the instant they are replayed at."""

    folder: Path
    partner_id: str
    source_id: str
    kind: str
    now: datetime
    pages: tuple[Page, ...]
    complete: bool = True


def fixtures_root(registry_dir: Path) -> Path:
    return Path(registry_dir) / "fixtures"


def fixture_folder(registry_dir: Path, partner_id: str, source_id: str) -> Path:
    return fixtures_root(registry_dir) / partner_id / source_id


def _extension(content_type: str | None) -> str:
    lowered = (content_type or "").lower()
    return next((ext for word, ext in _EXTENSIONS.items() if word in lowered), ".bin")


def write_fixture(folder: Path, *, partner_id: str, source_id: str, kind: str, now: datetime, pages: list[Page],
                  complete: bool = True) -> Path:
    """Replace the fixtures in `folder` by `pages` (expected.jsonl is kept: the next check compares against it)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.name not in (EXPECTED,) and old.is_file():
            old.unlink()
    entries = []
    for number, page in enumerate(pages, start=1):
        name = f"{number:03d}{_extension(page.content_type)}"
        (folder / name).write_bytes(page.body)
        entries.append({
            "file": name, "url": page.request.url, "final_url": page.final_url, "method": page.request.method,
            "json_body": page.request.json_body, "role": page.request.role, "status": page.status,
            "content_type": page.content_type,
        })
    index = {"partner": partner_id, "source": source_id, "kind": kind, "now": now.astimezone(timezone.utc).isoformat(),
             "recorded_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(), "complete": complete,
             "pages": entries}
    (folder / INDEX).write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def read_fixture(folder: Path) -> Fixture:
    """The recorded pages of `folder`; FixtureError naming what is missing."""
    path = folder / INDEX
    if not path.is_file():
        raise FixtureError(f"{folder}: no {INDEX} (record it with `bedigital partners record PARTNER`)")
    try:
        index: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        pages = tuple(
            Page(
                PageRequest(entry["url"], method=entry.get("method", "GET"), json_body=entry.get("json_body"),
                            role=entry.get("role", "listing")),
                (folder / entry["file"]).read_bytes(),
                final_url=entry.get("final_url"), status=entry.get("status"), content_type=entry.get("content_type"),
            )
            for entry in index["pages"]
        )
        now = datetime.fromisoformat(index["now"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FixtureError(f"{path}: unreadable fixture index ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise FixtureError(f"{path}: no pages recorded")
    return Fixture(folder, index.get("partner", folder.parent.name), index.get("source", folder.name),
                   index.get("kind", ""), now, pages, bool(index.get("complete", True)))


def fixture_sources(registry_dir: Path) -> list[tuple[str, str]]:
    """(partner id, source id) of every recorded fixture under the registry."""
    root = fixtures_root(registry_dir)
    return sorted((index.parent.parent.name, index.parent.name) for index in root.glob(f"*/*/{INDEX}"))


def remove_fixtures(registry_dir: Path, partner_id: str) -> None:
    shutil.rmtree(fixtures_root(registry_dir) / partner_id, ignore_errors=True)
