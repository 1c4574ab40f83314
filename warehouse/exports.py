"""Rendering the agenda to its export formats (pure: documents in, bytes out)."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Sequence
from xml.etree import ElementTree as ET

import icalendar

from warehouse.documents import DISPLAY_TZ, SCHEMA_VERSION, parse_instant, utc_text

DEFAULT_LANGUAGES = ("fr", "nl", "en")
UID_DOMAIN = "bedigital.brussels"
_TAG = re.compile(r"<[^>]+>")


def pick(texts: dict[str, str], languages: Sequence[str] = DEFAULT_LANGUAGES) -> str:
    """The text in the first available language of `languages`, else any."""
    for lang in languages:
        if texts.get(lang):
            return texts[lang]
    return next((t for t in texts.values() if t), "")


def agenda_json(documents: list[dict[str, Any]], *, generated_at: datetime) -> bytes:
    counts: dict[str, int] = {"total": len(documents)}
    for kind in ("event", "call", "news"):
        counts[kind] = sum(1 for d in documents if d["kind"] == kind)
    body = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": utc_text(generated_at),
        "counts": counts,
        "items": documents,
    }
    return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")


def _ical_time(document: dict[str, Any], which: str) -> datetime | date | None:
    if document["all_day"]:
        day = document[f"{which}_date"] or document["start_date"]
        if day is None:
            return None
        value = date.fromisoformat(day)
        return value + timedelta(days=1) if which == "end" else value  # DTEND is exclusive
    instant = parse_instant(document[which])
    return instant.astimezone(DISPLAY_TZ) if instant else None


def _place(document: dict[str, Any]) -> str | None:
    location = document.get("location") or {}
    parts = [location.get("venue"), location.get("street"),
             " ".join(p for p in (location.get("postcode"), location.get("municipality")) if p)]
    text = ", ".join(p for p in parts if p)
    return text or location.get("online_url")


def agenda_ics(documents: list[dict[str, Any]], *, generated_at: datetime, name: str = "bedigital.brussels",
               languages: Sequence[str] = DEFAULT_LANGUAGES) -> bytes:
    """An iCalendar of the events, subscribable by calendar clients (VTIMEZONE, stable UIDs)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//bedigital.brussels//agenda//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Brussels")
    for document in documents:
        if document["kind"] != "event":
            continue
        start = _ical_time(document, "start")
        if start is None:
            continue
        event = icalendar.Event()
        event.add("uid", f"{document['id']}@{UID_DOMAIN}")
        event.add("dtstamp", generated_at.astimezone(timezone.utc))
        event.add("dtstart", start)
        end = _ical_time(document, "end")
        if end is not None and end > start:
            event.add("dtend", end)
        event.add("summary", pick(document["title"], languages))
        summary = pick(document.get("summary") or {}, languages)
        event.add("description", "\n\n".join(p for p in (summary, document["url"]) if p))
        event.add("url", document["url"])
        place = _place(document)
        if place:
            event.add("location", place)
        event.add("status", "CANCELLED" if document["status"] == "cancelled" else "CONFIRMED")
        updated = parse_instant(document["updated_at"])
        if updated:
            event.add("last-modified", updated)
        for facet_slugs in document.get("categories", {}).values():
            for slug in facet_slugs:
                event.add("categories", slug)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


ATOM = "http://www.w3.org/2005/Atom"


def agenda_atom(documents: list[dict[str, Any]], *, generated_at: datetime, base_url: str = "https://bedigital.brussels",
                languages: Sequence[str] = DEFAULT_LANGUAGES, title: str = "bedigital.brussels") -> bytes:
    """An Atom feed of the agenda's items, newest change first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base_url}/agenda"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = utc_text(generated_at)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": base_url})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "bedigital.brussels"
    ordered = sorted(documents, key=lambda d: (d["updated_at"], d["id"]), reverse=True)
    for document in ordered:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:bedigital:item:{document['id']}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = pick(document["title"], languages)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = document["updated_at"]
        if document.get("published"):
            ET.SubElement(entry, f"{{{ATOM}}}published").text = document["published"]
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": document["url"]})
        summary = pick(document.get("summary") or {}, languages)
        if summary:
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
        description = pick(document.get("description") or {}, languages)
        if description:
            ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"}).text = description
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": document["kind"]})
        for slugs in document.get("categories", {}).values():
            for slug in slugs:
                ET.SubElement(entry, f"{{{ATOM}}}category", {"term": slug})
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
