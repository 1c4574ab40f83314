"""Canonical items: the agenda's entries, built from the source items.

Each source item is its own canonical item for now; merging the same event
announced by several sources replaces `_groups` without changing the tables.
"""
from __future__ import annotations

from datetime import datetime

import duckdb

_FLAT = """
    json_extract_string(s.record, '$.status') AS status,
    CAST(json_extract_string(s.record, '$.start_utc') AS TIMESTAMPTZ) AS start_utc,
    CAST(json_extract_string(s.record, '$.end_utc') AS TIMESTAMPTZ) AS end_utc,
    CAST(json_extract_string(s.record, '$.start_date') AS DATE) AS start_date,
    CAST(json_extract_string(s.record, '$.end_date') AS DATE) AS end_date,
    CAST(json_extract_string(s.record, '$.deadline_utc') AS TIMESTAMPTZ) AS deadline_utc,
    CAST(json_extract_string(s.record, '$.published_utc') AS TIMESTAMPTZ) AS published_utc
"""


def refresh_items(con: duckdb.DuckDBPyConnection, *, now: datetime) -> dict[str, int]:
    """Bring the canonical items up to date with the source items; returns counts of changes."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE wanted AS
            SELECT s.item_id, s.kind, s.content_hash, s.record, s.first_seen, s.updated_at, {_FLAT}
            FROM source_items s
            """
        )
        inserted = con.execute(
            """
            INSERT INTO items
            SELECT w.item_id, w.kind, w.status, w.content_hash, w.record, w.start_utc, w.end_utc, w.start_date,
                   w.end_date, w.deadline_utc, w.published_utc, w.first_seen, w.updated_at, 0
            FROM wanted w ANTI JOIN items i USING (item_id)
            """
        ).fetchone()[0]
        updated = con.execute(
            """
            UPDATE items SET kind = w.kind, status = w.status, content_hash = w.content_hash, record = w.record,
                start_utc = w.start_utc, end_utc = w.end_utc, start_date = w.start_date, end_date = w.end_date,
                deadline_utc = w.deadline_utc, published_utc = w.published_utc, updated_at = w.updated_at,
                sequence = coalesce(items.sequence, 0) + 1  -- calendar clients only replace an event whose SEQUENCE rose
            FROM wanted w
            WHERE items.item_id = w.item_id AND items.content_hash <> w.content_hash
            """
        ).fetchone()[0]
        con.execute(
            """
            INSERT OR IGNORE INTO item_sources
            SELECT item_id, item_id, partner_id, source_id FROM source_items
            """
        )
        con.execute("DROP TABLE wanted")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    total = con.execute("SELECT count(*) FROM items").fetchone()[0]
    return {"inserted": inserted, "updated": updated, "total": total}
