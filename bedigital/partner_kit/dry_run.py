"""Dry runs of one partner source: fetch (or replay fixtures), parse and normalise, writing nothing.

The pages go through the very functions ingestion uses (`process_pages`, `process_payload`), with
a throwaway payload archive and no warehouse, so a dry run shows what a real run would load.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone

from bedigital.ingest import WEB_PAGE_KINDS, process_pages, process_payload
from connectors.crawl import CrawlResult, crawl_job, fetch_everything_sync
from connectors.http import FetchRequest, FetchResult, HttpSettings
from connectors.pages import Page, PageRequest
from connectors.registry import PAGED_KINDS, Partner, Source
from warehouse.archive import PayloadArchive
from warehouse.records import SourceBatch


@dataclass
class Fetched:
    """The pages of one source as read live or from fixtures, and how reading went."""

    pages: list[Page]
    now: datetime
    outcome: str = "fetched"  # fetched | error
    error_code: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        return self.error_code == "incomplete"


def fetch_live(partner: Partner, source: Source, settings: HttpSettings, *, now: datetime | None = None) -> Fetched:
    """Every page of the source, now, ignoring any conditional cache."""
    now = now or datetime.now(timezone.utc)
    if source.kind in PAGED_KINDS:
        _, [crawl] = fetch_everything_sync([], [crawl_job(partner.id, source, now=now, force=True)], settings)
        return Fetched(list(crawl.pages), now, crawl.outcome, crawl.error_code, crawl.error, list(crawl.warnings))
    request = FetchRequest(partner.id, source.id, str(source.url), force=True, check_robots=source.kind in WEB_PAGE_KINDS)
    [result], _ = fetch_everything_sync([request], [], settings)
    if not result.ok or result.body is None:
        return Fetched([], now, "error", result.error_code, result.error)
    page = Page(PageRequest(str(source.url)), result.body, final_url=result.final_url, status=result.status,
                content_type=result.content_type)
    return Fetched([page], now)


def process(partner: Partner, source: Source, fetched: Fetched) -> SourceBatch:
    """The batch ingestion would load from these pages: raw records, items, rejections, warnings."""
    now = fetched.now
    with tempfile.TemporaryDirectory(prefix="bedigital-dry-run-") as folder:
        archive = PayloadArchive(folder)
        if source.kind in PAGED_KINDS:
            first = fetched.pages[0] if fetched.pages else None
            crawl = CrawlResult(
                partner.id, source.id, str(source.url), outcome=fetched.outcome, pages=list(fetched.pages),
                status=first.status if first else None, final_url=first.final_url if first else None,
                content_type=first.content_type if first else None, error_code=fetched.error_code, error=fetched.error,
                started_at=now, warnings=list(fetched.warnings),
            )
            return process_pages(partner, source, crawl, archive=archive, now=now)
        return process_payload(partner, source, _fetch_result(partner, source, fetched), archive=archive, now=now)


def _fetch_result(partner: Partner, source: Source, fetched: Fetched) -> FetchResult:
    page = fetched.pages[0] if fetched.pages else None
    return FetchResult(
        partner_id=partner.id, source_id=source.id, url=str(source.url), final_url=page.final_url if page else None,
        status=page.status if page else None, outcome="fetched" if page and fetched.outcome == "fetched" else "error",
        body=page.body if page else None, body_hash=page.body_hash if page else None, headers={},
        content_type=page.content_type if page else None, etag=None, last_modified=None,
        error_code=fetched.error_code, error=fetched.error, attempts=1, started_at=fetched.now, duration_s=0.0,  # type: ignore[arg-type]
    )
