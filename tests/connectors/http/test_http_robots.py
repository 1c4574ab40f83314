"""robots.txt: fetched once per host, honoured for web pages, ignored for feeds."""
from __future__ import annotations

from pytest_httpserver import HTTPServer

from connectors.http import FetchRequest, HttpSettings, fetch_all_sync

ROBOTS = "User-agent: bedigital-agenda\nDisallow: /private\n\nUser-agent: *\nDisallow: /\n"


def _page(url: str, check_robots: bool = True) -> FetchRequest:
    return FetchRequest(partner_id="hub", source_id="events", url=url, check_robots=check_robots)


def _paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def test_disallowed_page_is_not_requested(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(ROBOTS, content_type="text/plain")
    httpserver.expect_request("/private/agenda").respond_with_data("secret")
    url = httpserver.url_for("/private/agenda")

    [result] = fetch_all_sync([_page(url)])

    assert result.outcome == "error"
    assert result.error_code == "robots_disallowed"
    assert url in (result.error or "")
    assert httpserver.url_for("/robots.txt") in (result.error or "")
    assert result.status is None
    assert "/private/agenda" not in _paths(httpserver)


def test_allowed_pages_share_one_robots_fetch(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(ROBOTS)
    httpserver.expect_request("/agenda").respond_with_data("agenda")
    httpserver.expect_request("/calls").respond_with_data("calls")

    results = fetch_all_sync([_page(httpserver.url_for(p)) for p in ("/agenda", "/calls", "/agenda")])

    assert [r.body for r in results] == [b"agenda", b"calls", b"agenda"]
    assert _paths(httpserver).count("/robots.txt") == 1


def test_missing_robots_allows_everything(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("not found", status=404)
    httpserver.expect_request("/private/agenda").respond_with_data("page")

    [result] = fetch_all_sync([_page(httpserver.url_for("/private/agenda"))])

    assert result.body == b"page"


def test_failing_robots_allows_everything(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("oops", status=500)
    httpserver.expect_request("/agenda").respond_with_data("page")

    [result] = fetch_all_sync([_page(httpserver.url_for("/agenda"))])

    assert result.body == b"page"


def test_feeds_skip_robots(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(ROBOTS)
    httpserver.expect_request("/private/feed.xml").respond_with_data("feed")

    [result] = fetch_all_sync([_page(httpserver.url_for("/private/feed.xml"), check_robots=False)])

    assert result.body == b"feed"
    assert "/robots.txt" not in _paths(httpserver)


def test_respect_robots_false_skips_robots(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(ROBOTS)
    httpserver.expect_request("/private/agenda").respond_with_data("page")

    [result] = fetch_all_sync([_page(httpserver.url_for("/private/agenda"))], HttpSettings(respect_robots=False))

    assert result.body == b"page"
    assert "/robots.txt" not in _paths(httpserver)


def test_redirect_into_disallowed_path_is_stopped(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(ROBOTS)
    httpserver.expect_request("/agenda").respond_with_data("", status=302, headers={"Location": "/private/agenda"})
    httpserver.expect_request("/private/agenda").respond_with_data("secret")

    [result] = fetch_all_sync([_page(httpserver.url_for("/agenda"))])

    assert result.error_code == "robots_disallowed"
    assert "/private/agenda" not in _paths(httpserver)


def test_other_agents_rules_apply_to_unknown_bots(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(ROBOTS)
    httpserver.expect_request("/agenda").respond_with_data("page")

    [result] = fetch_all_sync([_page(httpserver.url_for("/agenda"))], HttpSettings(user_agent="otherbot/1.0"))

    assert result.error_code == "robots_disallowed"
    assert "otherbot/1.0" in (result.error or "")
