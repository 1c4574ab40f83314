"""What every parser shares: the result type, keys, excerpts, languages and rejections."""
from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field, fields, replace
from email.message import Message
from urllib.parse import urljoin

from connectors.parsers.sniff import (
    HTML_PAGE,
    JSON_FEED_MAPPING,
    KIND_NAMES,
    is_json_feed,
    payload_kind,
)
from transforms.model import LANGUAGES, RawItem, RawLocation, Rejection, stable_hash
from transforms.text import has_unwritable, writable
from transforms.urls import with_scheme

EXCERPT_CHARS = 1000


@dataclass
class ParseResult:
    items: list[RawItem]
    rejections: list[Rejection]  # per-record problems, stage="parse"
    error: str | None = None  # payload-level failure: nothing usable could be read
    warnings: list[str] = field(default_factory=list)
    # How many records the payload holds, where one record may give several items (an iCalendar event's
    # occurrences, a json_api record's `occurrences`); None where each record is one item or one rejection.
    source_records: int | None = None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a payload came from: recorded on every rejection and used to resolve links."""

    partner_id: str
    source_id: str
    base_url: str

    def reject(self, reason: str, field: str | None, message: str, *, key: str | None = None, excerpt: str = "") -> Rejection:
        return Rejection(
            partner_id=self.partner_id, source_id=self.source_id, stage="parse", reason=reason,
            message=message, field=field, key=key, excerpt=excerpt,
        )


def excerpt(text: str) -> str:
    """The record's raw text, cut to EXCERPT_CHARS so reports stay readable."""
    text = text.strip()
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


HASH_KEY_PREFIX = "hash:"


def hash_key(*parts: object) -> str:
    """A key for a record that carries no id: stable as long as the given parts do not change."""
    return HASH_KEY_PREFIX + stable_hash([str(p) if p is not None else "" for p in parts])[:32]


# Language names a page writes instead of a code whose first letters are not the code ("Français", "French",
# "Frans" and "English", "Engels" already begin with it).
_LANGUAGE_NAMES = {"dutch": "nl", "nederlands": "nl", "néerlandais": "nl", "neerlandais": "nl", "vlaams": "nl",
                   "flemish": "nl", "anglais": "en"}


def short_language(value: object) -> str | None:
    """'fr-BE' -> 'fr', 'Nederlands' -> 'nl'; None for languages the agenda does not publish."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    primary = _LANGUAGE_NAMES.get(text, text[:2])
    return primary if primary in LANGUAGES else None


def resolve(base: str | None, href: object) -> str | None:
    """`href` made absolute against `base`; None for empty or non-string values."""
    if not isinstance(href, str) or not href.strip():
        return None
    href = with_scheme(href.strip())
    return urljoin(base, href) if base else href


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    if not isinstance(charset, str):
        return None
    return charset.strip().strip('"') or None


# Single-byte Western charsets that servers and CMS templates claim by default, often for bytes that are UTF-8.
_SINGLE_BYTE_WESTERN = frozenset({"ascii", "iso8859-1", "cp1252", "iso8859-15"})


def utf8_mislabelled(body: bytes, declared: str | None) -> bool:
    """True when `declared` names a single-byte Western charset but `body` is UTF-8 holding non-ASCII text.

    Such a body decodes without error in Windows-1252 or Latin-1, into mojibake ("CafÃ©"). Valid
    multi-byte UTF-8 sequences almost never occur by chance in text really written in those
    charsets, so the label is the server's or the template's mistake and the bytes are UTF-8.
    """
    if not declared or body.isascii():
        return False
    try:
        name = codecs.lookup(declared.strip()).name
    except LookupError:
        return False
    if name not in _SINGLE_BYTE_WESTERN:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _cp1252_for_invalid_utf8(error: UnicodeError) -> tuple[str, int]:
    """A codecs error handler: the bytes that break UTF-8 read as Windows-1252 (U+FFFD for its 5 unused bytes)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("bedigital-cp1252-fallback", _cp1252_for_invalid_utf8)


def lenient_utf8(body: bytes) -> str:
    """`body` read as UTF-8, each byte that is not part of a valid UTF-8 sequence read as Windows-1252.

    A UTF-8 feed with one stray Windows-1252 byte (a pasted "é" or "’" from a legacy template) is
    common; reading the whole payload in a single-byte charset because of it, as decoders that
    guess do, turns every other accented letter of every item into mojibake. A payload that is
    Windows-1252 throughout reads the same as with that codec.
    """
    return body.decode("utf-8", errors="bedigital-cp1252-fallback")


def mislabelled_warning(what: str, declared: str) -> str:
    return f"{what} is labelled {declared} but its bytes are UTF-8; it was read as UTF-8"


_HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TITLE_CHARS = 80


def html_page_instead_of(body: bytes, what: str) -> str | None:
    """The payload error for an HTML page served where `what` (a feed, a calendar) was expected; None otherwise.

    Servers answer a moved feed, a login wall or their own failure with an HTML page and status 200:
    saying so, with the page's title, tells the partner what to fix far better than a syntax error.
    """
    if not HTML_PAGE.match(body[:4096]):
        return None
    found = _HTML_TITLE.search(body[:65536])
    title = " ".join(html.unescape(found.group(1).decode("utf-8", "replace")).split()) if found else ""
    titled = f" titled {title[:_TITLE_CHARS]!r}" if title else ""
    return (f"the payload is not {what} but an HTML page{titled}: an error or login page answered with "
            "status 200, or a URL that is not the feed's")


# Of a record's words, for the key of one without id or link (an html card, an untitled undated feed item).
FALLBACK_KEY_CHARS = 500


# What a partner file writes to read each kind of payload.
_KIND_TO_WRITE = {
    "rss": "write kind: rss for this source",
    "ical": "write kind: ical for this source",
    "json": "a JSON API is read with kind: json_api and a field mapping (see docs/adding-a-partner.md)",
}


def other_kind_instead_of(body: bytes, kind: str) -> str | None:
    """The payload error for a payload of another kind than the source's (`rss` or `ical`); None otherwise.

    A newcomer who writes kind: ical for a feed (or the reverse) got the reader's own syntax error: "malformed XML
    at line 2", or icalendar quoting the whole feed as one unreadable line. The kind to write says it better.
    """
    found = payload_kind(body)
    if found not in _KIND_TO_WRITE or found == kind:  # a web page is html_page_instead_of's to name
        return None
    if found == "json" and is_json_feed(body):
        # A feed to its publisher, but JSON to feedparser (6.0 reads RSS, RDF and Atom only): the mapping is the fix.
        return (f"the payload is a JSON Feed (jsonfeed.org), which kind: {kind} does not read: read it with kind: "
                f"json_api and {JSON_FEED_MAPPING} (see docs/adding-a-partner.md)")
    return f"the payload is {KIND_NAMES[found]}, not {KIND_NAMES[kind]}: {_KIND_TO_WRITE[found]}"


def shortened(text: str, limit: int = 200) -> str:
    """`text` cut to `limit` characters, ending with "…" when cut: a library's message may quote a whole payload."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# The text fields of a RawItem (times may be strings too: an unreadable one is quoted in its rejection).
_RAW_TEXT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(RawItem) if f.name not in ("partner_id", "source_id", "categories", "location", "all_day",
                                                      "is_free", "price"))


def _record_texts(raw: RawItem) -> list[str]:
    """Every text of `raw` (its place's and categories' included), each string object once: an RSS
    item's summary is usually its description, the same string."""
    values = [getattr(raw, name) for name in _RAW_TEXT_FIELDS]
    values += raw.categories
    values += [text for texts in raw.translations.values() for text in texts.values()]
    if raw.location is not None:
        values += [getattr(raw.location, f.name) for f in fields(RawLocation)]
    return list({id(v): v for v in values if isinstance(v, str)}.values())


def writable_record(raw: RawItem) -> RawItem:
    """`raw` with every text cleared of the characters no export can write (transforms.text.writable).

    A control character or half an emoji (a lone surrogate, from a CMS that cuts a JSON escape in
    two) in one record must cost neither that record nor the run: UTF-8 cannot encode a lone
    surrogate, so storing the raw record failed, and XML forbids the controls in the exports.
    """
    if not has_unwritable("\n".join(_record_texts(raw))):
        return raw
    changes: dict[str, object] = {
        name: writable(value) for name in _RAW_TEXT_FIELDS if isinstance(value := getattr(raw, name), str)
    }
    changes["categories"] = [writable(c) if isinstance(c, str) else c for c in raw.categories]
    changes["translations"] = {language: {name: writable(text) for name, text in texts.items()}
                               for language, texts in raw.translations.items()}
    if raw.location is not None:
        changes["location"] = RawLocation(*(writable(t) if isinstance(t, str) else t
                                            for t in (getattr(raw.location, f.name) for f in fields(RawLocation))))
    return replace(raw, **changes)  # type: ignore[arg-type]


def _rejection_texts(rejection: Rejection) -> list[str]:
    return [rejection.message, rejection.key or "", rejection.excerpt]


def _writable_rejection(rejection: Rejection) -> Rejection:
    if not has_unwritable("\n".join(_rejection_texts(rejection))):
        return rejection
    return replace(rejection, message=writable(rejection.message), excerpt=writable(rejection.excerpt),
                   key=writable(rejection.key) if rejection.key is not None else None)


def writable_result(result: ParseResult) -> ParseResult:
    """Every record and rejection of `result` made writable (writable_record)."""
    # One search over every text of the result first: payloads hardly ever hold such a character, and
    # one long search costs less than a search per record (this runs on every record of every payload).
    texts = [text for item in result.items for text in _record_texts(item)]
    texts += [text for rejection in result.rejections for text in _rejection_texts(rejection)]
    if not has_unwritable("\n".join(texts)):
        return result
    result.items = [writable_record(item) for item in result.items]
    result.rejections = [_writable_rejection(rejection) for rejection in result.rejections]
    return result


def _duplicate_message(item: RawItem) -> str:
    if item.key.startswith(HASH_KEY_PREFIX):
        # The key was made from the title and date: quoting it would tell the partner nothing.
        return (f"record {item.title!r} has no id or link of its own, and its title and date are those of an earlier "
                "record in this payload; only the first is kept (give each record an id or a link)")
    return f"key {item.key!r} was already used by an earlier record in this payload; only the first is kept"


def drop_duplicate_keys(result: ParseResult, origin: Origin) -> ParseResult:
    """Keep the first record of each key; later ones become duplicate_key rejections."""
    seen: set[str] = set()
    kept: list[RawItem] = []
    for item in result.items:
        if item.key in seen:
            result.rejections.append(
                origin.reject("duplicate_key", "key", _duplicate_message(item), key=item.key, excerpt=item.excerpt)
            )
            continue
        seen.add(item.key)
        kept.append(item)
    result.items = kept
    return result
