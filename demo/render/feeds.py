"""RSS 2.0, RSS 1.0 (RDF, with the mod_event module) and Atom 1.0, built with xml.etree."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from email.utils import format_datetime

from demo.loader import Feed, PartnerContent, text
from demo.render.common import Entry, iso, last_updated

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ev": "http://purl.org/rss/1.0/modules/event/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rss1": "http://purl.org/rss/1.0/",
    "media": "http://search.yahoo.com/mrss/",
}
for _prefix in ("atom", "content", "dc", "ev", "rdf", "media"):
    ET.register_namespace(_prefix, NS[_prefix])


def q(prefix: str, name: str) -> str:
    """A qualified tag; the feed's own vocabulary (rss1, atom) is written unprefixed in a default namespace."""
    if prefix in ("rss1", "atom_default"):
        return name
    return f"{{{NS[prefix]}}}{name}"


def _sub(parent: ET.Element, tag: str, value: str | None, **attrib: str) -> ET.Element | None:
    if value is None:
        return None
    element = ET.SubElement(parent, tag, attrib)
    element.text = value
    return element


def _rfc822(value: datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return format_datetime(value)


def _event_module(parent: ET.Element, entry: Entry, *, deadline_as_end: bool) -> None:
    if entry.kind == "event" and entry.start is not None:
        _sub(parent, q("ev", "startdate"), iso(entry.start))
        _sub(parent, q("ev", "enddate"), iso(entry.end))
        location = entry.place.line() if entry.place else entry.online_url
        _sub(parent, q("ev", "location"), location)
        _sub(parent, q("ev", "organizer"), entry.organizer)
        _sub(parent, q("ev", "type"), entry.categories[0] if entry.categories else None)
    elif entry.kind == "call" and entry.deadline is not None and deadline_as_end:
        _sub(parent, q("ev", "enddate"), iso(entry.deadline))
        _sub(parent, q("ev", "organizer"), entry.organizer)
        _sub(parent, q("ev", "type"), "call")


def _tostring(root: ET.Element, encoding: str) -> bytes:
    ET.indent(root)
    body = ET.tostring(root, encoding=encoding, xml_declaration=True)
    return body + b"\n"


def render_rss2(partner: PartnerContent, feed: Feed, entries: list[Entry], url: str, today: date, encoding: str = "utf-8") -> bytes:
    lang = feed.language
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _sub(channel, "title", text(feed.title, lang))
    _sub(channel, "link", f"{partner.website}/{lang}/")
    _sub(channel, "description", text(feed.description, lang) or text(partner.name, lang))
    _sub(channel, "language", {"fr": "fr-BE", "nl": "nl-BE", "en": "en"}[lang])
    _sub(channel, "lastBuildDate", _rfc822(last_updated(entries, today)))
    _sub(channel, "generator", "bedigital demo ecosystem")
    ET.SubElement(channel, q("atom", "link"), {"href": url, "rel": "self", "type": "application/rss+xml"})
    with_ev = bool(feed.options.get("event_module"))
    for entry in entries:
        item = ET.SubElement(channel, "item")
        _sub(item, "title", entry.title)
        _sub(item, "link", entry.url)
        _sub(item, "description", entry.description_html)
        for category in entry.categories:
            _sub(item, "category", category)
        _sub(item, q("dc", "creator"), entry.organizer)
        _sub(item, "guid", entry.url, isPermaLink="true")
        _sub(item, "pubDate", _rfc822(entry.published))
        if entry.image_url:
            ET.SubElement(item, "enclosure", {"url": entry.image_url, "type": "image/jpeg", "length": "0"})
        if with_ev:
            _event_module(item, entry, deadline_as_end=True)
    return _tostring(rss, encoding)


def render_rss1(partner: PartnerContent, feed: Feed, entries: list[Entry], url: str, today: date) -> bytes:
    lang = feed.language
    rdf = ET.Element(q("rdf", "RDF"), {"xmlns": NS["rss1"]})
    channel = ET.SubElement(rdf, q("rss1", "channel"), {q("rdf", "about"): url})
    _sub(channel, q("rss1", "title"), text(feed.title, lang))
    _sub(channel, q("rss1", "link"), f"{partner.website}/{lang}/")
    _sub(channel, q("rss1", "description"), text(feed.description, lang) or text(partner.name, lang))
    _sub(channel, q("dc", "language"), lang)
    _sub(channel, q("dc", "date"), iso(last_updated(entries, today)))
    seq = ET.SubElement(ET.SubElement(channel, q("rss1", "items")), q("rdf", "Seq"))
    for entry in entries:
        ET.SubElement(seq, q("rdf", "li"), {q("rdf", "resource"): entry.url})
    for entry in entries:
        item = ET.SubElement(rdf, q("rss1", "item"), {q("rdf", "about"): entry.url})
        _sub(item, q("rss1", "title"), entry.title)
        _sub(item, q("rss1", "link"), entry.url)
        _sub(item, q("rss1", "description"), entry.description_html)
        _sub(item, q("dc", "date"), iso(entry.published))
        _sub(item, q("dc", "creator"), entry.organizer)
        for category in entry.categories:
            _sub(item, q("dc", "subject"), category)
        _event_module(item, entry, deadline_as_end=True)
    return _tostring(rdf, "utf-8")


def render_atom(partner: PartnerContent, feed: Feed, entries: list[Entry], url: str, today: date) -> bytes:
    lang = feed.language
    root = ET.Element("feed", {"xmlns": NS["atom"], "{http://www.w3.org/XML/1998/namespace}lang": lang})
    _sub(root, q("atom_default", "title"), text(feed.title, lang))
    _sub(root, q("atom_default", "subtitle"), text(feed.description, lang))
    _sub(root, q("atom_default", "id"), f"urn:bedigital-demo:{partner.id}:{feed.id}")
    ET.SubElement(root, q("atom_default", "link"), {"rel": "self", "href": url, "type": "application/atom+xml"})
    ET.SubElement(root, q("atom_default", "link"), {"rel": "alternate", "href": f"{partner.website}/{lang}/"})
    _sub(root, q("atom_default", "updated"), iso(last_updated(entries, today)))
    author = ET.SubElement(root, q("atom_default", "author"))
    _sub(author, q("atom_default", "name"), text(partner.name, lang))
    _sub(author, q("atom_default", "uri"), partner.website)
    for entry in entries:
        element = ET.SubElement(root, q("atom_default", "entry"))
        _sub(element, q("atom_default", "id"), f"urn:bedigital-demo:{partner.id}:{entry.id}")
        _sub(element, q("atom_default", "title"), entry.title, type="text")
        ET.SubElement(element, q("atom_default", "link"), {"rel": "alternate", "href": entry.url, "type": "text/html"})
        _sub(element, q("atom_default", "published"), iso(entry.published))
        _sub(element, q("atom_default", "updated"), iso(entry.published))
        if entry.summary:
            _sub(element, q("atom_default", "summary"), entry.summary, type="text")
        _sub(element, q("atom_default", "content"), entry.description_html, type="html")
        for category in entry.categories:
            ET.SubElement(element, q("atom_default", "category"), {"term": category})
        if feed.options.get("event_module"):
            _event_module(element, entry, deadline_as_end=True)
    return _tostring(root, "utf-8")
