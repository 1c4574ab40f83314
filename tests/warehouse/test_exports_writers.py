"""The export writers that skip the libraries give what the libraries give: iCalendar and Atom, byte for byte."""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator
from xml.etree import ElementTree as ET

import feedparser
import icalendar
import pytest
from icalendar.parser.string import _foldline

from warehouse.documents import agenda_document, utc_text
from warehouse.exports import (
    ATOM, DEFAULT_LANGUAGES, IcsRenderer, _vevent, agenda_atom, agenda_ics, agenda_json, calendar_files, feed_files,
    fold_line, languages_for, pick, written_vevent,
)

NOW = datetime(2026, 3, 1, 9, 0, 12, 345678, tzinfo=timezone.utc)
SOURCES = [{"partner_id": "hub", "source_id": "agenda", "url": "https://hub.example/agenda"}]
LONG_FR = "Atelier « intelligence artificielle » : données, éthique; société \\ coût " * 4


def document(key: str, **record: Any) -> dict[str, Any]:
    """An agenda document as the warehouse publishes it, from a few record fields."""
    base = {"id": f"id-{key}", "kind": "event", "title": {"fr": f"Atelier {key}"}, "url": f"https://hub.example/{key}",
            "start_utc": "2026-03-10T17:30:00+00:00", "languages": ["fr"]}
    return agenda_document({**base, **record}, sources=SOURCES, first_seen=NOW, updated_at=NOW)


def tricky_documents() -> list[dict[str, Any]]:
    """Texts that exercise escaping and folding, every date form, and the optional properties."""
    return [
        document("plain"),
        document("multilingual", title={"fr": "Atelier IA", "nl": "AI-workshop", "en": "AI workshop"},
                 summary={"fr": "Résumé", "nl": "Samenvatting", "en": "Summary"}, languages=["fr", "nl", "en"]),
        document("long", title={"fr": LONG_FR, "en": "東京の会議 🎉 " * 12}, summary={"fr": LONG_FR * 2},
                 categories={"theme": ["ai", "data"], "format": ["workshop"]}, sequence=3),
        document("escapes", title={"fr": "a,b;c\\d\\Ne\nf\r\ng\rh^i"}, summary={"nl": "x\\\\y, z; ^^ \\n"},
                 venue="Café; « Le Coin », 2e étage", street="Rue de l'Été 5", postcode="1050", municipality="Ixelles"),
        # A backslash or caret right where a line folds: icalendar moves it to the next line.
        document("fold-escape", title={"fr": "x" * 72 + "\\;" + "y" * 80}, summary={"fr": "é" * 36 + "^" + "z" * 90}),
        document("all-day", start_utc=None, all_day=True, start_date="2026-03-12", end_date="2026-03-13"),
        document("one-day", start_utc=None, all_day=True, start_date="2026-03-12"),
        document("summer", start_utc="2026-07-10T16:30:00+00:00", end_utc="2026-07-10T18:00:00+00:00"),
        document("ends-before", start_utc="2026-07-10T16:30:00+00:00", end_utc="2026-07-10T16:00:00+00:00"),
        document("cancelled", status="cancelled", online_url="https://meet.example/x", attendance_mode="online"),
        document("commas-in-slugs", categories={"theme": ["a,b", "c;d"]}),
    ]


def test_each_vevent_is_the_bytes_icalendar_writes() -> None:
    for doc in tricky_documents():
        for lang in DEFAULT_LANGUAGES:
            order = languages_for(lang)
            expected = _vevent(doc, generated_at=NOW, languages=order).to_ical()
            assert written_vevent(doc, generated_at=NOW, languages=order) == expected, (doc["id"], lang)


def test_an_event_the_writer_does_not_cover_is_written_by_icalendar() -> None:
    odd = {**document("odd"), "updated_at": "2026-03-01T10:00:00+01:00"}  # not UTC: icalendar writes its TZID
    assert written_vevent(odd, generated_at=NOW, languages=DEFAULT_LANGUAGES) is None
    body = agenda_ics([odd], generated_at=NOW)
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("last-modified") == datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    assert _vevent(odd, generated_at=NOW, languages=DEFAULT_LANGUAGES).to_ical() in body


def _reference_calendar(documents: list[dict[str, Any]], name: str, languages: tuple[str, ...]) -> icalendar.Calendar:
    """The calendar built whole with icalendar objects, as publications were written before."""
    cal = icalendar.Calendar()
    for prop, value in (("prodid", "-//bedigital.brussels//agenda//EN"), ("version", "2.0"), ("calscale", "GREGORIAN"),
                        ("method", "PUBLISH"), ("x-wr-calname", name), ("x-wr-timezone", "Europe/Brussels")):
        cal.add(prop, value)
    for doc in documents:
        event = _vevent(doc, generated_at=NOW, languages=languages) if doc["kind"] == "event" else None
        if event is not None:
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal


def _content(calendar: icalendar.Calendar) -> tuple:
    """What a calendar says: its properties, time zones, and each event's properties with their parameters."""
    def props(component: icalendar.cal.Component) -> list:
        return sorted((name, value.to_ical(), sorted(getattr(value, "params", {}).items()))
                      for name, value in component.property_items(recursive=False) if name not in ("BEGIN", "END"))
    return (props(calendar), [props(tz) for tz in calendar.walk("VTIMEZONE")],
            sorted(props(event) for event in calendar.walk("VEVENT")))


def test_every_calendar_parses_back_to_what_icalendar_objects_said() -> None:
    documents = tricky_documents()
    renderer = IcsRenderer(NOW)
    files = {"agenda.ics": agenda_ics(documents, generated_at=NOW, renderer=renderer),
             **calendar_files(documents, generated_at=NOW, themes=["ai", "health"], partners={"hub": "Hub"},
                              renderer=renderer)}
    # The agenda, and per language: the agenda, three themes (two known, `data` from an event), the partner.
    assert len(files) == 1 + 3 * 5
    for name, body in files.items():
        parsed = icalendar.Calendar.from_ical(body)
        lang = name.split(".")[-2] if name != "agenda.ics" else "fr"
        chosen = [d for d in documents if "/theme/" not in name or name.split("/")[-1].split(".")[0]
                  in (d["categories"].get("theme") or [])]
        reference = _reference_calendar(chosen, str(parsed["x-wr-calname"]), languages_for(lang))
        assert _content(parsed) == _content(reference), name
        assert body == reference.to_ical(), name  # and in fact the same bytes
    assert [str(e["summary"]) for e in icalendar.Calendar.from_ical(files["agenda.nl.ics"]).walk("VEVENT")][:2] == \
        ["Atelier plain", "AI-workshop"]


@pytest.mark.parametrize("text", [
    "SUMMARY:" + "é" * 80,  # two octets each: a fold never splits one
    "SUMMARY:" + "x" * 66 + "東京" * 30,  # three octets
    "SUMMARY:" + "a" * 65 + "🎉" * 30,  # four octets
    "DESCRIPTION:" + "ab\\;" * 40 + "^n" * 20,
    "URL:" + "x" * 74,
    "URL:" + "x" * 75,
])
def test_lines_fold_every_75_octets_without_splitting_a_character(text: str) -> None:
    folded = fold_line(text)
    assert folded == _foldline(text).encode("utf-8") + b"\r\n"  # icalendar's folding, exactly
    lines = folded[:-2].split(b"\r\n")
    assert all(len(line) <= 75 for line in lines) and all(line.startswith(b" ") for line in lines[1:])
    assert all(line.decode("utf-8") for line in lines)  # each physical line holds whole characters
    assert b"".join([lines[0], *(line[1:] for line in lines[1:])]).decode("utf-8") == text


def _elementtree_feed(documents: list[dict[str, Any]], languages: tuple[str, ...], title: str, feed_path: str) -> bytes:
    """The Atom feed as ElementTree wrote it before the feeds were written directly."""
    a = f"{{{ATOM}}}"
    feed = ET.Element(f"{a}feed", {"{http://www.w3.org/XML/1998/namespace}lang": languages[0]})
    ET.SubElement(feed, f"{a}id").text = f"https://bedigital.brussels/agenda{feed_path}"
    ET.SubElement(feed, f"{a}title").text = title
    ET.SubElement(feed, f"{a}updated").text = utc_text(NOW)
    ET.SubElement(feed, f"{a}link", {"rel": "alternate", "href": "https://bedigital.brussels"})
    ET.SubElement(ET.SubElement(feed, f"{a}author"), f"{a}name").text = "bedigital.brussels"
    for doc in sorted(documents, key=lambda d: (d["updated_at"], d["id"]), reverse=True):
        entry = ET.SubElement(feed, f"{a}entry")
        ET.SubElement(entry, f"{a}id").text = f"urn:bedigital:item:{doc['id']}"
        ET.SubElement(entry, f"{a}title").text = pick(doc["title"], languages)
        ET.SubElement(entry, f"{a}updated").text = doc["updated_at"]
        if doc.get("published"):
            ET.SubElement(entry, f"{a}published").text = doc["published"]
        ET.SubElement(entry, f"{a}link", {"rel": "alternate", "href": doc["url"]})
        if pick(doc.get("summary") or {}, languages):
            ET.SubElement(entry, f"{a}summary").text = pick(doc["summary"], languages)
        if pick(doc.get("description") or {}, languages):
            ET.SubElement(entry, f"{a}content", {"type": "html"}).text = pick(doc["description"], languages)
        for term in [doc["kind"], *(s for slugs in doc.get("categories", {}).values() for s in slugs)]:
            ET.SubElement(entry, f"{a}category", {"term": term})
    with atom_as_default_namespace():
        return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


@contextmanager
def atom_as_default_namespace() -> Iterator[None]:
    """ET.register_namespace("", ATOM), as the feeds did, undone afterwards: the registry is process-wide."""
    saved = dict(ET._namespace_map)
    ET.register_namespace("", ATOM)
    try:
        yield
    finally:
        ET._namespace_map.clear()
        ET._namespace_map.update(saved)


def feed_documents() -> list[dict[str, Any]]:
    return [
        *tricky_documents(),
        document("html", kind="news", title={"fr": ""}, published_utc="2026-02-27T08:00:00+00:00",
                 description={"fr": "<p>a &amp; b <b>gras</b> « é »</p>\r\n\t", "en": "<p>x</p>"},
                 url='https://hub.example/a?x=1&y="2"\n'),
        document("call", kind="call", deadline_utc="2026-04-01T21:59:00+00:00", summary={"en": "Call > 1 < 2"}),
    ]


def test_atom_feeds_are_the_bytes_elementtree_writes() -> None:
    documents = feed_documents()
    files = {"feed.atom": agenda_atom(documents, generated_at=NOW), **feed_files(documents, generated_at=NOW)}
    assert files["feed.atom"] == _elementtree_feed(documents, DEFAULT_LANGUAGES, "bedigital.brussels", "")
    for kind in ("event", "call", "news"):
        for lang in DEFAULT_LANGUAGES:
            chosen = [d for d in documents if d["kind"] == kind]
            expected = _elementtree_feed(chosen, languages_for(lang), f"bedigital.brussels · {kind}", f"/{kind}/{lang}")
            assert files[f"feeds/{kind}.{lang}.atom"] == expected, (kind, lang)
    parsed = feedparser.parse(files["feeds/news.en.atom"])
    assert not parsed.bozo and parsed.entries[0].content[0].value == "<p>x</p>"


def test_agenda_json_decodes_to_the_documents() -> None:
    documents = feed_documents()
    body = json.loads(agenda_json(documents, generated_at=NOW))
    assert body["items"] == documents and body["generated_at"] == "2026-03-01T09:00:12Z"
    assert body["counts"] == {"total": len(documents), "event": len(documents) - 2, "call": 1, "news": 1}
