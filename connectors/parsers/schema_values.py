"""schema.org property values as JSON-LD writes them: texts, enumeration members, dates, times and durations."""
from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, timedelta
from typing import Any

from connectors.dates import DateTextError, parse_date_text
from transforms.times import to_utc

DATE_ONLY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_MONTH_WORD = re.compile(r"[^\W\d_]{3,}")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
TIME_ALONE = re.compile(r"^\s*T?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
# An ISO 8601 duration as schema.org writes it: a `duration` (P1D, PT3H, PT1H30M, P1DT2H, P2W) or a Schedule's
# repeatFrequency (P1W, P2W, P1M, P1Y). Groups: years, months, weeks, days, hours, minutes, seconds.
DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$",
                       re.IGNORECASE)


def first_of(value: Any) -> Any:
    """The first of a list of values (None for an empty one), or the value itself."""
    return value[0] if isinstance(value, list) and value else (None if isinstance(value, list) else value)


def literal_of(value: Any) -> Any:
    """A value as written, or as expanded JSON-LD wraps it: [{"@value": 0}] is 0."""
    value = first_of(value)
    return value["@value"] if isinstance(value, dict) and "@value" in value else value


def identifier_of(node: dict[str, Any]) -> str | None:
    """A node's @id as a key; a blank node's (`_:N3f…`, which RDFa and RDF tools mint anew at each reading) is none."""
    node_id = text_of(node.get("@id"))
    return None if node_id is None or node_id.startswith("_:") else node_id


def text_of(value: Any) -> str | None:
    """A text value: a string, a language-tagged {'@value': ...} or the first of a list."""
    value = first_of(value)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value.strip() or None if isinstance(value, str) else None


def enum_of(value: Any) -> str | None:
    """A schema.org enumeration member without its URL: 'https://schema.org/EventCancelled' -> 'EventCancelled'."""
    value = first_of(value)  # expanded JSON-LD: [{"@id": "http://schema.org/EventCancelled"}]
    text = text_of(value if not isinstance(value, dict) else value.get("@id") or value.get("name"))
    return re.split(r"[/:#]", text.rstrip("/"))[-1] if text else None


def written_date(text: str) -> date | datetime | None:
    """A date written out in words ("6 mai 2026 à 14h", "12 maart 2026 om 14u30") where schema.org
    wants ISO 8601, as some CMSs fill startDate; None for any other text.

    Only texts with a month word and a four-digit year are tried: the normaliser reads the machine
    formats, and a date without its year would depend on the day the page is read.
    """
    if not _MONTH_WORD.search(text) or not _YEAR.search(text):
        return None
    with contextlib.suppress(ValueError):
        to_utc(text, "UTC")
        return None  # a machine format: left to the normaliser as it is
    try:
        return parse_date_text(text).start  # naive: the normaliser reads it in the source's zone
    except DateTextError:
        return None


def time_of(value: Any) -> date | datetime | str | None:
    """A date or time property: a day as a date, a date written in words read, any other text as it is."""
    text = text_of(value)
    if text is None:
        return None
    match = DATE_ONLY.match(text)
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            return text  # an impossible date: the normaliser names it in its rejection
    return written_date(text) or text


def duration_of(value: Any) -> timedelta | None:
    """A `duration` (PT3H, P1DT2H) as a timedelta; None when absent, unreadable or in months or years."""
    text = text_of(value)
    match = DURATION.match(text) if text else None
    if match is None or not any(match.groups()) or match.group(1) or match.group(2):
        return None
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups()[2:])
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)


def start_time_of(start: date | datetime | str | None) -> datetime | None:
    """The start as a date and time (naive or with its offset); None for a day or an unreadable text."""
    if isinstance(start, datetime):
        return start
    if not isinstance(start, str):
        return None
    try:
        return datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        return None
