"""Reading paged sources (json_api, html, python): every page, in order, politely, on the shared HTTP layer.

A crawl asks its pager for the first requests, fetches them one at a time through the same
HttpSession as the single-URL sources (same client, host limits, retries, deadlines, robots cache),
and asks the pager what each page leads to. Between two requests to a host it waits the source's
minimum delay, or robots.txt's Crawl-delay when that is longer. It stops at the source's
`max_requests`, says so, and never asks for the same page twice.

A first page that fails is the source's error, as for any source. A later page that fails makes
the crawl "incomplete": the pages read are kept (their records are loaded, nothing is removed)
and the source is reported as failed, with the page that failed and why.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from connectors.http import FetchRequest, FetchResult, HttpSession, HttpSettings, open_session
from connectors.pages import Page, PageRequest, Pager, pages_hash

log = logging.getLogger(__name__)
# What an API answers for a page number past its last page (WordPress: 400; others 404 or 416).
_PAST_THE_END = frozenset({400, 404, 416})


@dataclass(frozen=True, slots=True)
class CrawlJob:
    """One paged source to read."""

    partner_id: str
    source_id: str
    url: str
    pager: Pager
    headers: tuple[tuple[str, str], ...] = ()
    min_delay_s: float = 0.0
    max_requests: int = 200
    check_robots: bool = True
    previous_hash: str | None = None
    force: bool = False


@dataclass(slots=True)
class CrawlResult:
    """The pages of one paged source and how reading them went; `body_hash` is the hash of the page hashes."""

    partner_id: str
    source_id: str
    url: str
    outcome: str  # fetched | not_modified | error
    pages: list[Page] = field(default_factory=list)
    status: int | None = None
    final_url: str | None = None
    content_type: str | None = None
    body_hash: str | None = None
    error_code: str | None = None  # incomplete when a page after the first failed
    error: str | None = None
    attempts: int = 0
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    duration_s: float = 0.0
    warnings: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def incomplete(self) -> bool:
        return self.error_code == "incomplete"


class HostPacer:
    """At least `delay` seconds between the starts of two requests to one host (across all crawls of a run)."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, host: str, delay: float) -> None:
        if delay <= 0:
            return
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            pause = self._next.get(host, 0.0) - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            self._next[host] = time.monotonic() + delay


async def crawl(job: CrawlJob, session: HttpSession, pacer: HostPacer) -> CrawlResult:
    """Read every page of one source; never raises."""
    result = CrawlResult(job.partner_id, job.source_id, job.url, outcome="fetched")
    started = time.monotonic()
    try:
        await _read_pages(job, session, pacer, result)
    except Exception as exc:  # a pager bug must cost one source, not the run
        log.exception("crawl of %s/%s failed", job.partner_id, job.source_id)
        result.outcome, result.error_code = "error", "internal"
        result.error = f"Unexpected {type(exc).__name__} while reading the pages of {job.url}: {exc}"
    result.warnings.extend(getattr(job.pager, "warnings", []))
    result.duration_s = time.monotonic() - started
    if result.outcome == "fetched":
        result.body_hash = pages_hash(result.pages)
        if not job.force and job.previous_hash and result.body_hash == job.previous_hash:
            result.outcome = "not_modified"
    elif result.pages:
        result.body_hash = pages_hash(result.pages)
    return result


async def _read_pages(job: CrawlJob, session: HttpSession, pacer: HostPacer, result: CrawlResult) -> None:
    queue: deque[PageRequest] = deque(job.pager.first())
    asked: set[str] = set()
    listings = 0
    while queue:
        request = queue.popleft()
        if request.identity() in asked:
            result.warnings.append(f"{request.url} was announced twice; it was read once (a pagination loop?)")
            continue
        if len(asked) >= job.max_requests:
            result.warnings.append(f"stopped after {job.max_requests} requests (max_requests); {len(queue) + 1} page(s) not read")
            return
        asked.add(request.identity())
        fetched = await _fetch(job, request, session, pacer)
        result.attempts += fetched.attempts
        if request.probe and fetched.status in _PAST_THE_END:
            return  # the previous page was the last one
        if not fetched.ok or fetched.body is None:
            _fail(job, result, request, fetched, number=len(asked), listings=listings)
            return
        page = Page(request, fetched.body, final_url=fetched.final_url, status=fetched.status, content_type=fetched.content_type)
        if not result.pages:
            result.status, result.final_url, result.content_type = fetched.status, fetched.final_url, fetched.content_type
            result.headers = dict(fetched.headers)
        result.pages.append(page)
        index = listings
        if request.role == "listing":
            listings += 1
        queue.extend(job.pager.follow(page, index))
        failure = getattr(job.pager, "failure", None)
        if failure:  # a page answered with status 200 but holding an error (a pager may say so)
            result.outcome, result.error_code = "error", "incomplete"
            result.error = f"{failure}; the {len(result.pages) - 1} page(s) read before it were kept"
            return


def _fail(job: CrawlJob, result: CrawlResult, request: PageRequest, fetched: FetchResult, *, number: int, listings: int) -> None:
    result.outcome = "error"
    if not result.pages:  # the first page: the source failed, as any source does
        result.status, result.final_url = fetched.status, fetched.final_url
        result.error_code, result.error = fetched.error_code, fetched.error
        return
    what = f"listing page {listings + 1}" if request.role == "listing" else "detail page"
    result.error_code = "incomplete"
    result.error = (f"page {number} of {job.url} ({what} {request.url}): {fetched.error}; "
                    f"the {len(result.pages)} page(s) read before it were kept")


async def _fetch(job: CrawlJob, request: PageRequest, session: HttpSession, pacer: HostPacer) -> FetchResult:
    host = urlsplit(request.url).hostname or ""
    delay = job.min_delay_s
    if job.check_robots and session.settings.respect_robots:
        delay = max(delay, await session.crawl_delay(request.url) or 0.0)
    await pacer.wait(host, delay)
    return await session.fetch(FetchRequest(
        partner_id=job.partner_id, source_id=job.source_id, url=request.url, force=True,
        check_robots=job.check_robots, method=request.method, headers=job.headers, json_body=request.json_body,
    ))


async def fetch_everything(
    requests: Sequence[FetchRequest], jobs: Sequence[CrawlJob], settings: HttpSettings
) -> tuple[list[FetchResult], list[CrawlResult]]:
    """Single-URL requests and paged crawls together, on one session: results in the order given."""
    async with open_session(settings) as session:
        pacer = HostPacer()
        singles = asyncio.gather(*(session.fetch(request) for request in requests))
        crawls = asyncio.gather(*(crawl(job, session, pacer) for job in jobs))
        fetched, crawled = await asyncio.gather(singles, crawls)
    return list(fetched), list(crawled)


def fetch_everything_sync(
    requests: Sequence[FetchRequest], jobs: Sequence[CrawlJob], settings: HttpSettings
) -> tuple[list[FetchResult], list[CrawlResult]]:
    """fetch_everything for synchronous callers (Dagster's step, the CLI)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(fetch_everything(requests, jobs, settings))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, fetch_everything(requests, jobs, settings)).result()


def crawl_job(partner_id: str, source: Any, *, now: datetime, cursor: datetime | None = None,
              previous_hash: str | None = None, force: bool = False) -> CrawlJob:
    """The CrawlJob of a paged source of the registry."""
    from connectors.pages import pager_for

    headers = tuple(getattr(source, "headers", {}).items())
    return CrawlJob(
        partner_id=partner_id, source_id=source.id, url=str(source.url), pager=pager_for(source, now=now, cursor=cursor),
        headers=headers, min_delay_s=source.min_delay_s, max_requests=source.max_requests,
        previous_hash=previous_hash, force=force,
    )
