"""Ingesting unusual partner feeds into a real warehouse, over HTTP on 127.0.0.1: nothing fails the run."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pytest_httpserver import HTTPServer

from bedigital.ingest import ingest_sources
from connectors.http import HttpSettings
from connectors.registry import Partner, Registry
from tests.connectors.parsers.conftest import fixture_bytes
from warehouse.archive import PayloadArchive
from warehouse.connection import connect
from warehouse.load import sync_registry

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
FAST = HttpSettings(retries=0, deadline_s=5.0)


def test_event_dates_in_titles_and_half_emojis_are_ingested(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/agenda.rss").respond_with_data(
        fixture_bytes("rss", "rss20_event_dates_in_titles.xml"), content_type="application/rss+xml")
    httpserver.expect_request("/agenda.html").respond_with_data(
        fixture_bytes("jsonld", "unwritable_characters.html"), content_type="text/html; charset=utf-8")
    hub = Partner.model_validate({
        "id": "hub", "name": {"fr": "Hub", "nl": "Hub", "en": "Hub"}, "website": "https://hub.example.be",
        "sources": [
            {"id": "rss", "kind": "rss", "url": httpserver.url_for("/agenda.rss"), "content": "event", "language": "fr"},
            {"id": "page", "kind": "jsonld", "url": httpserver.url_for("/agenda.html"), "content": "event", "language": "fr"},
        ],
    })
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        sync_registry(con, Registry((hub,), (), {}))
        result = ingest_sources(con, [(hub, source) for source in hub.sources],
                                archive=PayloadArchive(tmp_path / "archive"), settings=FAST, run_id="run-1", now=NOW)
        keys = {row[0] for row in con.execute("SELECT source_key FROM source_items").fetchall()}
    finally:
        con.close()
    rss, page = result.counts[("hub", "rss")], result.counts[("hub", "page")]
    assert (rss.fetched, rss.new, rss.rejected) == (4, 3, 1)  # dates read from the titles; one without any
    # a lone surrogate in the page failed the whole ingestion step (nothing was published)
    assert (page.fetched, page.new, page.rejected) == (2, 2, 0)
    assert "https://hub.example.be/e/emoji" in keys and "https://techhub.example.be/agenda/atelier-rgpd" in keys
