"""JSON-LD eventSchedule (schema.org Schedule): a repeating event's occurrences, expanded as an iCalendar RRULE."""
from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from connectors.parsers.schema_values import (
    DURATION, TIME_ALONE, duration_of, enum_of, first_of, identifier_of, literal_of, start_time_of, text_of, time_of,
)

_FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")  # the groups' RRULE FREQs
# repeatFrequency and byDay may be Text: the words English, French and Dutch CMS fields hold.
_FREQUENCY_WORDS = {
    **dict.fromkeys(("daily", "quotidien", "quotidienne", "dagelijks"), "DAILY"),
    **dict.fromkeys(("weekly", "hebdomadaire", "wekelijks"), "WEEKLY"),
    **dict.fromkeys(("monthly", "mensuel", "mensuelle", "maandelijks"), "MONTHLY"),
    **dict.fromkeys(("yearly", "annually", "annuel", "annuelle", "jaarlijks"), "YEARLY"),
}
_WEEKDAYS = {name: code for names, code in (
    (("monday", "lundi", "maandag"), "MO"), (("tuesday", "mardi", "dinsdag"), "TU"),
    (("wednesday", "mercredi", "woensdag"), "WE"), (("thursday", "jeudi", "donderdag"), "TH"),
    (("friday", "vendredi", "vrijdag"), "FR"), (("saturday", "samedi", "zaterdag"), "SA"),
    (("sunday", "dimanche", "zondag"), "SU")) for name in names}
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$", re.IGNORECASE)  # iCalendar's BYDAY, as Text allows


class ScheduleError(ValueError):
    """An eventSchedule that cannot be read; the message says which of its properties and why."""


def schedule_occurrences(node: dict[str, Any], *, now: datetime, window_days: int) -> list[dict[str, Any]]:
    """An event repeating by its eventSchedule (schema.org Schedule: repeatFrequency, byDay, startDate/endDate,
    startTime/endTime, scheduleTimezone, repeatCount, exceptDate), one node an occurrence in the window.

    Each Schedule becomes the VEVENT its properties describe (an RRULE, EXDATEs) and is expanded as an iCalendar
    feed's events are, within the same window (connectors.parsers.ical.occurrences_of). Each occurrence is known
    by the event's @id or url and its start, as the dates of a startDate list are.
    """
    from connectors.parsers import ical

    schedules = node["eventSchedule"] if isinstance(node["eventSchedule"], list) else [node["eventSchedule"]]
    identity = identifier_of(node) or text_of(first_of(node.get("url")))
    found: dict[str, tuple[Any, Any]] = {}
    for schedule in schedules:
        if not isinstance(schedule, dict):
            raise ScheduleError(f"eventSchedule {schedule!r} is not a Schedule")
        for start, end in ical.occurrences_of(_schedule_event(schedule, node), now=now, window_days=window_days):
            found.setdefault(start.isoformat(), (start, end))
    occurrences = []
    for when, (_, end) in sorted(found.items()):
        occurrence = {name: value for name, value in node.items() if name != "eventSchedule"}
        occurrence |= {"startDate": when, "endDate": end.isoformat() if end is not None else None}
        if identity:
            occurrence["@id"] = f"{identity}#{when}"
        occurrences.append(occurrence)
    return occurrences


def _schedule_event(schedule: dict[str, Any], node: dict[str, Any]) -> Any:
    """The icalendar VEVENT of one Schedule: DTSTART (its startDate, else the event's, at its startTime), DTEND
    (endTime, else a duration), and the RRULE and EXDATEs of its repetition."""
    import icalendar

    zone = _schedule_zone(schedule)
    first = _schedule_day(schedule.get("startDate") or node.get("startDate"), zone)
    if first is None:
        raise ScheduleError("eventSchedule has no readable startDate, and neither has the event")
    starts = _schedule_time(schedule.get("startTime"), "startTime") or (first.time() if isinstance(first, datetime) else None)
    rule = _schedule_rule(schedule, starts, zone)
    day = _first_day(first.date() if isinstance(first, datetime) else first, rule)
    event = icalendar.Event()
    if starts is None:
        event.add("dtstart", day)
    else:
        begins = datetime.combine(day, starts, tzinfo=zone)
        event.add("dtstart", begins)
        ends = _schedule_time(schedule.get("endTime"), "endTime")
        if ends is not None:
            finish = datetime.combine(day, ends, tzinfo=zone)
            event.add("dtend", finish if finish > begins else finish + timedelta(days=1))  # past midnight
    length = (duration_of(schedule.get("duration")) or duration_of(node.get("duration"))
              or (_first_length(node) if starts is not None else None))
    if "DTEND" not in event and length:
        event.add("duration", length)
    if rule:
        event.add("rrule", rule)
    excepted = [_excepted(value, starts, zone) for value in _values(schedule.get("exceptDate"))]
    if excepted:
        event.add("exdate", excepted)
    return event


def _first_length(node: dict[str, Any]) -> timedelta | None:
    """How long each occurrence lasts when only the event's own startDate and endDate say it (its first session,
    within a day); None when they span more (the whole series) or are not both dates and times."""
    begins, ends = start_time_of(time_of(node.get("startDate"))), start_time_of(time_of(node.get("endDate")))
    if begins is None or ends is None or (begins.tzinfo is None) != (ends.tzinfo is None):
        return None
    length = ends - begins
    return length if timedelta(0) < length <= timedelta(days=1) else None


def _first_day(day: date, rule: dict[str, Any]) -> date:
    """The first day from `day` on that the rule's days (BYDAY, BYMONTHDAY, BYMONTH) allow: a Schedule's startDate
    opens it ("from Sunday 1 March, on the first Saturday of each month"), where an iCalendar DTSTART is itself
    the first occurrence, and the COUNT counts from it."""
    if not {"byday", "bymonthday", "bymonth"} & set(rule):
        return day
    import icalendar
    from dateutil.rrule import rrulestr

    days = {name: value for name, value in rule.items() if name not in ("until", "count")}
    opens = datetime.combine(day, time())
    first = rrulestr(icalendar.vRecur(days).to_ical().decode(), dtstart=opens).after(opens, inc=True)
    return first.date() if first is not None else day


def _values(value: Any) -> list[Any]:
    """A property's values: a list as it is, one value as a list of one, nothing as none."""
    return value if isinstance(value, list) else [] if value is None else [value]


def _schedule_zone(schedule: dict[str, Any]) -> ZoneInfo | None:
    """scheduleTimezone as a zone; None for floating times (read in the source's zone by the normaliser)."""
    name = text_of(schedule.get("scheduleTimezone"))
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ScheduleError(f"scheduleTimezone {name!r} is not a time zone (expected a name such as Europe/Brussels)") from exc


def _schedule_day(value: Any, zone: ZoneInfo | None) -> date | datetime | None:
    """A Schedule's (or the event's) startDate: a day, or a date and time (its wall time in `zone`, or as written:
    an offset alone would move the hour at a change of daylight saving time)."""
    read = time_of(value)
    if isinstance(read, date):
        return read
    begins = start_time_of(read)
    if begins is None:
        return None
    if begins.tzinfo is not None:
        begins = begins.astimezone(zone) if zone is not None else begins
    return begins.replace(tzinfo=None)


def _schedule_time(value: Any, name: str) -> time | None:
    """startTime / endTime ("19:00", "19:00:00", "T19:00:00"); None when absent."""
    text = text_of(value)
    if text is None:
        return None
    match = TIME_ALONE.match(text)
    if match:
        with contextlib.suppress(ValueError):  # 25:00
            return time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
    raise ScheduleError(f"{name} {text!r} is not a time of day such as 19:00:00")


def _schedule_rule(schedule: dict[str, Any], starts: time | None, zone: ZoneInfo | None) -> dict[str, Any]:
    """The RRULE of a Schedule ({} for a single occurrence): FREQ and INTERVAL from repeatFrequency (weekly when
    it names days only, daily when it gives an end alone), BYDAY (with byMonthWeek), BYMONTH, BYMONTHDAY, COUNT
    from repeatCount, UNTIL from endDate (its whole day)."""
    rule: dict[str, Any] = {}
    days = [_weekday(value) for value in _values(schedule.get("byDay"))]
    weeks = [_integer(value, "byMonthWeek") for value in _values(schedule.get("byMonthWeek"))]
    if days:  # byMonthWeek numbers the days in their month: first Monday is 1MO
        rule["byday"] = [ordinal for code in days
                         for ordinal in ([f"{week}{code}" for week in weeks] if weeks and len(code) == 2 else [code])]
    if schedule.get("byMonth") is not None:
        rule["bymonth"] = [_integer(value, "byMonth") for value in _values(schedule.get("byMonth"))]
    if schedule.get("byMonthDay") is not None:
        rule["bymonthday"] = [_integer(value, "byMonthDay") for value in _values(schedule.get("byMonthDay"))]
    if schedule.get("repeatCount") is not None:
        rule["count"] = _integer(schedule["repeatCount"], "repeatCount")
    last = _schedule_day(schedule.get("endDate"), zone)
    if last is not None:
        last_day = last.date() if isinstance(last, datetime) else last
        rule["until"] = last_day if starts is None else datetime.combine(last_day, time(23, 59, 59), tzinfo=zone)
    frequency = _frequency(schedule.get("repeatFrequency"))
    if frequency is None:
        if not rule:
            return {}
        frequency = ("MONTHLY", 1) if weeks or "bymonthday" in rule else ("WEEKLY", 1) if days else ("DAILY", 1)
    rule["freq"], rule["interval"] = frequency
    return rule


def _frequency(value: Any) -> tuple[str, int] | None:
    """repeatFrequency as (FREQ, INTERVAL): P1W is (WEEKLY, 1), P2W (WEEKLY, 2), "monthly" (MONTHLY, 1)."""
    text = text_of(value)
    if text is None:
        return None
    if text.strip().lower() in _FREQUENCY_WORDS:
        return _FREQUENCY_WORDS[text.strip().lower()], 1
    match = DURATION.match(text.strip())
    given = [(frequency, int(count)) for frequency, count in zip(_FREQUENCIES, match.groups()) if count] if match else []
    if len(given) != 1 or given[0][1] < 1:
        raise ScheduleError(f"repeatFrequency {text!r} is not a period such as P1W (weekly), P2W, P1D or P1M")
    return given[0]


def _weekday(value: Any) -> str:
    """A byDay value as iCalendar's BYDAY: a DayOfWeek (https://schema.org/Monday, "Monday") or BYDAY text ("MO", "1MO")."""
    name = enum_of(value)
    if name and name.lower() in _WEEKDAYS:
        return _WEEKDAYS[name.lower()]
    text = text_of(value)
    if text and _BYDAY.match(text.strip()):
        return text.strip().upper()
    raise ScheduleError(f"byDay {text or value!r} is not a day of the week (https://schema.org/Monday, or MO)")


def _integer(value: Any, name: str) -> int:
    number = literal_of(value)
    try:
        return int(str(number).strip())
    except ValueError:
        raise ScheduleError(f"{name} {number!r} is not a whole number") from None


def _excepted(value: Any, starts: time | None, zone: ZoneInfo | None) -> date | datetime:
    """An exceptDate as the EXDATE of the occurrence it cancels: a day at the schedule's time, or as written."""
    day = _schedule_day(value, zone)
    if day is None:
        raise ScheduleError(f"exceptDate {text_of(value) or value!r} is not a date")
    if starts is None:
        return day.date() if isinstance(day, datetime) else day
    return (day if isinstance(day, datetime) else datetime.combine(day, starts)).replace(tzinfo=zone)
