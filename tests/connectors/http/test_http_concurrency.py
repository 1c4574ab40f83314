"""Per-host and total concurrency limits, result order, and the deadline on slow bodies."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.http import FetchRequest, HttpSettings, fetch_all_sync

if TYPE_CHECKING:
    from conftest import ConcurrencyProbe


def _req(url: str, source_id: str = "feed") -> FetchRequest:
    return FetchRequest(partner_id="hub", source_id=source_id, url=url)


def test_per_host_concurrency_is_capped(threaded_server: HTTPServer, probe: ConcurrencyProbe) -> None:
    threaded_server.expect_request("/slow").respond_with_handler(probe)
    url = threaded_server.url_for("/slow")

    results = fetch_all_sync([_req(url) for _ in range(8)], HttpSettings(per_host_concurrency=2))

    assert all(r.outcome == "fetched" for r in results)
    assert probe.peak["127.0.0.1"] == 2  # never more, and the two slots were really used


def test_total_concurrency_is_capped_across_hosts(threaded_server: HTTPServer, probe: ConcurrencyProbe) -> None:
    threaded_server.expect_request("/slow").respond_with_handler(probe)
    port = threaded_server.port
    urls = [f"http://{host}:{port}/slow" for host in ("127.0.0.1", "localhost") for _ in range(4)]

    results = fetch_all_sync([_req(u) for u in urls], HttpSettings(per_host_concurrency=2, total_concurrency=3))

    assert all(r.outcome == "fetched" for r in results)
    assert probe.peak["127.0.0.1"] <= 2 and probe.peak["localhost"] <= 2
    assert probe.peak_total == 3


def test_results_come_back_in_request_order(threaded_server: HTTPServer) -> None:
    def sleepy(delay: float) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            time.sleep(delay)
            return Response(request.path)

        return handler

    for index, delay in enumerate([0.3, 0.0, 0.2, 0.05]):
        threaded_server.expect_request(f"/s{index}").respond_with_handler(sleepy(delay))
    requests = [_req(threaded_server.url_for(f"/s{i}"), source_id=f"s{i}") for i in range(4)]
    requests.append(_req("gopher://example.org", source_id="bad"))

    results = fetch_all_sync(requests, HttpSettings(per_host_concurrency=4))

    assert [r.source_id for r in results] == ["s0", "s1", "s2", "s3", "bad"]
    assert [r.body for r in results[:4]] == [b"/s0", b"/s1", b"/s2", b"/s3"]


def test_trickling_body_is_cut_at_the_deadline(trickle_url: str) -> None:
    settings = HttpSettings(deadline_s=1.0, retries=2, backoff_s=0.01)

    started = time.monotonic()
    [result] = fetch_all_sync([_req(trickle_url)], settings)
    elapsed = time.monotonic() - started

    assert result.outcome == "error"
    assert result.error_code == "timeout"
    assert result.attempts == 1  # a server that trickles once will trickle again
    assert trickle_url in (result.error or "")
    assert "1s deadline" in (result.error or "")
    assert 0.9 <= elapsed < 2.5
