"""Kinds: deciding whether a record is an event, a call or a news item."""
from __future__ import annotations

import re

from transforms.model import KINDS, RawItem
from transforms.text import fold

# Words that make a record of a mixed source a call (for projects, applications, funding).
# Matched on accent-folded, lower-case text at word starts; a trailing plural s is allowed.
CALL_WORDS: tuple[str, ...] = (
    "appel a projets", "appel a candidatures", "appel", "call for", "projectoproep", "oproep",
    "subside", "subsidie", "grant", "deadline", "date limite", "uiterste datum",
)
_CALL_PATTERN = re.compile(r"\b(" + "|".join(re.escape(w) for w in CALL_WORDS) + r")s?\b")

# The record's own type, as parsers may pass it on (our slug or a schema.org type name).
_RECORD_KINDS = {
    "event": "event", "events": "event", "vevent": "event",
    "call": "call", "grant": "call", "monetarygrant": "call", "fundingscheme": "call",
    "news": "news", "article": "news", "newsarticle": "news", "blogposting": "news", "posting": "news",
}


def record_kind(value: str | None) -> str | None:
    """Our kind for a record's own type ('event', 'NewsArticle', 'https://schema.org/BusinessEvent'); None when unknown."""
    if not value or not value.strip():
        return None
    name = value.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    if name in _RECORD_KINDS:
        return _RECORD_KINDS[name]
    if name.endswith("event"):  # schema.org's Event subtypes: BusinessEvent, EducationEvent...
        return "event"
    return None


def call_word(raw: RawItem) -> str | None:
    """The first call word found in the record's title or categories, if any."""
    for text in (raw.title or "", *raw.categories):
        found = _CALL_PATTERN.search(fold(text))
        if found:
            return found.group(1)
    return None


def decide_kind(raw: RawItem, content: str) -> tuple[str, str]:
    """(kind, reason): the source's content kind, or for mixed sources the record's own kind,
    then call words, then a start time (event); news otherwise. The reason names the rule."""
    if content in KINDS:
        return content, "source content"
    own = record_kind(raw.kind)
    if own is not None:
        return own, f"record kind {raw.kind!r}"
    word = call_word(raw)
    if word is not None:
        return "call", f"call word {word!r} in title or categories"
    if raw.start is not None and not (isinstance(raw.start, str) and not raw.start.strip()):
        return "event", "has a start time"
    return "news", "no start time"
