"""Publication: the agenda is selected, validated, rendered and written atomically."""
from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import icalendar
import pytest

from warehouse.agenda import select_agenda, store_agenda, load_agenda
from warehouse.items import refresh_items
from warehouse.load import load_batches
from warehouse.publish import PublicationError, link_atomically, publish, render_exports

from .conftest import NOW, make_batch, make_item

WINTER = datetime(2026, 3, 10, 17, 30, tzinfo=timezone.utc)  # 18:30 in Brussels (CET)
SUMMER = datetime(2026, 7, 10, 16, 30, tzinfo=timezone.utc)  # 18:30 in Brussels (CEST)


def agenda_after_loading(con, items) -> list[dict]:
    load_batches(con, [make_batch(items)], run_id="r1", now=NOW)
    refresh_items(con, now=NOW)
    documents = select_agenda(con, now=NOW)
    store_agenda(con, documents)
    return load_agenda(con)


def test_past_events_are_left_out_and_upcoming_ones_sorted(con) -> None:
    items = [
        make_item("past", start=datetime(2026, 2, 1, 9, tzinfo=timezone.utc)),
        make_item("summer", start=SUMMER),
        make_item("winter", start=WINTER),
    ]
    documents = agenda_after_loading(con, items)
    assert [d["title"]["fr"] for d in documents] == ["Atelier IA", "Atelier IA"]
    assert [d["start"] for d in documents] == ["2026-03-10T17:30:00Z", "2026-07-10T16:30:00Z"]
    assert [d["start_local"] for d in documents] == ["2026-03-10T18:30:00+01:00", "2026-07-10T18:30:00+02:00"]
    assert documents[0]["sources"] == [{"partner_id": "hub", "source_id": "agenda", "url": "https://hub.example/winter"}]


def test_the_agenda_is_stored_and_read_back_whole_in_chunks(con, monkeypatch) -> None:
    import warehouse.agenda

    monkeypatch.setattr(warehouse.agenda, "AGENDA_CHUNK", 2)  # five documents: three chunks each way
    items = [make_item(f"e{n}", start=WINTER.replace(day=10 + n)) for n in range(5)]
    load_batches(con, [make_batch(items)], run_id="r1", now=NOW)
    refresh_items(con, now=NOW)
    documents = select_agenda(con, now=NOW)
    store_agenda(con, documents)
    store_agenda(con, documents)  # replaced, not appended
    assert load_agenda(con) == documents and len(documents) == 5


def _staged(con) -> list[tuple]:
    return con.execute("SELECT * FROM agenda ORDER BY item_id").fetchall()


def test_staging_replaces_the_agenda_with_the_selection_a_committed_chunk_at_a_time(con, monkeypatch) -> None:
    import warehouse.agenda
    from warehouse.agenda import stage_agenda

    monkeypatch.setattr(warehouse.agenda, "AGENDA_CHUNK", 2)
    items = [make_item(f"e{n}", start=WINTER.replace(day=10 + n)) for n in range(5)]
    load_batches(con, [make_batch(items)], run_id="r1", now=NOW)
    refresh_items(con, now=NOW)
    chunks: list[int] = []
    assert stage_agenda(con, now=NOW, each=lambda chunk: chunks.append(len(chunk))) == 5
    loaded = load_agenda(con)
    assert chunks == [2, 2, 1] and loaded == select_agenda(con, now=NOW)
    assert loaded[0]["categories"] is loaded[4]["categories"]  # equal values are shared by the documents read
    assert stage_agenda(con, now=NOW) == 5 and len(_staged(con)) == 5  # replaced, not appended
    tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "agenda" in tables and "agenda_next" not in tables
    with pytest.raises(Exception, match="PRIMARY KEY|primary key|Duplicate"):  # the agenda keeps its constraints
        con.execute("INSERT INTO agenda SELECT * FROM agenda LIMIT 1")


def test_a_staging_that_fails_midway_leaves_the_previous_agenda_whole(con, monkeypatch) -> None:
    import warehouse.agenda
    from warehouse.agenda import stage_agenda

    monkeypatch.setattr(warehouse.agenda, "AGENDA_CHUNK", 2)
    items = [make_item(f"e{n}", start=WINTER.replace(day=10 + n)) for n in range(5)]
    load_batches(con, [make_batch(items)], run_id="r1", now=NOW)
    refresh_items(con, now=NOW)
    stage_agenda(con, now=NOW)
    before = _staged(con)
    later = [make_item(f"e{n}", title="Atelier IA, nouvelle date", start=WINTER.replace(day=10 + n)) for n in range(5)]
    load_batches(con, [make_batch(later, body_hash="c" * 64)], run_id="r2", now=NOW)
    refresh_items(con, now=NOW)

    seen: list[int] = []

    def check_failing_on_the_second_chunk(chunk: list[dict]) -> None:
        seen.append(len(chunk))
        if len(seen) == 2:
            raise ValueError("a check crashed")

    with pytest.raises(ValueError):
        stage_agenda(con, now=NOW, each=check_failing_on_the_second_chunk)
    assert _staged(con) == before  # the first chunk was committed, elsewhere
    assert stage_agenda(con, now=NOW) == 5  # the next staging starts afresh
    assert {d["title"]["fr"] for d in load_agenda(con)} == {"Atelier IA, nouvelle date"}


def test_stored_documents_decode_to_the_same_values_even_where_orjson_refuses() -> None:
    from warehouse.agenda import decode

    text = json.dumps({"id": "x", "price": {"amount": float("nan")}, "big": 2**70, "title": {"fr": "Café"}}, ensure_ascii=False)
    decoded = decode(text)  # orjson refuses NaN: json reads the whole text, its big integer exactly too
    assert decoded["big"] == 2**70 and decoded["price"]["amount"] != decoded["price"]["amount"]
    plain = json.dumps({"id": "y", "title": {"fr": "Atelier", "nl": "Workshop"}, "n": 1.5, "tags": [None, True]})
    assert decode(plain) == json.loads(plain)


def test_staged_documents_are_json_with_sorted_keys_that_any_reader_takes() -> None:
    from warehouse.agenda import encode

    text = encode({"title": {"nl": "Werkplaats", "fr": "Atelier é"}, "id": "x", "price": {"amount": float("nan")}})
    assert text == '{"id":"x","price":{"amount":null},"title":{"fr":"Atelier é","nl":"Werkplaats"}}'
    assert json.loads(encode({"big": 2**70, "n": 1.5})) == {"big": 2**70, "n": 1.5}  # json writes what orjson refuses


def test_an_all_day_event_stays_a_date(con) -> None:
    item = replace(make_item("fair"), start_utc=None, all_day=True, start_date=date(2026, 3, 12), end_date=date(2026, 3, 13))
    [document] = agenda_after_loading(con, [item])
    assert (document["start"], document["start_date"], document["end_date"]) == (None, "2026-03-12", "2026-03-13")
    calendar = icalendar.Calendar.from_ical(render_exports([document], generated_at=NOW)["agenda.ics"])
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == date(2026, 3, 12)
    assert event.decoded("dtend") == date(2026, 3, 14)  # exclusive in iCalendar


def test_ics_carries_brussels_times_and_a_vtimezone(con) -> None:
    documents = agenda_after_loading(con, [make_item("winter", start=WINTER), make_item("summer", start=SUMMER)])
    body = render_exports(documents, generated_at=NOW)["agenda.ics"]
    calendar = icalendar.Calendar.from_ical(body)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    starts = sorted(e.decoded("dtstart") for e in calendar.walk("VEVENT"))
    assert [(s.hour, s.minute, s.utcoffset().total_seconds() / 3600) for s in starts] == [(18, 30, 1.0), (18, 30, 2.0)]
    assert b"DTSTART;TZID=Europe/Brussels:20260310T183000" in body


def test_cancelled_events_are_marked_in_the_calendar(con) -> None:
    documents = agenda_after_loading(con, [replace(make_item("x"), status="cancelled")])
    calendar = icalendar.Calendar.from_ical(render_exports(documents, generated_at=NOW)["agenda.ics"])
    assert [str(e["status"]) for e in calendar.walk("VEVENT")] == ["CANCELLED"]


def test_the_published_json_is_valid_against_its_schema(con, tmp_path: Path) -> None:
    documents = agenda_after_loading(con, [make_item("a")])
    written = publish(documents, tmp_path, generated_at=NOW)
    assert {"agenda.ics", "agenda.json", "agenda.schema.json", "feed.atom"} <= set(written)
    agenda = json.loads((tmp_path / "agenda.json").read_text())
    assert agenda["schema_version"].startswith("1.") and agenda["counts"] == {"total": 1, "event": 1, "call": 0, "news": 0}


def test_an_invalid_agenda_is_refused_and_the_previous_publication_stays(con, tmp_path: Path) -> None:
    documents = agenda_after_loading(con, [make_item("a")])
    publish(documents, tmp_path, generated_at=NOW)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    broken = [dict(documents[0], url="javascript:alert(1)")]
    with pytest.raises(PublicationError, match=r"items/0/url \(item .*\): 'javascript:alert\(1\)' does not match"):
        publish(broken, tmp_path, generated_at=NOW)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_failed_write_leaves_no_partial_files(tmp_path: Path) -> None:
    out, staged = tmp_path / "out", tmp_path / "staged"
    out.mkdir()
    staged.mkdir()
    (out / "agenda.json").write_bytes(b"old")
    (staged / "agenda.json").write_bytes(b"new")

    # The second file is missing: the first, already staged, must not land either.
    with pytest.raises(FileNotFoundError):
        link_atomically(["agenda.json", "agenda.ics"], staged, out)
    assert (out / "agenda.json").read_bytes() == b"old"
    assert sorted(os.listdir(out)) == ["agenda.json"]
