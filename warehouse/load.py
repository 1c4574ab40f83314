"""Bulk loading of a run's source batches: fetch log, payloads, raw items, items, rejections.

Every write is set-based (Arrow/pandas frames), never row by row, and idempotent:
loading the same payloads twice changes nothing.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any, Iterable, Sequence

import duckdb
import pandas as pd

from connectors.registry import Registry
from transforms.model import stable_json
from warehouse.connection import registered, transaction
from warehouse.records import SourceBatch, SourceCounts


def sync_registry(con: duckdb.DuckDBPyConnection, registry: Registry) -> None:
    """Record partners and sources from the registry, keeping each source's fetch state."""
    partners = pd.DataFrame(
        [
            {
                "partner_id": p.id,
                "name_fr": p.name.fr,
                "name_nl": p.name.nl,
                "name_en": p.name.en,
                "website": str(p.website),
                "file": registry.files.get(p.id),
            }
            for p in registry.partners
        ],
        columns=["partner_id", "name_fr", "name_nl", "name_en", "website", "file"],
    )
    sources = pd.DataFrame(
        [
            {
                "partner_id": p.id,
                "source_id": s.id,
                "kind": s.kind,
                "url": str(s.url),
                "content": s.content,
                "language": s.language,
                "timezone": s.timezone,
            }
            for p in registry.partners
            for s in p.sources
        ],
        columns=["partner_id", "source_id", "kind", "url", "content", "language", "timezone"],
    )
    with transaction(con), registered(con, {"incoming_partners": partners, "incoming_sources": sources}):
        con.execute(
            """
            INSERT INTO partners SELECT * FROM incoming_partners
            ON CONFLICT (partner_id) DO UPDATE SET name_fr = excluded.name_fr, name_nl = excluded.name_nl,
                name_en = excluded.name_en, website = excluded.website, file = excluded.file
            """
        )
        # A changed URL or kind invalidates the conditional-request state: the old ETag means nothing there.
        con.execute(
            """
            UPDATE sources SET etag = NULL, last_modified = NULL, body_hash = NULL
            FROM incoming_sources i
            WHERE sources.partner_id = i.partner_id AND sources.source_id = i.source_id
              AND (sources.url <> i.url OR sources.kind <> i.kind OR sources.timezone <> i.timezone
                   OR sources.content <> i.content OR sources.language <> i.language)
            """
        )
        con.execute(
            """
            INSERT INTO sources (partner_id, source_id, kind, url, content, language, timezone)
            SELECT * FROM incoming_sources
            ON CONFLICT (partner_id, source_id) DO UPDATE SET kind = excluded.kind, url = excluded.url,
                content = excluded.content, language = excluded.language, timezone = excluded.timezone
            """
        )


def source_states(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict]:
    """The conditional-request state of every source: etag, last_modified, body_hash, error_streak."""
    rows = con.execute(
        "SELECT partner_id, source_id, etag, last_modified, body_hash, error_streak FROM sources"
    ).fetchall()
    return {
        (p, s): {"etag": e, "last_modified": lm, "body_hash": h, "error_streak": streak}
        for p, s, e, lm, h, streak in rows
    }


_LEAVES = frozenset({str, int, float, bool, type(None), datetime, date})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None
    return _FIELD_NAMES[cls]


def plain(value: Any) -> Any:
    """`dataclasses.asdict` without its deep copies: the same JSON once stable_json'd, several times faster."""
    cls = type(value)
    if cls in _LEAVES:
        return value
    if cls is list or cls is tuple:
        return cls(plain(v) for v in value)
    if cls is dict:
        return {plain(k): plain(v) for k, v in value.items()}
    names = _field_names(cls)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    return value


def record_and_hash(value: Any) -> tuple[str, str]:
    """The stored JSON of a record and its sha256: equal to stable_json(asdict(v)) and stable_hash(asdict(v))
    (what Item.content_hash and RawItem.raw_hash compute), with one serialisation instead of two."""
    record = stable_json(plain(value))
    return record, hashlib.sha256(record.encode("utf-8")).hexdigest()


def _frame(rows: Iterable[dict], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(columns))


def _item_rows(batches: Sequence[SourceBatch]) -> pd.DataFrame:
    rows = []
    for batch in batches:
        seen_at = batch.fetch.started_at
        for item in batch.items:
            record, content_hash = record_and_hash(item)
            rows.append(
                {
                    "item_id": item.id,
                    "partner_id": item.partner_id,
                    "source_id": item.source_id,
                    "source_key": item.source_key,
                    "kind": item.kind,
                    "content_hash": content_hash,
                    "record": record,
                    "body_hash": batch.fetch.body_hash,
                    "seen_at": seen_at,
                }
            )
    frame = _frame(
        rows,
        ["item_id", "partner_id", "source_id", "source_key", "kind", "content_hash", "record", "body_hash", "seen_at"],
    )
    # DuckDB keeps the first of two conflicting rows silently: make the batch unique first.
    return frame.drop_duplicates(subset=["item_id"], keep="first")


def _raw_rows(batches: Sequence[SourceBatch]) -> pd.DataFrame:
    rows = []
    for batch in batches:
        for raw in batch.raw_items:
            record, raw_hash = record_and_hash(raw)
            rows.append({"body_hash": batch.fetch.body_hash, "partner_id": raw.partner_id, "source_id": raw.source_id,
                         "key": raw.key, "raw_hash": raw_hash, "record": record})
    frame = _frame(rows, ["body_hash", "partner_id", "source_id", "key", "raw_hash", "record"])
    return frame.drop_duplicates(subset=["body_hash", "partner_id", "source_id", "key"], keep="first")


def _rejection_rows(batches: Sequence[SourceBatch], run_id: str, now: datetime) -> pd.DataFrame:
    rows = [
        {
            "partner_id": r.partner_id,
            "source_id": r.source_id,
            "body_hash": batch.fetch.body_hash or "",
            "stage": r.stage,
            "reason": r.reason,
            "field": r.field or "",
            "key": r.key or "",
            "message": r.message,
            "excerpt": (r.excerpt or "")[:2000],
            "run_id": run_id,
            "created_at": now,
        }
        for batch in batches
        for r in batch.rejections
    ]
    frame = _frame(
        rows,
        ["partner_id", "source_id", "body_hash", "stage", "reason", "field", "key", "message", "excerpt", "run_id", "created_at"],
    )
    return frame.drop_duplicates(subset=["partner_id", "source_id", "body_hash", "stage", "reason", "field", "key"])


def _fetch_rows(batches: Sequence[SourceBatch], counts: dict[tuple[str, str], SourceCounts], run_id: str) -> pd.DataFrame:
    rows = []
    for batch in batches:
        f = batch.fetch
        c = counts[(f.partner_id, f.source_id)]
        rows.append(
            {
                "run_id": run_id,
                "partner_id": f.partner_id,
                "source_id": f.source_id,
                "url": f.url,
                "final_url": f.final_url,
                "started_at": f.started_at,
                "duration_s": f.duration_s,
                "status": f.status,
                "outcome": f.outcome,
                "error_code": f.error_code,
                "error": f.error,
                "attempts": f.attempts,
                "body_hash": f.body_hash,
                "headers": json.dumps(f.headers, sort_keys=True),
                "parse_error": batch.parse_error,
                "warnings": json.dumps(batch.warnings),
                "n_fetched": c.fetched,
                "n_new": c.new,
                "n_updated": c.updated,
                "n_unchanged": c.unchanged,
                "n_merged": c.merged,
                "n_rejected": c.rejected,
            }
        )
    frame = _frame(rows, [
        "run_id", "partner_id", "source_id", "url", "final_url", "started_at", "duration_s", "status", "outcome",
        "error_code", "error", "attempts", "body_hash", "headers", "parse_error", "warnings",
        "n_fetched", "n_new", "n_updated", "n_unchanged", "n_merged", "n_rejected",
    ])
    return frame.astype({"status": "Int64"})


def _payload_rows(batches: Sequence[SourceBatch]) -> pd.DataFrame:
    rows = [
        {
            "body_hash": b.fetch.body_hash,
            "path": b.payload_path,
            "size": b.payload_size,
            "content_type": b.fetch.content_type,
            "first_url": b.fetch.final_url or b.fetch.url,
            "first_fetched_at": b.fetch.started_at,
        }
        for b in batches
        if b.fetch.outcome == "fetched" and b.fetch.body_hash and b.payload_path
    ]
    frame = _frame(rows, ["body_hash", "path", "size", "content_type", "first_url", "first_fetched_at"])
    return frame.drop_duplicates(subset=["body_hash"])


def _source_state_rows(batches: Sequence[SourceBatch]) -> pd.DataFrame:
    rows = []
    for b in batches:
        f = b.fetch
        ok = not b.failed
        rows.append(
            {
                "partner_id": f.partner_id,
                "source_id": f.source_id,
                "ok": ok,
                "changed": b.parsed,
                "etag": f.etag,
                "last_modified": f.last_modified,
                "body_hash": f.body_hash,
                "status": f.status,
                "outcome": "parse_error" if b.parse_error else f.outcome,
                "error": b.parse_error or f.error,
                "at": f.started_at,
            }
        )
    frame = _frame(rows, ["partner_id", "source_id", "ok", "changed", "etag", "last_modified", "body_hash", "status", "outcome", "error", "at"])
    return frame.astype({"status": "Int64"})


def load_batches(
    con: duckdb.DuckDBPyConnection, batches: Sequence[SourceBatch], *, run_id: str, now: datetime
) -> dict[tuple[str, str], SourceCounts]:
    """Load one run's batches in a single transaction and return the accounting per source."""
    counts = {
        (b.fetch.partner_id, b.fetch.source_id): SourceCounts(
            partner_id=b.fetch.partner_id,
            source_id=b.fetch.source_id,
            outcome="parse_error" if b.parse_error else b.fetch.outcome,
            status=b.fetch.status,
            error=b.parse_error or b.fetch.error,
            fetched=len(b.raw_items) + sum(1 for r in b.rejections if r.stage == "parse"),
            rejected=len(b.rejections),
            duration_s=b.fetch.duration_s,
            warnings=list(b.warnings),
        )
        for b in batches
    }
    items = _item_rows(batches)
    frames = {
        "in_items": items,
        "in_raw": _raw_rows(batches),
        "in_rejections": _rejection_rows(batches, run_id, now),
        "in_payloads": _payload_rows(batches),
        "in_state": _source_state_rows(batches),
    }
    with transaction(con), registered(con, frames):
        diff = con.execute(
            """
            SELECT i.partner_id, i.source_id,
                   count(*) FILTER (WHERE s.item_id IS NULL) AS new,
                   count(*) FILTER (WHERE s.item_id IS NOT NULL AND s.content_hash <> i.content_hash) AS updated,
                   count(*) FILTER (WHERE s.item_id IS NOT NULL AND s.content_hash = i.content_hash) AS unchanged
            FROM in_items i LEFT JOIN source_items s USING (item_id)
            GROUP BY ALL
            """
        ).fetchall()
        for partner_id, source_id, new, updated, unchanged in diff:
            c = counts[(partner_id, source_id)]
            c.new, c.updated, c.unchanged = new, updated, unchanged
        con.execute(
            """
            UPDATE source_items SET content_hash = i.content_hash, record = i.record, kind = i.kind,
                body_hash = i.body_hash, last_seen = greatest(source_items.last_seen, i.seen_at),
                updated_at = CASE WHEN source_items.content_hash <> i.content_hash THEN i.seen_at
                                  ELSE source_items.updated_at END
            FROM in_items i
            WHERE source_items.item_id = i.item_id
            """
        )
        con.execute(
            """
            INSERT INTO source_items
            SELECT i.item_id, i.partner_id, i.source_id, i.source_key, i.kind, i.content_hash, i.record,
                   i.body_hash, i.seen_at, i.seen_at, i.seen_at
            FROM in_items i ANTI JOIN source_items s USING (item_id)
            """
        )
        con.execute("INSERT OR IGNORE INTO raw_items SELECT * FROM in_raw")
        con.execute("INSERT OR IGNORE INTO rejections SELECT * FROM in_rejections")
        con.execute("INSERT OR IGNORE INTO payloads SELECT * FROM in_payloads")
        with registered(con, {"in_fetch": _fetch_rows(batches, counts, run_id)}):
            con.execute("INSERT OR REPLACE INTO fetch_log SELECT * FROM in_fetch")
        con.execute(
            """
            UPDATE sources SET
                -- A parsed payload becomes the new reference; a payload that failed to parse is
                -- forgotten so that it is fetched and reported again; a fetch error keeps the old state.
                etag = CASE st.outcome WHEN 'fetched' THEN st.etag WHEN 'parse_error' THEN NULL ELSE sources.etag END,
                last_modified = CASE st.outcome WHEN 'fetched' THEN st.last_modified WHEN 'parse_error' THEN NULL
                                ELSE sources.last_modified END,
                body_hash = CASE st.outcome WHEN 'fetched' THEN st.body_hash WHEN 'parse_error' THEN NULL
                            ELSE sources.body_hash END,
                last_status = st.status,
                last_outcome = st.outcome,
                last_error = st.error,
                last_fetched_at = st.at,
                last_success_at = CASE WHEN st.ok THEN st.at ELSE sources.last_success_at END,
                last_changed_at = CASE WHEN st.changed THEN st.at ELSE sources.last_changed_at END,
                error_streak = CASE WHEN st.ok THEN 0 ELSE sources.error_streak + 1 END
            FROM in_state st
            WHERE sources.partner_id = st.partner_id AND sources.source_id = st.source_id
            """
        )
    return counts
