"""Ingesting partner sources: fetch, archive, parse, normalise and load, for many sources at once.

This is the glue between connectors (HTTP, parsers), transforms (normalise) and the
warehouse. Dagster calls it from one step, so the orchestration costs no process and
no sequential round trip per source.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Sequence

import duckdb

from bedigital import processing
from connectors.crawl import CrawlResult, crawl_job, fetch_everything_sync
from connectors.http import FetchRequest, FetchResult, HttpSettings
from connectors.pages import manifest
from connectors.parsers import ParseResult, parse_pages, parse_payload
from connectors.registry import PAGED_KINDS, Partner, Source
from transforms.model import Rejection
from transforms.normalise import SourceContext, normalise_all
from warehouse.archive import PayloadArchive
from warehouse.collector import paused_gc
from warehouse.load import load_batches, source_states
from warehouse.records import FetchRecord, SourceBatch, SourceCounts

log = logging.getLogger(__name__)

WEB_PAGE_KINDS = frozenset({"jsonld", "html"})
# Where the incremental cursor of a json_api source is read: the latest value of this item field.
_CURSOR_COLUMNS = {"updated": "$.updated_utc", "published": "$.published_utc"}


Task = tuple[Partner, Source, FetchResult | CrawlResult]  # a source and what fetching it brought


@dataclass(frozen=True, slots=True)
class IngestResult:
    batches: list[SourceBatch]
    counts: dict[tuple[str, str], SourceCounts]


def _fetch_record(result: FetchResult) -> FetchRecord:
    return FetchRecord(
        partner_id=result.partner_id,
        source_id=result.source_id,
        url=result.url,
        outcome=result.outcome,
        started_at=result.started_at,
        duration_s=result.duration_s,
        attempts=result.attempts,
        status=result.status,
        final_url=result.final_url,
        error_code=result.error_code,
        error=result.error,
        body_hash=result.body_hash,
        etag=result.etag,
        last_modified=result.last_modified,
        content_type=result.content_type,
        headers=dict(result.headers or {}),
    )


def process_payload(
    partner: Partner, source: Source, result: FetchResult, *, archive: PayloadArchive, now: datetime
) -> SourceBatch:
    """Turn one fetch result into a batch: archived bytes, raw records, items and rejections."""
    batch = SourceBatch(fetch=_fetch_record(result))
    if result.outcome != "fetched" or result.body is None:
        return batch
    body_hash, path = archive.put(result.body)
    batch.fetch.body_hash = body_hash
    batch.payload_path, batch.payload_size = str(path), len(result.body)
    base_url = result.final_url or str(source.url)
    try:
        parsed = parse_payload(
            source.kind,
            result.body,
            partner_id=partner.id,
            source_id=source.id,
            base_url=base_url,
            content_type=result.content_type,
            default_timezone=source.timezone,
            now=now,
            source=source,
        )
    except Exception as exc:  # a parser bug must not stop the other sources
        log.exception("parser crashed on %s/%s", partner.id, source.id)
        batch.parse_error = f"{partner.id}/{source.id}: the {source.kind} parser failed on {base_url}: {type(exc).__name__}: {exc}"
        return batch
    batch.warnings = list(parsed.warnings)
    return _normalise(batch, partner, source, parsed, base_url=base_url, now=now)


def _normalise(batch: SourceBatch, partner: Partner, source: Source, parsed: ParseResult, *, base_url: str,
               now: datetime) -> SourceBatch:
    """The parsed records of a batch normalised into items and rejections (or its parse error)."""
    if parsed.error:
        batch.parse_error = f"{partner.id}/{source.id} ({base_url}): {parsed.error}"
        batch.rejections = list(parsed.rejections)
        return batch
    batch.raw_items = list(parsed.items)
    batch.source_records = parsed.source_records
    context = SourceContext(
        partner_id=partner.id,
        source_id=source.id,
        content=source.content,
        language=source.language,
        timezone=source.timezone,
        fallback_url=str(partner.website),
    )
    items, rejections = normalise_all(batch.raw_items, context, now=now, warnings=batch.warnings)
    batch.items = items
    batch.rejections = [*parsed.rejections, *rejections]
    return batch


def _crawl_record(crawl: CrawlResult) -> FetchRecord:
    return FetchRecord(
        partner_id=crawl.partner_id, source_id=crawl.source_id, url=crawl.url, outcome=crawl.outcome,
        started_at=crawl.started_at, duration_s=crawl.duration_s, attempts=crawl.attempts, status=crawl.status,
        final_url=crawl.final_url, error_code=crawl.error_code, error=crawl.error, body_hash=crawl.body_hash,
        content_type=crawl.content_type, headers=dict(crawl.headers),
    )


def process_pages(
    partner: Partner, source: Source, crawl: CrawlResult, *, archive: PayloadArchive, now: datetime
) -> SourceBatch:
    """Turn the pages of a paged source into a batch; an incomplete crawl still yields the records it read."""
    batch = SourceBatch(fetch=_crawl_record(crawl), warnings=list(crawl.warnings))
    if not crawl.pages or crawl.outcome == "not_modified" or (crawl.outcome == "error" and not crawl.incomplete):
        return batch
    for page in crawl.pages:
        archive.put(page.body)
    index = manifest(crawl.pages)  # its sha256 is the source's body hash: the pages' hashes, in order
    body_hash, path = archive.put(index)
    batch.fetch.body_hash = body_hash
    batch.payload_path, batch.payload_size = str(path), sum(len(page.body) for page in crawl.pages)
    parsed = parse_pages(source, crawl.pages, partner_id=partner.id, now=now)
    batch.warnings += parsed.warnings
    return _normalise(batch, partner, source, parsed, base_url=crawl.pages[0].url, now=now)


@paused_gc()  # a source's records, items and rejections: no reference cycles among them
def process(task: Task, *, archive: PayloadArchive, now: datetime) -> SourceBatch:
    """One source's fetch result (or crawl) as an accounted batch: archived, parsed and normalised."""
    partner, source, fetched = task
    if isinstance(fetched, CrawlResult):
        batch = process_pages(partner, source, fetched, archive=archive, now=now)
    else:
        batch = process_payload(partner, source, fetched, archive=archive, now=now)
    _lost_record_rejections(batch)
    return batch


def process_all(tasks: Sequence[Task], *, archive: PayloadArchive, now: datetime, workers: int | None = None) -> list[SourceBatch]:
    """process() of every task, in order; in worker processes when they pay for themselves."""
    count = processing.workers_for(sum(_payload_size(fetched) for _, _, fetched in tasks), requested=workers)
    return processing.map_in_order(partial(process, archive=archive, now=now), tasks, workers=count)


def _payload_size(fetched: FetchResult | CrawlResult) -> int:
    if isinstance(fetched, CrawlResult):
        return sum(len(page.body) for page in fetched.pages)
    return len(fetched.body or b"")


def incremental_cursor(con: duckdb.DuckDBPyConnection, partner_id: str, source: Source) -> datetime | None:
    """The latest updated (or published) time of the source's items: where an updated-since API resumes."""
    incremental = getattr(source, "incremental", None)
    if incremental is None:
        return None
    row = con.execute(
        "SELECT max(CAST(json_extract_string(record, ?) AS TIMESTAMPTZ)) FROM source_items WHERE partner_id = ? AND source_id = ?",
        [_CURSOR_COLUMNS[incremental.field], partner_id, source.id],
    ).fetchone()
    return row[0] if row and row[0] is not None else None


def _lost_record_rejections(batch: SourceBatch) -> None:
    """Guard the accounting: a record that came out neither as item nor as rejection is rejected loudly."""
    produced = {item.source_key for item in batch.items} | {r.key for r in batch.rejections if r.stage == "normalise"}
    for raw in batch.raw_items:
        if raw.key not in produced:
            batch.rejections.append(
                Rejection(
                    partner_id=raw.partner_id, source_id=raw.source_id, stage="normalise", reason="lost",
                    message="the record produced neither an item nor a rejection (a bug in normalisation)",
                    key=raw.key, excerpt=raw.excerpt,
                )
            )


@paused_gc()  # a shard's batches, built, unpickled and loaded
def ingest_sources(
    con: duckdb.DuckDBPyConnection,
    selection: Sequence[tuple[Partner, Source]],
    *,
    archive: PayloadArchive,
    settings: HttpSettings,
    run_id: str,
    now: datetime,
    force: bool = False,
    workers: int | None = None,
) -> IngestResult:
    """Fetch every selected source concurrently, then process and load them all in one transaction.

    `workers`: processes that parse and normalise the payloads beside this one (bedigital.processing); by
    default one per core beyond the first once the payloads are big enough to pay for them, else none."""
    states = source_states(con)
    requests, jobs = [], []
    for partner, source in selection:
        state = states.get((partner.id, source.id), {})
        if source.kind in PAGED_KINDS:
            cursor = None if force else incremental_cursor(con, partner.id, source)
            jobs.append(crawl_job(partner.id, source, now=now, cursor=cursor, previous_hash=state.get("body_hash"), force=force))
            continue
        requests.append(
            FetchRequest(
                partner_id=partner.id,
                source_id=source.id,
                url=str(source.url),
                etag=state.get("etag"),
                last_modified=state.get("last_modified"),
                previous_hash=state.get("body_hash"),
                force=force,
                check_robots=source.kind in WEB_PAGE_KINDS,
            )
        )
    results, crawls = fetch_everything_sync(requests, jobs, settings)
    singles, paged = iter(results), iter(crawls)
    tasks = [(partner, source, next(paged) if source.kind in PAGED_KINDS else next(singles)) for partner, source in selection]
    batches = process_all(tasks, archive=archive, now=now, workers=workers)
    counts = load_batches(con, batches, run_id=run_id, now=now)
    return IngestResult(batches=batches, counts=counts)
