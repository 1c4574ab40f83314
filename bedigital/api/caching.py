"""ETag and Cache-Control on every response, and 304 answers to matching conditional requests.

A pure ASGI middleware: responses without an ETag are buffered and hashed (API bodies are
small); responses that bring their own ETag (export files) are streamed as they are.
"""
from __future__ import annotations

import hashlib
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DATA_CACHE = "public, max-age=60"
ERROR_CACHE = "no-store"
# A body is only ever compared for equality: a short fast hash is enough for a validator.
ETAG_BYTES = 16


def body_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=ETAG_BYTES).hexdigest() + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


class CachingMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope.get("headers") or [])
        if_none_match = request_headers.get(b"if-none-match", b"").decode("latin-1")
        conditional = scope["method"] in ("GET", "HEAD") and bool(if_none_match)
        start: Message | None = None
        chunks: list[bytes] = []
        passthrough = False
        not_modified = False

        async def send_wrapper(message: Message) -> None:
            nonlocal start, passthrough, not_modified
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {name.lower() for name, _ in headers}
                if b"cache-control" not in names:
                    headers.append((b"cache-control", (DATA_CACHE if message["status"] < 400 else ERROR_CACHE).encode()))
                message = {**message, "headers": headers}
                if b"etag" in names:
                    passthrough = True
                    etag = next(v for n, v in headers if n.lower() == b"etag").decode("latin-1")
                    if conditional and message["status"] == 200 and _matches(if_none_match, etag):
                        not_modified = True
                        await send(_not_modified(headers))
                        return
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            if passthrough:
                if not not_modified:
                    await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = b"".join(chunks)
            etag = body_etag(body)
            headers = [(n, v) for n, v in start["headers"] if n.lower() != b"content-length"]
            headers.append((b"etag", etag.encode("latin-1")))
            if conditional and start["status"] == 200 and _matches(if_none_match, etag):
                await send(_not_modified(headers))
                await send({"type": "http.response.body", "body": b""})
                return
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_wrapper)
        if not_modified:
            await send({"type": "http.response.body", "body": b""})


def _not_modified(headers: list[tuple[bytes, bytes]]) -> Message:
    keep = {b"etag", b"cache-control", b"vary", b"content-location", b"date", b"expires",
            b"access-control-allow-origin", b"access-control-expose-headers"}
    return {"type": "http.response.start", "status": 304, "headers": [(n, v) for n, v in headers if n.lower() in keep]}
