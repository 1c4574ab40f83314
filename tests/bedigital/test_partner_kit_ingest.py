"""Ingesting paged sources into a real warehouse: an incomplete source is a failure that keeps what it read."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
from pytest_httpserver import HTTPServer

from bedigital.ingest import ingest_sources
from connectors.http import HttpSettings
from connectors.registry import Partner, Registry
from pipelines.checks import fetch_ok_result
from warehouse.archive import PayloadArchive
from warehouse.connection import connect
from warehouse.load import sync_registry

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
FAST = HttpSettings(retries=1, backoff_s=0.01, deadline_s=5.0)


def partner(url: str) -> Partner:
    return Partner.model_validate({
        "id": "lab", "name": {"fr": "Lab", "nl": "Lab", "en": "Lab"}, "website": "https://lab.example",
        "sources": [{"id": "events", "kind": "json_api", "url": url, "content": "event", "language": "fr",
                     "records": "data", "fields": {"key": "id", "title": "name", "start": "starts", "url": "link"},
                     "pagination": {"type": "page_number", "param": "page", "size_param": "size", "size": 2}}],
    })


def page(number: int) -> dict:
    return {"data": [{"id": f"{number}-{i}", "name": f"Atelier {number}.{i}", "link": f"https://lab.example/{number}-{i}",
                      "starts": f"2026-03-{number:02d}T1{i}:00:00+01:00"} for i in range(2)]}


def ingest(tmp_path: Path, lab: Partner):
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        sync_registry(con, Registry((lab,), (), {}))
        result = ingest_sources(con, [(lab, lab.sources[0])], archive=PayloadArchive(tmp_path / "archive"),
                                settings=FAST, run_id=f"run-{len(list(tmp_path.glob('*')))}", now=NOW)
        items = con.execute("SELECT count(*) FROM source_items").fetchone()[0]
        log = con.execute("SELECT outcome, error_code, error FROM fetch_log ORDER BY started_at DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return result, items, log


def test_a_failing_second_page_is_incomplete_not_a_success(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api", query_string="size=2&page=1").respond_with_json(page(1))
    httpserver.expect_request("/api", query_string="size=2&page=2").respond_with_data("upstream down", status=500)
    lab = partner(httpserver.url_for("/api"))
    result, items, (outcome, error_code, error) = ingest(tmp_path, lab)
    counts = result.counts[("lab", "events")]
    assert (outcome, error_code) == ("error", "incomplete")
    assert error.startswith(f"page 2 of {httpserver.url_for('/api')}") and "HTTP 500" in error
    assert items == 2 and counts.new == 2  # page 1's records are loaded
    check = fetch_ok_result(dg.AssetKey(["source", "lab", "events"]), counts)
    assert check.passed is False and "page 2" in (check.description or "")


def test_a_complete_crawl_then_an_unchanged_one(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api", query_string="size=2&page=1").respond_with_json(page(1))
    httpserver.expect_request("/api", query_string="size=2&page=2").respond_with_json(page(2))
    httpserver.expect_request("/api", query_string="size=2&page=3").respond_with_json({"data": []})
    lab = partner(httpserver.url_for("/api"))
    first, items, (outcome, _, _) = ingest(tmp_path, lab)
    assert outcome == "fetched" and items == 4 and first.counts[("lab", "events")].fetched == 4
    second, _, (outcome, _, _) = ingest(tmp_path, lab)
    assert outcome == "not_modified" and second.counts[("lab", "events")].fetched == 0
