"""Reading a streamed response body, decoding content-encoding under a size cap.

httpx's own decoders inflate a whole network chunk at once, so a 64 KB chunk of a
gzip bomb becomes tens of megabytes before any check can run. zlib's max_length lets
us inflate in bounded steps and stop as soon as the cap is passed.
"""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import AsyncIterator, Iterator

import httpx

from .errors import FetchError

_STEP = 64 * 1024  # largest piece inflated at once


class _ZlibStage:
    """One gzip or deflate layer, inflating in bounded steps."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        # gzip and x-gzip carry a gzip header; "deflate" is zlib-wrapped by the RFC but
        # often raw in practice, so a first failure switches to raw deflate as httpx does.
        wbits = zlib.MAX_WBITS | 16 if encoding != "deflate" else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits)
        self._first = encoding == "deflate"

    def feed(self, data: bytes) -> Iterator[bytes]:
        pending = data
        while pending and not self._inflater.eof:
            try:
                out = self._inflater.decompress(pending, _STEP)
            except zlib.error as exc:
                if self._first:
                    self._first = False
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise _CorruptEncoding(f"corrupt {self._encoding} data: {exc}") from exc
            self._first = False
            pending = self._inflater.unconsumed_tail
            if out:
                yield out

    def flush(self) -> Iterator[bytes]:
        try:
            out = self._inflater.flush()
        except zlib.error as exc:
            raise _CorruptEncoding(f"corrupt {self._encoding} data: {exc}") from exc
        if out:
            yield out


class _CorruptEncoding(Exception):
    pass


_SUPPORTED = {"gzip", "x-gzip", "deflate"}
ACCEPT_ENCODING = "gzip, deflate"


def _stages(content_encoding: str | None, url: str) -> list[_ZlibStage]:
    """Decoders to apply in order: the header lists encodings in the order they were applied."""
    names = [n.strip().lower() for n in (content_encoding or "").split(",")]
    names = [n for n in names if n and n != "identity"]
    unsupported = [n for n in names if n not in _SUPPORTED]
    if unsupported:
        raise FetchError(
            "decoding",
            f"Unsupported Content-Encoding {', '.join(unsupported)!s} from {url} "
            f"(we accept {ACCEPT_ENCODING})",
        )
    return [_ZlibStage(n) for n in reversed(names)]


def _run(stages: list[_ZlibStage], data: bytes, index: int = 0) -> Iterator[bytes]:
    if index == len(stages):
        if data:
            yield data
        return
    for piece in stages[index].feed(data):
        yield from _run(stages, piece, index + 1)


def _run_flush(stages: list[_ZlibStage], index: int = 0) -> Iterator[bytes]:
    if index == len(stages):
        return
    for piece in stages[index].flush():
        yield from _run(stages, piece, index + 1)
    yield from _run_flush(stages, index + 1)


async def read_body(response: httpx.Response, max_bytes: int) -> tuple[bytes, str]:
    """The decoded body and its sha256 hex; FetchError too_large once it passes max_bytes."""
    url = str(response.url)
    stages = _stages(response.headers.get("content-encoding"), url)
    if not stages:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(url, max_bytes, f"Content-Length is {int(declared)} bytes")
    parts: list[bytes] = []
    size = 0
    digest = hashlib.sha256()
    try:
        async for piece in _decoded(response, stages):
            size += len(piece)
            if size > max_bytes:
                raise _too_large(url, max_bytes, "the decoded body is larger")
            parts.append(piece)
            digest.update(piece)
    except _CorruptEncoding as exc:
        raise FetchError("decoding", f"Could not decode the body from {url}: {exc}") from exc
    return b"".join(parts), digest.hexdigest()


async def _decoded(response: httpx.Response, stages: list[_ZlibStage]) -> AsyncIterator[bytes]:
    async for chunk in response.aiter_raw():
        for piece in _run(stages, chunk):
            yield piece
    for piece in _run_flush(stages):
        yield piece


def _too_large(url: str, max_bytes: int, why: str) -> FetchError:
    return FetchError("too_large", f"Body from {url} exceeds the {_size(max_bytes)} limit ({why})")


def _size(count: int) -> str:
    """A byte count as people read it: 15 MiB, 512 KiB, 300 B."""
    for unit, scale in (("MiB", 2**20), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} B"
