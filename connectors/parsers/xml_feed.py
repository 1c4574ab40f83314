"""A fast reader for plain RSS 2.0 (and 0.9x) and Atom 1.0 feeds, on lxml.

It gives the feed and entry fields rss.py reads, with the values feedparser would give for the
same bytes (feedparser called without sanitising or resolving URLs inside HTML): the same
encoding decision, xml:base and xml:lang bookkeeping, whitespace stripping, link clean-up,
"UTF-8 read as Latin-1" repair and date parsing (feedparser's own helpers are reused for those).

It reads only documents it fully understands: a known element in a known place, each singular
field once, text elements without markup inside. Anything else (RSS 1.0, malformed XML, a
DOCTYPE, unknown namespaces, an encoding that needs guessing...) raises Unsupported inside and
makes `read` return None, so that the caller falls back to feedparser, which reads everything.
Entities are never expanded and the network is never used: documents with a DTD are left to
feedparser, which has its own guards.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.encodings import (
    RE_XML_DECLARATION,
    RE_XML_PI_ENCODING,
    parse_content_type,
)
from feedparser.exceptions import NonXMLContentType
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

ATOM_NS = "http://www.w3.org/2005/atom"  # lower-case, as namespaces are compared
XLINK_NS = b"http://www.w3.org/1999/xlink"
# feedparser's canonical prefix of each namespace it knows ('' for the RSS and Atom family).
_PREFIXES: dict[str, str] = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
_CANONICAL = frozenset(p for p in _PREFIXES.values() if p)

_NEW_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_NAMESPACE_DECLARATION = re.compile(rb"""xmlns:([^\s=/>]+)\s*=\s*["']([^"']*)["']""")
_NOT_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)  # deleting these leaves the C1 controls
_LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")
_HTML_TYPES = frozenset({"text/plain", "text/html", "application/xhtml+xml"})
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})  # an alternate link of one of these is a page
_SCOPE_KEYS = frozenset({"xml:base", "base", "xml:lang", "lang"})
_KEY_CACHE_LIMIT = 2000
_keys: dict[str, str] = {}


class Unsupported(Exception):
    """The document needs feedparser: something the fast reader does not read exactly like it."""


@dataclass(slots=True)
class FastFeed:
    """What rss.py reads of feedparser's result: feed fields, entries, encoding and the bozo remark."""

    feed: dict[str, Any]
    entries: list[dict[str, Any]]
    encoding: str
    problem: Exception | None = None  # an encoding remark feedparser would flag (NonXMLContentType)


# --- encoding: feedparser's convert_to_utf8 decision, without its guessing ---------------------------------

def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _xml_bytes(body: bytes, content_type: str | None) -> tuple[bytes, str, Exception | None]:
    """(bytes for lxml, the encoding feedparser would record, its bozo remark); Unsupported when it would guess."""
    data = body
    if data[:2] in (b"\xfe\xff", b"\xff\xfe") or data[:4] in (
        b"\x00\x00\xfe\xff", b"\x4c\x6f\xa7\x94", b"\x00\x3c\x00\x3f", b"\x3c\x00\x3f\x00", b"\x00\x00\x00\x3c", b"\x3c\x00\x00\x00",
    ):
        raise Unsupported("UTF-16, UTF-32 or EBCDIC")
    if data[:3] == codecs.BOM_UTF8:
        data = data[3:]
        try:
            data.decode("utf-8")  # feedparser looks for the declaration only in a valid UTF-8 body
        except UnicodeDecodeError as exc:
            raise Unsupported("a UTF-8 BOM on a body that is not UTF-8") from exc
    match = RE_XML_PI_ENCODING.match(data)
    try:
        xml_encoding = match.group(1).decode("utf-8").lower() if match else ""
    except UnicodeDecodeError as exc:
        raise Unsupported("an undecodable encoding declaration") from exc

    headers = {"content-type": content_type} if content_type else {}
    mime, http_encoding = parse_content_type(headers.get("content-type") or "")
    acceptable = False
    if mime in ("application/xml", "application/xml-dtd", "application/xml-external-parsed-entity") or (
        mime.startswith("application/") and mime.endswith("+xml")
    ):
        acceptable, encoding = True, http_encoding or xml_encoding or "utf-8"
    elif mime in ("text/xml", "text/xml-external-parsed-entity") or (mime.startswith("text/") and mime.endswith("+xml")):
        acceptable, encoding = True, http_encoding or "us-ascii"
    elif mime.startswith("text/"):
        encoding = http_encoding or "us-ascii"
    else:
        encoding = xml_encoding or "utf-8"
    if encoding.lower() == "gb2312":
        encoding = "gb18030"
    problem: Exception | None = None
    if headers and not acceptable:
        problem = NonXMLContentType(f"{headers['content-type']} is not an XML media type")

    # feedparser tries this encoding first; when it fails it guesses and flags an override: its own path then.
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise Unsupported(f"not {encoding}") from exc
    declared = _DECLARED_ENCODING.match(data)
    if _codec(encoding) == "utf-8" and (declared is None or _codec(declared.group(1).decode("ascii", "replace")) == "utf-8"):
        return data, encoding, problem
    # What feedparser hands its XML parser: the text in UTF-8 under a declaration saying so.
    if RE_XML_DECLARATION.search(text):
        text = RE_XML_DECLARATION.sub(_NEW_DECLARATION, text)
    else:
        text = _NEW_DECLARATION + "\n" + text
    return text.encode("utf-8"), encoding, problem


def _check_prefixes(data: bytes) -> None:
    """feedparser maps a document prefix to its canonical one globally: a canonical name reused
    for another known namespace (xmlns:dc="...content/") would rename elements; xlink adds attributes."""
    if XLINK_NS in data:
        raise Unsupported("xlink declarations")
    for prefix, uri in _NAMESPACE_DECLARATION.findall(data):
        name = prefix.decode("utf-8", "replace").lower()
        canonical = _PREFIXES.get(uri.decode("utf-8", "replace").lower())
        if name in _CANONICAL and canonical is not None and canonical != name:
            raise Unsupported(f"prefix {name} bound to another known namespace")


def _parse(data: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_blank_text=False, collect_ids=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise Unsupported(f"not well-formed: {exc}") from exc
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise Unsupported("a DOCTYPE (feedparser rewrites its entities)")
    return root


# --- names, attributes, texts ------------------------------------------------------------------------------

def _key(tag: str) -> str:
    """feedparser's name for an element: 'title', 'content_encoded', 'atom:link' for Atom's own elements."""
    key = _keys.get(tag)
    if key is not None:
        return key
    if tag[0] == "{":
        uri, local = tag[1:].split("}", 1)
        prefix = _PREFIXES.get(uri.lower())
        if prefix is None:
            raise Unsupported(f"unknown namespace {uri}")
        if prefix:
            key = f"{prefix.lower()}_{local.lower()}"
        elif uri.lower() == ATOM_NS:
            key = "atom:" + local.lower()
        else:
            raise Unsupported(f"RSS 1.0 or older namespace {uri}")
    else:
        key = tag.lower()
    if len(_keys) < _KEY_CACHE_LIMIT:
        _keys[tag] = key
    return key


def _attributes(element: Any) -> dict[str, str]:
    """The attributes as feedparser's strict parser names them: lower-case, known prefixes kept, rel/type lower-cased."""
    items = element.items()
    if not items:
        return {}
    result: dict[str, str] = {}
    for name, value in items:
        if name[0] == "{":
            uri, local = name[1:].split("}", 1)
            prefix = _PREFIXES.get(uri.lower(), "")
            name = f"{prefix}:{local}" if prefix else local
        name = name.lower()
        result[name] = value.lower() if name in ("rel", "type") else value
    return result


def _repair(text: str) -> str:
    """feedparser's last touches on every text: UTF-8 read as Latin-1 is re-read, C1 controls become cp1252."""
    if text.isascii():
        return text
    try:
        text = text.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    # str.translate with a dict costs a lookup per character: only when a C1 control is there, which
    # bytes.translate finds far faster than a regular expression.
    if text.encode("iso-8859-1", "ignore").translate(None, _NOT_C1):
        return text.translate(_cp1252)
    return text


def _text(element: Any) -> str:
    """The element's text as feedparser stores it; markup, comments or entities inside need feedparser."""
    if len(element):
        raise Unsupported(f"markup inside <{element.tag}>")
    text = (element.text or "").strip()
    return text if text.isascii() else _repair(text)


def _uri_text(element: Any, base: str) -> str:
    """The text of an element feedparser resolves against xml:base (link, guid, id, url)."""
    if len(element):
        raise Unsupported(f"markup inside <{element.tag}>")
    value = (element.text or "").strip()
    return _repair(_urljoin(base, value) if value else value)


def _link_text(value: str) -> str:
    # feedparser undoes a double escaping of query strings in <link> texts: ?a=1&amp;b=2, ?a=1&b;=2.
    return _LINK_ENTITY.sub(r"&\g<1>", value.replace("&amp;", "&"))


@lru_cache(maxsize=256)
def _safe_join(base: str, relative: str) -> str:
    return make_safe_absolute_uri(base, relative)


class _Scope:
    """feedparser's xml:base and xml:lang bookkeeping, element by element, its quirks included
    (a base set inside an element without one outside stays in force after it).

    Until an element carries xml:base or xml:lang (most feeds: never) every base is '' and every
    language None, and only the depth is counted.
    """

    __slots__ = ("_bases", "_langs", "active", "base", "depth", "lang")

    def __init__(self) -> None:
        self.active = False
        self.depth = 0
        self.base = ""
        self.lang: str | None = None
        self._bases: list[str] = []
        self._langs: list[str | None] = []

    def enter(self, attrs: dict[str, str]) -> None:
        if not self.active:
            if not attrs or _SCOPE_KEYS.isdisjoint(attrs):
                self.depth += 1
                return
            self.active = True
            self._bases = [""] * self.depth
            self._langs = [None] * self.depth
        given = (attrs.get("xml:base", attrs.get("base")) if attrs else None) or self.base
        if self.base:
            self.base = _safe_join(self.base, given) or self.base
        elif given:
            self.base = _urljoin(self.base, given)
        lang = attrs.get("xml:lang", attrs.get("lang")) if attrs else None
        if lang == "":
            lang = None
        elif lang is None:
            lang = self.lang
        self.lang = lang
        self._bases.append(self.base)
        self._langs.append(lang)

    def leave(self) -> None:
        if not self.active:
            self.depth -= 1
            return
        self._bases.pop()
        if self._bases and self._bases[-1]:
            self.base = self._bases[-1]
        self._langs.pop()
        if self._langs:
            self.lang = self._langs[-1]

    def detail(self) -> dict[str, Any]:
        """A text construct's *_detail as rss.py reads it: language (with '-' for '_') and base."""
        return {"language": self.lang.replace("_", "-") if self.lang else self.lang, "base": self.base}


def _elements(parent: Any) -> list[Any]:
    """The child elements, comments and processing instructions left out (feedparser ignores them)."""
    return [child for child in parent if isinstance(child.tag, str)]


def _text_type(attrs: dict[str, str], default: str) -> str:
    """The content type of a text construct; types feedparser would decode as base64 or escape need it."""
    if "mode" in attrs:
        raise Unsupported("a mode attribute")
    declared = attrs.get("type", default)
    kind = {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(declared, declared)
    if not kind.startswith("text/"):
        raise Unsupported(f"text construct of type {declared}")
    return kind


def _only_scope(attrs: dict[str, str], *allowed: str) -> None:
    if attrs and not attrs.keys() <= _SCOPE_KEYS.union(allowed):
        raise Unsupported(f"unexpected attributes {sorted(attrs)}")


# --- entries: the pieces common to both formats -------------------------------------------------------------

class _Entry:
    """One entry being read: the fields rss.py uses, kept the way feedparser keeps them."""

    __slots__ = ("data", "guid_link", "links", "media", "seen", "tags", "thumbnails")

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.links: list[dict[str, str]] = []
        self.tags: list[list[str | None]] = []
        self.thumbnails: list[dict[str, str]] = []
        self.media: list[dict[str, str]] = []
        self.seen: set[str] = set()
        self.guid_link: str | None = None  # the id that stands in as link when no link comes

    def once(self, slot: str) -> None:
        # A second value for one field follows ordering rules of feedparser's that are not copied here.
        if slot in self.seen:
            raise Unsupported(f"two values for {slot}")
        self.seen.add(slot)

    def date(self, slot: str, value: str) -> None:
        self.once(slot)
        self.data[slot] = value
        self.data[f"{slot}_parsed"] = _parse_date(value)

    def start_category(self, attrs: dict[str, str]) -> None:
        self.add_tag(attrs.get("term"), attrs.get("scheme", attrs.get("domain")), attrs.get("label"))

    def end_category(self, value: str) -> None:
        if not value:
            return
        if self.tags and not self.tags[-1][0]:
            self.tags[-1][0] = value
        else:
            self.add_tag(value, None, None)

    def add_tag(self, term: str | None, scheme: str | None, label: str | None) -> None:
        if not term and not scheme and not label:
            return
        tag = [term, scheme, label]
        if tag not in self.tags:
            self.tags.append(tag)

    def thumbnail(self, attrs: dict[str, str], text: str) -> None:
        if text and "url" not in attrs:
            attrs["url"] = text
        self.thumbnails.append(attrs)

    def finish(self) -> dict[str, Any]:
        data = self.data
        if "link" not in data and self.guid_link is not None:
            data["link"] = self.guid_link
            data["guidislink"] = True  # as feedparser marks it: rss.py checks such a link is a web address
        if self.links:
            data["links"] = self.links
        if self.tags:
            data["tags"] = [{"term": tag[0]} for tag in self.tags]
        if self.thumbnails:
            data["media_thumbnail"] = self.thumbnails
        if self.media:
            data["media_content"] = self.media
        return data


def _with_href(attrs: dict[str, str]) -> dict[str, str]:
    """feedparser's _enforce_href: url or uri renamed href."""
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href:
        attrs.pop("url", None)
        attrs.pop("uri", None)
        attrs["href"] = href
    return attrs


def _entry_attributes(element: Any) -> dict[str, str]:
    # rdf:about, lastmod and href on an item set its id, updated date and link in feedparser.
    attrs = _attributes(element)
    _only_scope(attrs)
    return attrs


_EVENT_FIELDS = frozenset({"ev_startdate", "ev_enddate", "ev_location"})
_IGNORED_ENTRY_TEXTS = frozenset({
    "author", "comments", "dc_creator", "dc_rights", "dc_publisher", "ev_organizer", "ev_type",
    "wfw_commentrss", "wfw_comment", "slash_comments",
})


def _shared_entry_child(key: str, child: Any, attrs: dict[str, str], entry: _Entry, scope: _Scope) -> bool:
    """The extension elements both formats read alike; False when `key` is not one of them."""
    if key in _EVENT_FIELDS:
        if attrs:
            raise Unsupported(f"attributes on <{key}>")  # feedparser would store them instead of the text
        entry.once(key)
        entry.data[key] = _text(child)
    elif key == "dc_language":
        _only_scope(attrs)
        entry.once("language")
        entry.data["language"] = _text(child)
    elif key == "dc_subject":
        entry.start_category(attrs)
        entry.end_category(_text(child))
    elif key == "dc_date":
        entry.date("updated", _text(child))
    elif key == "media_thumbnail":
        entry.thumbnail(attrs, _uri_text(child, scope.base))
    elif key == "media_content":
        if len(child):
            raise Unsupported("media:content with children")
        entry.media.append(attrs)
    elif key in _IGNORED_ENTRY_TEXTS:
        _only_scope(attrs)
        _text(child)  # only checks that it holds no markup
    else:
        return False
    return True


# --- RSS 2.0 -----------------------------------------------------------------------------------------------

# Item texts that hold one field each and take no attributes but xml:base and xml:lang.
_RSS_SINGLE_TEXTS = frozenset({"title", "link", "description", "content_encoded", "pubdate"})
_RSS_CHANNEL_TEXTS = frozenset({
    "link", "description", "copyright", "managingeditor", "webmaster", "pubdate", "lastbuilddate", "category",
    "generator", "docs", "ttl", "rating", "cloud", "dc_creator", "dc_rights", "dc_date", "dc_publisher", "dc_subject",
    "sy_updateperiod", "sy_updatefrequency", "sy_updatebase", "atom:link",
})
_RSS_CHANNEL_GROUPS = {
    "image": frozenset({"title", "url", "link", "width", "height", "description"}),
    "textinput": frozenset({"title", "description", "name", "link"}),
    "skiphours": frozenset({"hour"}),
    "skipdays": frozenset({"day"}),
}


def _rss_item(item: Any, scope: _Scope) -> dict[str, Any]:
    entry = _Entry()
    data, seen = entry.data, entry.seen
    scope.enter(_entry_attributes(item))
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a comment or processing instruction
        key = _keys.get(tag) or _key(tag)
        attrs = _attributes(child)
        # A leaf without xml:base or xml:lang, in a document without any so far, changes no scope.
        tracked = scope.active or (bool(attrs) and not _SCOPE_KEYS.isdisjoint(attrs))
        if tracked:
            scope.enter(attrs)
        if key in _RSS_SINGLE_TEXTS:
            if attrs:
                _only_scope(attrs)
            if key in seen:
                raise Unsupported(f"two <{key}> in an item")
            seen.add(key)
            if key == "title":
                data["title"] = _text(child)
                data["title_detail"] = scope.detail()
            elif key == "link":
                data["link"] = _link_text(_uri_text(child, scope.base))
            elif key == "description":
                data["summary"] = _text(child)
                data["summary_detail"] = scope.detail()
            elif key == "content_encoded":
                data["content"] = [{"value": _text(child), "base": scope.base}]
            else:  # pubdate
                value = _text(child)
                data["published"] = value
                data["published_parsed"] = _parse_date(value)
        elif key == "category":
            if attrs:
                entry.start_category(attrs)
            entry.end_category(_text(child))
        elif key == "guid":
            _only_scope(attrs, "ispermalink")
            entry.once(key)
            permalink = attrs.get("ispermalink", "true") == "true"
            value = _uri_text(child, scope.base) if permalink else _text(child)
            data["id"] = value
            if permalink:
                entry.guid_link = value
        elif key == "enclosure":
            if len(child):
                raise Unsupported("enclosure with children")
            entry.links.append({**_with_href(attrs), "rel": "enclosure"})
        elif key == "language":
            _only_scope(attrs)
            entry.once("language")
            data["language"] = _text(child)
        elif key == "source":
            _text(child)
        elif not _shared_entry_child(key, child, attrs, entry, scope):
            raise Unsupported(f"<{key}> in an item")
        if tracked:
            scope.leave()
    scope.leave()
    data = entry.finish()
    if "content" in data and "summary" not in data:
        data["summary"] = data["content"][0]["value"]  # content:encoded stands in for a missing description
    return data


def _rss_channel_group(child: Any, key: str, scope: _Scope) -> None:
    allowed = _RSS_CHANNEL_GROUPS[key]
    for part in _elements(child):
        if _key(part.tag) not in allowed:
            raise Unsupported(f"<{part.tag}> in <{key}>")
        scope.enter(_attributes(part))
        _text(part)
        scope.leave()


def _read_head(feed: dict[str, Any], seen: set[str], slot: str, element: Any, scope: _Scope, *, where: str) -> None:
    """The feed's title (as its detail) or language, read once: feedparser keeps one of two, so a second is refused."""
    if slot in seen:
        raise Unsupported(f"two {where} {slot}s")
    seen.add(slot)
    value = _text(element)
    if slot == "title":
        feed["title_detail"] = scope.detail()
    else:
        feed["language"] = value


def _read_site(feed: dict[str, Any], seen: set[str], element: Any, scope: _Scope) -> None:
    """The channel's <link> (its web site), as feedparser gives it in feed.link; a second one is refused."""
    if "link" in seen:
        raise Unsupported("two channel links")
    seen.add("link")
    feed["link"] = _link_text(_uri_text(element, scope.base))


def _read_rss(root: Any, scope: _Scope) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    feed: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    scope.enter(_attributes(root))
    if scope.lang:
        feed["language"] = scope.lang.replace("_", "-")
    channels = _elements(root)
    if len(channels) != 1 or _key(channels[0].tag) != "channel":
        raise Unsupported("rss without exactly one channel")
    channel = channels[0]
    scope.enter(_attributes(channel))
    seen: set[str] = set()
    for child in _elements(channel):
        key = _key(child.tag)
        if key == "item":
            entries.append(_rss_item(child, scope))
            continue
        attrs = _attributes(child)
        scope.enter(attrs)
        if key in _RSS_CHANNEL_GROUPS:
            _rss_channel_group(child, key, scope)
        elif key in ("title", "language", "dc_language"):
            _read_head(feed, seen, "title" if key == "title" else "language", child, scope, where="channel")
        elif key == "link":
            _read_site(feed, seen, child, scope)
        elif key == "atom:link" and attrs.get("rel", "alternate") == "alternate" and attrs.get("type", "text/html") in PAGE_TYPES:
            raise Unsupported("an alternate atom:link in the channel")  # feedparser makes it the channel's link
        elif key in _RSS_CHANNEL_TEXTS:
            _text(child)
        else:
            raise Unsupported(f"<{key}> in the channel")
        scope.leave()
    scope.leave()
    scope.leave()
    return feed, entries


# --- Atom 1.0 ----------------------------------------------------------------------------------------------

_ATOM_FEED_TEXTS = frozenset({
    "atom:subtitle", "atom:id", "atom:link", "atom:updated", "atom:published", "atom:generator", "atom:icon",
    "atom:logo", "atom:rights", "atom:category", "sy_updateperiod", "sy_updatefrequency", "sy_updatebase",
})
_ATOM_PERSON_PARTS = frozenset({"atom:name", "atom:email", "atom:uri"})


def _atom_person(element: Any, scope: _Scope) -> None:
    for part in _elements(element):
        if _key(part.tag) not in _ATOM_PERSON_PARTS:
            raise Unsupported(f"<{part.tag}> in an Atom person")
        scope.enter(_attributes(part))
        _text(part)
        scope.leave()


def _atom_link(attrs: dict[str, str], child: Any, entry: _Entry, scope: _Scope) -> None:
    if len(child):
        raise Unsupported("link with children")
    attrs.setdefault("rel", "alternate")
    attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
    attrs = _with_href(attrs)
    if "href" not in attrs:
        raise Unsupported("Atom link without href")  # feedparser would read its text instead
    attrs["href"] = _urljoin(scope.base or "", attrs["href"])
    entry.links.append(attrs)
    kind = {"text": "text/plain", "plain": "text/plain", "html": "text/html", "xhtml": "application/xhtml+xml"}.get(
        attrs["type"], attrs["type"])
    if attrs["rel"] == "alternate" and kind in ("application/xhtml+xml", "text/html"):
        entry.data["link"] = attrs["href"]


def _atom_entry(element: Any, scope: _Scope) -> dict[str, Any]:
    entry = _Entry()
    scope.enter(_entry_attributes(element))
    copy_to_summary = False
    for child in _elements(element):
        key = _key(child.tag)
        attrs = _attributes(child)
        scope.enter(attrs)
        if key == "atom:title":
            _only_scope(attrs, "type")
            _text_type(attrs, "text/plain")
            entry.once(key)
            entry.data["title"] = _text(child)
            entry.data["title_detail"] = scope.detail()
        elif key == "atom:id":
            _only_scope(attrs)
            entry.once(key)
            value = _uri_text(child, scope.base)
            entry.data["id"] = value
            entry.guid_link = value
        elif key == "atom:link":
            _atom_link(attrs, child, entry, scope)
        elif key == "atom:summary":
            _only_scope(attrs, "type")
            _text_type(attrs, "text/plain")
            entry.once(key)
            entry.data["summary"] = _text(child)
            entry.data["summary_detail"] = scope.detail()
        elif key == "atom:content":
            _only_scope(attrs, "type")
            kind = _text_type(attrs, "text/plain")
            entry.once(key)
            entry.data["content"] = [{"value": _text(child), "base": scope.base}]  # its own xml:base, as feedparser
            copy_to_summary = kind in _HTML_TYPES
        elif key in ("atom:published", "atom:updated"):
            _only_scope(attrs)
            entry.date(key[5:], _text(child))
        elif key == "atom:category":
            entry.start_category(attrs)
            entry.end_category(_text(child))
        elif key in ("atom:author", "atom:contributor"):
            _atom_person(child, scope)
        elif key == "atom:rights":
            _text(child)
        elif not _shared_entry_child(key, child, attrs, entry, scope):
            raise Unsupported(f"<{key}> in an Atom entry")
        scope.leave()
    scope.leave()
    data = entry.finish()
    if copy_to_summary and "summary" not in data:
        data["summary"] = data["content"][0]["value"]
    return data


def _read_atom(root: Any, scope: _Scope) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    feed: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    scope.enter(_attributes(root))
    if scope.lang:
        feed["language"] = scope.lang.replace("_", "-")
    seen: set[str] = set()
    for child in _elements(root):
        key = _key(child.tag)
        if key == "atom:entry":
            entries.append(_atom_entry(child, scope))
            continue
        scope.enter(_attributes(child))
        if key in ("atom:title", "dc_language"):
            _read_head(feed, seen, "title" if key == "atom:title" else "language", child, scope, where="feed")
        elif key in ("atom:author", "atom:contributor"):
            _atom_person(child, scope)
        elif key in _ATOM_FEED_TEXTS:
            _text(child)
        else:
            raise Unsupported(f"<{key}> in an Atom feed")
        scope.leave()
    scope.leave()
    return feed, entries


def read(body: bytes, content_type: str | None) -> FastFeed | None:
    """The feed as feedparser would read it, or None when feedparser has to read it."""
    try:
        data, encoding, problem = _xml_bytes(body, content_type)
        _check_prefixes(data)
        root = _parse(data)
        if not isinstance(root.tag, str):
            return None
        scope = _Scope()
        key = _key(root.tag)
        if key == "rss":
            feed, entries = _read_rss(root, scope)
        elif key == "atom:feed":
            feed, entries = _read_atom(root, scope)
        else:
            return None
    except Unsupported:
        return None
    return FastFeed(feed, entries, encoding, problem)
