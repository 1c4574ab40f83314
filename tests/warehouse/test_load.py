"""Loading: new, updated and unchanged are counted per source, and a rerun changes nothing."""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, replace
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from transforms.model import Rejection
from warehouse.connection import schema_version
from warehouse.load import load_batches, source_states
from warehouse.migrations import migrations

from .conftest import NOW, make_batch, make_item


def snapshot(con) -> dict[str, list]:
    tables = ["source_items", "raw_items", "rejections", "payloads"]
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def test_migrations_are_applied_once(con) -> None:
    assert schema_version(con) == migrations()[-1].version >= 1


def test_first_load_counts_everything_new(con) -> None:
    batch = make_batch([make_item("a"), make_item("b")])
    counts = load_batches(con, [batch], run_id="r1", now=NOW)[("hub", "agenda")]
    assert (counts.fetched, counts.new, counts.updated, counts.unchanged, counts.rejected) == (2, 2, 0, 0, 0)
    assert counts.balanced


def test_reloading_the_same_payload_changes_nothing(con) -> None:
    batch = make_batch([make_item("a"), make_item("b")])
    load_batches(con, [batch], run_id="r1", now=NOW)
    before = snapshot(con)
    counts = load_batches(con, [batch], run_id="r2", now=NOW)[("hub", "agenda")]
    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 2)
    assert snapshot(con) == before


def test_a_changed_item_is_updated_and_keeps_its_first_seen(con) -> None:
    load_batches(con, [make_batch([make_item("a")])], run_id="r1", now=NOW)
    moved = make_item("a", start=datetime(2026, 3, 10, 18, 30, tzinfo=timezone.utc))
    later = make_batch([moved], body_hash="c" * 64)
    later.fetch.started_at = datetime(2026, 3, 2, tzinfo=timezone.utc)
    counts = load_batches(con, [later], run_id="r2", now=NOW)[("hub", "agenda")]
    assert (counts.new, counts.updated) == (0, 1)
    first_seen, updated_at = con.execute("SELECT first_seen, updated_at FROM source_items").fetchone()
    assert first_seen == NOW and updated_at == later.fetch.started_at


def test_rejections_are_accounted_and_stored_once(con) -> None:
    rejection = Rejection(partner_id="hub", source_id="agenda", stage="normalise", reason="missing_title",
                          message="the record has no title", field="title", key="z")
    batch = make_batch([make_item("a")], rejections=[rejection])
    counts = load_batches(con, [batch], run_id="r1", now=NOW)[("hub", "agenda")]
    assert (counts.fetched, counts.new, counts.rejected) == (2, 1, 1) and counts.balanced
    load_batches(con, [batch], run_id="r2", now=NOW)
    assert con.execute("SELECT count(*) FROM rejections").fetchone()[0] == 1


def test_duplicate_ids_in_one_batch_are_loaded_once(con) -> None:
    batch = make_batch([make_item("a"), make_item("a", title="Autre titre")])
    load_batches(con, [batch], run_id="r1", now=NOW)
    assert con.execute("SELECT count(*) FROM source_items").fetchone()[0] == 1
    assert "Atelier IA" in con.execute("SELECT record FROM source_items").fetchone()[0]


def test_source_state_is_remembered_for_conditional_requests(con) -> None:
    con.execute("INSERT INTO sources (partner_id, source_id, kind, url, content, language, timezone) "
                "VALUES ('hub', 'agenda', 'rss', 'http://127.0.0.1/x', 'event', 'fr', 'Europe/Brussels')")
    load_batches(con, [make_batch([make_item("a")])], run_id="r1", now=NOW)
    state = source_states(con)[("hub", "agenda")]
    assert state == {"etag": '"e1"', "last_modified": None, "body_hash": "b" * 64, "error_streak": 0}


def test_a_payload_that_fails_to_parse_is_forgotten_and_counted_as_an_error(con) -> None:
    con.execute("INSERT INTO sources (partner_id, source_id, kind, url, content, language, timezone, etag, body_hash) "
                "VALUES ('hub', 'agenda', 'rss', 'http://127.0.0.1/x', 'event', 'fr', 'Europe/Brussels', 'old', 'h')")
    batch = make_batch([])
    batch.parse_error = "malformed XML at line 3"
    counts = load_batches(con, [batch], run_id="r1", now=NOW)[("hub", "agenda")]
    assert counts.outcome == "parse_error" and counts.error == "malformed XML at line 3"
    state = source_states(con)[("hub", "agenda")]
    assert state["etag"] is None and state["body_hash"] is None and state["error_streak"] == 1


def json_dumps_record(record) -> str:
    """A record's JSON as load_batches wrote it with json.dumps, before orjson."""
    def default(value):
        return value.isoformat() if isinstance(value, (datetime, date)) else sorted(value)
    return json.dumps(asdict(record), sort_keys=True, ensure_ascii=False, default=default, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_records_and_hashes_are_stored_as_json_dumps_wrote_them(con) -> None:
    # Floats orjson would print otherwise (nan, 1e-05) go through json: the stored text must not change.
    items = [replace(make_item(str(price)), price=price, title={"fr": "Atelier « IA »\u2028\x0b"})
             for price in (None, 12.5, 1e-05, math.nan)]
    batch = make_batch(items)
    for raw, start in zip(batch.raw_items, (None, datetime(2026, 3, 10, 18, 30), date(2026, 3, 10), "demain")):
        raw.start, raw.price = start, math.inf
    load_batches(con, [batch], run_id="r1", now=NOW)
    stored = con.execute("SELECT item_id, content_hash, record FROM source_items ORDER BY item_id").fetchall()
    assert stored == sorted((i.id, sha256(json_dumps_record(i)), json_dumps_record(i)) for i in items)
    stored = con.execute("SELECT key, raw_hash, record FROM raw_items ORDER BY key").fetchall()
    assert stored == sorted((r.key, sha256(json_dumps_record(r)), json_dumps_record(r)) for r in batch.raw_items)


def test_instants_are_stored_as_the_same_instants_whatever_their_time_zone(con) -> None:
    batch = make_batch([make_item("a")])
    batch.fetch.started_at = datetime(2026, 3, 1, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))  # NOW, in Brussels
    batch.fetch.status = None
    load_batches(con, [batch], run_id="r1", now=NOW)
    assert con.execute("SELECT first_seen, last_seen FROM source_items").fetchone() == (NOW, NOW)
    assert con.execute("SELECT started_at, status FROM fetch_log").fetchone() == (NOW, None)
    assert con.execute("SELECT first_fetched_at FROM payloads").fetchone() == (NOW,)
