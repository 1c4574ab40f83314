"""What a payload is, whatever its source says: a hint when a source of one kind was given another kind's URL.

A newcomer's first partner file often names the wrong kind (an .ics link as rss) or a site's home page
where its feed was meant. The parser's error says what it could not read; this says what the payload is
and, for an HTML page, which feeds the page itself advertises.
"""
from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

HEAD = 4096  # bytes looked at to tell the formats apart
_PROLOGUE = re.compile(rb"^(?:\s|<\?xml[^>]*\?>|<!--.*?-->|<!doctype[^>]*>)*", re.IGNORECASE | re.DOTALL)
_FEED_ROOT = re.compile(rb"^<(?:[\w.-]+:)?(rss|feed|rdf)\b", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# A web page: its doctype or <html> first, after a byte order mark, spaces and comments.
HTML_PAGE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL)
# What <link rel="alternate" type="…"> names, and the kind of source that reads it.
FEED_TYPES = {"application/rss+xml": "rss", "application/atom+xml": "rss", "application/rdf+xml": "rss",
              "text/calendar": "ical"}
KIND_NAMES = {"rss": "an RSS or Atom feed", "ical": "an iCalendar file", "json": "JSON"}
SHOWN_FEEDS = 3


def payload_kind(body: bytes) -> str | None:
    """rss (RSS/Atom/RDF), ical, json, jsonld (an HTML page with JSON-LD), html, or None when unsure."""
    head = body[:HEAD]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    if b"\x00" in head[:64]:  # UTF-16 or binary: not worth guessing
        return None
    start = head.lstrip()
    if start[:15].upper() == b"BEGIN:VCALENDAR":
        return "ical"
    if start[:1] in (b"{", b"["):
        return "json"
    rest = _PROLOGUE.sub(b"", head, count=1)
    if _FEED_ROOT.match(rest):
        return "rss"
    if HTML_PAGE.match(head):
        return "jsonld" if b"application/ld+json" in body.lower() else "html"
    return None


# JSON Feed (jsonfeed.org) 1.0 and 1.1 name their version by this URL.
_JSON_FEED_VERSION = "https://jsonfeed.org/version/"
# The json_api mapping that reads a JSON Feed as the rss reader reads a feed (docs/adding-a-partner.md).
# A YAML flow mapping: the keys to add to the source, as written in the error.
JSON_FEED_MAPPING = ("{records: items, fields: {key: id, title: title, url: url, summary: summary, "
                     "description_html: content_html, published: date_published, updated: date_modified, "
                     "image_url: image, categories: tags, language: language}}")


def is_json_feed(body: bytes) -> bool:
    """Whether `body` is a JSON Feed: a JSON object whose `version` is jsonfeed.org's."""
    if payload_kind(body) != "json":
        return False
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except ValueError:
        return False
    return isinstance(document, dict) and str(document.get("version") or "").startswith(_JSON_FEED_VERSION)


def advertised_feeds(body: bytes, base_url: str) -> list[tuple[str, str]]:
    """The feeds an HTML page names in its <link rel="alternate">, as (kind, absolute URL), in page order."""
    feeds: list[tuple[str, str]] = []
    for link in LexborHTMLParser(body).css('link[rel~="alternate"][href]'):
        kind = FEED_TYPES.get((link.attributes.get("type") or "").split(";")[0].strip().lower())
        href = (link.attributes.get("href") or "").strip()
        if kind and href and (kind, urljoin(base_url, href)) not in feeds:
            feeds.append((kind, urljoin(base_url, href)))
    return feeds


def kind_hint(kind: str, body: bytes, base_url: str) -> str | None:
    """What to change when a `kind` source read nothing from `body`: the feeds a page advertises, or the kind
    the payload is; None when the payload is what the kind reads, or nothing better is known."""
    found = payload_kind(body)
    page = found in ("html", "jsonld")
    if page and (feeds := advertised_feeds(body, base_url)):
        named = "; ".join(f"{url} (kind: {feed_kind})" for feed_kind, url in feeds[:SHOWN_FEEDS])
        return f"the page advertises its feeds: {named}"
    # A page read by an html or jsonld source is what they read: what is missing is for their selectors to say
    # (many sites carry JSON-LD about themselves only, which makes no page a jsonld source).
    if found is None or found == kind or (found == "json" and kind == "json_api") or (page and kind in ("html", "jsonld")):
        return None
    if page:
        return ("the payload is a web page with schema.org JSON-LD: set kind: jsonld, or html with CSS selectors"
                if found == "jsonld" else "the payload is a web page: set kind: html (with CSS selectors)")
    return f"the payload is {KIND_NAMES[found]}: set kind: {'json_api (with a field mapping)' if found == 'json' else found}"
