"""Deadlines written in the text of a call: "Date limite : 15 février 2027 à 17h", "Uiterste indieningsdatum: 3 maart 2027"."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from transforms.months import FOLDED_MONTHS
from transforms.text import fold

MONTHS = FOLDED_MONTHS  # the text is read accent-folded
# The words announcing a deadline, on accent-folded lower-case text.
MARKERS: tuple[str, ...] = (
    "date limite", "cloture", "clotureront", "au plus tard", "avant le", "jusqu'au", "deposer avant",
    "deadline", "closing date", "applications close", "apply by", "submit by", "submission", "until",
    "uiterste datum", "uiterste indieningsdatum", "indieningsdatum", "indienen voor", "indienen tot",
    "ten laatste", "tot en met", "sluit op", "afsluitdatum", "cut-off", "cutoff", "butoir",
)
# Words announcing another date of the call: after a marker, they make the date that follows no deadline
# ("Status: Open for submission – Opening date: 15 January 2026 – Deadline date: 16 April 2026").
OTHER_DATES: tuple[str, ...] = (
    "opening", "opens", "ouverture", "ouvert le", "a partir", "depuis", "debut", "start date", "starts", "starting",
    "from", "publication", "published", "vanaf", "opent", "begint", "begins",
)
# "à midi", "om middag", "at noon": 12:00 (deadlines often are; read as the day alone they closed 12 hours late).
NOON_WORDS = ("midi", "middag", "noon")
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME = (r"(?:\s*(?:,|a|om|at|-|avant|before|voor)?\s*(?:(?P<noon>" + "|".join(NOON_WORDS) + r")\b|(?P<hour>\d{1,2})\s*"
         r"(?:[h:u.]\s*(?P<minute>\d{2})?|uur|\s*(?P<ampm>am|pm))))?")
_DAY_FIRST = rf"(?P<d1>\d{{1,2}})(?:er|e|st|nd|rd|th)?\s+(?P<m1>{_MONTH})\.?(?:\s+(?P<y1>\d{{4}}))?"
_MONTH_FIRST = rf"(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?(?:\s+(?P<y2>\d{{4}}))?"
_NUMERIC = r"(?P<d3>\d{1,2})[/.-](?P<m3>\d{1,2})[/.-](?P<y3>\d{4})"
_ISO = r"(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2})"
_DATE = rf"(?:{_ISO}|{_NUMERIC}|{_DAY_FIRST}|{_MONTH_FIRST})"
# The words announcing a call's opening ("Opening date: 12 March 2026", "Ouverture : 1er mars", "Openingsdatum").
OPENING_MARKERS: tuple[str, ...] = (
    "opening date", "planned opening date", "opens on", "opens", "open from", "date d'ouverture", "ouverture",
    "ouvert du", "ouvert a partir du", "openingsdatum", "opent op", "opent",
)


def _announced(markers: Iterable[str], others: Iterable[str]) -> re.Pattern[str]:
    """A date (and its time) a marker announces, no word of `others` (another date's label) between them."""
    other = r"(?<!\w)(?:" + "|".join(map(re.escape, others)) + ")"
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True)) + r")(?!\w)"
        r"(?:(?!" + other + r")[^.\n\d]){0,40}?" + _DATE + _TIME,
    )


_DEADLINE = _announced(MARKERS, OTHER_DATES)
_OPENING = _announced(OPENING_MARKERS, MARKERS)
# The next date of a list after a deadline ("Cut-off dates: 04/03/2026, 06/05/2026, 01/10/2026").
_NEXT_IN_LIST = re.compile(r"\s*(?:,|;|&|and|et|en)\s*" + _DATE + _TIME)


def _year(day: int, month: int, reference: date) -> int:
    """The year that puts day/month nearest to `reference` (a deadline written without its year)."""
    for year in (reference.year, reference.year + 1, reference.year - 1):
        try:
            if abs((date(year, month, day) - reference).days) <= 183:
                return year
        except ValueError:
            continue
    return reference.year


def _found_date(match: re.Match[str], reference: date) -> date | None:
    g = match.groupdict()
    try:
        if g["y4"]:
            return date(int(g["y4"]), int(g["m4"]), int(g["d4"]))
        if g["y3"]:
            return date(int(g["y3"]), int(g["m3"]), int(g["d3"]))
        day, month_name, year = (g["d1"], g["m1"], g["y1"]) if g["d1"] else (g["d2"], g["m2"], g["y2"])
        month = MONTHS[month_name]
        return date(int(year) if year else _year(int(day), month, reference), month, int(day))
    except (ValueError, KeyError, TypeError):
        return None


def deadline_in_text(text: str, *, reference: date) -> datetime | date | None:
    """The first deadline announced in `text`: a naive local datetime when a time is given, else a date.
    `reference` (today) places a date written without a year."""
    return _first_announced(_DEADLINE, text, reference, lists=True)


def opening_in_text(text: str, *, reference: date) -> datetime | date | None:
    """The opening of a call announced in `text` ("Opening date: 12 March 2026"), as deadline_in_text reads it."""
    return _first_announced(_OPENING, text, reference, lists=False)


def _first_announced(pattern: re.Pattern[str], text: str, reference: date, *, lists: bool) -> datetime | date | None:
    """The first date `pattern` finds in `text`, with its time; `lists`: of a list of dates, the first to come."""
    folded = fold(text).replace("’", "'")
    for match in pattern.finditer(folded):
        found = _found_date(match, reference)
        if found is None:
            continue
        # Of a list of cut-off dates, the first still to come: the first alone closed a call with cut-offs ahead.
        while lists and found < reference and (following := _NEXT_IN_LIST.match(folded, match.end())):
            match, found = following, _found_date(following, reference) or found
        hour, minute = ("12", None) if match.group("noon") else (match.group("hour"), match.group("minute"))
        if hour is None:
            return found
        h = int(hour) % 12 + (12 if match.group("ampm") == "pm" else 0) if match.group("ampm") else int(hour)
        if h > 23 or (minute and int(minute) > 59):
            return found
        return datetime(found.year, found.month, found.day, h, int(minute or 0))
    return None


def within(value: date | datetime, reference: date, days: int = 3 * 366) -> bool:
    """A sanity bound: a deadline years away from today is a misreading."""
    day = value.date() if isinstance(value, datetime) else value
    return abs(day - reference) <= timedelta(days=days)
