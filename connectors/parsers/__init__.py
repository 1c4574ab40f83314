"""Parsers per source kind: pure functions from a payload's bytes to raw records."""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from connectors.pages import Page, PageRequest
from connectors.parsers.common import Origin, ParseResult, drop_duplicate_keys, writable_result
from transforms.times import local_date

__all__ = ["KINDS", "PAGED_KINDS", "ParseResult", "parse_pages", "parse_payload"]

KINDS: tuple[str, ...] = ("rss", "ical", "jsonld")  # one payload, read whole
PAGED_KINDS: tuple[str, ...] = ("json_api", "html", "python")  # pages, read with the source's configuration
_NAMES_A_KIND = re.compile(r"\bkind:?\s+(?:" + "|".join(KINDS + PAGED_KINDS) + r")\b")


def parse_payload(
    kind: str,
    body: bytes,
    *,
    partner_id: str,
    source_id: str,
    base_url: str,
    content_type: str | None,
    default_timezone: str,
    now: datetime,
    window_days: int = 365,
    source: Any = None,
) -> ParseResult:
    """The records of one payload of `kind`; never raises: failures come back as an error or rejections.

    `default_timezone` is not applied to times here (the normaliser does that); it says which day
    "today" is for dates written in words. The paged kinds (json_api, html, python) need `source`,
    their configuration; `body` is then read as their only page. An rss `source` whose content is
    event has the dates written in its items' titles read when they carry no event date.
    """
    if kind in PAGED_KINDS:
        if source is None:
            return ParseResult([], [], error=f"the {kind} kind needs its source configuration (source=…)")
        page = Page(PageRequest(base_url), body, content_type=content_type)
        return parse_pages(source, [page], partner_id=partner_id, now=now)
    # Imported per kind: each parser's library is only loaded when a source of that kind is read.
    origin = Origin(partner_id=partner_id, source_id=source_id, base_url=base_url)
    try:
        if kind == "rss":
            from connectors.parsers import rss

            # A source of events reads the dates written in titles of items that carry no event date.
            result = rss.parse(body, origin, content_type=content_type, today=_local_today(now, default_timezone),
                               dates_in_text=getattr(source, "content", None) == "event",
                               event_categories=getattr(source, "event_categories", None))
        elif kind == "ical":
            from connectors.parsers import ical

            result = ical.parse(body, origin, content_type=content_type, now=now, window_days=window_days,
                                timezone=default_timezone)
        elif kind == "jsonld":
            from connectors.parsers import jsonld

            result = jsonld.parse(body, origin, content_type=content_type, now=now, window_days=window_days)
        else:
            return ParseResult([], [], error=f"unknown source kind {kind!r} (expected one of {', '.join(KINDS + PAGED_KINDS)})")
    except Exception as exc:  # noqa: BLE001 - a parser bug on one payload must read as that payload's error
        return ParseResult([], [], error=f"the {kind} parser failed on {base_url}: {type(exc).__name__}: {exc}")
    return with_kind_hint(drop_duplicate_keys(writable_result(result), origin), kind, body, base_url)


def parse_pages(source: Any, pages: Sequence[Page], *, partner_id: str, now: datetime) -> ParseResult:
    """The records of the pages of a paged source (json_api, html, python); never raises."""
    base_url = pages[0].url if pages else str(source.url)
    origin = Origin(partner_id=partner_id, source_id=source.id, base_url=base_url)
    if not pages:
        return ParseResult([], [], error=f"no page was read from {source.url}")
    try:
        if source.kind == "json_api":
            from connectors.parsers import json_api

            result = json_api.parse(pages, source, origin, now=now)
        elif source.kind == "html":
            from connectors.parsers import html

            result = html.parse(pages, source, origin, now=now)
        elif source.kind == "python":
            from connectors.custom import load_connector_class

            result = load_connector_class(source.connector)(source, now=now).parse(pages, origin)
        else:
            return ParseResult([], [], error=f"source kind {source.kind!r} is not read page by page")
    except Exception as exc:  # noqa: BLE001 - a parser bug on one source must read as that source's error
        return ParseResult([], [], error=f"the {source.kind} parser failed on {base_url}: {type(exc).__name__}: {exc}")
    return with_kind_hint(drop_duplicate_keys(writable_result(result), origin), source.kind, pages[0].body, base_url)


def with_kind_hint(result: ParseResult, kind: str, body: bytes, base_url: str) -> ParseResult:
    """A result that read nothing, told what the payload is when it is not what `kind` reads (sniff.kind_hint):
    appended to its error, or else given as a warning."""
    if result.items or result.rejections or kind == "python":
        return result
    from connectors.parsers.sniff import kind_hint

    hint = kind_hint(kind, body, base_url)
    if hint is None or any(_NAMES_A_KIND.search(text) for text in (result.error or "", *result.warnings)):
        return result  # the parser named the kind to write already
    if result.error:
        result.error = f"{result.error} ({hint})"
    else:
        result.warnings.append(hint)
    return result


def _local_today(now: datetime, zone: str) -> date:
    """The day it is in `zone` (the registry only lets known zones through; another one counts in UTC)."""
    try:
        return local_date(now, zone)
    except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError
        return now.date()
