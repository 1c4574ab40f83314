"""Each stage of the pipeline measured on its own, in this process, on the synthetic ecosystem's bytes.

fetch → archive → parse → normalise → load → items (categorise + dedupe) → agenda → publish, with the
product's own functions, in the order a run calls them. Categorisation and deduplication are also
timed alone on the same records (they run inside `refresh_items`).
"""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.measure import Stages
from bedigital.ingest import WEB_PAGE_KINDS, _fetch_record, _lost_record_rejections
from connectors.http import FetchRequest, FetchResult, HttpSettings, fetch_all_sync
from connectors.parsers import ParseResult, parse_payload
from connectors.registry import Partner, Source, load_registry
from transforms.model import stable_json
from transforms.normalise import SourceContext, normalise_all
from warehouse.archive import PayloadArchive
from warehouse.connection import connect
from warehouse.load import load_batches, sync_registry
from warehouse.records import SourceBatch


def requests_for(selection: list[tuple[Partner, Source]]) -> list[FetchRequest]:
    return [
        FetchRequest(partner_id=p.id, source_id=s.id, url=str(s.url), check_robots=s.kind in WEB_PAGE_KINDS)
        for p, s in selection
    ]


def _parse(source: Source, partner: Partner, result: FetchResult, now: datetime) -> ParseResult:
    return parse_payload(
        source.kind, result.body or b"", partner_id=partner.id, source_id=source.id,
        base_url=result.final_url or str(source.url), content_type=result.content_type,
        default_timezone=source.timezone, now=now, source=source,
    )


def _context(partner: Partner, source: Source) -> SourceContext:
    return SourceContext(partner_id=partner.id, source_id=source.id, content=source.content,
                         language=source.language, timezone=source.timezone, fallback_url=str(partner.website))


def fetch_stage(stages: Stages, selection: list[tuple[Partner, Source]], settings: HttpSettings) -> list[FetchResult]:
    with stages.timed("fetch", unit="sources") as stage:
        results = fetch_all_sync(requests_for(selection), settings)
        stage.count = len(results)
    stage.note = f"{sum(r.outcome == 'fetched' for r in results)} fetched, {sum(r.outcome == 'error' for r in results)} errors"
    return results


def process_stages(stages: Stages, selection: list[tuple[Partner, Source]], results: list[FetchResult],
                   archive: PayloadArchive, now: datetime) -> list[SourceBatch]:
    """Archive, parse and normalise each payload, timing each step (per kind for parse and normalise)."""
    batches = []
    for (partner, source), result in zip(selection, results, strict=True):
        batch = SourceBatch(fetch=_fetch_record(result))
        batches.append(batch)
        if result.outcome != "fetched" or result.body is None:
            continue
        with stages.timed("archive", unit="payloads") as stage:
            body_hash, path = archive.put(result.body)
            stage.count += 1
        batch.fetch.body_hash, batch.payload_path, batch.payload_size = body_hash, str(path), len(result.body)
        with stages.timed(f"parse.{source.kind}") as stage:
            parsed = _parse(source, partner, result, now)
            stage.count += len(parsed.items)
        batch.warnings = list(parsed.warnings)
        if parsed.error:
            batch.parse_error, batch.rejections = parsed.error, list(parsed.rejections)
            continue
        batch.raw_items = list(parsed.items)
        with stages.timed(f"normalise.{source.kind}") as stage:
            items, rejections = normalise_all(batch.raw_items, _context(partner, source), now=now)
            stage.count += len(items) + len(rejections)
        batch.items, batch.rejections = items, [*parsed.rejections, *rejections]
        _lost_record_rejections(batch)
    _totals(stages, "parse")
    _totals(stages, "normalise")
    return batches


def _totals(stages: Stages, prefix: str) -> None:
    parts = [s for name, s in stages.stages.items() if name.startswith(prefix + ".")]
    total = stages.stages.setdefault(prefix, type(parts[0])(prefix) if parts else None)
    if total is not None:
        total.seconds, total.count = sum(p.seconds for p in parts), sum(p.count for p in parts)


def transform_stages(stages: Stages, batches: list[SourceBatch]) -> None:
    """Categorisation and deduplication alone, on the normalised records (as the warehouse keeps them)."""
    records = [json.loads(stable_json(asdict(item))) for batch in batches for item in batch.items]
    try:
        from transforms.categorise import CategoryInput, categorise, load_rules

        rules = load_rules()
        with stages.timed("categorise") as stage:
            for record in records:
                categorise(CategoryInput(kind=record["kind"], title=record["title"], summary=record["summary"],
                                         description=record["description"], source_categories=record["source_categories"],
                                         attendance_mode=record["attendance_mode"], is_free=record["is_free"],
                                         price=record["price"]), rules)
            stage.count = len(records)
    except Exception as exc:  # noqa: BLE001 - another helper's module may change under the bench
        stages.stages.setdefault("categorise", _skipped("categorise", exc))
    try:
        from transforms.categorise import load_rules, title_concepts
        from transforms.dedupe import candidate, group_duplicates

        rules = load_rules()
        with stages.timed("dedupe") as stage:
            candidates = [candidate(r["id"], r, concepts=title_concepts(r["title"].values(), rules)) for r in records]
            groups = group_duplicates(candidates)
            stage.count = len(candidates)
        stage.note = f"{len(candidates) - len(groups)} merged"
    except Exception as exc:  # noqa: BLE001
        stages.stages.setdefault("dedupe", _skipped("dedupe", exc))


def _skipped(name: str, exc: Exception) -> Any:
    from bench.measure import Stage

    return Stage(name, note=f"not measured: {type(exc).__name__}: {exc}"[:160])


def warehouse_stages(stages: Stages, partners_dir: Path, warehouse: Path, out_dir: Path,
                     batches: list[SourceBatch], now: datetime) -> dict[str, int]:
    """Load, refresh items, select the agenda and publish, on a fresh warehouse."""
    from bedigital import processing
    from transforms.categorise import categorise
    from warehouse.agenda import load_agenda, stage_agenda
    from warehouse.items import refresh_items
    from warehouse.publish import publish
    from warehouse.snapshot import load_partners

    from pipelines.assets.sources import SHARD_SIZE, shards

    registry = load_registry(partners_dir)
    con = connect(warehouse)
    try:
        sync_registry(con, registry)
        with stages.timed("load") as stage:
            # As a run loads: one transaction per shard of sources (one step each), in registry order.
            start = 0
            for shard in shards(list(registry.sources()), SHARD_SIZE):
                load_batches(con, batches[start:start + len(shard)], run_id="bench", now=now)
                start += len(shard)
            stage.count = sum(len(b.items) for b in batches)
        stage.note = f"items; raw records, rejections and fetch log in one transaction per {SHARD_SIZE} sources"
        with stages.timed("items", note="refresh_items: categorise (shared with worker processes, as a run does) "
                                         "+ dedupe + write") as stage:
            try:
                changes = refresh_items(con, now=now, translator=None, categorise_all=processing.parallel(categorise))
            finally:
                processing.shutdown()
            stage.count = int(changes.get("total", 0))
        with stages.timed("agenda", note="stage_agenda (select, store, in chunks) + load_agenda, as a run does") as stage:
            stage_agenda(con, now=now)
            documents = load_agenda(con)
            stage.count = len(documents)
        with stages.timed("publish", note="agenda.json/.ics/feed.atom + API snapshot") as stage:
            publish(documents, out_dir, generated_at=datetime.now(timezone.utc), partners=load_partners(con))
            stage.count = len(documents)
        return {"agenda_items": len(documents), "canonical_items": int(changes.get("total", 0))}
    finally:
        con.close()
