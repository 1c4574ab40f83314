"""The export files: iCalendar (Brussels times, SEQUENCE, per theme and partner), Atom, JSON-LD, CSV, Parquet."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

import icalendar
import pyarrow.parquet as pq

from warehouse.agenda import load_agenda, select_agenda, store_agenda
from warehouse.documents import agenda_document
from warehouse.items import refresh_items
from warehouse.load import load_batches
from warehouse.publish import render_exports

from .conftest import NOW, make_batch, make_item

WINTER = datetime(2026, 3, 10, 17, 30, tzinfo=timezone.utc)  # 18:30 in Brussels (CET)
SUMMER = datetime(2026, 7, 10, 16, 30, tzinfo=timezone.utc)  # 18:30 in Brussels (CEST)
PARTNERS = [{"id": "hub", "name": {"fr": "Hub", "nl": "Hub", "en": "Hub"}, "website": "https://hub.example", "sources": []}]
TAXONOMY = [{"facet": "theme", "label": {"fr": "Thème", "nl": "Thema", "en": "Theme"},
             "categories": [{"slug": "ai", "label": {"fr": "IA", "nl": "AI", "en": "AI"}},
                            {"slug": "health", "label": {"fr": "Santé", "nl": "Gezondheid", "en": "Health"}}]}]


def documents_of(con, items, *, run: str = "r1", body: str = "b") -> list[dict]:
    load_batches(con, [make_batch(items, body_hash=body * 64)], run_id=run, now=NOW)
    refresh_items(con, now=NOW)
    store_agenda(con, select_agenda(con, now=NOW))
    return load_agenda(con)


def multilingual(key: str, start: datetime):
    return replace(make_item(key, start=start), title={"fr": "Atelier IA", "nl": "AI-workshop", "en": "AI workshop"},
                   languages=["fr", "nl", "en"], categories={"theme": ["ai"], "format": ["workshop"]})


def test_agenda_ics_imports_with_brussels_times_and_stable_uids(con) -> None:
    documents = documents_of(con, [multilingual("winter", WINTER), multilingual("summer", SUMMER)])
    files = render_exports(documents, generated_at=NOW, partners=PARTNERS, taxonomy=TAXONOMY)
    calendar = icalendar.Calendar.from_ical(files["agenda.ics"])
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [e.decoded("dtstart").isoformat() for e in events] == ["2026-03-10T18:30:00+01:00", "2026-07-10T18:30:00+02:00"]
    assert [str(e["uid"]) for e in events] == [f"{d['id']}@bedigital.brussels" for d in documents]
    for lang, title in (("fr", "Atelier IA"), ("nl", "AI-workshop"), ("en", "AI workshop")):
        [first, _] = icalendar.Calendar.from_ical(files[f"agenda.{lang}.ics"]).walk("VEVENT")
        assert str(first["summary"]) == title


def sequences(con) -> list[int]:
    return [n for (n,) in con.execute("SELECT sequence FROM items ORDER BY item_id").fetchall()]


def test_sequence_rises_when_an_event_changes(con) -> None:
    documents_of(con, [multilingual("talk", WINTER)])
    assert sequences(con) == [0]
    moved = replace(multilingual("talk", WINTER), start_utc=SUMMER)
    documents_of(con, [moved], run="r2", body="c")
    assert sequences(con) == [1]
    documents_of(con, [moved], run="r3", body="d")  # the same content again: no new sequence
    assert sequences(con) == [1]
    # The document carries it (warehouse.agenda passes the items' sequence) and the calendar raises it.
    [record] = con.execute("SELECT record FROM items").fetchone()
    document = agenda_document(json.loads(record), sources=[{"partner_id": "hub", "source_id": "agenda"}],
                               first_seen=NOW, updated_at=NOW, sequence=sequences(con)[0])
    [event] = icalendar.Calendar.from_ical(render_exports([document], generated_at=NOW)["agenda.ics"]).walk("VEVENT")
    assert event["sequence"] == 1 and event.decoded("dtstart").isoformat() == "2026-07-10T18:30:00+02:00"


def test_one_calendar_per_theme_and_per_partner_in_each_language(con) -> None:
    documents = documents_of(con, [multilingual("a", WINTER), make_item("b", title="Apéro réseau", start=SUMMER)])
    files = render_exports(documents, generated_at=NOW, partners=PARTNERS, taxonomy=TAXONOMY)
    ai = icalendar.Calendar.from_ical(files["calendars/theme/ai.nl.ics"])
    assert [str(e["summary"]) for e in ai.walk("VEVENT")] == ["AI-workshop"]
    assert icalendar.Calendar.from_ical(files["calendars/theme/health.fr.ics"]).walk("VEVENT") == []  # subscribable already
    assert len(icalendar.Calendar.from_ical(files["calendars/partner/hub.en.ics"]).walk("VEVENT")) == 2


def test_atom_feeds_per_kind_and_language(con) -> None:
    documents = documents_of(con, [multilingual("a", WINTER)])
    files = render_exports(documents, generated_at=NOW)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(files["feeds/event.nl.atom"])
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    assert [t.text for t in feed.findall("a:entry/a:title", ns)] == ["AI-workshop"]
    assert ET.fromstring(files["feeds/call.fr.atom"]).findall("a:entry", ns) == []


def test_jsonld_csv_and_parquet_carry_every_language(con) -> None:
    documents = documents_of(con, [multilingual("a", WINTER)])
    files = render_exports(documents, generated_at=NOW)
    jsonld = json.loads(files["agenda.jsonld"])
    assert jsonld["@type"] == "ItemList" and jsonld["numberOfItems"] == 1
    event = jsonld["itemListElement"][0]["item"]
    assert event["@type"] == "Event" and event["startDate"] == "2026-03-10T18:30:00+01:00"
    assert {"@value": "AI-workshop", "@language": "nl"} in event["name"]
    [row] = csv.DictReader(io.StringIO(files["agenda.csv"].decode("utf-8-sig")))
    assert (row["title_fr"], row["title_nl"], row["title_en"]) == ("Atelier IA", "AI-workshop", "AI workshop")
    assert row["categories"] == "format:workshop theme:ai" and row["start_local"] == "2026-03-10T18:30:00+01:00"
    table = pq.read_table(io.BytesIO(files["agenda.parquet"]))
    assert table.num_rows == 1 and table.column("title_nl").to_pylist() == ["AI-workshop"]
    assert table.schema.field("all_day").type == "bool"
