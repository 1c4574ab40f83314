"""Rendering the agenda to its export formats (pure: documents in, bytes out)."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Sequence
from xml.etree import ElementTree as ET

import icalendar
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


def _vevent(document: dict[str, Any], *, generated_at: datetime, languages: Sequence[str]) -> icalendar.Event | None:
    """The VEVENT of one event document, or None when it has no start."""
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


_END = b"END:VCALENDAR\r\n"


class IcsRenderer:
    """Renders calendars from VEVENTs rendered once per event and language order.

    One event sits in many calendars (the agenda, each language, its themes, its partners); rendering
    it once and joining the bytes gives the same files as rendering each calendar whole, many times faster.
    """

    def __init__(self, generated_at: datetime) -> None:
        self.generated_at = generated_at
        self._events: dict[tuple[str, tuple[str, ...]], tuple[bytes, frozenset[str]] | None] = {}
        self._skeletons: dict[tuple[str, frozenset[str]], bytes] = {}

    def _event(self, document: dict[str, Any], languages: tuple[str, ...]) -> tuple[bytes, frozenset[str]] | None:
        key = (document["id"], languages)
        if key not in self._events:
            event = _vevent(document, generated_at=self.generated_at, languages=languages)
            if event is None:
                self._events[key] = None
            else:
                probe = icalendar.Calendar()
                probe.add_component(event)
                self._events[key] = (event.to_ical(), frozenset(probe.get_used_tzids()))
        return self._events[key]

    def _skeleton(self, name: str, tzids: frozenset[str], events: list[icalendar.Event]) -> bytes:
        """The calendar without its events: properties and the VTIMEZONEs they need."""
        key = (name, tzids)
        if key not in self._skeletons:
            cal = _calendar(name)
            for event in events:
                cal.add_component(event)
            cal.add_missing_timezones()
            cal.subcomponents = [c for c in cal.subcomponents if c.name != "VEVENT"]
            self._skeletons[key] = cal.to_ical()
        return self._skeletons[key]

    def render(self, documents: list[dict[str, Any]], *, name: str, languages: Sequence[str]) -> bytes:
        order = tuple(languages)
        rendered = []
        for document in documents:
            if document["kind"] != "event":
                continue
            found = self._event(document, order)
            if found is not None:
                rendered.append(found)
        tzids = frozenset().union(*(t for _, t in rendered)) if rendered else frozenset()
        probes = []
        if tzids:
            # One event per time zone makes add_missing_timezones add exactly the VTIMEZONEs the calendar needs.
            seen: set[str] = set()
            for document in documents:
                found = self._event(document, order) if document["kind"] == "event" else None
                if found is not None and not found[1] <= seen:
                    seen |= found[1]
                    probes.append(_vevent(document, generated_at=self.generated_at, languages=order))
        skeleton = self._skeleton(name, tzids, probes)
        return skeleton[: -len(_END)] + b"".join(body for body, _ in rendered) + _END


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

    Pass one `renderer` to render many calendars of the same publication: each event is rendered once.
    """
    renderer = renderer or IcsRenderer(generated_at)
    return renderer.render(documents, name=name, languages=languages)


ATOM = "http://www.w3.org/2005/Atom"


def agenda_atom(documents: list[dict[str, Any]], *, generated_at: datetime, base_url: str = "https://bedigital.brussels",
                languages: Sequence[str] = DEFAULT_LANGUAGES, title: str = "bedigital.brussels",
                feed_path: str = "") -> bytes:
    """An Atom feed of the agenda's items, newest change first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": languages[0]})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base_url}/agenda{feed_path}"
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


SCHEMA_ORG_TYPES = {"event": "Event", "call": "CreativeWork", "news": "NewsArticle"}
ATTENDANCE_MODES = {
    "in-person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
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
        node["eventStatus"] = {"cancelled": "https://schema.org/EventCancelled",
                               "postponed": "https://schema.org/EventPostponed"}.get(document["status"],
                                                                                    "https://schema.org/EventScheduled")
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


def agenda_jsonld(documents: list[dict[str, Any]], *, generated_at: datetime,
                  base_url: str = "https://bedigital.brussels") -> bytes:
    """The agenda as a schema.org ItemList of Event / CreativeWork / NewsArticle nodes."""
    body = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": "bedigital.brussels",
        "dateModified": utc_text(generated_at),
        "numberOfItems": len(documents),
        "itemListElement": [
            {"@type": "ListItem", "position": n, "item": item_jsonld(d, base_url=base_url)}
            for n, d in enumerate(documents, start=1)
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


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


def agenda_csv(documents: list[dict[str, Any]]) -> bytes:
    """A spreadsheet-friendly CSV (UTF-8 with BOM so Excel reads the accents), one column per language."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for document in documents:
        writer.writerow(_flat_row(document))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


PARQUET_SCHEMA = pa.schema(
    [(name, pa.string()) for name in CSV_COLUMNS if name not in ("all_day", "is_free", "price", "sequence")]
    + [("all_day", pa.bool_()), ("is_free", pa.bool_()), ("price", pa.float64()), ("sequence", pa.int32())]
)


def agenda_parquet(documents: list[dict[str, Any]]) -> bytes:
    """The same columns as the CSV, typed, in one Parquet file."""
    rows = [_flat_row(d) for d in documents]
    columns = {field.name: [row[field.name] for row in rows] for field in PARQUET_SCHEMA}
    table = pa.Table.from_pydict(columns, schema=PARQUET_SCHEMA)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
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
    files: dict[str, bytes] = {}
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
        files[f"agenda.{lang}.ics"] = agenda_ics(events, generated_at=generated_at, languages=order, renderer=renderer)
        for slug, chosen in sorted(by_theme.items()):
            if safe_name(slug):
                files[f"calendars/theme/{slug}.{lang}.ics"] = agenda_ics(
                    chosen, generated_at=generated_at, languages=order, name=f"bedigital.brussels · {slug}",
                    renderer=renderer)
        for pid, chosen in sorted(by_partner.items()):
            if safe_name(pid):
                files[f"calendars/partner/{pid}.{lang}.ics"] = agenda_ics(
                    chosen, generated_at=generated_at, languages=order,
                    name=f"bedigital.brussels · {partners.get(pid) or pid}", renderer=renderer)
    return files


def feed_files(documents: list[dict[str, Any]], *, generated_at: datetime) -> dict[str, bytes]:
    """An Atom feed per kind and per language: `feeds/<kind>.<lang>.atom`."""
    files = {}
    for kind in ("event", "call", "news"):
        chosen = [d for d in documents if d["kind"] == kind]
        for lang in DEFAULT_LANGUAGES:
            files[f"feeds/{kind}.{lang}.atom"] = agenda_atom(
                chosen, generated_at=generated_at, languages=languages_for(lang),
                title=f"bedigital.brussels · {kind}", feed_path=f"/{kind}/{lang}")
    return files
