"""Conditional GET, body hashes, headers and results of plain successful fetches."""
from __future__ import annotations

import asyncio
import hashlib
from datetime import timezone

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.http import FetchRequest, HttpSettings, fetch_all, fetch_all_sync

FEED = b"<rss><channel><title>Feed</title></channel></rss>"


def _req(url: str, **kwargs: object) -> FetchRequest:
    return FetchRequest(partner_id="hub", source_id="news", url=url, **kwargs)  # type: ignore[arg-type]


def test_200_with_etag_then_304(httpserver: HTTPServer, fast: HttpSettings) -> None:
    httpserver.expect_ordered_request("/feed").respond_with_data(
        FEED,
        content_type="application/rss+xml",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 10:00:00 GMT"},
    )
    httpserver.expect_ordered_request(
        "/feed", headers={"If-None-Match": '"v1"', "If-Modified-Since": "Wed, 01 Jan 2025 10:00:00 GMT"}
    ).respond_with_data("", status=304)
    url = httpserver.url_for("/feed")

    [first] = fetch_all_sync([_req(url)], fast)
    assert first.outcome == "fetched"
    assert first.status == 200
    assert first.body == FEED
    assert first.body_hash == hashlib.sha256(FEED).hexdigest()
    assert first.etag == '"v1"'
    assert first.last_modified == "Wed, 01 Jan 2025 10:00:00 GMT"
    assert first.content_type == "application/rss+xml"
    assert first.headers["etag"] == '"v1"'
    assert first.final_url == url
    assert first.error_code is None and first.error is None
    assert first.attempts == 1
    assert first.started_at.tzinfo == timezone.utc
    assert first.duration_s >= 0

    [second] = fetch_all_sync([_req(url, etag=first.etag, last_modified=first.last_modified)], fast)
    assert second.outcome == "not_modified"
    assert second.status == 304
    assert second.body is None
    assert second.etag == '"v1"'
    assert second.last_modified == "Wed, 01 Jan 2025 10:00:00 GMT"
    httpserver.check_assertions()


def test_same_body_hash_is_not_modified(httpserver: HTTPServer, fast: HttpSettings) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)
    previous = hashlib.sha256(FEED).hexdigest()

    [result] = fetch_all_sync([_req(httpserver.url_for("/feed"), previous_hash=previous)], fast)

    assert result.outcome == "not_modified"
    assert result.status == 200
    assert result.body is None
    assert result.body_hash == previous


def test_changed_body_hash_is_fetched(httpserver: HTTPServer, fast: HttpSettings) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)

    [result] = fetch_all_sync([_req(httpserver.url_for("/feed"), previous_hash="0" * 64)], fast)

    assert result.outcome == "fetched"
    assert result.body == FEED


def test_force_ignores_validators_and_hash(httpserver: HTTPServer, fast: HttpSettings) -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
            return Response("", status=304)
        return Response(FEED)

    httpserver.expect_request("/feed").respond_with_handler(handler)
    request = _req(
        httpserver.url_for("/feed"),
        etag='"v1"',
        last_modified="Wed, 01 Jan 2025 10:00:00 GMT",
        previous_hash=hashlib.sha256(FEED).hexdigest(),
        force=True,
    )

    [result] = fetch_all_sync([request], fast)

    assert result.outcome == "fetched"
    assert result.body == FEED
    assert "If-None-Match" not in seen[0].headers
    assert "If-Modified-Since" not in seen[0].headers


def test_identifying_user_agent_is_sent(httpserver: HTTPServer) -> None:
    settings = HttpSettings(user_agent="bedigital-agenda/test (+https://example.org/bot)")
    httpserver.expect_request(
        "/feed", headers={"User-Agent": "bedigital-agenda/test (+https://example.org/bot)"}
    ).respond_with_data(FEED)

    [result] = fetch_all_sync([_req(httpserver.url_for("/feed"))], settings)

    assert result.outcome == "fetched"


def test_redirect_is_followed(httpserver: HTTPServer, fast: HttpSettings) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data(FEED)

    [result] = fetch_all_sync([_req(httpserver.url_for("/old"))], fast)

    assert result.outcome == "fetched"
    assert result.url == httpserver.url_for("/old")
    assert result.final_url == httpserver.url_for("/new")
    assert result.body == FEED


def test_redirect_loop_is_too_many_redirects(httpserver: HTTPServer) -> None:
    settings = HttpSettings(max_redirects=3, backoff_s=0.01)
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})

    [result] = fetch_all_sync([_req(httpserver.url_for("/a"))], settings)

    assert result.outcome == "error"
    assert result.error_code == "too_many_redirects"
    assert "More than 3 redirects" in (result.error or "")
    assert httpserver.url_for("/a") in (result.error or "")
    assert len(httpserver.log) == 4  # the first request and three redirects followed
    assert result.attempts == 1


def test_redirect_to_other_scheme_is_invalid_url(httpserver: HTTPServer, fast: HttpSettings) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=302, headers={"Location": "ftp://example.org/x"})

    [result] = fetch_all_sync([_req(httpserver.url_for("/old"))], fast)

    assert result.error_code == "invalid_url"
    assert "ftp://example.org/x" in (result.error or "")


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "not a url", "", "http://"])
def test_invalid_url(url: str, fast: HttpSettings) -> None:
    [result] = fetch_all_sync([_req(url)], fast)

    assert result.outcome == "error"
    assert result.error_code == "invalid_url"
    assert result.status is None
    assert result.attempts == 0
    assert repr(url) in (result.error or "")


def test_empty_request_list() -> None:
    assert fetch_all_sync([]) == []


def test_bad_inputs_raise_clear_errors() -> None:
    with pytest.raises(TypeError, match="item 0 is a dict, not a FetchRequest"):
        fetch_all_sync([{"url": "http://example.org"}])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="per_host_concurrency"):
        HttpSettings(per_host_concurrency=0)
    with pytest.raises(ValidationError, match="timeout_s"):
        HttpSettings(timeout_s=3)  # type: ignore[call-arg]


def test_sync_wrapper_works_inside_a_running_loop(httpserver: HTTPServer, fast: HttpSettings) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)

    async def caller() -> bytes | None:
        return fetch_all_sync([_req(httpserver.url_for("/feed"))], fast)[0].body

    assert asyncio.run(caller()) == FEED


def test_async_api(httpserver: HTTPServer, fast: HttpSettings) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)

    [result] = asyncio.run(fetch_all([_req(httpserver.url_for("/feed"))], fast))

    assert result.body == FEED
