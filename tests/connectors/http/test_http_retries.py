"""Retries with backoff on 5xx, 429 and connection errors; Retry-After; no retry on other 4xx."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from pytest_httpserver import HTTPServer

from connectors.http import FetchRequest, HttpSettings, fetch_all_sync
from connectors.http.retry import parse_retry_after


def _req(url: str) -> FetchRequest:
    return FetchRequest(partner_id="hub", source_id="feed", url=url)


def test_500_is_retried_then_reported(httpserver: HTTPServer) -> None:
    settings = HttpSettings(retries=3, backoff_s=0.01)
    httpserver.expect_request("/feed").respond_with_data("boom", status=500)
    url = httpserver.url_for("/feed")

    [result] = fetch_all_sync([_req(url)], settings)

    assert result.outcome == "error"
    assert result.error_code == "http_status"
    assert result.status == 500
    assert result.attempts == 4
    assert len(httpserver.log) == 4
    assert result.error == f"HTTP 500 INTERNAL SERVER ERROR from {url} after 4 attempts"


def test_500_then_200_succeeds(httpserver: HTTPServer, fast: HttpSettings) -> None:
    httpserver.expect_ordered_request("/feed").respond_with_data("boom", status=502)
    httpserver.expect_ordered_request("/feed").respond_with_data("ok")

    [result] = fetch_all_sync([_req(httpserver.url_for("/feed"))], fast)

    assert result.outcome == "fetched"
    assert result.body == b"ok"
    assert result.attempts == 2


def test_503_retry_after_seconds_is_honoured(httpserver: HTTPServer, fast: HttpSettings) -> None:
    httpserver.expect_ordered_request("/feed").respond_with_data("busy", status=503, headers={"Retry-After": "1"})
    httpserver.expect_ordered_request("/feed").respond_with_data("ok")

    started = time.monotonic()
    [result] = fetch_all_sync([_req(httpserver.url_for("/feed"))], fast)
    elapsed = time.monotonic() - started

    assert result.outcome == "fetched"
    assert result.attempts == 2
    assert elapsed >= 0.95


def test_429_retry_after_date_is_capped(httpserver: HTTPServer) -> None:
    settings = HttpSettings(backoff_s=0.01, max_retry_after_s=0.2)
    in_an_hour = format_datetime(datetime.now(timezone.utc) + timedelta(hours=1), usegmt=True)
    httpserver.expect_ordered_request("/feed").respond_with_data("slow down", status=429, headers={"Retry-After": in_an_hour})
    httpserver.expect_ordered_request("/feed").respond_with_data("ok")

    started = time.monotonic()
    [result] = fetch_all_sync([_req(httpserver.url_for("/feed"))], settings)
    elapsed = time.monotonic() - started

    assert result.outcome == "fetched"
    assert 0.19 <= elapsed < 2


def test_404_is_not_retried(httpserver: HTTPServer, fast: HttpSettings) -> None:
    httpserver.expect_request("/gone").respond_with_data("nope", status=404)
    url = httpserver.url_for("/gone")

    [result] = fetch_all_sync([_req(url)], fast)

    assert result.error_code == "http_status"
    assert result.status == 404
    assert result.attempts == 1
    assert len(httpserver.log) == 1
    assert result.error == f"HTTP 404 NOT FOUND from {url}"


def test_connection_refused_is_an_error_result(closed_port_url: str) -> None:
    settings = HttpSettings(retries=2, backoff_s=0.01)

    [result] = fetch_all_sync([_req(closed_port_url)], settings)

    assert result.outcome == "error"
    assert result.error_code == "connection"
    assert result.status is None
    assert result.attempts == 3
    assert closed_port_url in (result.error or "")
    assert (result.error or "").endswith("after 3 attempts")


def test_one_failure_does_not_affect_the_others(httpserver: HTTPServer, closed_port_url: str, fast: HttpSettings) -> None:
    httpserver.expect_request("/feed").respond_with_data("ok")

    results = fetch_all_sync([_req(closed_port_url), _req("mailto:x@example.org"), _req(httpserver.url_for("/feed"))], fast)

    assert [r.error_code for r in results] == ["connection", "invalid_url", None]
    assert results[2].body == b"ok"


def test_parse_retry_after() -> None:
    now = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
