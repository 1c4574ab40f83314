"""Paged sources over real HTTP on 127.0.0.1: every page read in order, politely; a failing later page is loud."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.crawl import crawl_job, fetch_everything_sync
from connectors.http import HttpSettings, open_session
from connectors.parsers import parse_pages
from connectors.registry import HtmlSource, JsonApiSource

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
FAST = HttpSettings(retries=1, backoff_s=0.01, deadline_s=5.0)


def api_source(url: str, **extra) -> JsonApiSource:
    config = {
        "id": "events", "kind": "json_api", "url": url, "content": "event", "language": "fr",
        "records": "data", "fields": {"key": "id", "title": "name", "start": "starts"},
        "pagination": {"type": "next_url", "next": "next"},
    }
    return JsonApiSource.model_validate({**config, **extra})


def records(page: int) -> list[dict]:
    return [{"id": f"{page}-{i}", "name": f"Event {page}.{i}", "starts": f"2026-03-{page:02d}T1{i}:00:00+01:00"} for i in range(3)]


def serve_pages(server: HTTPServer, count: int, failing: int | None = None) -> None:
    for page in range(1, count + 1):
        body = {"data": records(page)}
        if page < count:
            body["next"] = server.url_for(f"/api?page={page + 1}")
        query = "" if page == 1 else {"page": str(page)}
        if page == failing:
            server.expect_request("/api", query_string=query).respond_with_data("boom", status=500)
        else:
            server.expect_request("/api", query_string=query).respond_with_json(body)


def crawl_once(source, **job):
    _, [result] = fetch_everything_sync([], [crawl_job("lab", source, now=NOW, **job)], FAST)
    return result


def test_every_page_is_read_in_order_and_parsed(httpserver: HTTPServer) -> None:
    serve_pages(httpserver, 3)
    result = crawl_once(api_source(httpserver.url_for("/api")))
    assert result.outcome == "fetched" and len(result.pages) == 3
    assert [p.request.url.rsplit("/", 1)[-1] for p in result.pages] == ["api", "api?page=2", "api?page=3"]
    parsed = parse_pages(api_source(httpserver.url_for("/api")), result.pages, partner_id="lab", now=NOW)
    assert [item.key for item in parsed.items] == [f"{p}-{i}" for p in (1, 2, 3) for i in range(3)]


def test_a_failing_second_page_makes_the_source_incomplete(httpserver: HTTPServer) -> None:
    serve_pages(httpserver, 3, failing=2)
    result = crawl_once(api_source(httpserver.url_for("/api")))
    assert result.outcome == "error" and result.error_code == "incomplete"
    assert result.error.startswith("page 2 of ") and "HTTP 500" in result.error
    assert len(result.pages) == 1  # page 1 is kept: its records are still loaded


def test_an_unchanged_api_is_not_modified_by_the_hash_of_its_pages(httpserver: HTTPServer) -> None:
    serve_pages(httpserver, 2)
    first = crawl_once(api_source(httpserver.url_for("/api")))
    again = crawl_once(api_source(httpserver.url_for("/api")), previous_hash=first.body_hash)
    assert again.outcome == "not_modified" and again.body_hash == first.body_hash


def test_max_pages_stops_loudly(httpserver: HTTPServer) -> None:
    serve_pages(httpserver, 3)
    source = api_source(httpserver.url_for("/api"), pagination={"type": "next_url", "next": "next", "max_pages": 2})
    result = crawl_once(source)
    assert len(result.pages) == 2 and result.outcome == "fetched"
    assert any("stopped after 2 pages" in warning for warning in result.warnings)


def test_a_pagination_loop_is_read_once_and_reported(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api").respond_with_json({"data": records(1), "next": httpserver.url_for("/api")})
    result = crawl_once(api_source(httpserver.url_for("/api")))
    assert len(result.pages) == 1 and any("announced twice" in warning for warning in result.warnings)


def test_post_search_with_page_numbers_in_the_query_and_a_secret_header(httpserver: HTTPServer, monkeypatch) -> None:
    seen: list[tuple[str, dict, str | None]] = []

    def handler(request: Request) -> Response:
        page = int(request.args["pageNumber"])
        seen.append((request.method, json.loads(request.data), request.headers.get("X-Api-Key")))
        body = {"total": 5, "results": records(page)[: 3 if page == 1 else 2]}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/search", method="POST").respond_with_handler(handler)
    source = api_source(
        httpserver.url_for("/search"), method="POST", body={"status": ["open"]}, records="results",
        headers={"X-Api-Key": "k3y"},
        pagination={"type": "page_number", "param": "pageNumber", "size_param": "pageSize", "size": 3, "total": "total"},
    )
    result = crawl_once(source)
    assert len(result.pages) == 2 and seen == [("POST", {"status": ["open"]}, "k3y")] * 2
    parsed = parse_pages(source, result.pages, partner_id="lab", now=NOW)
    assert len(parsed.items) == 5 and not any("pages are missing" in w for w in parsed.warnings)


def test_html_listing_with_detail_pages_and_a_next_link(httpserver: HTTPServer) -> None:
    def listing(page: int) -> str:
        items = "".join(f'<article><h2><a href="/call/{page}-{i}">Appel {page}.{i}</a></h2>'
                        f'<p class="dl">Date limite : {10 + i} mars 2026</p></article>' for i in range(2))
        more = '<a class="next" href="/calls?page=1">Suivant</a>' if page == 0 else ""
        return f"<html><body>{items}{more}</body></html>"

    httpserver.expect_request("/calls", query_string="").respond_with_data(listing(0), content_type="text/html")
    httpserver.expect_request("/calls", query_string="page=1").respond_with_data(listing(1), content_type="text/html")
    for page in (0, 1):
        for i in range(2):
            httpserver.expect_request(f"/call/{page}-{i}").respond_with_data(
                f'<html><body><div class="body"><p>Texte {page}.{i}</p></div><p class="open">jeudi 5 février 2026 à 14h</p></body></html>',
                content_type="text/html")
    source = HtmlSource.model_validate({
        "id": "calls", "kind": "html", "url": httpserver.url_for("/calls"), "content": "call", "language": "fr",
        "items": "article", "fields": {"title": "h2", "url": {"css": "h2 a", "attr": "href"}, "deadline": ".dl"},
        "detail": {"fields": {"description_html": {"css": ".body", "html": True}, "start": ".open"}},
        "pagination": {"next": "a.next"},
    })
    result = crawl_once(source)
    assert [p.request.role for p in result.pages] == ["listing", "detail", "detail", "listing", "detail", "detail"]
    parsed = parse_pages(source, result.pages, partner_id="lab", now=NOW)
    assert len(parsed.items) == 4
    first = parsed.items[0]
    assert first.description_html == "<p>Texte 0.0</p>" and first.start == datetime(2026, 2, 5, 14, 0)
    assert first.deadline.isoformat() == "2026-03-10" and first.url == httpserver.url_for("/call/0-0")




def test_robots_crawl_delay_is_read(httpserver: HTTPServer) -> None:
    import asyncio

    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nCrawl-delay: 3\n")

    async def delay() -> float | None:
        async with open_session(FAST) as session:
            return await session.crawl_delay(httpserver.url_for("/api"))

    assert asyncio.run(delay()) == 3.0
