"""The agenda: which canonical items are published (upcoming and ongoing events, open calls, recent news)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Iterator

import duckdb
import orjson
import pandas as pd

from warehouse import fingerprints
from warehouse.collector import paused_gc
from warehouse.connection import BackgroundWriter, bulk_writes, registered, scan_memory, transaction
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


def _insert_agenda(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, table: str) -> None:
    """Agenda rows (_agenda_rows) added to `table` in a transaction of their own."""
    with transaction(con), registered(con, {"in_agenda": rows}):
        con.execute(f"INSERT INTO {table} SELECT * FROM in_agenda")


STAGING_TABLE = "agenda_next"


def _create_staging_table(con: duckdb.DuckDBPyConnection) -> None:
    """An empty copy of the agenda table, constraints included, from the agenda's own definition."""
    (ddl,) = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'agenda'").fetchone()
    prefix = "CREATE TABLE agenda("
    if not ddl.startswith(prefix):
        raise RuntimeError(f"unexpected definition of the agenda table: {ddl[:80]}")
    con.execute(f"DROP TABLE IF EXISTS {STAGING_TABLE}")  # left by a staging that was interrupted
    con.execute(f"CREATE TABLE {STAGING_TABLE}(" + ddl[len(prefix):])


def _replace_agenda(con: duckdb.DuckDBPyConnection, chunks: Iterable[list[dict[str, Any]]],
                    each: Callable[[list[dict[str, Any]]], None]) -> int:
    """Replace the staged agenda table by `chunks` of documents; returns their number.

    The chunks go to a table of their own, each committed, which replaces the agenda table in one last
    transaction: a whole agenda written in one transaction was held uncommitted in DuckDB's memory (0.5 GB at
    98,000 items). Until that switch the staged agenda is the previous one, whole; a replacement that fails
    (a chunk, or `each` given it) leaves it so."""
    _create_staging_table(con)
    total = 0
    # Each chunk is inserted while the next one is built and encoded.
    with bulk_writes(con), BackgroundWriter(con) as writer:
        for chunk in chunks:
            writer.write(_insert_agenda, _agenda_rows(chunk), STAGING_TABLE)
            each(chunk)
            total += len(chunk)
        writer.wait()
        with transaction(con):
            con.execute("DROP TABLE agenda")
            con.execute(f"ALTER TABLE {STAGING_TABLE} RENAME TO agenda")
    return total


def store_agenda(con: duckdb.DuckDBPyConnection, documents: list[dict[str, Any]]) -> None:
    """Replace the staged agenda table (the exports are written from it) by `documents`, encoded AGENDA_CHUNK
    at a time: the JSON texts of every document are never held at once."""
    chunks = (documents[start:start + AGENDA_CHUNK] for start in range(0, len(documents), AGENDA_CHUNK))
    _replace_agenda(con, chunks, lambda chunk: None)


class IncompleteItems(RuntimeError):
    """The canonical items are being rebuilt, or their last refresh was interrupted: no agenda from them."""


@paused_gc()  # every document built, encoded and checked
def stage_agenda(con: duckdb.DuckDBPyConnection, *, now: datetime, news_days: int = NEWS_WINDOW_DAYS,
                 each: Callable[[list[dict[str, Any]]], None] = lambda documents: None) -> int:
    """Replace the staged agenda table with the agenda at `now` (select_agenda + store_agenda) without ever
    holding every document: each chunk is stored and handed to `each` (checks, counts), then dropped.
    Returns the number of documents. Refused (IncompleteItems) while the items are incomplete: a refresh
    interrupted midway leaves some rebuilt and others not, without their links (warehouse.items)."""
    started = fingerprints.recorded(con, fingerprints.ITEMS_IN_PROGRESS)
    if started is not None:
        raise IncompleteItems(f"the canonical items are incomplete: the refresh started at {started} did not finish; "
                              "refresh the items (the 'items' asset) before staging the agenda")
    return _replace_agenda(con, iter_agenda(con, now=now, news_days=news_days), each)


# The fields whose values many documents have in common: categories and their reasons above all (half of a
# decoded document was its category_reasons, mostly the same small dicts again and again).
SHARED_FIELDS = ("category_reasons", "categories", "source_categories", "price", "languages", "partners",
                 "machine_translated")
_CONTAINERS = (dict, list)


def _leaf(value: Any) -> tuple:
    # 0.0 and -0.0 are equal floats printed apart
    return (float, repr(value)) if type(value) is float else (type(value), value)


def shared(value: Any, seen: dict[tuple, Any]) -> Any:
    """`value` (JSON data) with each dict and list inside it replaced by an equal one met before, if any:
    hash-consing, children first, so that a parent's key names its children by identity. Values equal in
    Python but not in JSON stay apart (True and 1, 1 and 1.0, 0.0 and -0.0): the key holds each leaf's type."""
    if type(value) is dict:
        parts: list[tuple] = []
        for name, child in value.items():
            if type(child) in _CONTAINERS:
                child = value[name] = shared(child, seen)
                parts.append((name, id(child)))
            else:
                parts.append((name, *_leaf(child)))
        key: tuple = (dict, tuple(parts))
    elif type(value) is list:
        items: list[tuple | int] = []
        for index, child in enumerate(value):
            if type(child) in _CONTAINERS:
                child = value[index] = shared(child, seen)
                items.append(id(child))
            else:
                items.append(_leaf(child))
        key = (list, tuple(items))
    else:
        return value
    return seen.setdefault(key, value)


@paused_gc()  # every document decoded, and held
def load_agenda(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every staged document, in display order, for the publication, which only reads them: the values of
    SHARED_FIELDS equal in several documents are one object (a decoded agenda takes 40 % less memory)."""
    documents = []
    seen: dict[tuple, Any] = {}  # its keys name the shared values by id(): they live as long as it does
    with scan_memory(con):
        cursor = con.execute("SELECT document FROM agenda")
        while rows := cursor.fetchmany(AGENDA_CHUNK):
            for (text,) in rows:
                document = decode(text)
                for name in SHARED_FIELDS:
                    if type(document.get(name)) in _CONTAINERS:
                        document[name] = shared(document[name], seen)
                documents.append(document)
    documents.sort(key=sort_key)
    return documents
