"""RSS 0.9x/1.0/2.0 and Atom feeds, read from the payload's bytes.

Plain RSS 2.0 and Atom 1.0 documents are read by xml_feed (lxml), which gives the fields
feedparser would; everything else (RSS 1.0, malformed XML, odd encodings or elements) is read
by feedparser itself. Both give entries shaped like feedparser's, turned into RawItems here.
"""
from __future__ import annotations

import codecs
import html
import re
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
from feedparser.encodings import RE_XML_PI_ENCODING
from feedparser.exceptions import ThingsNobodyCaresAboutButMe
from feedparser.urls import resolve_relative_uris

from connectors.dates import DateTextError, ParsedDate, parse_fast
from connectors.parsers import xml_feed
from connectors.parsers.common import (
    FALLBACK_KEY_CHARS, Origin, ParseResult, charset_of, excerpt, hash_key, html_page_instead_of,
    lenient_utf8, mislabelled_warning, other_kind_instead_of, resolve, short_language, utf8_mislabelled,
)
from transforms.language import MIN_CONFIDENCE, detect_language
from transforms.model import LANGUAGES, RawItem, RawLocation, stable_json
from transforms.text import fold, html_to_text, summarise

# One <item> or <entry> element in the raw text, namespace prefix allowed, to quote in excerpts:
# up to the first matching end tag, found by skipping runs without "<" (the same matches as a
# lazy ">.*?</item>", several times faster).
_RAW_RECORD = re.compile(
    r"<(?:[\w.-]+:)?(item|entry)\b[^>]*?(?:/>|>[^<]*(?:<(?!/(?:[\w.-]+:)?\1\s*>)[^<]*)*</(?:[\w.-]+:)?\1\s*>)"
)

# The date shapes feedparser reads right (see _feedparser_reads_right).
_SAFE_RFC822 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|GMT|UTC?|Z)$"
)
_CHARSET_PARAMETER = re.compile(r"""(charset\s*=\s*)["']?[^;\s"']*["']?""", re.IGNORECASE)
_WEB_ADDRESS = re.compile(r"https?://", re.IGNORECASE)
# Calendar vocabularies some agenda feeds put their dates in (the xml_feed reader leaves such feeds to feedparser).
_CALENDAR_NAMESPACES = frozenset({"urn:ietf:params:xml:ns:xcal", "http://www.w3.org/2002/12/cal/ical"})
_MEDIA_NAMESPACES = frozenset({"http://search.yahoo.com/mrss", "http://www.rssboard.org/media-rss"})
_CALENDAR_FIELDS = (("dtstart", "ev_startdate"), ("dtend", "ev_enddate"), ("location", "ev_location"))
_TITLE_CHARS = 100  # a title made of an untitled post's first sentence
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")
LANGUAGE_SAMPLE = 4  # items whose texts are detected to believe a feed-wide language (_borne_out_language)
LANGUAGE_SAMPLE_HTML, LANGUAGE_SAMPLE_CHARS = 500, 120  # of each: HTML read, then characters detected
# The footer WordPress's Yoast SEO adds to every item of a feed, in the site's language ("The post <a>…</a> appeared
# first on <a>…</a>."), as the last paragraph: it is no part of the text.
_FOOTER_WORDS = ("appeared first on", "est apparu en premier sur", "verscheen eerst op")
_FOOTER_TAIL = 1_000  # characters: the footer's paragraph, two links with their titles
_SEO_FOOTER = re.compile(
    r"\s*<p>\s*(?:The post|L[’']article|Het bericht)\s+<a\b[^>]*>[^<]*</a>\s+(?:" + "|".join(_FOOTER_WORDS) +
    r")\s+<a\b[^>]*>[^<]*</a>\.?\s*</p>\s*$", re.IGNORECASE)
_SAFE_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)


def _aware(parsed: time.struct_time | None) -> datetime | None:
    # feedparser's *_parsed values are already in UTC.
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _feedparser_reads_right(text: str) -> bool:
    """True for the date shapes feedparser reads exactly: RFC 822 with an offset or GMT/UT/Z, ISO 8601
    with an offset or Z, and a real calendar day.

    feedparser reads a zone name it does not know ("CET", "CEST", "BST", "Europe/Brussels") and a
    time without a zone as UTC, where the source's local time is meant, and it rolls impossible
    days over ("2026-02-30" becomes 2 March, month 13 next January). Those are handed on as text:
    the normaliser reads them in the source's zone, knows the European zone names, and rejects an
    impossible date naming the field.
    """
    if _SAFE_RFC822.match(text):
        return True  # feedparser itself refuses an impossible day in this form
    iso = _SAFE_ISO.match(text)
    if iso is None:
        return False
    try:
        date.fromisoformat(iso.group(1))
    except ValueError:
        return False
    return True


def _time(entry: Any, name: str) -> datetime | str | None:
    """An aware UTC datetime when feedparser read the date right, else the raw string."""
    # dict.get: FeedParserDict.get("updated") silently falls back to the published date.
    text = dict.get(entry, name) or None
    parsed = dict.get(entry, f"{name}_parsed")
    if parsed and isinstance(text, str) and not _feedparser_reads_right(text.strip()):
        return text
    return _aware(parsed) or text


def _xml_problem(exc: BaseException) -> str:
    line = getattr(exc, "getLineNumber", None)
    message = getattr(exc, "getMessage", None)
    text = message() if callable(message) else str(exc)
    return f"line {line()}: {text}" if callable(line) else text


def _cut_off(parsed: Any) -> bool:
    """True when feedparser met the end of the payload inside an element: the feed was cut off (a transfer or
    a CMS stopped midway), so its last entry is a fragment."""
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    message = getattr(problem, "getMessage", None)
    return callable(message) and message() in ("no element found", "unclosed token")


def _entry_base(entry: Any, feed_base: str) -> str:
    # feedparser records the xml:base in scope on each text construct; it may itself be relative.
    for detail in ("title_detail", "summary_detail"):
        base = (entry.get(detail) or {}).get("base")
        if base:
            return resolve(feed_base, base) or feed_base
    return feed_base


# Pixels: below this, a declared width or height makes a thumbnail a last resort (Blogger's media:thumbnail is a 72×72
# crop, "s72-c", of the post's first image) and an image of the text no picture of the post (an icon, an emoji).
_SMALL_IMAGE_PX = 100
_CONTENT_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_IMAGE_ATTRIBUTE = re.compile(r"""\s(src|width|height)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _small(width: Any, height: Any) -> bool:
    """Whether a declared size (either side) is below _SMALL_IMAGE_PX; an undeclared or unreadable one is not."""
    sides = [str(side).strip().removesuffix("px") for side in (width, height) if side not in (None, "")]
    return any(side.isdigit() and int(side) < _SMALL_IMAGE_PX for side in sides)


def _text_image(entry: Any, base: str) -> str | None:
    """The first image of the entry's HTML (content, else summary) that is a picture: not a tracking pixel, an icon
    or an inline data: image. Medium, HubSpot and Joomla show a post's picture in its text alone."""
    content = entry.get("content") or []
    for text in [c.get("value") or "" for c in content] + [entry.get("summary") or ""]:
        for tag in _CONTENT_IMAGE.finditer(text if "<img" in text.lower() else ""):
            attributes = {m.group(1).lower(): html.unescape(next(v for v in m.groups()[1:] if v is not None))
                          for m in _IMAGE_ATTRIBUTE.finditer(tag.group(0))}
            src = attributes.get("src", "").strip()
            if src and not src.lower().startswith("data:") and not _small(attributes.get("width"), attributes.get("height")):
                return resolve(base, src)
    return None


def _image(entry: Any, base: str) -> str | None:
    """The entry's picture: a media thumbnail, media content, an image enclosure or a podcast episode's image, else
    the first picture of its text, else a small thumbnail."""
    thumbnails = [t for t in entry.get("media_thumbnail") or [] if t.get("url")]
    for thumbnail in thumbnails:
        if not _small(thumbnail.get("width"), thumbnail.get("height")):
            return resolve(base, thumbnail["url"])
    for media in entry.get("media_content") or []:
        kind = (media.get("medium") or media.get("type") or "image").lower()
        if media.get("url") and kind.startswith("image"):
            return resolve(base, media["url"])
    for link in entry.get("links") or []:
        if link.get("rel") == "enclosure" and (link.get("type") or "").lower().startswith("image/"):
            return resolve(base, link.get("href"))
    episode = entry.get("image")  # a podcast episode's itunes:image (Substack, Anchor), as feedparser names it
    if isinstance(episode, dict) and episode.get("href"):
        return resolve(base, episode["href"])
    found = _text_image(entry, base)
    if found is None and thumbnails:
        return resolve(base, thumbnails[0]["url"])
    return found


def _raw_records(body: bytes, encoding: str | None, count: int) -> list[str] | None:
    """The raw text of each entry, when the payload holds exactly as many as feedparser read."""
    try:
        text = body.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    records = [m.group(0) for m in _RAW_RECORD.finditer(text)]
    return records if len(records) == count else None


def _resolved_in_scope(html_text: str | None, base: str, unscoped: str) -> str | None:
    """`html_text` with its relative links resolved against the xml:base in scope, when the feed declares one
    (`base` is then not `unscoped`, the base of a feed without xml:base).

    The normaliser resolves what stays relative against the item's own URL, which is right for
    feeds without xml:base; with one, Atom (RFC 4287 §2) and RSS readers resolve against it, and
    the item's URL may sit in another folder ("posts/a" beside "register").
    """
    if not html_text or base == unscoped or ("href" not in html_text and "src" not in html_text):
        return html_text
    return resolve_relative_uris(html_text, base, "utf-8", "text/html")


def _is_web_address(value: object) -> bool:
    return isinstance(value, str) and _WEB_ADDRESS.match(value.strip()) is not None


def _alternate(entry: Any, language: str | None) -> str | None:
    """The entry's link: among several alternate pages (one per hreflang), the one in the entry's language, else the
    first; both readers keep the last one written, which linked an English entry to its Dutch page."""
    alternates = [link for link in entry.get("links") or [] if link.get("rel") == "alternate" and link.get("href")
                  and (link.get("type") or "text/html") in xml_feed.PAGE_TYPES]
    if len(alternates) < 2:
        return entry.get("link")
    wanted = short_language(language)
    same = [link for link in alternates if wanted and short_language(link.get("hreflang")) == wanted]
    return (same or alternates)[0]["href"]


def _link(entry: Any, language: str | None) -> str | None:
    """The entry's web page; None when the only candidate is a guid (or Atom id) that is no web address.

    A guid written without isPermaLink="false" counts as a permalink, so readers use it as the link when there is
    none: "evt-77" became https://site/evt-77, a page that does not exist, and "urn:uuid:…" was rejected as a URL.
    """
    link = _alternate(entry, language)
    if entry.get("guidislink") and link == entry.get("id") and not _is_web_address(link):
        return None
    return link


def _words(entry: Any) -> str:
    """The start of the entry's text, to tell apart entries that have no id, link or date (FALLBACK_KEY_CHARS characters)."""
    content = entry.get("content") or []
    text = (content[0].get("value") if content else None) or entry.get("summary") or ""
    return " ".join((html_to_text(text) if "<" in text else text).split())[:FALLBACK_KEY_CHARS]


def _key(entry: Any, url: str | None, title: str | None) -> str:
    """The guid (or id), else the link, else a hash of the title and date; an entry without a date is known by its
    words too: weekly sessions with one title, no guid, link or date were rejected as duplicates of the first."""
    if entry.get("id") or url:
        return str(entry.get("id") or url)
    when = dict.get(entry, "published") or dict.get(entry, "updated")
    return hash_key(title, when) if when else hash_key(title, when, _words(entry))


def _title_from_text(entry: Any) -> str | None:
    """An untitled entry's first sentence (at most _TITLE_CHARS characters): RSS 2.0 asks for a title or a
    description, and Mastodon or micro.blog posts have only the latter (and their link); each was rejected as
    missing_title."""
    words = _words(entry)
    if not words:
        return None
    return summarise(_SENTENCE_END.split(words, maxsplit=1)[0], _TITLE_CHARS)


def _declared_language(entry: Any, feed: Any) -> str | None:
    """The language the entry itself declares (its own xml:lang, or a language element inside it); None when only
    the feed declares one.

    A feed-wide language is often the CMS's default, not the texts' (Squarespace writes en-US on French sites):
    taken as every item's declaration, it labelled French events English and overrode both the partner file's
    language and the detection of each text. The normaliser decides those items' language as for a record that
    says nothing.
    """
    if entry.get("language"):
        return entry["language"]
    scoped = (entry.get("title_detail") or {}).get("language")
    return scoped if scoped and short_language(scoped) != short_language(feed.get("language")) else None


def _content_base(content: list[Any], base: str) -> str:
    """The xml:base in scope on the entry's content: WordPress's Atom feed sets the post's URL there, and the links
    inside are relative to it, not to the feed's base (they landed under the site's root)."""
    own = content[0].get("base") if content else None
    return (resolve(base, own) or base) if own else base


def _without_footer(html_text: str | None) -> str | None:
    """`html_text` without the SEO plugin's footer paragraph (_SEO_FOOTER) at its end."""
    # The footer closes the text: its words are looked for in the text's tail only (each item's text is read).
    tail = html_text[-_FOOTER_TAIL:] if html_text else ""
    if not tail or not any(words in tail for words in _FOOTER_WORDS):
        return html_text
    return _SEO_FOOTER.sub("", html_text)


def _entry(entry: Any, feed: Any, origin: Origin, feed_base: str, unscoped: str, raw: str) -> RawItem | None:
    base = _entry_base(entry, feed_base)
    title = entry.get("title")
    language = _declared_language(entry, feed)
    url = resolve(base, _link(entry, language or feed.get("language")))
    if not title and not url:
        return None
    title = title or _title_from_text(entry)  # a post with its own page; a bare text stays rejected above
    published = _time(entry, "published")
    updated = _time(entry, "updated")
    key = _key(entry, url, title)
    content = entry.get("content") or []
    summary = _resolved_in_scope(_without_footer(entry.get("summary")), base, unscoped)
    location_text = entry.get("ev_location")
    return RawItem(
        partner_id=origin.partner_id,
        source_id=origin.source_id,
        key=str(key),
        title=title,
        description_html=_resolved_in_scope(
            _without_footer((content[0].get("value") if content else None) or entry.get("summary")),
            _content_base(content, base), unscoped),
        summary=summary,
        url=url,
        language=short_language(language),
        start=entry.get("ev_startdate") or None,
        end=entry.get("ev_enddate") or None,
        location=RawLocation(text=location_text) if location_text else None,
        image_url=_image(entry, base),
        categories=[tag["term"] for tag in entry.get("tags") or [] if tag.get("term")],
        published=published,
        updated=updated,
        excerpt=excerpt(raw),
    )


def _problems(parsed: Any, entries: list[Any]) -> tuple[list[str], str | None]:
    """(warnings, error) for feedparser's bozo flag and version."""
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    warnings: list[str] = []
    if problem is not None and not isinstance(problem, ThingsNobodyCaresAboutButMe):
        if not entries:
            return [], f"malformed XML at {_xml_problem(problem)}; no entries could be read"
        warnings.append(f"feed is not well-formed XML ({_xml_problem(problem)}); {len(entries)} entries recovered")
    elif problem is not None:
        warnings.append(f"feed: {problem}")
    if not parsed.get("version") and not entries:
        return [], "the payload is not an RSS or Atom feed (no channel or feed element found)"
    return warnings, None


def _site_base(site: str | None, origin: Origin) -> str:
    """What an RSS feed's relative links are relative to when no xml:base says: the channel's <link>, the site the
    feed is about, when it is an absolute web address; else the feed's own URL.

    RSS 2.0 defines no base, and feedparser takes the feed's URL; feed readers and browsers showing a feed take the
    site's address. A feed served from another host (FeedBurner, a CDN, a feeds subdomain) made every relative link
    an address of that host, which does not serve the pages.
    """
    return site.strip() if _is_web_address(site) and urlsplit(site.strip()).netloc else origin.base_url


def _items(entries: list[Any], feed: Any, raws: list[str] | None, origin: Origin, result: ParseResult, *,
           site: str | None = None, cut_off: bool = False) -> ParseResult:
    """The entries as records; `site`: an RSS channel's <link> (not an Atom feed's: RFC 4287 resolves against
    the document's URL); `cut_off`: the payload ends inside its last entry."""
    unscoped = _site_base(site, origin)
    declared = (feed.get("title_detail") or {}).get("base")  # the xml:base in scope on the feed, if any
    feed_base = (resolve(origin.base_url, declared) or origin.base_url) if declared else unscoped
    for index, entry in enumerate(entries):
        raw = raws[index] if raws else stable_json(dict(entry))
        try:
            item = _entry(entry, feed, origin, feed_base, unscoped, raw)
        except Exception as exc:  # noqa: BLE001 - one odd entry must not cost the others
            result.rejections.append(
                origin.reject("unreadable_record", None, f"entry {index + 1} could not be read: {type(exc).__name__}: {exc}",
                              key=entry.get("id"), excerpt=excerpt(raw))
            )
            continue
        if item is None:
            why = f"entry {index + 1} has neither a title nor a link"
            if cut_off and index == len(entries) - 1:
                why += ": the feed ends inside it (the payload was cut off before its end)"
            result.rejections.append(origin.reject("missing_title", "title", why, key=entry.get("id"), excerpt=excerpt(raw)))
            continue
        result.items.append(item)
    believed = _borne_out_language(result.items, feed.get("language"))
    if believed is not None:
        for item in result.items:
            item.language = item.language or believed
    return result


def _borne_out_language(items: list[RawItem], feed_language: str | None) -> str | None:
    """The feed-wide language when a sample of its items' texts bears it out; None when one of them is confidently
    another language, none is long enough to tell, or the feed declares none of ours.

    A feed-wide language is often the CMS's default (Squarespace writes en-US on French sites), so it is no item's
    declaration by itself (_declared_language). Detecting every item instead cost more than reading it; a sample
    spread over the feed tells a wrong default, or a feed mixing French and Dutch, apart, and the items of a feed
    it bears out are declared in its language."""
    language = short_language(feed_language)
    undeclared = [item for item in items if item.language is None]
    if language not in LANGUAGES or not undeclared:
        return None
    count = min(LANGUAGE_SAMPLE, len(undeclared))
    # Spread evenly from the first item to the last (a fixed stride keeps missing every fifth item, say).
    sample = sorted({round(i * (len(undeclared) - 1) / max(count - 1, 1)) for i in range(count)})
    confirmed = False
    for item in (undeclared[position] for position in sample):
        # The start of a text tells its language: only that much is turned into text and detected.
        text = html_to_text(item.description_html[:LANGUAGE_SAMPLE_HTML]) if item.description_html else ""
        found, confidence = detect_language(f"{item.title or ''}. {text}"[:LANGUAGE_SAMPLE_CHARS])
        if found is not None and confidence >= MIN_CONFIDENCE:
            if found != language:
                return None
            confirmed = True
    # Texts too short to tell confirm nothing: the partner file's language is then a better guess than a CMS default.
    return language if confirmed else None


def _with_utf8_charset(content_type: str | None) -> str:
    """`content_type` with its charset parameter set to utf-8 (added when missing)."""
    if not content_type or not content_type.strip():
        return "application/xml; charset=utf-8"
    if _CHARSET_PARAMETER.search(content_type):
        return _CHARSET_PARAMETER.sub(r"\g<1>utf-8", content_type, count=1)
    return f"{content_type.rstrip('; ')}; charset=utf-8"


def _xml_declaration(body: bytes) -> re.Match[bytes] | None:
    """The XML declaration's encoding (group 1), after a UTF-8 byte order mark if there is one."""
    return RE_XML_PI_ENCODING.match(body, len(codecs.BOM_UTF8) if body.startswith(codecs.BOM_UTF8) else 0)


def _relabelled_utf8(body: bytes, content_type: str | None) -> tuple[bytes, str | None, str | None]:
    """(body, content type, warning): a UTF-8 feed that its HTTP header or XML declaration says is
    Windows-1252, Latin-1 or ASCII, relabelled UTF-8 in both, so that neither reader makes mojibake of it.

    feedparser believes the HTTP charset, then the declaration; it repairs UTF-8 read as Latin-1
    but not as Windows-1252 (the usual default of Windows servers and templates).
    """
    http_charset = charset_of(content_type)
    declaration = _xml_declaration(body)
    xml_charset = declaration.group(1).decode("ascii", "replace") if declaration else None
    wrong = [label for label in (http_charset, xml_charset) if utf8_mislabelled(body, label)]
    if not wrong:
        return body, content_type, None
    if declaration is not None and xml_charset in wrong:
        body = body[: declaration.start(1)] + b"utf-8" + body[declaration.end(1):]
    return body, _with_utf8_charset(content_type), mislabelled_warning("feed", " and ".join(dict.fromkeys(wrong)))


def _is_utf8_label(label: str | None) -> bool:
    """True for no label at all (XML's default is UTF-8) or a name of UTF-8."""
    if label is None:
        return True
    try:
        return codecs.lookup(label.strip()).name == "utf-8"
    except LookupError:
        return False


def _repaired_utf8(body: bytes, content_type: str | None) -> tuple[bytes, str | None, str | None]:
    """(body, content type, warning): a feed in UTF-8 by its labels, or by default, holding bytes that are not
    UTF-8, re-encoded with those bytes read as Windows-1252 (common.lenient_utf8).

    feedparser reads such a feed whole in a charset it guesses (ISO-8859-2 for a stray "é"), which turns
    every accented letter of every item into mojibake ("SĂŠance"); only the stray bytes are wrong.
    """
    if body.isascii() or body[:1] == b"\x00" or body[:2] in (b"\xfe\xff", b"\xff\xfe"):
        return body, content_type, None  # ASCII, or UTF-16/32: not this problem
    declaration = _xml_declaration(body)
    xml_charset = declaration.group(1).decode("ascii", "replace") if declaration else None
    if not (_is_utf8_label(charset_of(content_type)) and _is_utf8_label(xml_charset)):
        return body, content_type, None  # labelled in another charset: read in that one
    try:
        body.decode("utf-8")
        return body, content_type, None
    except UnicodeDecodeError as exc:
        first = exc.start
    warning = (f"feed is not valid UTF-8 (from byte {first}: {body[first:first + 4]!r}); "
               "the bytes that are not UTF-8 were read as Windows-1252")
    return lenient_utf8(body).encode("utf-8"), _with_utf8_charset(content_type), warning


def _parse_fast(body: bytes, origin: Origin, content_type: str | None) -> ParseResult | None:
    """The result read by xml_feed; None when feedparser has to read the payload."""
    fast = xml_feed.read(body, content_type)
    if fast is None:
        return None
    raws = _raw_records(body, fast.encoding, len(fast.entries))
    if raws is None and fast.entries:
        return None  # the excerpts would then quote feedparser's own entries
    warnings = [f"feed: {fast.problem}"] if fast.problem is not None else []
    return _items(fast.entries, fast.feed, raws, origin, ParseResult([], [], warnings=warnings),
                  site=fast.feed.get("link"))  # the fast reader records a channel's link, never an Atom feed's


def _calendar_prefixes(namespaces: Any) -> list[str]:
    """The prefixes (as feedparser names keys: lower-case) the feed binds to a calendar namespace, xCal's or the W3C's."""
    return [prefix.lower() for prefix, uri in (namespaces or {}).items()
            if prefix and isinstance(uri, str) and uri.strip().rstrip("#/").lower() in _CALENDAR_NAMESPACES]


def _with_calendar_dates(entries: list[Any], namespaces: Any) -> list[Any]:
    """`entries` with the dates and place of calendar elements (xCal's dtstart, dtend, location) copied to the
    event module's fields they mean, where those are missing; such feeds had every event rejected as missing_start.

    feedparser keeps an element of a namespace it does not know under the document's prefix ("xcal_dtstart"): the
    prefix is looked up, as a feed may bind any.
    """
    for prefix in _calendar_prefixes(namespaces):
        for entry in entries:
            for name, field in _CALENDAR_FIELDS:
                value = entry.get(f"{prefix}_{name}")
                if isinstance(value, str) and value.strip() and not entry.get(field):
                    entry[field] = value.strip()
    return entries


def _media_prefixes(namespaces: Any) -> list[str]:
    """The prefixes the document binds to Media RSS (as written in it, for reading the raw records)."""
    return [prefix for prefix, uri in (namespaces or {}).items()
            if prefix and isinstance(uri, str) and uri.strip().rstrip("/").lower() in _MEDIA_NAMESPACES]


def _plain_value(text: str) -> str:
    text = text.strip()
    if text.startswith("<![CDATA[") and text.endswith("]]>"):
        return text[9:-3].strip()
    return html.unescape(text).strip()


def _without_media_descriptions(entries: list[Any], raws: list[str] | None, namespaces: Any) -> list[Any]:
    """`entries` without the content feedparser makes of a media:description (an image's or a video's caption).

    feedparser reads <media:description> as a second description, and a second description becomes the entry's
    content, which rss.py takes as the description: a Mastodon post's text was replaced by its image's alt text.
    The captions are found in the raw records, which the fast reader's refusal of such feeds leaves to feedparser.
    """
    prefixes = _media_prefixes(namespaces)
    if not prefixes or raws is None:
        return entries
    caption = re.compile(rf"<(?:{'|'.join(map(re.escape, prefixes))}):description\b[^>]*>(.*?)</", re.DOTALL)
    for entry, raw in zip(entries, raws):
        captions = {_plain_value(found) for found in caption.findall(raw)} if "description" in raw else set()
        if captions and entry.get("content"):
            entry["content"] = [c for c in entry["content"] if (c.get("value") or "").strip() not in captions]
    return entries


def _parse_with_feedparser(body: bytes, origin: Origin, content_type: str | None) -> ParseResult:
    # An empty Content-Type would make feedparser flag every feed as "not an XML media type".
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    entries = _with_calendar_dates(parsed.get("entries") or [], parsed.get("namespaces"))
    warnings, error = _problems(parsed, entries)
    if error is not None:
        return ParseResult([], [], error=error)
    raws = _raw_records(body, parsed.get("encoding"), len(entries))
    entries = _without_media_descriptions(entries, raws, parsed.get("namespaces"))
    feed = parsed.get("feed") or {}
    site = None if str(parsed.get("version") or "").startswith("atom") else feed.get("link")
    return _items(entries, feed, raws, origin, ParseResult([], [], warnings=warnings), site=site,
                  cut_off=_cut_off(parsed))


def _written_date(text: str | None, today: date | None) -> ParsedDate | None:
    """The first date written in `text` (HTML or plain), in the forms web pages use; None when it has none."""
    if not text:
        return None
    try:
        return parse_fast(html_to_text(text) if "<" in text else text, today=today)
    except DateTextError:  # "31 février": not a date, and not worth guessing at
        return None


def _date_in_text(texts: Iterable[str | None], today: date | None) -> ParsedDate | None:
    """The first date written in one of `texts`; when it gives a day alone, the hours a later text gives for that same day.

    Blogs write the day in the title ("Atelier smartphone – jeudi 12 mars") and the hours in the text ("Le jeudi 12
    mars 2026 de 14h à 16h30"): the title alone made an all-day event of it. A later text naming another day (the
    next session) does not move it.
    """
    found: ParsedDate | None = None
    for text in texts:
        written = _written_date(text, today)
        if written is None:
            continue
        if found is None:
            found = written
        elif isinstance(written.start, datetime) and written.start.date() == found.start:
            return written
        if isinstance(found.start, datetime) or found.end is not None:
            return found  # it has its hours, or it is a run of days: nothing to add
    return found


def _starts_from_text(result: ParseResult, today: date | None, events: list[RawItem] | None = None,
                      where: str = "") -> ParseResult:
    """For a source of events: items without an event date (ev:startdate) take the date written in their title,
    else in their description ("Atelier RGPD – mardi 10 mars 2026 à 18h30"), as many CMSs publish events in
    plain RSS; without one they stay without a start, which the normaliser rejects naming the field.
    `events`: the items that are events, when not all are (`where` says which, in the warnings)."""
    events = result.items if events is None else events
    read = missing = 0
    for item in events:
        if item.start is not None:
            continue
        found = _date_in_text((item.title, item.summary, item.description_html), today)
        if found is not None:
            item.start, item.end = found.start, found.end
            read += 1
        else:
            missing += 1
    if missing:
        # The normaliser's rejection says the start is missing; this says where it was looked for.
        result.warnings.append(f"{missing} of {len(events)} items {where}carry no event date (ev:startdate, xCal dtstart) "
                               "and no date written in their title or description: they are rejected as missing_start")
    if read:
        result.warnings.append(f"{read} of {len(events)} items {where}carry no event date (ev:startdate): "
                               "their start was read from the date written in their title or description")
    return result


def _events_by_category(result: ParseResult, categories: list[str], today: date | None) -> ParseResult:
    """The items filed under one of `categories` (compared without case or accents) made events, their start read
    as in a source of events (_starts_from_text); the others are left to the normaliser's rules for mixed sources."""
    wanted = {fold(name).strip() for name in categories}
    events = [item for item in result.items if any(fold(category).strip() in wanted for category in item.categories)]
    for item in events:
        item.kind = "event"
    shown = ", ".join(categories)
    if events:
        return _starts_from_text(result, today, events, where=f"filed under {shown} ")
    if result.items:  # a misspelt category, or a feed without categories, must not go unnoticed
        written = sorted({category for item in result.items for category in item.categories})
        result.warnings.append(f"no item is filed under {shown} (event_categories), so none is read as an event; the "
                               f"feed's categories: {', '.join(written[:20]) or 'none'}")
    return result


def parse(body: bytes, origin: Origin, *, content_type: str | None, fast: bool = True, dates_in_text: bool = False,
          today: date | None = None, event_categories: list[str] | None = None) -> ParseResult:
    """Every entry of the feed as a RawItem; a payload error when not one entry could be read.

    `fast=False` reads with feedparser only (the reference the fast reader is tested against).
    `dates_in_text`: the source publishes events, so an item without an event date takes the one
    written in its title or description (year-less dates are placed after `today`). `event_categories`: the
    source mixes news and events, and the items filed under these categories are the events, read so.
    """
    if not body.strip():
        return ParseResult([], [], error="the payload is empty: no feed could be read")
    wrong = html_page_instead_of(body, "an RSS or Atom feed") or other_kind_instead_of(body, "rss")
    if wrong is not None:
        return ParseResult([], [], error=wrong)
    body, content_type, relabelled = _relabelled_utf8(body, content_type)
    body, content_type, repaired = _repaired_utf8(body, content_type)
    result = _parse_fast(body, origin, content_type) if fast else None
    if result is None:
        result = _parse_with_feedparser(body, origin, content_type)
    result.warnings[:0] = [warning for warning in (relabelled, repaired) if warning]
    if dates_in_text:
        return _starts_from_text(result, today)
    return _events_by_category(result, event_categories, today) if event_categories else result
