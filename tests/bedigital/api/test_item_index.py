"""The memory-mapped index gives the SQL's answers: random queries and page walks compared, engine against engine."""
from __future__ import annotations

import random
import shutil
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import orjson
import pytest

from bedigital.api.params import InvalidParameter, item_query
from bedigital.api.queries import ItemQuery, decode_cursor, select_items
from bedigital.api.snapshot_reader import open_snapshot
from warehouse.documents import agenda_document
from warehouse.snapshot import DATABASE_FILE, stage_snapshot
from warehouse.snapshot_index import INDEX_DIR, build_index, load_index, read_frames

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
THEMES = ["ai", "data", "fintech", "ehealth"]
WORDS = ["intelligence", "artificielle", "données", "Économie", "subsidie", "onderzoek", "research", "cloud",
         "atelier", "ai", "innovation", "innovatie", "santé"]
TOWNS = ["Ixelles", "IXELLES", "Bruxelles", "Saint-Gilles", None]


def documents(count: int, seed: int = 3) -> list[dict[str, Any]]:
    """Items with every kind of missing value the filters must treat as SQL does."""
    rng = random.Random(seed)
    result = []
    for n in range(count):
        kind = rng.choice(["event", "event", "call", "news"])
        start = NOW + timedelta(hours=rng.randint(-400, 4000))
        all_day = kind == "event" and rng.random() < 0.2
        record = {
            "id": f"it{rng.randrange(10**6):06d}-{n}", "kind": kind,
            "status": rng.choice(["scheduled", "scheduled", "cancelled"]),
            "title": {lang: " ".join(rng.sample(WORDS, 3)) for lang in rng.sample(["fr", "nl", "en"], rng.randint(1, 3))},
            "summary": {"fr": " ".join(rng.sample(WORDS, 4))} if rng.random() < 0.5 else {},
            "url": f"https://x.example/{n}",
            "all_day": all_day,
            "start_date": start.date().isoformat() if all_day else None,
            "end_date": (start.date() + timedelta(days=rng.randint(0, 2))).isoformat() if all_day and rng.random() < 0.5 else None,
            "start_utc": start.isoformat() if kind == "event" and not all_day else None,
            "end_utc": (start + timedelta(hours=2)).isoformat() if kind == "event" and not all_day and rng.random() < 0.7 else None,
            "deadline_utc": (NOW + timedelta(days=rng.randint(-30, 90))).isoformat() if kind == "call" and rng.random() < 0.8 else None,
            "published_utc": (NOW - timedelta(days=rng.randint(0, 60))).isoformat() if kind == "news" and rng.random() < 0.8 else None,
            "municipality": rng.choice(TOWNS), "attendance_mode": rng.choice(["in-person", "online", "hybrid", None]),
            "is_free": rng.choice([True, False, None]),
            "languages": None,
            "categories": {"theme": rng.sample(THEMES, rng.randint(0, 2)), **({"format": ["workshop"]} if rng.random() < 0.3 else {})},
        }
        partner = f"p{rng.randrange(4)}"
        updated = NOW - timedelta(days=rng.randint(0, 10), seconds=rng.randint(0, 86400))
        result.append(agenda_document(record, sources=[{"partner_id": partner, "source_id": "s", "url": record["url"]}],
                                      first_seen=updated, updated_at=updated))
    return result


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("index") / "public"
    directory = stage_snapshot(out, documents(1500), {}, generated_at=NOW, partners=[], taxonomy=[])
    opened = open_snapshot(directory)
    yield opened
    opened.connection.close()


def random_query(rng: random.Random, snapshot) -> ItemQuery:
    maybe = lambda p: rng.random() < p
    day = lambda: (NOW + timedelta(days=rng.randint(-20, 120))).strftime("%Y-%m-%d")
    q = " ".join(rng.sample([*WORDS, "inno", "rech", "dat", "zzz", "ec"], rng.randint(1, 2))) if maybe(0.3) else None
    return item_query(
        snapshot,
        kind=[",".join(rng.sample(["event", "call", "news"], rng.randint(1, 2)))] if maybe(0.4) else None,
        category=rng.sample([*THEMES, "workshop", "theme:ai"], rng.randint(1, 2)) if maybe(0.4) else None,
        category_match=rng.choice(["any", "all"]),
        partner=[f"p{rng.randrange(5)}"] if maybe(0.2) else None,
        start=day() if maybe(0.3) else None, end=day() if maybe(0.2) else None,
        open_calls=rng.choice([True, False]) if maybe(0.25) else None,
        deadline_before=day() if maybe(0.15) else None,
        municipality=[rng.choice(["ixelles", "BRUXELLES", "saint-gilles", "Nowhere"])] if maybe(0.2) else None,
        attendance=[rng.choice(["online", "hybrid", "in-person"])] if maybe(0.2) else None,
        free=rng.choice([True, False]) if maybe(0.2) else None,
        language=[rng.choice(["fr", "nl", "en"])] if maybe(0.2) else None,
        q=q, updated_since=(NOW - timedelta(days=rng.randint(0, 12))).isoformat() if maybe(0.15) else None,
        sort=rng.choice([None, "agenda", "start", "deadline", "updated", "published", *(["relevance"] if q else [])]),
        limit=rng.choice([1, 3, 20, 200]),
    )


def test_random_queries_and_their_pages_match_the_sql(snapshot) -> None:
    # Built by params.item_query, as the API does (a query naming an unknown partner is a 422: skipped).
    rng = random.Random(11)
    compared = nonempty = 0
    while compared < 400:
        try:
            query = random_query(rng, snapshot)
        except InvalidParameter:
            continue
        compared += 1
        for _ in range(4):  # the first pages, following next_cursor
            by_index = select_items(snapshot.index, query, now=NOW)
            by_sql = select_items(snapshot.index, query, now=NOW, by_sql=snapshot.cursor())
            assert by_index == by_sql, query
            nonempty += bool(by_sql.documents)
            if by_sql.next_cursor is None:
                break
            query = replace(query, after=decode_cursor(by_sql.next_cursor, query.sort))
    assert nonempty > 200


def test_a_stale_cursor_and_unknown_values_behave_as_in_sql(snapshot) -> None:
    for sort in ("agenda", "start", "deadline", "updated", "published"):
        for key in (-(2**70), -5, 0, 1_900_000_000, 2**62, 2**70):
            query = ItemQuery(sort=sort, after=(key, "it5"), limit=5)
            assert select_items(snapshot.index, query, now=NOW) == select_items(snapshot.index, query, now=NOW,
                                                                                by_sql=snapshot.cursor())
    query = ItemQuery(text=["innovation"], sort="relevance", after=(-3, "it5"), limit=5)
    assert select_items(snapshot.index, query, now=NOW) == select_items(snapshot.index, query, now=NOW,
                                                                        by_sql=snapshot.cursor())
    for query in (ItemQuery(categories=["theme:nope"]), ItemQuery(categories=["theme:ai", "theme:nope"], match_all=True),
                  ItemQuery(municipalities=["nowhere"]), ItemQuery(text=["zzzz"])):
        assert select_items(snapshot.index, query, now=NOW).documents == []


def test_items_are_found_by_id_and_the_index_rebuilt_from_the_database_is_the_same(snapshot) -> None:
    for (item_id, rank) in snapshot.cursor().execute("SELECT item_id, k_agenda FROM items").fetchall():
        # The SQL engine reads an item's document at its rank in agenda order: its position in the index.
        assert snapshot.index.position(item_id) == rank
        assert orjson.loads(snapshot.index.document_bytes(rank))["id"] == item_id
    assert snapshot.index.position("it") is None and snapshot.index.position("zzz") is None
    assert snapshot.index.position(item_id + "\x00") is None
    _, written, written_blobs = load_index(snapshot.directory / INDEX_DIR)
    # The database holds every key and term, not the documents: those are stored once, in the index.
    assert "document" not in snapshot.cursor().execute("SELECT * FROM items LIMIT 0").df().columns
    _, rebuilt, rebuilt_blobs = build_index(*read_frames(snapshot.cursor()), doc_off=written["doc_off"])
    assert written.keys() == rebuilt.keys()
    for name in written:
        assert np.array_equal(written[name], rebuilt[name]), name
    assert {k: bytes(v) for k, v in written_blobs.items() if k != "documents"} == rebuilt_blobs


def test_an_empty_snapshot_is_served(tmp_path: Path) -> None:
    directory = stage_snapshot(tmp_path / "public", [], {}, generated_at=NOW, partners=[], taxonomy=[])
    empty = open_snapshot(directory)
    assert select_items(empty.index, ItemQuery(text=["ai"], sort="relevance"), now=NOW).documents == []
    assert select_items(empty.index, ItemQuery(kinds=["event"], after=(3, "x")), now=NOW).documents == []
    assert empty.index.position("x") is None


def test_a_snapshot_published_before_the_index_is_served_from_its_database(snapshot, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(snapshot.directory, old, ignore=shutil.ignore_patterns(INDEX_DIR))
    # Such a snapshot's database held the documents (a text column of its items).
    with duckdb.connect(str(old / DATABASE_FILE)) as con:
        con.execute("ALTER TABLE items ADD COLUMN document VARCHAR")
        for item_id, rank in con.execute("SELECT item_id, k_agenda FROM items").fetchall():
            con.execute("UPDATE items SET document = ? WHERE item_id = ?",
                        [snapshot.index.document_bytes(rank).decode(), item_id])
    reopened = open_snapshot(old)
    try:
        query = ItemQuery(kinds=["event"], categories=["theme:ai"], sort="start", limit=30)
        assert select_items(reopened.index, query, now=NOW) == select_items(snapshot.index, query, now=NOW)
        assert reopened.known_categories == snapshot.known_categories
        assert reopened.municipalities == snapshot.municipalities
    finally:
        reopened.connection.close()


def test_a_snapshot_that_lost_its_index_says_so(snapshot, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(snapshot.directory, broken, ignore=shutil.ignore_patterns(INDEX_DIR))
    with pytest.raises(ValueError, match="index/ folder is missing or incomplete"):
        open_snapshot(broken)
