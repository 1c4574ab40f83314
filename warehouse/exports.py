"""Rendering the agenda to its export formats (pure: documents in, bytes out)."""
from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Iterator, Sequence

import icalendar
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

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


def languages_for(lang: str) -> tuple[str, ...]:
    """`lang` first, then the others in the default order: the fallback chain of one-language files."""
    return (lang, *(other for other in DEFAULT_LANGUAGES if other != lang))


def json_bytes(value: Any) -> bytes:
    """UTF-8 JSON, indented so that the published files stay readable line by line (orjson: compiled)."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2)


JSON_CHUNK = 2_000  # list elements encoded at a time by iter_json_with_list: a large file is never held whole
_INDENT = b"\n  "  # a line of a top-level list's element, indented one level further (OPT_INDENT_2)
_EMPTY_TAIL = b"[]\n}"


def iter_json_with_list(head: dict[str, Any], items: Iterable[Any], *, chunk: int = JSON_CHUNK) -> Iterator[bytes]:
    """json_bytes(head) with `items` as the value of head's last key, in pieces: the same bytes, joined.

    The file of a large agenda is written as it is encoded, `chunk` elements at a time. JSON strings hold
    no raw line break, so a chunk encoded as a list and indented one level further is exactly the text
    of its elements inside the whole document."""
    last = next(reversed(head), None)
    if last is None or not isinstance(head[last], list) or head[last]:
        raise ValueError("the head's last value must be an empty list")
    empty = json_bytes(head)  # {... "last": []\n}: the elements go between the brackets
    opening = empty[: -len(_EMPTY_TAIL)] + b"["
    first = True
    for batch in _batched(items, chunk):
        # [\n  e1,\n  e2\n] indented one level: [\n    e1,\n    e2\n  ]; its inside is what the document holds.
        inside = json_bytes(list(batch)).replace(b"\n", _INDENT)[1:-len(_INDENT) - 1]
        yield (opening if first else b",") + inside
        first = False
    yield empty if first else b"\n  ]\n}"


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of `size` items (the last one shorter): itertools.batched arrives with Python 3.12."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def agenda_head(documents: Sequence[dict[str, Any]], *, generated_at: datetime) -> dict[str, Any]:
    """agenda.json's envelope (its `items` empty): the version, the time and the counts."""
    counts: dict[str, int] = {"total": len(documents)}
    for kind in ("event", "call", "news"):
        counts[kind] = sum(1 for d in documents if d["kind"] == kind)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": utc_text(generated_at),
        "counts": counts,
        "items": [],
    }


def agenda_body(documents: list[dict[str, Any]], *, generated_at: datetime) -> dict[str, Any]:
    """The agenda.json document before it is encoded: what the schema is checked against."""
    return {**agenda_head(documents, generated_at=generated_at), "items": documents}


def iter_agenda_json(documents: Sequence[dict[str, Any]], *, generated_at: datetime) -> Iterator[bytes]:
    """agenda.json in pieces (see iter_json_with_list)."""
    return iter_json_with_list(agenda_head(documents, generated_at=generated_at), documents)


def agenda_json(documents: list[dict[str, Any]], *, generated_at: datetime) -> bytes:
    return b"".join(iter_agenda_json(documents, generated_at=generated_at))


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


def _vevent(document: dict[str, Any], *, generated_at: datetime, languages: Sequence[str]) -> icalendar.Event | None:
    """The VEVENT of one event document as an icalendar object, or None when it has no start.

    The reference for `written_vevent`, and what writes the rare events that one does not cover.
    """
    start = _ical_time(document, "start")
    if start is None:
        return None
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
    event.add("sequence", int(document.get("sequence") or 0))
    updated = parse_instant(document["updated_at"])
    if updated:
        event.add("last-modified", updated)
    for facet_slugs in document.get("categories", {}).values():
        for slug in facet_slugs:
            event.add("categories", slug)
    return event


# --- iCalendar written directly --------------------------------------------------------------------
# Building icalendar objects for every event was most of a publication's time. The writer below
# produces the same bytes as icalendar (same property order, escaping and folding), which the tests
# check against `_vevent`; an event it does not cover falls back to icalendar.

LINE_OCTETS = 74  # icalendar folds a line before it reaches 75 octets; continuation lines add one space
_FOLD_KEEP_NEXT = b"\\^"  # an escape character starts the next line instead of ending this one (old clients)


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping, in icalendar's order (a literal `\\N` is a line break too)."""
    return (text.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold_line(line: str) -> bytes:
    """One content line in UTF-8 with its CRLF, folded every 74 octets but never inside a character."""
    data = line.encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return data + b"\r\n"
    parts = []
    start = 0
    while len(data) - start > LINE_OCTETS:
        end = start + LINE_OCTETS
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: fold before the character it belongs to
            end -= 1
        if data[end - 1] in _FOLD_KEEP_NEXT and end - 1 > start:
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def _ical_value(value: date | datetime) -> str | None:
    """`[;params]:value` of a DATE or DATE-TIME; None for a time zone other than UTC and Brussels."""
    if not isinstance(value, datetime):
        return f";VALUE=DATE:{value.year:04}{value.month:02}{value.day:02}"
    stamp = f"{value.year:04}{value.month:02}{value.day:02}T{value.hour:02}{value.minute:02}{value.second:02}"
    if value.tzinfo is timezone.utc:
        return f":{stamp}Z"
    if value.tzinfo is DISPLAY_TZ:
        return f";TZID={DISPLAY_TZ.key}:{stamp}"
    return None


def _all_text(*values: Any) -> bool:
    return all(isinstance(v, str) for v in values)


@dataclass(frozen=True, slots=True)
class EventLines:
    """The lines of an event's VEVENT that read the same in every language (all but SUMMARY, DESCRIPTION)."""

    middle: bytes  # DTSTART to CATEGORIES: between SUMMARY and DESCRIPTION
    tail: bytes  # LAST-MODIFIED to URL: after DESCRIPTION
    url: str  # ends the DESCRIPTION
    tzids: frozenset[str]


def event_lines(document: dict[str, Any], start: date | datetime, *, dtstamp: str) -> EventLines | None:
    """The language-independent lines of an event starting at `start` (`_ical_time`), folded.

    None when the document holds something the direct writer does not cover (a value that is not
    text, an unusual time zone, a line break in its URL): icalendar writes that event.
    """
    end = _ical_time(document, "end")
    if end is not None and not end > start:
        end = None
    updated = parse_instant(document["updated_at"])
    url = document["url"]
    place = _place(document)
    slugs = [slug for facet_slugs in document.get("categories", {}).values() for slug in facet_slugs]
    start_value = _ical_value(start)
    end_value = _ical_value(end) if end is not None else ""
    updated_value = _ical_value(updated) if updated else ""
    if (start_value is None or end_value is None or updated_value is None or not _all_text(url, *slugs)
            or (place and not isinstance(place, str)) or "\n" in url):
        return None
    middle = [f"DTSTART{start_value}"]
    if end is not None:
        middle.append(f"DTEND{end_value}")
    uid = f"{document['id']}@{UID_DOMAIN}"
    middle += [dtstamp, f"UID:{escape_text(uid)}", f"SEQUENCE:{int(document.get('sequence') or 0)}"]
    middle += [f"CATEGORIES:{escape_text(slug)}" for slug in slugs]
    tail = [f"LAST-MODIFIED{updated_value}"] if updated else []
    if place:
        tail.append(f"LOCATION:{escape_text(place)}")
    tail.append("STATUS:CANCELLED" if document["status"] == "cancelled" else "STATUS:CONFIRMED")
    tail.append(f"URL:{url}")
    return EventLines(b"".join(map(fold_line, middle)), b"".join(map(fold_line, tail)), url,
                      _BRUSSELS if isinstance(start, datetime) else _NO_TZIDS)


def vevent_bytes(lines: EventLines, *, title: Any, summary: Any) -> bytes | None:
    """The VEVENT with the title and summary picked in a calendar's language order, as
    `_vevent(...).to_ical()` gives it; None when they are not text (icalendar writes that one)."""
    if not _all_text(title, summary):
        return None
    description = "\n\n".join(p for p in (summary, lines.url) if p)
    return (b"BEGIN:VEVENT\r\n" + fold_line(f"SUMMARY:{escape_text(title)}") + lines.middle
            + fold_line(f"DESCRIPTION:{escape_text(description)}") + lines.tail + b"END:VEVENT\r\n")


def written_vevent(document: dict[str, Any], *, generated_at: datetime, languages: Sequence[str]) -> bytes | None:
    """One event's VEVENT from the direct writer alone: None when it has no start or is not covered."""
    start = _ical_time(document, "start")
    dtstamp = f"DTSTAMP{_ical_value(generated_at.astimezone(timezone.utc))}"
    lines = event_lines(document, start, dtstamp=dtstamp) if start is not None else None
    if lines is None:
        return None
    return vevent_bytes(lines, title=pick(document["title"], languages),
                        summary=pick(document.get("summary") or {}, languages))


_BRUSSELS = frozenset({DISPLAY_TZ.key})
_NO_TZIDS: frozenset[str] = frozenset()
_END = b"END:VCALENDAR\r\n"


class IcsRenderer:
    """Renders calendars from VEVENTs written once per event and language order.

    One event sits in many calendars (the agenda, each language, its themes, its partners); writing
    it once and joining the bytes gives the same files as rendering each calendar whole, many times faster.
    """

    def __init__(self, generated_at: datetime) -> None:
        self.generated_at = generated_at
        stamp = _ical_value(generated_at.astimezone(timezone.utc))
        self._dtstamp = f"DTSTAMP{stamp}"
        self._events: dict[tuple[str, tuple[str, ...]], tuple[bytes, frozenset[str]] | None] = {}
        # The same VEVENT for every language order that picks the same texts (a French-only event
        # reads the same in the three languages' calendars), and the same other lines for all of them.
        self._by_text: dict[tuple[str, Any, Any], tuple[bytes, frozenset[str]] | None] = {}
        self._lines: dict[str, EventLines | None] = {}
        self._headers: dict[str, bytes] = {}
        self._timezones: dict[frozenset[str], bytes] = {}

    def _event(self, document: dict[str, Any], languages: tuple[str, ...]) -> tuple[bytes, frozenset[str]] | None:
        key = (document["id"], languages)
        if key not in self._events:
            title, summary = pick(document["title"], languages), pick(document.get("summary") or {}, languages)
            text_key = (document["id"], title, summary)
            if text_key not in self._by_text:
                self._by_text[text_key] = self._write_event(document, languages, title, summary)
            self._events[key] = self._by_text[text_key]
        return self._events[key]

    def _write_event(self, document: dict[str, Any], languages: tuple[str, ...], title: str,
                     summary: str) -> tuple[bytes, frozenset[str]] | None:
        start = _ical_time(document, "start")
        if start is None:
            return None
        if document["id"] not in self._lines:
            self._lines[document["id"]] = event_lines(document, start, dtstamp=self._dtstamp)
        lines = self._lines[document["id"]]
        body = vevent_bytes(lines, title=title, summary=summary) if lines is not None else None
        if lines is None or body is None:
            return self._icalendar_event(document, languages)
        return body, lines.tzids

    def _icalendar_event(self, document: dict[str, Any], languages: tuple[str, ...]) -> tuple[bytes, frozenset[str]]:
        event = _vevent(document, generated_at=self.generated_at, languages=languages)
        assert event is not None  # the caller checked the start
        probe = icalendar.Calendar()
        probe.add_component(event)
        return event.to_ical(), frozenset(probe.get_used_tzids())

    def _header(self, name: str) -> bytes:
        """The calendar's properties, without its END line."""
        if name not in self._headers:
            self._headers[name] = _calendar(name).to_ical()[: -len(_END)]
        return self._headers[name]

    def _vtimezones(self, tzids: frozenset[str]) -> bytes:
        """The VTIMEZONEs icalendar adds for these TZIDs (they depend on nothing else)."""
        if tzids not in self._timezones:
            cal = icalendar.Calendar()
            for tzid in tzids:
                probe = icalendar.Event()
                probe.add("dtstart", datetime(2000, 1, 1), parameters={"TZID": tzid})
                cal.add_component(probe)
            cal.add_missing_timezones()
            self._timezones[tzids] = b"".join(c.to_ical() for c in cal.subcomponents if c.name == "VTIMEZONE")
        return self._timezones[tzids]

    def pieces(self, documents: list[dict[str, Any]], *, name: str, languages: Sequence[str]) -> list[bytes]:
        """The calendar in pieces (its header, time zones, each VEVENT, its end), to be written one after the
        other: joined, a calendar of 33,000 events is a 48 MB copy of VEVENTs this renderer holds anyway."""
        order = tuple(languages)
        rendered = []
        for document in documents:
            if document["kind"] == "event":
                found = self._event(document, order)
                if found is not None:
                    rendered.append(found)
        tzids = frozenset().union(*(t for _, t in rendered)) if rendered else _NO_TZIDS
        return [self._header(name), self._vtimezones(tzids), *(body for body, _ in rendered), _END]


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//bedigital.brussels//agenda//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Brussels")
    return cal


def agenda_ics(documents: list[dict[str, Any]], *, generated_at: datetime, name: str = "bedigital.brussels",
               languages: Sequence[str] = DEFAULT_LANGUAGES, renderer: IcsRenderer | None = None) -> bytes:
    """An iCalendar of the events, subscribable by calendar clients (VTIMEZONE, stable UIDs).

    Pass one `renderer` to render many calendars of the same publication: each event is written once.
    """
    return b"".join(agenda_ics_pieces(documents, generated_at=generated_at, name=name, languages=languages,
                                      renderer=renderer))


def agenda_ics_pieces(documents: list[dict[str, Any]], *, generated_at: datetime, name: str = "bedigital.brussels",
                      languages: Sequence[str] = DEFAULT_LANGUAGES, renderer: IcsRenderer | None = None) -> list[bytes]:
    """agenda_ics in pieces to be written one after the other (IcsRenderer.pieces)."""
    renderer = renderer or IcsRenderer(generated_at)
    return renderer.pieces(documents, name=name, languages=languages)


ATOM = "http://www.w3.org/2005/Atom"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
# (item id, language order) and (item id, title, summary, description) -> the <entry> element, encoded:
# an entry is written once for all the feeds it is in, and once for the language orders showing the same texts.
AtomEntries = dict[tuple[Any, ...], bytes]


def _xml_text(text: str) -> str:
    """Character data escaped as ElementTree escapes it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attribute(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it."""
    return (_xml_text(text).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def _element(tag: str, text: str | None, attributes: str = "") -> str:
    """`<tag>text</tag>`, or `<tag />` when there is no text, as ElementTree writes it."""
    return f"<{tag}{attributes}>{_xml_text(text)}</{tag}>" if text else f"<{tag}{attributes} />"


def _atom_texts(document: dict[str, Any], languages: Sequence[str]) -> tuple[str, str, str]:
    """The title, summary and description an entry shows in this language order."""
    return (pick(document["title"], languages), pick(document.get("summary") or {}, languages),
            pick(document.get("description") or {}, languages))


def _atom_entry(document: dict[str, Any], title: str, summary: str, description: str) -> str:
    parts = [
        _element("id", f"urn:bedigital:item:{document['id']}"),
        _element("title", title),
        _element("updated", document["updated_at"]),
    ]
    if document.get("published"):
        parts.append(_element("published", document["published"]))
    parts.append(f'<link rel="alternate" href="{_xml_attribute(document["url"])}" />')
    if summary:
        parts.append(_element("summary", summary))
    if description:
        parts.append(_element("content", description, ' type="html"'))
    terms = [document["kind"], *(slug for slugs in document.get("categories", {}).values() for slug in slugs)]
    parts += map(_category_element, terms)
    return f"<entry>{''.join(parts)}</entry>"


@functools.lru_cache(maxsize=4096)
def _category_element(term: str) -> str:
    """A category of an entry (a few dozen slugs repeated over every entry: written once each)."""
    return f'<category term="{_xml_attribute(term)}" />'


def iter_agenda_atom(documents: Sequence[dict[str, Any]], *, generated_at: datetime,
                     base_url: str = "https://bedigital.brussels", languages: Sequence[str] = DEFAULT_LANGUAGES,
                     title: str = "bedigital.brussels", feed_path: str = "",
                     entries: AtomEntries | None = None) -> Iterator[bytes]:
    """An Atom feed of the agenda's items, newest change first (the bytes ElementTree would write), in pieces
    of JSON_CHUNK entries.

    Pass one `entries` cache to render many feeds of the same items: each entry is written once.
    """
    order = tuple(languages)
    head = (
        f'<feed xmlns="{ATOM}" xml:lang="{_xml_attribute(order[0])}">'
        + _element("id", f"{base_url}/agenda{feed_path}") + _element("title", title)
        + _element("updated", utc_text(generated_at))
        + f'<link rel="alternate" href="{_xml_attribute(base_url)}" /><author><name>bedigital.brussels</name></author>'
    )
    yield XML_DECLARATION + _xml_bytes(head)
    newest_first = sorted(documents, key=lambda d: (d["updated_at"], d["id"]), reverse=True)
    for batch in _batched(newest_first, JSON_CHUNK):
        yield b"".join(_atom_entry_bytes(document, order, entries) for document in batch)
    yield b"</feed>"


def _atom_entry_bytes(document: dict[str, Any], order: tuple[str, ...], entries: AtomEntries | None) -> bytes:
    """The <entry> of a document for a language order, from `entries` when it was written already."""
    if entries is None:
        return _xml_bytes(_atom_entry(document, *_atom_texts(document, order)))
    key = (document["id"], order)
    if key not in entries:
        texts = _atom_texts(document, order)
        text_key = (document["id"], *texts)
        if text_key not in entries:
            entries[text_key] = _xml_bytes(_atom_entry(document, *texts))
        entries[key] = entries[text_key]
    return entries[key]


def agenda_atom(documents: Sequence[dict[str, Any]], *, generated_at: datetime,
                base_url: str = "https://bedigital.brussels", languages: Sequence[str] = DEFAULT_LANGUAGES,
                title: str = "bedigital.brussels", feed_path: str = "", entries: AtomEntries | None = None) -> bytes:
    return b"".join(iter_agenda_atom(documents, generated_at=generated_at, base_url=base_url, languages=languages,
                                     title=title, feed_path=feed_path, entries=entries))


def _xml_bytes(text: str) -> bytes:
    """UTF-8, as ElementTree encodes: a character UTF-8 cannot hold (a lone surrogate) as a reference."""
    return text.encode("utf-8", "xmlcharrefreplace")


SCHEMA_ORG_TYPES = {"event": "Event", "call": "CreativeWork", "news": "NewsArticle"}
ATTENDANCE_MODES = {
    "in-person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}
EVENT_STATUSES = {
    "cancelled": "https://schema.org/EventCancelled",
    "postponed": "https://schema.org/EventPostponed",
    "rescheduled": "https://schema.org/EventRescheduled",
}


def _language_values(texts: dict[str, str]) -> list[dict[str, str]]:
    """A JSON-LD value per language: one field that carries every language."""
    return [{"@value": texts[lang], "@language": lang} for lang in DEFAULT_LANGUAGES if texts.get(lang)]


def _jsonld_when(document: dict[str, Any], which: str) -> str | None:
    if document["all_day"]:
        return document.get(f"{which}_date") or (document["start_date"] if which == "end" else None)
    return document.get(f"{which}_local")


def item_jsonld(document: dict[str, Any], *, base_url: str = "https://bedigital.brussels") -> dict[str, Any]:
    """One item as a schema.org node (Event, CreativeWork for calls, NewsArticle)."""
    node: dict[str, Any] = {
        "@type": SCHEMA_ORG_TYPES[document["kind"]],
        "@id": f"{base_url}/items/{document['id']}",
        "identifier": document["id"],
        "name": _language_values(document["title"]),
        "url": document["url"],
        "inLanguage": document.get("languages") or [],
        "dateModified": document["updated_at"],
        "keywords": sorted({slug for slugs in (document.get("categories") or {}).values() for slug in slugs}),
        "publisher": [{"@type": "Organization", "identifier": p} for p in document["partners"]],
    }
    if document.get("summary"):
        node["description"] = _language_values(document["summary"])
    if document.get("image_url"):
        node["image"] = document["image_url"]
    if document.get("published"):
        node["datePublished"] = document["published"]
    if document["kind"] == "event":
        node["startDate"] = _jsonld_when(document, "start")
        if _jsonld_when(document, "end"):
            node["endDate"] = _jsonld_when(document, "end")
        node["eventStatus"] = EVENT_STATUSES.get(document["status"], "https://schema.org/EventScheduled")
        location = document.get("location") or {}
        if location.get("attendance_mode") in ATTENDANCE_MODES:
            node["eventAttendanceMode"] = ATTENDANCE_MODES[location["attendance_mode"]]
        places = []
        if location.get("venue") or location.get("street") or location.get("municipality"):
            places.append({"@type": "Place", "name": location.get("venue"), "address": {
                "@type": "PostalAddress", "streetAddress": location.get("street"), "postalCode": location.get("postcode"),
                "addressLocality": location.get("municipality"), "addressCountry": location.get("country")}})
        if location.get("online_url"):
            places.append({"@type": "VirtualLocation", "url": location["online_url"]})
        if places:
            node["location"] = places[0] if len(places) == 1 else places
        price = document.get("price") or {}
        if price.get("is_free") is not None or price.get("amount") is not None:
            node["isAccessibleForFree"] = price.get("is_free")
            if price.get("amount") is not None:
                node["offers"] = {"@type": "Offer", "price": price["amount"], "priceCurrency": price.get("currency") or "EUR"}
    if document["kind"] == "call" and document.get("deadline_local"):
        node["expires"] = document["deadline_local"]
    return node


def iter_agenda_jsonld(documents: Sequence[dict[str, Any]], *, generated_at: datetime,
                       base_url: str = "https://bedigital.brussels") -> Iterator[bytes]:
    """The agenda as a schema.org ItemList of Event / CreativeWork / NewsArticle nodes, in pieces."""
    head = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": "bedigital.brussels",
        "dateModified": utc_text(generated_at),
        "numberOfItems": len(documents),
        "itemListElement": [],
    }
    elements = ({"@type": "ListItem", "position": n, "item": item_jsonld(d, base_url=base_url)}
                for n, d in enumerate(documents, start=1))
    return iter_json_with_list(head, elements)


def agenda_jsonld(documents: Sequence[dict[str, Any]], *, generated_at: datetime,
                  base_url: str = "https://bedigital.brussels") -> bytes:
    return b"".join(iter_agenda_jsonld(documents, generated_at=generated_at, base_url=base_url))


CSV_TEXT_FIELDS = ("title", "summary")
CSV_COLUMNS = (
    "id", "kind", "status", *(f"{f}_{lang}" for f in CSV_TEXT_FIELDS for lang in DEFAULT_LANGUAGES),
    "url", "all_day", "start", "end", "start_local", "end_local", "start_date", "end_date", "deadline", "deadline_local",
    "venue", "street", "postcode", "municipality", "attendance_mode", "online_url", "is_free", "price", "currency",
    "registration_url", "languages", "categories", "partners", "published", "first_seen", "updated_at", "sequence",
)


def _flat_row(document: dict[str, Any]) -> dict[str, Any]:
    """One document as flat columns: a column per language for texts, `facet:slug` lists joined by spaces."""
    location = document.get("location") or {}
    price = document.get("price") or {}
    row: dict[str, Any] = {key: document.get(key) for key in CSV_COLUMNS if key in document}
    for field in CSV_TEXT_FIELDS:
        for lang in DEFAULT_LANGUAGES:
            row[f"{field}_{lang}"] = (document.get(field) or {}).get(lang)
    for key in ("venue", "street", "postcode", "municipality", "attendance_mode", "online_url"):
        row[key] = location.get(key)
    row["is_free"], row["price"], row["currency"] = price.get("is_free"), price.get("amount"), price.get("currency")
    row["languages"] = " ".join(document.get("languages") or [])
    row["categories"] = " ".join(f"{facet}:{slug}" for facet, slugs in sorted((document.get("categories") or {}).items())
                                 for slug in slugs)
    row["partners"] = " ".join(document["partners"])
    row["sequence"] = int(document.get("sequence") or 0)
    return {key: row.get(key) for key in CSV_COLUMNS}


def flat_rows(documents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents as the flat rows of the CSV and the Parquet file."""
    return [_flat_row(d) for d in documents]


def _row_chunks(documents: Sequence[dict[str, Any]], chunk: int) -> Iterator[list[dict[str, Any]]]:
    """flat_rows a chunk of documents at a time: the rows of a whole agenda are never held together."""
    for start in range(0, len(documents), chunk):
        yield flat_rows(documents[start:start + chunk])


def iter_agenda_csv(documents: Sequence[dict[str, Any]], *, chunk: int = JSON_CHUNK) -> Iterator[bytes]:
    """A spreadsheet-friendly CSV (UTF-8 with BOM so Excel reads the accents), one column per language,
    in pieces of `chunk` rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield ("\ufeff" + out.getvalue()).encode("utf-8")
    for rows in _row_chunks(documents, chunk):
        out.seek(0)
        out.truncate()
        # A flat row holds exactly the columns, in their order: its values are the CSV line.
        writer.writerows(map(dict.values, rows))
        yield out.getvalue().encode("utf-8")


def agenda_csv(documents: Sequence[dict[str, Any]]) -> bytes:
    return b"".join(iter_agenda_csv(documents))


PARQUET_SCHEMA = pa.schema(
    [(name, pa.string()) for name in CSV_COLUMNS if name not in ("all_day", "is_free", "price", "sequence")]
    + [("all_day", pa.bool_()), ("is_free", pa.bool_()), ("price", pa.float64()), ("sequence", pa.int32())]
)


PARQUET_ROW_GROUP = 20_000  # rows per row group: the file is written a row group at a time


def agenda_parquet(documents: Sequence[dict[str, Any]], *, chunk: int = JSON_CHUNK,
                   row_group: int = PARQUET_ROW_GROUP) -> bytes:
    """The same columns as the CSV, typed, in one Parquet file, built from Arrow batches of `chunk` rows and
    written a row group of `row_group` rows at a time (the whole table combined in memory was 0.25 GB of a
    publication's peak at 98,000 items)."""
    sink = io.BytesIO()
    with pq.ParquetWriter(sink, PARQUET_SCHEMA, compression="zstd") as writer:
        pending: list[pa.RecordBatch] = []

        def write_pending() -> None:
            writer.write_table(pa.Table.from_batches(pending, schema=PARQUET_SCHEMA).combine_chunks())
            pending.clear()

        for rows in _row_chunks(documents, chunk):
            pending.append(pa.RecordBatch.from_pydict(
                {field.name: [row[field.name] for row in rows] for field in PARQUET_SCHEMA}, schema=PARQUET_SCHEMA))
            if sum(batch.num_rows for batch in pending) >= row_group:
                write_pending()
        if pending:
            write_pending()
    return sink.getvalue()


_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,80}$")


def safe_name(slug: str) -> bool:
    """Whether a slug can be used as a file name as is (ids and slugs are; anything else is skipped)."""
    return bool(_SAFE_NAME.match(slug))


def themes_of(document: dict[str, Any]) -> list[str]:
    return list((document.get("categories") or {}).get("theme") or [])


def calendar_files(documents: list[dict[str, Any]], *, generated_at: datetime, themes: Iterable[str],
                   partners: dict[str, str], renderer: IcsRenderer | None = None) -> dict[str, bytes]:
    """`agenda.<lang>.ics`, and one calendar per theme and per partner in each language.

    A calendar exists for every known theme and partner, even with no event yet, so that a
    subscription made today keeps working.
    """
    return {name: b"".join(pieces) for name, pieces in iter_calendar_files(
        documents, generated_at=generated_at, themes=themes, partners=partners, renderer=renderer)}


def iter_calendar_files(documents: list[dict[str, Any]], *, generated_at: datetime, themes: Iterable[str],
                        partners: dict[str, str], renderer: IcsRenderer | None = None
                        ) -> Iterator[tuple[str, list[bytes]]]:
    """calendar_files' (name, pieces) pairs one at a time, each calendar in pieces to be written one after the
    other (IcsRenderer.pieces): a publication never holds a calendar's bytes joined."""
    renderer = renderer or IcsRenderer(generated_at)
    events = [d for d in documents if d["kind"] == "event"]
    by_theme: dict[str, list[dict[str, Any]]] = {slug: [] for slug in themes}
    by_partner: dict[str, list[dict[str, Any]]] = {pid: [] for pid in partners}
    for document in events:
        for slug in themes_of(document):
            by_theme.setdefault(slug, []).append(document)
        for pid in document["partners"]:
            by_partner.setdefault(pid, []).append(document)
    for lang in DEFAULT_LANGUAGES:
        order = languages_for(lang)
        yield f"agenda.{lang}.ics", agenda_ics_pieces(events, generated_at=generated_at, languages=order,
                                                      renderer=renderer)
        for slug, chosen in sorted(by_theme.items()):
            if safe_name(slug):
                yield f"calendars/theme/{slug}.{lang}.ics", agenda_ics_pieces(
                    chosen, generated_at=generated_at, languages=order, name=f"bedigital.brussels · {slug}",
                    renderer=renderer)
        for pid, chosen in sorted(by_partner.items()):
            if safe_name(pid):
                yield f"calendars/partner/{pid}.{lang}.ics", agenda_ics_pieces(
                    chosen, generated_at=generated_at, languages=order,
                    name=f"bedigital.brussels · {partners.get(pid) or pid}", renderer=renderer)


def feed_files(documents: list[dict[str, Any]], *, generated_at: datetime) -> dict[str, bytes]:
    """An Atom feed per kind and per language: `feeds/<kind>.<lang>.atom`."""
    return {name: b"".join(body) for name, body in iter_feed_files(documents, generated_at=generated_at)}


def iter_feed_files(documents: Sequence[dict[str, Any]], *,
                    generated_at: datetime) -> Iterator[tuple[str, Iterator[bytes]]]:
    """feed_files' (name, pieces) pairs one at a time. A kind's entries are written once for its three
    languages (most items read the same in all three) and forgotten before the next kind: the entries
    of a whole agenda are never held."""
    for kind in ("event", "call", "news"):
        chosen = [d for d in documents if d["kind"] == kind]
        entries: AtomEntries = {}
        for lang in DEFAULT_LANGUAGES:
            yield f"feeds/{kind}.{lang}.atom", iter_agenda_atom(
                chosen, generated_at=generated_at, languages=languages_for(lang),
                title=f"bedigital.brussels · {kind}", feed_path=f"/{kind}/{lang}", entries=entries)
