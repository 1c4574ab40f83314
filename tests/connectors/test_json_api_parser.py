"""json_api parsing and paging as pure functions of bytes: paths, transforms, loud failures."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from connectors.pages import Page, PageRequest
from connectors.parsers import parse_pages, parse_payload
from connectors.parsers.json_api import JsonApiPager, select
from connectors.registry import JsonApiSource

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)


def source(**extra) -> JsonApiSource:
    config = {"id": "calls", "kind": "json_api", "url": "https://api.example/search", "content": "call", "language": "en",
              "records": "results", "fields": {"key": "ref", "title": "title"}}
    return JsonApiSource.model_validate({**config, **extra})


def page(document: object, url: str = "https://api.example/search") -> Page:
    return Page(PageRequest(url), json.dumps(document).encode(), content_type="application/json")


def test_paths_reach_nested_values_lists_and_wildcards() -> None:
    doc = {"a": {"b": [{"c": 1}, {"c": 2}]}, "m": {"t": ["x", "y"]}}
    assert select(doc, "$.a.b[*].c") == [1, 2] and select(doc, "m.t[0]") == ["x"] and select(doc, "a.zz") == []


def test_transforms_join_strptime_zone_map_template_default() -> None:
    cfg = source(fields={
        "key": {"path": "ref", "template": "eu-{value}"},
        "title": {"path": "title", "default": "(sans titre)"},
        "deadline": {"path": ["d", "t"], "join": " ", "format": "%Y-%m-%d %H:%M Brussels time", "timezone": "Europe/Brussels"},
        "status": {"path": "code", "map": {"1": "scheduled", "2": "cancelled"}},
        "price": "cost", "is_free": "free",
    })
    record = {"ref": "A1", "title": "", "d": "2026-04-15", "t": "17:00 Brussels time", "code": "2", "cost": "12,50 €", "free": "non"}
    [item] = parse_payload("json_api", json.dumps({"results": [record]}).encode(), partner_id="p", source_id="calls",
                           base_url="https://api.example/search", content_type=None, default_timezone="Europe/Brussels",
                           now=NOW, source=cfg).items
    assert item.key == "eu-A1" and item.title == "(sans titre)" and item.status == "cancelled"
    assert item.deadline == datetime(2026, 4, 15, 17, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    assert item.price == 12.5 and item.is_free is False


def test_a_bad_date_rejects_the_record_naming_the_field() -> None:
    cfg = source(fields={"key": "ref", "title": "title", "start": {"path": "s", "format": "%d/%m/%Y"}})
    result = parse_pages(cfg, [page({"results": [{"ref": "1", "title": "T", "s": "2026-13-45"}]})], partner_id="p", now=NOW)
    [rejection] = result.rejections
    assert rejection.reason == "invalid_date" and rejection.field == "start" and "2026-13-45" in rejection.message


def test_a_records_path_that_is_not_there_is_an_error_listing_what_is() -> None:
    result = parse_pages(source(records="data.items"), [page({"results": [], "total": 0})], partner_id="p", now=NOW)
    assert result.error and "'data.items' is not in page 1" in result.error and "results" in result.error


def test_pages_announced_but_not_read_are_a_warning() -> None:
    cfg = source(pagination={"type": "page_number", "param": "page", "total": "total"})
    result = parse_pages(cfg, [page({"results": [{"ref": "1", "title": "T"}], "total": 40})], partner_id="p", now=NOW)
    assert any("announced 40 records and 1 were read" in w for w in result.warnings)


def test_offset_and_cursor_pagination_requests() -> None:
    offset = JsonApiPager(source(pagination={"type": "offset", "param": "offset", "size_param": "limit", "size": 2}), now=NOW)
    [first] = offset.first()
    assert first.url == "https://api.example/search?limit=2&offset=0"
    [following] = offset.follow(page({"results": [{"ref": "1"}, {"ref": "2"}]}, first.url), 0)
    assert following.url.endswith("limit=2&offset=2")
    assert offset.follow(page({"results": [{"ref": "3"}]}, following.url), 1) == []  # a short page is the last
    cursor = JsonApiPager(source(pagination={"type": "cursor", "param": "after", "next": "meta.next"}), now=NOW)
    [after] = cursor.follow(page({"results": [{"ref": "1"}], "meta": {"next": "abc"}}), 0)
    assert after.url.endswith("after=abc")
    assert cursor.follow(page({"results": [{"ref": "2"}], "meta": {"next": None}}), 1) == []


def test_incremental_cursor_and_date_placeholders_fill_the_query() -> None:
    cfg = source(params={"from": "{today}", "to": "{today+30d}"},
                 incremental={"param": "modified_after", "overlap": "PT1H"})
    [request] = JsonApiPager(cfg, now=NOW, cursor=NOW - timedelta(days=2)).first()
    assert "from=2026-01-15" in request.url and "to=2026-02-14" in request.url
    assert "modified_after=2026-01-13T08%3A00%3A00Z" in request.url
    [full] = JsonApiPager(cfg, now=NOW).first()
    assert "modified_after" not in full.url
