"""What a caller asks the HTTP layer for, and what it gets back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Outcome = Literal["fetched", "not_modified", "error"]
ErrorCode = Literal[
    "timeout",
    "too_large",
    "http_status",
    "connection",
    "too_many_redirects",
    "robots_disallowed",
    "invalid_url",
    "decoding",  # a body whose content-encoding is unsupported or corrupt
    "internal",  # a bug on our side, reported instead of raised
    "incomplete",  # a multi-page source whose later page failed: the pages read are kept, nothing is removed
]


@dataclass(frozen=True)
class FetchRequest:
    """One source URL to fetch, with what we remember of its last fetch."""

    partner_id: str
    source_id: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    previous_hash: str | None = None  # sha256 hex of the last body we processed
    force: bool = False  # ignore the conditional cache (daily full refresh)
    check_robots: bool = False  # True for web pages (jsonld/html kinds), False for feeds
    method: str = "GET"  # POST for search APIs that take a JSON body
    headers: tuple[tuple[str, str], ...] = ()  # extra request headers (API keys come from the environment)
    json_body: object = None  # sent as a JSON document when not None


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one FetchRequest; errors are values, never exceptions."""

    partner_id: str
    source_id: str
    url: str
    final_url: str | None
    status: int | None  # last HTTP status, None when no response
    outcome: Outcome
    body: bytes | None  # decoded body; None unless outcome == "fetched"
    body_hash: str | None  # sha256 hex of the body (also set for not_modified-by-hash)
    headers: dict[str, str]  # response headers, lower-case names
    content_type: str | None
    etag: str | None
    last_modified: str | None
    error_code: ErrorCode | None
    error: str | None  # a readable sentence naming what failed and the URL
    attempts: int
    started_at: datetime  # UTC aware
    duration_s: float

    @property
    def ok(self) -> bool:
        """True unless the fetch failed."""
        return self.outcome != "error"
