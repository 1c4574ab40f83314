"""French, Dutch and English date strings as partner web pages write them.

    "mardi 12 mars 2026 à 14h", "12 maart 2026 om 14u30", "12 maart 2026 20 uur",
    "du 12 au 15 mars", "Date limite : 15 février 2027", "1er avril", "12/03/2026 14:30"

A fast path (one simple search for "12 mars", then small anchored patterns around it; a few
microseconds a string) and dateparser as the fallback for everything else (about a millisecond
a call, and it misreads "14u30" and "20 uur", which is why the fast path comes first). A weekday that disagrees with the
date is tolerated: the date wins and the disagreement comes back as a warning.
Results are naive (wall time of the page) or dates (no time given); the caller applies the zone.
An ISO 8601 date-time with an offset keeps it. "Aujourd'hui", "demain", "morgen", "tomorrow" (and
the day after) count from the run's day: dateparser read "Demain, 10h" as 22:00 and "aujourd'hui" as yesterday.
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from transforms.deadlines import NOON_WORDS
from transforms.months import MONTHS

WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate([
    "lundi lun maandag ma monday mon",
    "mardi mar dinsdag di tuesday tue tues",
    "mercredi mer woensdag wo wednesday wed",
    "jeudi jeu donderdag do thursday thu thur thurs",
    "vendredi ven vrijdag vr friday fri",
    "samedi sam zaterdag za saturday sat",
    "dimanche dim zondag zo sunday sun",
]):
    for _name in _names.split():
        WEEKDAYS.setdefault(_name, _number)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# English hours carry am/pm ("6:30 PM", "7 pm"): without it, 6:30 PM was read as 06:30.
_MERIDIEM = r"(?:\s*[ap]\.?\s?m\.?(?![a-z]))"
_MERIDIEM_AT_END = re.compile(r"[ap]\.?\s?m\.?$")
_TIME = (r"(?:(?:[01]?\d|2[0-3])\s*(?:[hu:.]\s*(?:[0-5]\d)?(?:\s*uur)?|\s*uur)" + _MERIDIEM + "?"
         r"|(?:1[0-2]|0?[1-9])" + _MERIDIEM + ")")
_TIME_PARTS = re.compile(r"([01]?\d|2[0-3])(?:\s*(?:[hu:.]\s*([0-5]\d)?|\s*uur)(?:\s*([ap])\.?\s?m\.?(?![a-z]))?"
                         r"|\s*([ap])\.?\s?m\.?(?![a-z]))")
# Between the date and its hours: a comma, a word or a dot, or a comma and a word ("19 mars 2026, de 9h30 à 12h",
# "vr 13/03 · 19u00").
_AT = r"(?:\s*,?\s*(?:à|a|om|at|vanaf|dès|des|from|de|van|-|–|\||·|•)?\s*)"
_TO = r"\s*(?:au|à|a|tot|t/m|to|until|jusqu'au|-|–|—|→)\s*"
_WORD = r"[a-zéèûôäë]"

# The core of a written date, "12 mars" or "1er avril"; the month word is checked against MONTHS,
# and what surrounds it (weekday, range start, year, hours) is read with small anchored patterns:
# one simple search is much faster than one pattern with every optional part.
_CORE = re.compile(rf"(?<!\d)(\d{{1,2}})(?:er|ère|re|e|ste|de|st|nd|rd|th)?\.?\s+({_WORD}{{3,10}})\.?(?!{_WORD})")
_YEAR = re.compile(r"\s+(\d{4})(?!\d)")
_HOURS = re.compile(rf"{_AT}({_TIME})(?:{_TO}({_TIME}))?")
# English dates written month first; only English month names, which French and Dutch texts do not put first.
_MONTH_FIRST = re.compile(rf"(?<!{_WORD})({_WORD}{{3,9}})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?![\d:.hu])")
_ENGLISH_MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                             "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                             "sept", "oct", "nov", "dec"})
# Words that are month names only when a year follows: "may 5 people", "mar 10" (mardi, in French).
_YEAR_NEEDED = frozenset({"may", "mar", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})
_YEAR_AFTER_DAY = re.compile(r",?\s+(\d{4})(?!\d)")
_RANGE_START = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:er|e)?(?:\s+({_WORD}{{3,10}})\.?(?:\s+(\d{{4}}))?)?{_TO}(?:({_WORD}{{2,9}})\.?,?\s+)?$")
# "28 février au 3 mars 2026": a second written date right after the first one closes a range.
_RANGE_END = re.compile(rf"{_TO}(?:({_WORD}{{2,9}})\.?,?\s+)?(\d{{1,2}})(?:er|e)?\.?\s+({_WORD}{{3,10}})\.?(?!{_WORD})")
_WEEKDAY_BEFORE = re.compile(rf"({_WORD}{{2,9}})\.?,?\s+(?:(?:du|van|from)\s+)?$")
_NUMERIC = re.compile(
    r"(?<!\d)(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}))"
)
# "vr 13/03 · 19u00", "jeu. 12/3": a listing's short date, day and month only (a slash, never a dot or a
# dash, which write times and ranges); its year is the one it falls in from the run's day on, as for "12 mars".
_DAY_MONTH = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])" + r"(?:\s((?:19|20)\d{2})(?![\d:.hu]))?")
# A day and month's year written after a space, "14/03 2027" (a year, not an hour: no ":", "h" or "u" after it).
_YEAR_APART = r"(?:\s((?:19|20)\d{2})(?![\d:.hu]))?"
# Two numeric dates joined by a range word: "du 12/03/2026 au 14/03/2026", "12.03.2026 – 14.03.2026",
# "van 12/03 tot 14/03/2026", "12/03 → 14/03 2027", "12/03/2026 14:00 - 14/03/2026 17:00" (a time may stand
# between them).
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.])(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})([/.-])(\d{1,2})\5(\d{4})|(\d{1,2})/(\d{1,2})(?![\d/])"
    + _YEAR_APART + r")(?![\d/])")
_HOURS_ISO = re.compile(rf"(?:t|{_AT})({_TIME})(?:{_TO}({_TIME}))?")  # matched on the lowered text: "t", not "T"
# English writes the month first: "March 12 – 14, 2026", "Mar 30 - Apr 2, 2026", "March 12, 2026 - March 14, 2026"
# (dateparser reads the first day alone).
_MONTH_FIRST_RANGE = re.compile(
    rf"({_WORD}{{3,10}})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?{_TO}(?:({_WORD}{{3,10}})\.?\s+)?"
    rf"(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)")
_BETWEEN = re.compile(rf"(?:{_AT}({_TIME}))?{_TO}(?:{_WORD}{{2,9}}\.?,?\s+)?")
# A whole machine date-time, as <time datetime="2026-03-12T14:00:00+01:00"> and data attributes give it.
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
_TIME_ONLY = re.compile(rf"^\s*(?:à|om|at)?\s*{_TIME}\s*$", re.IGNORECASE)
_RELATIVE_DAYS = {"aujourd'hui": 0, "aujourd’hui": 0, "vandaag": 0, "today": 0, "demain": 1, "morgen": 1, "tomorrow": 1,
                  "après-demain": 2, "apres-demain": 2, "overmorgen": 2}
_RELATIVE = re.compile(r"^(?:(?:ce|le|on)\s+)?(après-demain|apres-demain|overmorgen|aujourd['’]hui|vandaag|today|demain|morgen"
                       r"|tomorrow)(?![a-z])")
_NOON = re.compile(r"(?<![\w-])(?:" + "|".join(NOON_WORDS) + r")(?![\w-])", re.IGNORECASE)
RECENT_PAST = timedelta(days=90)  # a year-less date further back than this is read in the next year


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A start (datetime when a time was given, else date), an end for ranges, and any warning."""

    start: date | datetime
    end: date | datetime | None = None
    warning: str | None = None


class DateTextError(ValueError):
    """The text holds no date we can read."""


def parse_time(text: str) -> time | None:
    """'14h', '14u30', '20 uur', '14:30', '14.30 uur', '6:30 PM', '7 pm' -> a time; None when there is none."""
    match = _TIME_PARTS.search(text)
    if not match:
        return None
    hour, meridiem = int(match.group(1)), match.group(3) or match.group(4)
    if meridiem == "p" and hour < 12:
        hour += 12
    elif meridiem == "a" and hour == 12:
        hour = 0  # 12 am is midnight
    return time(hour, int(match.group(2) or 0))


def _year(day: int, month: int, year: str | None, today: date | None) -> date:
    if year:
        return date(int(year), month, day)
    reference = today or date.today()
    candidate = date(reference.year, month, day) if not (month == 2 and day == 29) else _leap(reference.year, month, day)
    if candidate < reference - RECENT_PAST:
        candidate = _leap(reference.year + 1, month, day) if (month, day) == (2, 29) else date(reference.year + 1, month, day)
    return candidate


def _dated(day: int, month: int, year: str | None, today: date | None, weekday: str | None) -> date:
    """The date of a day and month, in `year` when written; else in the year its weekday names, if that is
    the year before or after the one the 90-day rule gives: "za 14/03" read in November is the past
    Saturday 14 March, not a Sunday next March (a listing that still shows a past event made a phantom one)."""
    guess = _year(day, month, year, today)
    expected = WEEKDAYS.get(weekday.lower().rstrip(".")) if weekday and not year else None
    if expected is None or guess.weekday() == expected:
        return guess
    for candidate in (guess.year - 1, guess.year + 1):
        with contextlib.suppress(ValueError):
            if date(candidate, month, day).weekday() == expected:
                return date(candidate, month, day)
    return guess


def _leap(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            year += 1


def _at(day: date, text: str | None) -> date | datetime:
    if not text:
        return day
    moment = parse_time(text)
    return datetime.combine(day, moment) if moment else day


def _weekday_warning(name: str | None, day: date, original: str) -> str | None:
    if not name:
        return None
    expected = WEEKDAYS.get(name.lower().rstrip("."))
    if expected is None or expected == day.weekday():
        return None
    return (f"weekday {name!r} does not match {day.isoformat()} (a {_WEEKDAY_NAMES[day.weekday()]}) "
            f"in {original!r}; the date was kept")


def parse_fast(text: str, *, today: date | None = None) -> ParsedDate | None:
    """The common forms only; None when none matches; DateTextError for a known form that is no date (31 février)."""
    lowered = text.lower()
    try:
        if "/" in lowered or "-" in lowered or "." in lowered:
            numeric = _numeric_range(lowered, today, year_less=False) or _NUMERIC.search(lowered)
            if isinstance(numeric, ParsedDate):
                return numeric
            if numeric:
                return _from_numeric(numeric, lowered, text)
        for core in _CORE.finditer(lowered):
            month = MONTHS.get(core.group(2))
            if month is not None:
                return _from_named(core, month, lowered, text, today)
        english = _MONTH_FIRST_RANGE.search(lowered)
        if english is not None and english.group(1) in MONTHS and MONTHS.get(english.group(4) or english.group(1)):
            return _from_month_first_range(english)
        for written in _MONTH_FIRST.finditer(lowered):
            if written.group(1) in _ENGLISH_MONTHS:
                found = _from_month_first(written, lowered, text, today)
                if found is not None:
                    return found
    except ValueError as exc:  # the form is known, so dateparser would only guess: say so instead
        raise DateTextError(f"{text!r} is not a valid date ({exc})") from None
    return None


def _hours(lowered: str, position: int, pattern: re.Pattern[str] = _HOURS) -> tuple[str | None, str | None]:
    found = pattern.match(lowered, position)
    if not found:
        return None, None
    return _shared_meridiem(found.group(1), found.group(2)), found.group(2)


def _shared_meridiem(first: str, last: str | None) -> str:
    """`first` with the am/pm of `last` when only the end of a range says it ("6:30 – 9 pm" is evening), as long as
    the range still runs forward; `first` unchanged otherwise."""
    if not last or _MERIDIEM_AT_END.search(first):
        return first
    meridiem = _MERIDIEM_AT_END.search(last)
    if meridiem is None:
        return first
    shared = f"{first} {meridiem.group(0).strip()}"
    start, end = parse_time(shared), parse_time(last)
    return shared if start is not None and end is not None and start <= end else first


def _from_named(core: re.Match[str], month: int, lowered: str, text: str, today: date | None) -> ParsedDate:
    year = _YEAR.match(lowered, core.end())
    tail = _RANGE_END.match(lowered, year.end() if year else core.end())
    if tail is not None and tail.group(3) in MONTHS:
        return _from_two_dates(core, month, year, tail, lowered, text, today)
    t1, t2 = _hours(lowered, year.end() if year else core.end())
    prefix = lowered[: core.start()]
    opening = _RANGE_START.search(prefix) if prefix else None
    before = _WEEKDAY_BEFORE.search(prefix) if prefix and opening is None else None
    last = _dated(int(core.group(1)), month, year.group(1) if year else None, today, before.group(1) if before else None)
    if opening is None:
        warning = _weekday_warning(before.group(1) if before else None, last, text)
        return ParsedDate(_at(last, t1), _at(last, t2) if t2 else None, warning)
    first_month = MONTHS.get(opening.group(2) or "", month)
    first_year = int(opening.group(3)) if opening.group(3) else last.year - (1 if first_month > month else 0)
    first = date(first_year, first_month, int(opening.group(1)))
    before = _WEEKDAY_BEFORE.search(prefix[: opening.start()])
    end: date | datetime = _at(last, t2 or t1) if t1 else last
    warning = _weekday_warning(before.group(1) if before else None, first, text) or _weekday_warning(opening.group(4), last, text)
    return ParsedDate(_at(first, t1), end, warning)


def _from_month_first(written: re.Match[str], lowered: str, text: str, today: date | None) -> ParsedDate | None:
    """'Thursday, March 12, 2026 at 6:30 PM', 'Mar 12 2026': English written month first (US usage, and what
    Meetup or Eventbrite texts say); the RSS reader has no slower reader to fall back on. None for a month name
    and a number that are not surely a date."""
    year = _YEAR_AFTER_DAY.match(lowered, written.end())
    t1, t2 = _hours(lowered, year.end() if year else written.end())
    prefix = lowered[: written.start()]
    before = _WEEKDAY_BEFORE.search(prefix) if prefix else None
    weekday = before is not None and before.group(1).rstrip(".") in WEEKDAYS
    # Month names Dutch shares ("in december 5 sessies") and words that are not always months ("may 5 people",
    # "mar 10": mardi) count only with a year, a weekday or hours around them; the abbreviations, with a year.
    if not year and (written.group(1) in _YEAR_NEEDED or not (weekday or t1)):
        return None
    day = _year(int(written.group(2)), MONTHS[written.group(1)], year.group(1) if year else None, today)
    return ParsedDate(_at(day, t1), _at(day, t2) if t2 else None, _weekday_warning(before.group(1) if before else None,
                                                                                    day, text))


def _from_two_dates(core: re.Match[str], month: int, year: re.Match[str] | None, tail: re.Match[str], lowered: str,
                    text: str, today: date | None) -> ParsedDate:
    """'du 28 février au 3 mars 2026': both days written with their month."""
    last_month = MONTHS[tail.group(3)]
    last_year = _YEAR.match(lowered, tail.end())
    t1, t2 = _hours(lowered, last_year.end() if last_year else tail.end())
    last = _year(int(tail.group(2)), last_month, last_year.group(1) if last_year else None, today)
    first_year = int(year.group(1)) if year else last.year - (1 if month > last_month else 0)
    first = date(first_year, month, int(core.group(1)))
    before = _WEEKDAY_BEFORE.search(lowered[: core.start()]) if core.start() else None
    warning = _weekday_warning(before.group(1) if before else None, first, text) or _weekday_warning(tail.group(1), last, text)
    return ParsedDate(_at(first, t1), _at(last, t2 or t1) if t1 else last, warning)


def _from_month_first_range(match: re.Match[str]) -> ParsedDate:
    first_month, first_day, first_year, last_month, last_day, last_year = match.groups()
    last = date(int(last_year), MONTHS[last_month or first_month], int(last_day))
    first = date(int(first_year) if first_year else last.year, MONTHS[first_month], int(first_day))
    if first > last and not first_year:
        first = first.replace(year=first.year - 1)  # "Dec 30 – Jan 2, 2027"
    return ParsedDate(first, last)


def _numeric_range(lowered: str, today: date | None, *, year_less: bool) -> ParsedDate | None:
    """The range two numeric dates make ("du 12/03/2026 au 14/03/2026"); None when the text holds no such pair.
    Its end was lost ("– 14.03.2026" even read as the hour 14:03). A first date without its year takes the
    second's; two without a year (`year_less`) only in a date field, never in free text."""
    dates = _NUMERIC_DATE.finditer(lowered)
    first, second = next(dates, None), next(dates, None)
    if first is None or second is None or not (year_less or _year_written(second)):
        return None
    between = _BETWEEN.fullmatch(lowered, first.end(), second.start())
    if between is None:
        return None
    last = _numeric_day(second, None, today)
    start = _numeric_day(first, last.year, today)
    if start > last and not _year_written(first):
        start = start.replace(year=start.year - 1)  # "du 28/12 au 3/1/2027"
    t1, t2 = _hours(lowered, second.end(), _HOURS_ISO)
    if between.group(1):  # "12/03/2026 14:00 - 14/03/2026 17:00": each date its own time
        return ParsedDate(_at(start, between.group(1)), _at(last, t1) if t1 else last)
    # "du 2/04 au 4/04/2027 de 9h à 17h": the hours of every day, from the first day's start to the last day's end
    return ParsedDate(_at(start, t1), _at(last, t2 or t1) if t1 else last)


def _year_written(match: re.Match[str]) -> bool:
    """True when a _NUMERIC_DATE match writes its year (ISO, after a slash or dot, or after a space)."""
    return bool(match.group(1) or match.group(7) or match.group(10))


def _numeric_day(match: re.Match[str], year: int | None, today: date | None) -> date:
    """The day of one _NUMERIC_DATE match; a day and month alone in `year`, else as the 90-day rule places it."""
    iso_year, iso_month, iso_day, day_, _, month_, year_, bare_day, bare_month, year_apart = match.groups()
    if iso_year:
        return date(int(iso_year), int(iso_month), int(iso_day))
    if year_:
        return date(int(year_), int(month_), int(day_))
    if year_apart:
        return date(int(year_apart), int(bare_month), int(bare_day))
    return date(year, int(bare_month), int(bare_day)) if year else _year(int(bare_day), int(bare_month), None, today)


def _from_numeric(match: re.Match[str], lowered: str, text: str) -> ParsedDate:
    iso_year, iso_month, iso_day, day_, month_, year_ = match.groups()
    day = date(int(iso_year), int(iso_month), int(iso_day)) if iso_year else date(int(year_), int(month_), int(day_))
    t1, t2 = _hours(lowered, match.end(), _HOURS_ISO)
    before = _WEEKDAY_BEFORE.search(lowered[: match.start()]) if match.start() else None
    return ParsedDate(_at(day, t1), _at(day, t2) if t2 else None, _weekday_warning(before.group(1) if before else None, day, text))


def _day_month(text: str, today: date | None) -> ParsedDate | None:
    """'vr 13/03 · 19u00': a date field's day and month alone; None when the text has none. Only for a field
    known to hold a date: in free text (an RSS title's "session 1/2", "24/7") it would be a date by mistake."""
    lowered = text.lower()
    match = _DAY_MONTH.search(lowered) if "/" in lowered else None
    if match is None:
        return None
    with contextlib.suppress(ValueError):
        if (both := _numeric_range(lowered, today, year_less=True)) is not None:
            return both
    before = _WEEKDAY_BEFORE.search(lowered[: match.start()]) if match.start() else None
    try:
        day = _dated(int(match.group(1)), int(match.group(2)), match.group(3), today, before.group(1) if before else None)
    except ValueError as exc:
        raise DateTextError(f"{text!r} is not a valid date ({exc})") from None
    t1, t2 = _hours(lowered, match.end(), _HOURS_ISO)
    return ParsedDate(_at(day, t1), _at(day, t2) if t2 else None, _weekday_warning(before.group(1) if before else None, day, text))


@lru_cache(maxsize=8)
def _dateparser(language: str | None):  # noqa: ANN202 - dateparser's own type
    from dateparser.date import DateDataParser

    languages = [language] if language else ["fr", "nl", "en"]
    return DateDataParser(languages=languages, settings={"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DATES_FROM": "future"})


def parse_slow(text: str, *, language: str | None = None, today: date | None = None) -> ParsedDate | None:
    """dateparser on the whole text: the forms the fast path does not know ('demain', 'March 12, 2026'), in
    `language`, then in any of French, Dutch and English (a French site writing its English events' dates
    in English)."""
    found = _dateparser_date(text, language, today)
    if found is None and language is not None:
        found = _dateparser_date(text, None, today)
    return found


def _dateparser_date(text: str, language: str | None, today: date | None) -> ParsedDate | None:
    parser = _dateparser(language)
    if today is not None:
        from dateparser.date import DateDataParser

        parser = DateDataParser(languages=parser.languages, settings={
            "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(today, time(12, 0)),
        })
    try:
        found = parser.get_date_data(text).date_obj
    except Exception:  # noqa: BLE001 - dateparser raises a variety of errors on odd input
        return None
    if found is None:
        return None
    if (found.hour, found.minute, found.second) == (0, 0, 0):
        return ParsedDate(found.date())
    return ParsedDate(found.replace(second=0, microsecond=0, tzinfo=None))


def _relative(lowered: str, today: date | None) -> ParsedDate | None:
    """'demain, 10h', 'vandaag om 14u30', 'today': the day counted from `today`, with its hours; None otherwise."""
    word = _RELATIVE.match(lowered)
    if word is None:
        return None
    day = (today or date.today()) + timedelta(days=_RELATIVE_DAYS[word.group(1)])
    t1, t2 = _hours(lowered, word.end())
    rest = lowered[word.end():]
    if t1 is None and any(ch.isdigit() for ch in rest):
        return None  # something else is written there: left to dateparser
    return ParsedDate(_at(day, t1), _at(day, t2) if t2 else None)


def _iso_datetime(cleaned: str, text: str) -> datetime:
    """An ISO 8601 date-time, its offset kept: the written date's reader would read 14:00Z as 14:00 in Brussels."""
    try:
        return datetime.fromisoformat(cleaned[:-1] + "+00:00" if cleaned[-1] in "zZ" else cleaned)
    except ValueError as exc:
        raise DateTextError(f"{text!r} is not a valid date ({exc})") from None


def parse_date_text(text: str, *, language: str | None = None, today: date | None = None) -> ParsedDate:
    """The date (or range) in `text`: fast path first, dateparser second; DateTextError when neither reads it."""
    cleaned = _NOON.sub("12h00", " ".join(text.replace("\u00a0", " ").split()))
    if not cleaned:
        raise DateTextError("empty date text")
    if _TIME_ONLY.match(cleaned):
        raise DateTextError(f"{text!r} is a time without a date (join it with the date's field)")
    if _ISO_DATETIME.match(cleaned):
        return ParsedDate(_iso_datetime(cleaned, text))
    parsed = (parse_fast(cleaned, today=today) or _day_month(cleaned, today) or _relative(cleaned.lower(), today)
              or parse_slow(cleaned, language=language, today=today))
    if parsed is None:
        raise DateTextError(f"{text!r} is not a date we can read")
    return parsed
