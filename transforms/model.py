"""The data model shared by every stage: raw records, normalised items, rejections."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from operator import attrgetter
from typing import Any, Callable, Iterable, Literal

import orjson

Kind = Literal["event", "call", "news"]
KINDS: tuple[str, ...] = ("event", "call", "news")
LANGUAGES: tuple[str, ...] = ("fr", "nl", "en")
ATTENDANCE_MODES: tuple[str, ...] = ("in-person", "online", "hybrid")
# rescheduled: the event has new dates (schema.org EventRescheduled); postponed: it will happen later, on dates not
# known yet (EventPostponed).
STATUSES: tuple[str, ...] = ("scheduled", "cancelled", "postponed", "rescheduled")

# A time value as a parser hands it over: an aware or naive datetime, a date (all-day),
# or a string that the normaliser parses (ISO 8601, RFC 822). Naive values are read in
# the source's time zone.
TimeValue = datetime | date | str | None


@dataclass(slots=True)
class RawLocation:
    """A place as the source describes it; any field may be missing."""

    name: str | None = None
    street: str | None = None
    postcode: str | None = None
    locality: str | None = None
    country: str | None = None
    text: str | None = None  # an unstructured address or place string
    online_url: str | None = None  # a VirtualLocation / meeting link


@dataclass(slots=True)
class RawItem:
    """One record read from a payload by a parser, before normalisation.

    Parsers fill what the format carries and nothing more: they do not sanitise,
    convert time zones or guess; that is the normaliser's job.
    """

    partner_id: str
    source_id: str
    key: str  # identity within the source: guid, UID(+RECURRENCE-ID), @id or URL
    title: str | None = None
    description_html: str | None = None
    summary: str | None = None
    url: str | None = None
    language: str | None = None  # when the record says it; else the source default applies
    # The record's own versions in other languages (fr/nl/en) than the texts above: {"nl": {"title": …,
    # "summary": …, "description_html": …}}, as a multilingual API or JSON-LD's language-tagged values give them.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    kind: str | None = None  # event/call/news when the record says it
    start: TimeValue = None
    end: TimeValue = None
    all_day: bool = False
    timezone: str | None = None  # TZID the record's naive times are in, when it says
    deadline: TimeValue = None
    location: RawLocation | None = None
    attendance_mode: str | None = None  # schema.org eventAttendanceMode value or our slug
    status: str | None = None  # schema.org eventStatus value or free text
    is_free: bool | None = None
    price: float | None = None
    currency: str | None = None
    registration_url: str | None = None
    image_url: str | None = None
    categories: list[str] = field(default_factory=list)  # the source's own tags
    published: TimeValue = None
    updated: TimeValue = None
    excerpt: str = ""  # the raw bytes of the record (truncated) for tracing and reports

    def raw_hash(self) -> str:
        """A hash of everything the parser read, to detect changes before normalising."""
        return hashlib.sha256(record_json(self)).hexdigest()


@dataclass(slots=True)
class Item:
    """A normalised record of one source, in the agenda model.

    Instants are timezone-aware UTC datetimes; all-day items carry dates instead.
    Texts are keyed by language (fr/nl/en).
    """

    id: str
    partner_id: str
    source_id: str
    source_key: str
    kind: str
    title: dict[str, str]
    summary: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)  # sanitised HTML
    url: str | None = None
    canonical_url: str | None = None
    start_utc: datetime | None = None
    end_utc: datetime | None = None
    start_date: date | None = None  # all-day items
    end_date: date | None = None  # inclusive last day of an all-day item
    all_day: bool = False
    timezone: str = "Europe/Brussels"
    deadline_utc: datetime | None = None
    venue: str | None = None
    street: str | None = None
    postcode: str | None = None
    municipality: str | None = None
    country: str | None = None
    attendance_mode: str | None = None  # in-person | online | hybrid
    online_url: str | None = None
    is_free: bool | None = None
    price: float | None = None
    currency: str | None = None
    registration_url: str | None = None
    image_url: str | None = None
    languages: list[str] = field(default_factory=list)
    status: str = "scheduled"
    source_categories: list[str] = field(default_factory=list)
    categories: dict[str, list[str]] = field(default_factory=dict)  # facet -> slugs
    published_utc: datetime | None = None
    updated_utc: datetime | None = None
    # facet -> slug -> why it was given: [{"rule": "keyword", "field": "title", "words": "atelier"}, ...]
    category_reasons: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    machine_translated: dict[str, list[str]] = field(default_factory=dict)  # language -> fields a machine translated
    registration_required: bool | None = None  # apart from registration_url: a page may require it without a link
    kind_reason: str | None = None  # which rule decided the kind
    deadline_from: str | None = None  # "field" | "text": where the deadline was read

    def content_hash(self) -> str:
        """A hash of the item's content: equal hashes mean nothing a reader sees changed."""
        return hashlib.sha256(record_json(self)).hexdigest()


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record that did not make it into the agenda, with a reason a partner can read."""

    partner_id: str
    source_id: str
    stage: str  # fetch | parse | normalise
    reason: str  # a stable code, e.g. missing_title, invalid_date
    message: str  # plain English, naming the field and the value
    field: str | None = None
    key: str | None = None  # the record's key, when it has one
    excerpt: str = ""


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")


def _reference_json(value: Any) -> str:
    """The definition of stable_json; the orjson path below must give the same text, byte for byte."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_default, separators=(",", ":"))


# Stored records and their hashes were written by _reference_json: orjson gives the same bytes for
# str (escapes included), int, bool, None, sorted dict, list and tuple, and for floats except
# nan/inf (null) and exponents -5 to -9 (1e-05 vs 0.00001, 2.5e-07 vs 2.5e-7). What it prints
# differently is checked for (_vet) or handed to a hook doing what _default does (the passthroughs);
# anything else, and everything orjson refuses (big ints, surrogates, non-str keys), goes to json.
_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
_SAME = frozenset({str, int, bool, type(None), datetime, date, set, frozenset})  # printed alike or hooked


class _Unlike(Exception):
    """orjson would not print this value as json.dumps does."""


def _vet(values: Iterable[Any]) -> None:
    """Raise _Unlike unless every value, through lists and dicts, is one orjson prints as json does."""
    for value in values:
        cls = type(value)
        if cls in _SAME:
            continue
        if cls is dict:
            _vet(value.values())
        elif cls is list or cls is tuple:
            _vet(value)
        elif cls is float:
            if orjson.dumps(value) != repr(value).encode():
                raise _Unlike
        elif not hasattr(cls, "__dataclass_fields__"):  # a dataclass goes to the hook, which vets its fields
            raise _Unlike


def _json_hook(value: Any) -> Any:
    """_default, vetting what it returns (a set's sorted items) as orjson goes on with it."""
    if isinstance(value, (set, frozenset)):
        items = sorted(value)
        _vet(items)
        return items
    return _default(value)


_GETTERS: dict[type, tuple[tuple[str, ...], Callable[[Any], Any]]] = {}


def _record_hook(value: Any) -> Any:
    """_json_hook, and a dataclass as the dict `asdict` makes of it (its nested dataclasses come back here)."""
    cls = type(value)
    if not hasattr(cls, "__dataclass_fields__"):
        return _json_hook(value)
    if cls not in _GETTERS:
        names = tuple(f.name for f in fields(cls))
        # attrgetter of several names gives a tuple, in C; of one or none it would not.
        _GETTERS[cls] = names, (attrgetter(*names) if len(names) > 1 else lambda v: tuple(getattr(v, n) for n in names))
    names, get = _GETTERS[cls]
    values = get(value)
    _vet(values)
    return dict(zip(names, values))


def _fast_json(value: Any, hook: Callable[[Any], Any]) -> bytes | None:
    """The UTF-8 of _reference_json's text by orjson, or None when orjson may print it otherwise."""
    try:
        _vet((value,))
        return orjson.dumps(value, default=hook, option=_OPTIONS)
    except (_Unlike, orjson.JSONEncodeError, RecursionError):
        return None


def stable_json(value: Any) -> str:
    """JSON with sorted keys: the same value always gives the same text."""
    out = _fast_json(value, _json_hook)
    return out.decode("utf-8") if out is not None else _reference_json(value)


def stable_json_bytes(value: Any) -> bytes:
    """stable_json(value) encoded in UTF-8, without the round trip through str when orjson can write it."""
    out = _fast_json(value, _json_hook)
    return out if out is not None else _reference_json(value).encode("utf-8")


def record_json(record: Any) -> bytes:
    """stable_json_bytes(asdict(record)) for a dataclass instance, without building the dicts in Python."""
    out = _fast_json(record, _record_hook)
    return out if out is not None else _reference_json(asdict(record)).encode("utf-8")


def stable_hash(value: Any) -> str:
    """The sha256 of stable_json(value)."""
    return hashlib.sha256(stable_json_bytes(value)).hexdigest()


def text_and_hash(data: bytes) -> tuple[str, str]:
    """Serialised JSON (stable_json_bytes', record_json's) as the stored text and its sha256: one
    serialisation for both, where stable_json and stable_hash would make two."""
    return data.decode("utf-8"), hashlib.sha256(data).hexdigest()


def item_id(partner_id: str, source_id: str, key: str) -> str:
    """The stable id of a source record: the same record keeps its id across runs."""
    digest = hashlib.sha256(f"{partner_id}\x1f{source_id}\x1f{key}".encode("utf-8")).hexdigest()
    return digest[:20]
