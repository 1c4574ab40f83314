"""Reading the query parameters of the API into an ItemQuery; anything wrong is a 422 that says what and why."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable

from bedigital.api.queries import MAX_QUERY_WORDS, SORT_KEYS, CursorError, ItemQuery, decode_cursor, search_words
from bedigital.api.snapshot_reader import Snapshot
from warehouse.documents import DISPLAY_TZ
from warehouse.snapshot import fold

KINDS = ("event", "call", "news")
ATTENDANCE = ("in-person", "online", "hybrid")
LANGS = ("fr", "nl", "en")


class InvalidParameter(ValueError):
    """A query parameter the API cannot use; `name` is the parameter, the message says what is wrong."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message

    def detail(self) -> list[dict[str, Any]]:
        """FastAPI's own 422 shape, so that every 422 of the API reads the same."""
        return [{"loc": ["query", self.name], "msg": self.message, "type": "value_error"}]


def split_values(values: Iterable[str] | None) -> list[str]:
    """Repeated parameters and comma-separated lists alike: `?kind=event&kind=call` or `?kind=event,call`."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def one_of(name: str, values: Iterable[str] | None, allowed: Iterable[str]) -> list[str]:
    chosen = split_values(values)
    allowed = list(allowed)
    for value in chosen:
        if value not in allowed:
            raise InvalidParameter(name, f"unknown {name} {value!r}; expected one of: {', '.join(allowed)}")
    return chosen


def parse_when(name: str, value: str | None, *, day_end: bool = False) -> datetime | None:
    """A date (YYYY-MM-DD, Brussels day) or an ISO 8601 date-time (Brussels time when it has no offset)."""
    if value is None or value == "":
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time(0), DISPLAY_TZ)
            if day_end:
                moment = datetime.combine(day + timedelta(days=1), time(0), DISPLAY_TZ)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=DISPLAY_TZ)
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise InvalidParameter(
            name, f"{name}={value!r} is not a date (YYYY-MM-DD) or an ISO 8601 date-time (2026-03-10T18:30:00+01:00)"
        ) from None


def categories(snapshot: Snapshot, values: Iterable[str] | None) -> list[str]:
    """Category filters as `facet:slug`; a bare slug is accepted when only one facet has it."""
    chosen = []
    for value in split_values(values):
        qualified = snapshot.known_categories.get(value)
        if qualified is None:
            raise InvalidParameter("category", f"unknown category {value!r}; GET /v1/categories lists them "
                                               "(write facet:slug, e.g. theme:ai, or the slug alone)")
        chosen.append(qualified)
    return chosen


def partners(snapshot: Snapshot, values: Iterable[str] | None) -> list[str]:
    chosen = split_values(values)
    for value in chosen:
        if value not in snapshot.partners:
            raise InvalidParameter("partner", f"unknown partner {value!r}; GET /v1/partners lists them")
    return chosen


def item_query(snapshot: Snapshot, *, kind: list[str] | None = None, category: list[str] | None = None,
               category_match: str = "any", partner: list[str] | None = None, start: str | None = None,
               end: str | None = None, open_calls: bool | None = None, deadline_before: str | None = None,
               municipality: list[str] | None = None, attendance: list[str] | None = None, free: bool | None = None,
               language: list[str] | None = None, q: str | None = None, updated_since: str | None = None,
               sort: str | None = None, cursor: str | None = None, limit: int = 20) -> ItemQuery:
    """Every list parameter checked and converted; raises InvalidParameter on the first problem."""
    if category_match not in ("any", "all"):
        raise InvalidParameter("category_match", "category_match must be 'any' or 'all'")
    text = search_words(q or "")
    if q is not None and q.strip() and not text:
        raise InvalidParameter("q", f"q={q!r} has no word to search for (letters or digits, two or more)")
    if len(text) > MAX_QUERY_WORDS:
        raise InvalidParameter("q", f"q has {len(text)} words; at most {MAX_QUERY_WORDS}")
    chosen_sort = sort or ("relevance" if text else "agenda")
    if chosen_sort not in SORT_KEYS:
        raise InvalidParameter("sort", f"unknown sort {chosen_sort!r}; expected one of: {', '.join(SORT_KEYS)}")
    if chosen_sort == "relevance" and not text:
        raise InvalidParameter("sort", "sort=relevance needs a search (q)")
    window_start, window_end = parse_when("from", start), parse_when("to", end, day_end=True)
    if window_start and window_end and window_end < window_start:
        raise InvalidParameter("to", "to is before from")
    try:
        after = decode_cursor(cursor, chosen_sort) if cursor else None
    except CursorError as exc:
        raise InvalidParameter("cursor", str(exc)) from None
    return ItemQuery(
        kinds=one_of("kind", kind, KINDS),
        categories=categories(snapshot, category),
        match_all=category_match == "all",
        partners=partners(snapshot, partner),
        start=window_start,
        end=window_end,
        open_calls=open_calls,
        deadline_before=parse_when("deadline_before", deadline_before),
        municipalities=[fold(m) for m in split_values(municipality)],
        attendance=one_of("attendance", attendance, ATTENDANCE),
        free=free,
        languages=one_of("language", language, LANGS),
        text=text,
        updated_since=parse_when("updated_since", updated_since),
        sort=chosen_sort,
        after=after,
        limit=limit,
    )
