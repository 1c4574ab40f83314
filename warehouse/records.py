"""Plain records the warehouse loads: what one run learned about one source."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from transforms.model import Item, RawItem, Rejection


@dataclass(slots=True)
class FetchRecord:
    """One HTTP fetch of a source, as the fetch log keeps it."""

    partner_id: str
    source_id: str
    url: str
    outcome: str  # fetched | not_modified | error
    started_at: datetime
    duration_s: float
    attempts: int = 1
    status: int | None = None
    final_url: str | None = None
    error_code: str | None = None
    error: str | None = None
    body_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class SourceBatch:
    """Everything one run read from one source: the fetch, and (when parsed) its records."""

    fetch: FetchRecord
    raw_items: list[RawItem] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    parse_error: str | None = None
    warnings: list[str] = field(default_factory=list)
    payload_path: str | None = None
    payload_size: int | None = None
    source_records: int | None = None  # records of the payload when they give several items each (ParseResult)

    @property
    def parsed(self) -> bool:
        return self.fetch.outcome == "fetched" and self.parse_error is None

    @property
    def failed(self) -> bool:
        return self.fetch.outcome == "error" or self.parse_error is not None


@dataclass(slots=True)
class SourceCounts:
    """The accounting of one source in one run: fetched = new + updated + unchanged + merged + rejected."""

    partner_id: str
    source_id: str
    outcome: str  # fetched | not_modified | error
    status: int | None
    error: str | None
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    rejected: int = 0
    duration_s: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.fetched == self.new + self.updated + self.unchanged + self.merged + self.rejected
