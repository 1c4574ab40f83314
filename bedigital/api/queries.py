"""Selecting items from a snapshot: filters, full-text search, sort orders and keyset pagination.

Two engines give the same answers: the snapshot's memory-mapped index (`item_index.ItemIndex`, what the
API uses) and SQL over its DuckDB file (the reference). The documents are read from the index either way.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from bedigital.api.item_index import ItemIndex
from warehouse.snapshot import words

# Every sort is one non-null integer key, ascending, then the id: a cursor is (key, id).
SORT_KEYS = {
    "agenda": "i.k_agenda",        # events by start, calls by deadline, news newest first
    "start": "i.k_start",
    "deadline": "i.k_deadline",
    "updated": "i.k_updated",      # newest change first
    "published": "i.k_published",  # newest first
    "relevance": "-h.score",       # best match first (needs q)
}
MAX_QUERY_WORDS = 10
PREFIX_MIN = 3  # shorter words must match whole words ("ai" must not match "aide")


class CursorError(ValueError):
    """The cursor is not one this API handed out for this sort."""


@dataclass
class ItemQuery:
    """What a list of items is filtered and ordered by (values already validated)."""

    kinds: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # "facet:slug"
    match_all: bool = False
    partners: list[str] = field(default_factory=list)
    start: datetime | None = None  # items overlapping [start, end]
    end: datetime | None = None
    open_calls: bool | None = None
    deadline_before: datetime | None = None
    municipalities: list[str] = field(default_factory=list)  # folded
    attendance: list[str] = field(default_factory=list)
    free: bool | None = None
    languages: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # search words, folded
    updated_since: datetime | None = None
    sort: str = "agenda"
    after: tuple[int, str] | None = None
    limit: int = 20


def search_words(q: str) -> list[str]:
    """The words of a search, as the index holds them (folded), without duplicates."""
    return list(dict.fromkeys(words(q)))


def encode_cursor(sort: str, key: int, item_id: str) -> str:
    raw = json.dumps([sort, key, item_id], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        made_for, key, item_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise CursorError("cursor: not a cursor this API handed out (pass next_cursor back as it is)") from None
    if not isinstance(key, int) or not isinstance(item_id, str) or isinstance(key, bool):
        raise CursorError("cursor: not a cursor this API handed out (pass next_cursor back as it is)")
    if made_for != sort:
        raise CursorError(f"cursor: made for sort={made_for}, not sort={sort}; keep the same sort while paging")
    return key, item_id


def _search_cte(terms: list[str], params: list[Any]) -> str:
    """Items holding every word (the last ones as prefixes), scored by where the words are."""
    parts = []
    for term in terms:
        if len(term) >= PREFIX_MIN:
            # A range rather than starts_with(): DuckDB prunes row groups of the sorted terms by their min/max.
            parts.append("SELECT item_id, max(weight) AS w FROM terms WHERE term >= ? AND term < ? GROUP BY item_id")
            params.extend([term, term + "\uffff"])
        else:
            parts.append("SELECT item_id, max(weight) AS w FROM terms WHERE term = ? GROUP BY item_id")
            params.append(term)
    params.append(len(terms))
    return (f"hits AS (SELECT item_id, CAST(sum(w) AS BIGINT) AS score FROM ({' UNION ALL '.join(parts)}) "
            "GROUP BY item_id HAVING count(*) = ?)")


def build_items_sql(query: ItemQuery, *, now: datetime) -> tuple[str, list[Any]]:
    """The SQL selecting one page (plus one row, to know whether there is a next page) and its parameters."""
    params: list[Any] = []
    ctes = []
    if query.text:
        ctes.append(_search_cte(query.text, params))
    where = ["TRUE"]
    if query.kinds:
        where.append("i.kind IN (SELECT unnest(?::VARCHAR[]))")
        params.append(query.kinds)
    if query.categories:
        where.append(f"{'list_has_all' if query.match_all else 'list_has_any'}(i.categories, ?::VARCHAR[])")
        params.append(query.categories)
    if query.partners:
        where.append("list_has_any(i.partners, ?::VARCHAR[])")
        params.append(query.partners)
    if query.start is not None:
        where.append("coalesce(i.span_end >= ?, TRUE)")
        params.append(query.start)
    if query.end is not None:
        where.append("coalesce(i.span_start <= ?, TRUE)")
        params.append(query.end)
    if query.open_calls is not None:
        where.append("i.kind = 'call' AND " + ("(i.deadline IS NULL OR i.deadline >= ?)" if query.open_calls
                                               else "i.deadline < ?"))
        params.append(now)
    if query.deadline_before is not None:
        where.append("i.deadline < ?")
        params.append(query.deadline_before)
    if query.municipalities:
        where.append("i.municipality IN (SELECT unnest(?::VARCHAR[]))")
        params.append(query.municipalities)
    if query.attendance:
        where.append("i.attendance IN (SELECT unnest(?::VARCHAR[]))")
        params.append(query.attendance)
    if query.free is not None:
        where.append("i.is_free = ?")
        params.append(query.free)
    if query.languages:
        where.append("list_has_any(i.languages, ?::VARCHAR[])")
        params.append(query.languages)
    if query.updated_since is not None:
        where.append("i.changed_at > ?")
        params.append(query.updated_since)
    key = SORT_KEYS[query.sort]
    if query.after is not None:
        where.append(f"({key} > ? OR ({key} = ? AND i.item_id > ?))")
        params.extend([query.after[0], query.after[0], query.after[1]])
    join = "JOIN hits h USING (item_id)" if query.text else ""
    with_clause = f"WITH {', '.join(ctes)} " if ctes else ""
    sql = (f"{with_clause}SELECT i.item_id, {key} AS k, i.k_agenda FROM items i {join} "
           f"WHERE {' AND '.join(where)} ORDER BY k, i.item_id LIMIT ?")
    params.append(query.limit + 1)
    return sql, params


@dataclass
class Page:
    documents: list[str]  # the stored JSON of each document
    next_cursor: str | None


def select_positions(index: ItemIndex, query: ItemQuery, *, now: datetime) -> tuple[list[int], str | None]:
    """One page as positions in the snapshot's index, and the cursor of the next page."""
    positions, last = index.select(query, now=now, prefix_min=PREFIX_MIN)
    return positions, encode_cursor(query.sort, *last) if last else None


def select_positions_by_sql(cursor: duckdb.DuckDBPyConnection, query: ItemQuery, *,
                            now: datetime) -> tuple[list[int], str | None]:
    """select_positions' answer computed by SQL over the snapshot's database (the reference engine)."""
    sql, params = build_items_sql(query, now=now)
    rows = cursor.execute(sql, params).fetchall()
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_cursor = encode_cursor(query.sort, int(rows[-1][1]), rows[-1][0]) if more and rows else None
    # An item's position in the index is its rank in agenda order, which the database keeps as k_agenda.
    return [int(position) for _, _, position in rows], next_cursor


def select_items(index: ItemIndex, query: ItemQuery, *, now: datetime,
                 by_sql: duckdb.DuckDBPyConnection | None = None) -> Page:
    """One page of documents from the snapshot's index; `by_sql` (a cursor on the snapshot's database)
    selects them by SQL instead, the documents still read from the index, where they are stored."""
    if by_sql is None:
        positions, next_cursor = select_positions(index, query, now=now)
    else:
        positions, next_cursor = select_positions_by_sql(by_sql, query, now=now)
    return Page([index.document_bytes(p).decode("utf-8") for p in positions], next_cursor)


def select_tombstones(cursor: duckdb.DuckDBPyConnection, since: datetime) -> list[dict[str, str]]:
    rows = cursor.execute(
        "SELECT item_id, strftime(removed_at, '%Y-%m-%dT%H:%M:%SZ') FROM tombstones WHERE removed_at > ? ORDER BY 2, 1",
        [since],
    ).fetchall()
    return [{"id": item_id, "removed_at": removed_at} for item_id, removed_at in rows]


def removed_at(cursor: duckdb.DuckDBPyConnection, item_id: str) -> str | None:
    row = cursor.execute(
        "SELECT strftime(removed_at, '%Y-%m-%dT%H:%M:%SZ') FROM tombstones WHERE item_id = ?", [item_id]
    ).fetchone()
    return row[0] if row else None


def category_counts(cursor: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(cursor.execute("SELECT c, count(*) FROM (SELECT unnest(categories) AS c FROM items) GROUP BY c").fetchall())

