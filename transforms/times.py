"""Times: reading the date and time values of feeds and turning them into UTC instants or dates.

Daylight-saving changes follow RFC 5545 §3.3.5, which is also what `fold=0` means in
Python: a local time that does not exist (the hour skipped in spring, e.g. 02:30 on the
last Sunday of March in Brussels) is read with the offset before the gap, so it lands
one hour later on the wall clock (03:30 CEST); a local time that occurs twice (the hour
repeated in autumn) means its first occurrence, in summer time.
"""
from __future__ import annotations

import re
import warnings
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.utils import parsedate_tz
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

from transforms.months import FOLDED_MONTHS as MONTHS
from transforms.model import TimeValue
from transforms.text import fold

EARLIEST = date(2000, 1, 1)
MAX_YEARS_AHEAD = 5

# Outlook, Exchange and Microsoft Graph write Windows zone names ("Romance Standard Time") where IANA names go.
# They are read with icalendar's copy of CLDR's windowsZones table (windows_zone), which gives each name the zone
# CLDR names for the world ("001"); where CLDR names another zone for Belgium, with the same rules, ours is that one:
# Romance Standard Time is Europe/Brussels here, not Europe/Paris.
_BELGIAN_WINDOWS_ZONES = {"romance standard time": "Europe/Brussels"}

# RFC 822/1123 as RSS writes it: "Tue, 10 Mar 2026 18:30:00 +0100" (weekday and seconds optional).
_RFC822 = re.compile(
    r"^(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s+(?P<zone>[+-]\d{4}|[A-Za-z]{1,5}))?\s*$"
)
# Zone names RFC 822 knows, plus the European ones Belgian feeds write anyway.
_ZONE_OFFSETS_H = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "MET": 1,
    "CEST": 2, "MEST": 2, "EET": 2, "EEST": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}
# An RFC 822 date written with French or Dutch names, as some CMSs localise RSS dates:
# "lun., 09 mars 2026 10:00:00 +0100", "Ma, 02 Mrt 2026 14:00 CET", "jeu. 5 févr. 2026 09:30:00 GMT".
# The weekday is dropped (the date says it) and the month is looked up in MONTHS after accent folding.
_LOCAL_RFC822 = re.compile(
    r"^(?:[^\W\d_]{2,9}\.?,?\s*)?(?P<day>\d{1,2})\s+(?P<month>[^\W\d_]{3,10})\.?\s+(?P<rest>\d{2,4}\s+\d{1,2}:\d{2}.*)$"
)
# English names, written out: strftime("%B") would follow the process locale.
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")
# A numeric date whose day or month may not exist: ISO "2026-02-30", Belgian "30/02/2026".
_NUMERIC_DATE = re.compile(r"(?<!\d)(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[/.](\d{1,2})[/.](\d{4}))(?!\d)")
# ISO 8601's end of day, "2026-04-02T24:00" (an event's endDate "until midnight"): 00:00 the next day.
_END_OF_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]24:00(?::00(?:\.0+)?)?(?=$|Z|[+-])")
# A time followed by an IANA zone name: "04 Mar 2026 14:00:00 Europe/Brussels".
_IANA_SUFFIX = re.compile(r"^(?P<time>.*\d)\s+(?P<zone>[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+)$")
_ISO_DATE = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")
_HAS_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)|^\d{8}")
_HAS_TIME = re.compile(r"\d{1,2}[:h]\d{2}|T\d{2}", re.IGNORECASE)


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`; ValueError naming it when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@lru_cache(maxsize=1)
def _windows_zones() -> dict[str, str]:
    # Imported on the first name that is no IANA zone: most runs never meet one, and icalendar takes 60 ms to load.
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    return {name.casefold(): iana for name, iana in WINDOWS_TO_OLSON.items()} | _BELGIAN_WINDOWS_ZONES


def windows_zone(name: str) -> str | None:
    """The IANA zone of a Windows zone name ("W. Europe Standard Time": Europe/Berlin, any case); None for another name."""
    return _windows_zones().get(name.strip().strip('"').casefold())


def resolve_timezone(name: str | None, default: str) -> str:
    """The IANA name for a record's TZID (Windows names included); `default` when it names no zone we know."""
    if not name or not name.strip():
        return default
    candidate = name.strip().strip('"')
    try:
        ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return windows_zone(candidate) or default
    return candidate


def localise(naive: datetime, tz: str) -> datetime:
    """A naive wall-clock time read in `tz`, as an aware UTC datetime (fold=0, see the module docstring)."""
    return naive.replace(tzinfo=zone(tz), fold=0).astimezone(UTC)


def _parse_rfc822(text: str, zone_name: str | None) -> datetime:
    parts = parsedate_tz(text)
    if parts is None:
        raise ValueError(f"{text!r} is not an RFC 822 date")
    year = parts[0] + 2000 if parts[0] < 100 else parts[0]
    naive = datetime(year, *parts[1:6])
    if zone_name is None:
        return naive
    if zone_name[0] in "+-":
        # "-0000" means UTC with no local zone known (RFC 2822 §3.3), which reads the same.
        sign = -1 if zone_name[0] == "-" else 1
        offset = sign * timedelta(hours=int(zone_name[1:3]), minutes=int(zone_name[3:5]))
    elif zone_name.upper() in _ZONE_OFFSETS_H:
        offset = timedelta(hours=_ZONE_OFFSETS_H[zone_name.upper()])
    else:
        return naive  # an unknown abbreviation: read as the source's local time
    return naive.replace(tzinfo=timezone(offset))


def _in_english(text: str) -> str:
    """An RFC 822 date with French or Dutch day and month names rewritten with English ones; other texts unchanged."""
    match = _LOCAL_RFC822.match(text)
    if match is None:
        return text
    month = MONTHS.get(fold(match.group("month")))
    if month is None:
        return text
    return f"{match.group('day')} {_MONTH_NAMES[month - 1][:3]} {match.group('rest')}"


def impossible_date(text: str) -> str | None:
    """Why the numeric date in `text` is not a real calendar day ('2026-02-30': 'February 2026 has no day 30'); None otherwise."""
    match = _NUMERIC_DATE.search(text)
    if match is None:
        return None
    year, month, day = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
        match.group(6), match.group(5), match.group(4))
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        if not 1 <= int(month) <= 12:
            return f"there is no month {int(month)}"
        return f"{_MONTH_NAMES[int(month) - 1]} {year} has no day {int(day)}"
    return None


def _with_iana_zone(text: str) -> datetime | None:
    """A wall time followed by the IANA name of its zone, as an aware datetime; None for other texts."""
    match = _IANA_SUFFIX.match(text)
    if match is None:
        return None
    try:
        tz = zone(match.group("zone"))
    except ValueError:
        return None
    parsed = _parse_string(match.group("time"))
    if not isinstance(parsed, datetime) or parsed.tzinfo is not None:
        return None
    return parsed.replace(tzinfo=tz, fold=0)


def _parse_string(text: str) -> datetime | date:
    if _ISO_DATE.match(text):
        return date.fromisoformat(text)
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        pass
    if "24:00" in text and (midnight := _END_OF_DAY.match(text)) is not None:
        day = date.fromisoformat(midnight.group(1)) + timedelta(days=1)
        return _parse_string(f"{day.isoformat()}T00:00:00{text[midnight.end():]}")
    if "/" in text and (zoned := _with_iana_zone(text)) is not None:
        return zoned
    text = _in_english(text)
    rfc822 = _RFC822.match(text)
    if rfc822:
        return _parse_rfc822(text[: rfc822.start("zone")] if rfc822.group("zone") else text, rfc822.group("zone"))
    # dateutil fills missing fields from today, so a string without a full year would
    # give a date that depends on when we run; refuse it instead.
    if not _HAS_YEAR.search(text) or re.fullmatch(r"\d{4}", text):
        raise ValueError(f"{text!r} is not a date or time we can read")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown zone abbreviations: read as local time
            year_first = bool(re.match(r"\d{4}\D", text))
            parsed = dateutil_parser.parse(
                text, dayfirst=not year_first, yearfirst=year_first, default=datetime(2000, 1, 1)
            )
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{text!r} is not a date or time we can read") from exc
    if not _HAS_TIME.search(text) and parsed.tzinfo is None and parsed.time() == time(0):
        return parsed.date()
    return parsed


def to_utc(value: TimeValue, tz: str) -> datetime | date | None:
    """A time value as an aware UTC datetime, or a date for all-day values; None for no value.

    Aware datetimes are converted; naive ones are wall-clock times in `tz`. Strings may be
    ISO 8601 (a date alone gives a date), RFC 822/1123 as in RSS, or another machine
    format dateutil reads (day before month when ambiguous, as in Belgium). Raises
    ValueError with a readable message for a string that is none of these.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            parsed = _parse_string(text)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"{text!r} is not a date or time we can read") from exc
    elif isinstance(value, (datetime, date)):
        parsed = value
    else:
        # ValueError, not TypeError: a parser handing over a number is bad input, read as invalid_date.
        raise ValueError(f"{value!r} is not a date or time")  # noqa: TRY004
    if not isinstance(parsed, datetime):
        return parsed
    try:
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            return localise(parsed, tz)
        return parsed.astimezone(UTC)
    except OverflowError as exc:  # year 1 or 9999 shifted out of range
        raise ValueError(f"{value!r} is out of the range of times we can represent") from exc


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def implausibility(value: datetime | date, now: datetime) -> str | None:
    """Why `value` cannot be a real agenda time (before 2000, or over five years after `now`); None when it can."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    day = value.date() if isinstance(value, datetime) else value
    if day < EARLIEST:
        return f"is before {EARLIEST.isoformat()}"
    limit = add_years(now, MAX_YEARS_AHEAD)
    too_late = value > limit if isinstance(value, datetime) else day > limit.date()
    if too_late:
        return f"is more than {MAX_YEARS_AHEAD} years after today ({now.date().isoformat()})"
    return None


def local_date(value: datetime | date, tz: str) -> date:
    """The calendar day of `value` in `tz` (a date stays itself)."""
    if isinstance(value, datetime):
        return value.astimezone(zone(tz)).date()
    return value


def day_start_utc(day: date, tz: str) -> datetime:
    """Midnight at the start of `day` in `tz`, in UTC."""
    return localise(datetime.combine(day, time(0)), tz)


def day_end_utc(day: date, tz: str) -> datetime:
    """The last second of `day` in `tz`, in UTC: a deadline given as a date closes at the end of it."""
    return localise(datetime.combine(day, time(23, 59, 59)), tz)


def display(value: datetime | date, tz: str) -> str:
    """A time as a partner reads it in messages: local 'YYYY-MM-DD HH:MM', or the date."""
    if isinstance(value, datetime):
        shown = value.astimezone(zone(tz)) if value.tzinfo else value
        return shown.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()
