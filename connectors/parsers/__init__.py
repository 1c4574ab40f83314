"""Parsers per source kind: pure functions from a payload's bytes to raw records."""
from __future__ import annotations

from datetime import datetime

from connectors.parsers.common import Origin, ParseResult, drop_duplicate_keys

__all__ = ["KINDS", "ParseResult", "parse_payload"]

KINDS: tuple[str, ...] = ("rss", "ical", "jsonld")


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
) -> ParseResult:
    """The records of one payload of `kind`; never raises: failures come back as an error or rejections.

    `default_timezone` is not applied here (the normaliser does that); it is accepted so that
    every kind has the same signature.
    """
    # Imported per kind: each parser's library is only loaded when a source of that kind is read.
    origin = Origin(partner_id=partner_id, source_id=source_id, base_url=base_url)
    try:
        if kind == "rss":
            from connectors.parsers import rss

            result = rss.parse(body, origin, content_type=content_type)
        elif kind == "ical":
            from connectors.parsers import ical

            result = ical.parse(body, origin, content_type=content_type, now=now, window_days=window_days)
        elif kind == "jsonld":
            from connectors.parsers import jsonld

            result = jsonld.parse(body, origin, content_type=content_type)
        else:
            return ParseResult([], [], error=f"unknown source kind {kind!r} (expected one of {', '.join(KINDS)})")
    except Exception as exc:  # noqa: BLE001 - a parser bug on one payload must read as that payload's error
        return ParseResult([], [], error=f"the {kind} parser failed on {base_url}: {type(exc).__name__}: {exc}")
    return drop_duplicate_keys(result, origin)
