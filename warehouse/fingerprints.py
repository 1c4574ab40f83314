"""Fingerprints of what the downstream stages read, so that a run with nothing new skips their work.

`items` is rebuilt only when the source items, the partner defaults, the category and merge rules,
the translator or the code that builds them changed; the agenda is published again only when the
items it selects at this moment (the selection depends on the clock) or their sources changed.
The fingerprints are cheap aggregate hashes computed inside DuckDB, not reads of every record.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from transforms.model import stable_json
from warehouse.documents import today_in_brussels

ITEMS = "items"
AGENDA_STAGED = "agenda_staged"
AGENDA_PUBLISHED = "agenda_published"
# Recorded while a refresh writes its parts, forgotten by its last transaction: present, the items are incomplete.
ITEMS_IN_PROGRESS = "items_in_progress"
# The code whose change must rebuild the items and the agenda even when the data did not change.
_CODE_PACKAGES = ("transforms", "warehouse")
_CODE_SUFFIXES = (".py", ".yaml", ".json", ".sql")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the transforms and warehouse code and rule files, computed once per process."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for package in _CODE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in _CODE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _digest(*parts: Any) -> str:
    return hashlib.sha256(stable_json(list(parts)).encode("utf-8")).hexdigest()


def _table_hash(con: duckdb.DuckDBPyConnection, sql: str, parameters: list[Any] | None = None) -> list[Any]:
    row = con.execute(sql, parameters or []).fetchone()
    return [None if value is None else str(value) for value in row]


def items_fingerprint(con: duckdb.DuckDBPyConnection, *, settings: Any) -> str:
    """What `refresh_items` reads: every source item's identity and content, the canonical items as they
    stand (a wiped table is rebuilt), and `settings` (defaults, overrides, translator) as plain data."""
    sources = _table_hash(
        con,
        "SELECT count(*), sum(hash(item_id, content_hash, partner_id, source_id, body_hash, first_seen, updated_at)) "
        "FROM source_items",
    )
    items = _table_hash(con, "SELECT count(*), sum(hash(item_id, content_hash, sequence)) FROM items")
    return _digest("items", code_version(), sources, items, settings)


def agenda_fingerprint(con: duckdb.DuckDBPyConnection, *, now: datetime, news_days: int) -> str:
    """What the agenda shows at `now`: the selected items with their versions and their source items."""
    from warehouse.agenda import SELECTION

    today = today_in_brussels(now)
    selected = _table_hash(
        con,
        f"""
        WITH selected AS (SELECT i.item_id, i.content_hash, i.sequence, i.first_seen, i.updated_at FROM items i WHERE {SELECTION})
        SELECT count(*), sum(hash(s.item_id, s.content_hash, s.sequence, s.first_seen, s.updated_at)),
               (SELECT sum(hash(x.item_id, x.source_item_id, x.partner_id, x.source_id, si.content_hash))
                FROM item_sources x JOIN source_items si ON si.item_id = x.source_item_id
                WHERE x.item_id IN (SELECT item_id FROM selected))
        FROM selected s
        """,
        [today, now, now, now - timedelta(days=news_days)],
    )
    partners = _table_hash(
        con,
        "SELECT (SELECT count(*) FROM partners), (SELECT sum(hash(partner_id, name_fr, name_nl, name_en, website)) FROM partners), "
        "(SELECT sum(hash(partner_id, source_id, kind, url, content, language)) FROM sources)",
    )
    return _digest("agenda", code_version(), selected, partners)


def recorded(con: duckdb.DuckDBPyConnection, stage: str) -> str | None:
    row = con.execute("SELECT fingerprint FROM stage_fingerprints WHERE stage = ?", [stage]).fetchone()
    return row[0] if row else None


def record(con: duckdb.DuckDBPyConnection, stage: str, fingerprint: str, *, now: datetime) -> None:
    con.execute(
        "INSERT INTO stage_fingerprints VALUES (?, ?, ?) ON CONFLICT (stage) DO UPDATE "
        "SET fingerprint = excluded.fingerprint, recorded_at = excluded.recorded_at",
        [stage, fingerprint, now],
    )


def forget(con: duckdb.DuckDBPyConnection, stage: str) -> None:
    con.execute("DELETE FROM stage_fingerprints WHERE stage = ?", [stage])
