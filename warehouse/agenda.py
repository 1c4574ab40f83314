"""The agenda: which canonical items are published (upcoming and ongoing events, open calls, recent news)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator

import duckdb
import orjson
import pandas as pd

from warehouse.connection import registered, transaction
from warehouse.documents import agenda_document, sort_key, today_in_brussels

NEWS_WINDOW_DAYS = 90
AGENDA_CHUNK = 5_000  # documents encoded or decoded at a time: never every JSON text and every document at once
# Which canonical items `i` the agenda shows; parameters: today (Brussels), now, now, now - news window.
SELECTION = """(i.kind = 'event' AND (
                  (i.start_date IS NOT NULL AND coalesce(i.end_date, i.start_date) >= ?::DATE)
               OR (i.start_utc IS NOT NULL AND coalesce(i.end_utc, i.start_utc) >= ?)))
           OR (i.kind = 'call' AND (i.deadline_utc IS NULL OR i.deadline_utc >= ?))
           OR (i.kind = 'news' AND coalesce(i.published_utc, i.first_seen) >= ?)"""


def decode(text: str) -> Any:
    """A stored JSON text as Python values. orjson shares the dict keys of every document (a third less
    memory for a whole agenda than json's) and is faster; json reads what orjson refuses (NaN). orjson reads
    an integer beyond 64 bits as a float: normalised records hold none (their numbers are prices and counts)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def encode(document: dict[str, Any]) -> str:
    """A document as the staged agenda stores it: JSON with sorted keys, by orjson (compiled; a non-finite
    float, which JSON cannot hold, becomes null), by json where orjson refuses (integers beyond 64 bits)."""
    try:
        return orjson.dumps(document, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(document, ensure_ascii=False, sort_keys=True)


def iter_agenda(con: duckdb.DuckDBPyConnection, *, now: datetime,
                news_days: int = NEWS_WINDOW_DAYS) -> Iterator[list[dict[str, Any]]]:
    """The documents of every item that belongs in the agenda at `now`, AGENDA_CHUNK at a time, in no
    particular order. Read on a cursor of its own: the caller may write on `con` meanwhile."""
    today = today_in_brussels(now)
    cursor = con.cursor()
    try:
        # The sources are gathered per item id alone, then joined to the records: grouping by the records
        # themselves made DuckDB hold every selected record in its hash table (0.9 GB at 29,400 items).
        cursor.execute(
            """
            WITH selected AS (SELECT i.item_id FROM items i WHERE """ + SELECTION + """),
            sources AS (
                SELECT s.item_id,
                       list({'partner_id': s.partner_id, 'source_id': s.source_id,
                             'url': json_extract_string(si.record, '$.url')} ORDER BY s.partner_id, s.source_id) AS sources
                FROM item_sources s
                JOIN selected USING (item_id)
                JOIN source_items si ON si.item_id = s.source_item_id
                GROUP BY s.item_id
            )
            SELECT i.record, i.first_seen, i.updated_at, i.sequence, sources.sources
            FROM items i JOIN sources USING (item_id)
            """,
            [today, now, now, now - timedelta(days=news_days)],
        )
        while rows := cursor.fetchmany(AGENDA_CHUNK):
            yield [
                agenda_document(decode(record), sources=list(sources), first_seen=first_seen, updated_at=updated_at,
                                sequence=sequence)
                for record, first_seen, updated_at, sequence, sources in rows
            ]
    finally:
        cursor.close()


def select_agenda(con: duckdb.DuckDBPyConnection, *, now: datetime, news_days: int = NEWS_WINDOW_DAYS) -> list[dict[str, Any]]:
    """Build the documents of every item that belongs in the agenda at `now`, in display order."""
    documents = [document for chunk in iter_agenda(con, now=now, news_days=news_days) for document in chunk]
    documents.sort(key=sort_key)
    return documents


def _agenda_rows(documents: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "item_id": d["id"],
                "kind": d["kind"],
                "sort_at": d["start"] or d["deadline"] or d["published"] or d["first_seen"],
                "document": encode(d),
            }
            for d in documents
        ],
        columns=["item_id", "kind", "sort_at", "document"],
    )
    frame["sort_at"] = pd.to_datetime(frame["sort_at"], utc=True)
    return frame


def _insert_agenda(con: duckdb.DuckDBPyConnection, documents: list[dict[str, Any]]) -> None:
    with registered(con, {"in_agenda": _agenda_rows(documents)}):
        con.execute("INSERT INTO agenda SELECT * FROM in_agenda")


def store_agenda(con: duckdb.DuckDBPyConnection, documents: list[dict[str, Any]]) -> None:
    """Replace the staged agenda table in one transaction (the exports are written from it).

    Encoded AGENDA_CHUNK documents at a time: the JSON texts of every document are never held at once."""
    with transaction(con):
        con.execute("DELETE FROM agenda")
        for start in range(0, len(documents), AGENDA_CHUNK):
            _insert_agenda(con, documents[start:start + AGENDA_CHUNK])


def stage_agenda(con: duckdb.DuckDBPyConnection, *, now: datetime, news_days: int = NEWS_WINDOW_DAYS,
                 each: Callable[[list[dict[str, Any]]], None] = lambda documents: None) -> int:
    """Replace the staged agenda table with the agenda at `now` (select_agenda + store_agenda) without ever
    holding every document: each chunk is stored and handed to `each` (checks, counts), then dropped.
    Returns the number of documents."""
    total = 0
    with transaction(con):
        con.execute("DELETE FROM agenda")
        for chunk in iter_agenda(con, now=now, news_days=news_days):
            _insert_agenda(con, chunk)
            each(chunk)
            total += len(chunk)
    return total


def load_agenda(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute("SELECT document FROM agenda")
    documents = []
    while rows := cursor.fetchmany(AGENDA_CHUNK):
        documents += [decode(doc) for (doc,) in rows]
    documents.sort(key=sort_key)
    return documents
