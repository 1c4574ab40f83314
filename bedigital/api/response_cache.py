"""Recent answers of the fast path, reused within one snapshot for a few seconds.

The key is the snapshot id, the path, the raw query string and the two headers an answer depends on
(Accept-Language, Accept): a new publication changes the id, so it is served at once. Entries also
expire after `seconds`, because `open=true` depends on the time (a call's deadline passes); that is
well within the `Cache-Control: max-age=60` every answer already carries. Only 200 answers are kept,
with their ETag computed once.
"""
from __future__ import annotations

import os
import time
from typing import Any

from fastapi import Request, Response

SECONDS_ENV = "BEDIGITAL_RESPONSE_CACHE_SECONDS"
DEFAULT_SECONDS = 10.0
MAX_ENTRIES = 2048
MAX_BODY = 256 * 1024

Key = tuple[Any, ...]


class ResponseCache:
    def __init__(self, seconds: float | None = None, *, entries: int = MAX_ENTRIES) -> None:
        if seconds is None:
            seconds = float(os.environ.get(SECONDS_ENV, DEFAULT_SECONDS))
        self.seconds = seconds
        self.entries = entries
        self._store: dict[Key, tuple[float, bytes, str, dict[str, str]]] = {}

    def key(self, request: Request, snapshot_id: str) -> Key | None:
        if self.seconds <= 0:
            return None
        headers = request.headers
        return (snapshot_id, request.scope["path"], request.scope.get("query_string", b""),
                headers.get("accept-language"), headers.get("accept"))

    def get(self, key: Key | None) -> Response | None:
        if key is None:
            return None
        entry = self._store.get(key)
        if entry is None:
            return None
        expires, body, media_type, headers = entry
        if time.monotonic() >= expires:
            self._store.pop(key, None)
            return None
        return Response(body, media_type=media_type, headers=headers)

    def put(self, key: Key | None, response: Response) -> None:
        if key is None or response.status_code != 200 or len(response.body) > MAX_BODY:
            return
        if len(self._store) >= self.entries:
            self._store.pop(next(iter(self._store)), None)  # the oldest
        headers = {name: value for name, value in response.headers.items() if name in ("etag", "vary")}
        self._store[key] = (time.monotonic() + self.seconds, bytes(response.body), response.media_type or "", headers)
