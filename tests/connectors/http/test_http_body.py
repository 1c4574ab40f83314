"""Body size caps and content-encoding decoding, gzip bombs included."""
from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest
from pytest_httpserver import HTTPServer

from connectors.http import FetchRequest, HttpSettings, fetch_all_sync

MB = 1024 * 1024


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """50 MB of zeros, about 50 KB once gzipped."""
    return gzip.compress(b"\0" * (50 * MB), compresslevel=9)


def _req(url: str) -> FetchRequest:
    return FetchRequest(partner_id="hub", source_id="page", url=url)


def test_gzip_body_is_decoded(httpserver: HTTPServer) -> None:
    text = b"<feed>" + b"entry " * 10_000 + b"</feed>"
    httpserver.expect_request("/feed").respond_with_data(gzip.compress(text), headers={"Content-Encoding": "gzip"})

    [result] = fetch_all_sync([_req(httpserver.url_for("/feed"))])

    assert result.outcome == "fetched"
    assert result.body == text


@pytest.mark.parametrize("raw", [True, False], ids=["raw-deflate", "zlib-deflate"])
def test_deflate_body_is_decoded(httpserver: HTTPServer, raw: bool) -> None:
    text = b"hello deflate " * 1000
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
    httpserver.expect_request("/feed").respond_with_data(
        packer.compress(text) + packer.flush(), headers={"Content-Encoding": "deflate"}
    )

    [result] = fetch_all_sync([_req(httpserver.url_for("/feed"))])

    assert result.body == text


def test_gzip_bomb_is_stopped_without_inflating_it(httpserver: HTTPServer, gzip_bomb: bytes) -> None:
    httpserver.expect_request("/bomb").respond_with_data(gzip_bomb, headers={"Content-Encoding": "gzip"})
    settings = HttpSettings(max_bytes=1 * MB)

    tracemalloc.start()
    try:
        [result] = fetch_all_sync([_req(httpserver.url_for("/bomb"))], settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.outcome == "error"
    assert result.error_code == "too_large"
    assert result.status == 200
    assert result.body is None
    assert "exceeds the 1 MiB limit" in (result.error or "")
    assert httpserver.url_for("/bomb") in (result.error or "")
    # Inflating the whole bomb would allocate 50 MB; we stop a step past the cap.
    assert peak < 16 * MB


def test_plain_body_over_limit_is_too_large(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"a" * (2 * MB))

    [result] = fetch_all_sync([_req(httpserver.url_for("/big"))], HttpSettings(max_bytes=MB))

    assert result.error_code == "too_large"
    assert result.attempts == 1  # not retried: the body will be as large next time


def test_body_at_exactly_the_limit_is_fetched(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/edge").respond_with_data(b"a" * 1000)

    [result] = fetch_all_sync([_req(httpserver.url_for("/edge"))], HttpSettings(max_bytes=1000))

    assert result.outcome == "fetched"
    assert len(result.body or b"") == 1000


def test_corrupt_gzip_is_a_decoding_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/bad").respond_with_data(b"this is not gzip", headers={"Content-Encoding": "gzip"})

    [result] = fetch_all_sync([_req(httpserver.url_for("/bad"))])

    assert result.error_code == "decoding"
    assert "corrupt gzip" in (result.error or "")
    assert httpserver.url_for("/bad") in (result.error or "")


def test_unsupported_encoding_is_a_decoding_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/br").respond_with_data(b"\x8b\x02\x80", headers={"Content-Encoding": "br"})

    [result] = fetch_all_sync([_req(httpserver.url_for("/br"))])

    assert result.error_code == "decoding"
    assert "Unsupported Content-Encoding br" in (result.error or "")


def test_only_decodable_encodings_are_accepted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed", headers={"Accept-Encoding": "gzip, deflate"}).respond_with_data(b"ok")

    [result] = fetch_all_sync([_req(httpserver.url_for("/feed"))])

    assert result.body == b"ok"
