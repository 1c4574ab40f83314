"""iCalendar with the icalendar library: VTIMEZONE, TZID'd times, all-day dates, RRULE/EXDATE/RECURRENCE-ID."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from icalendar import Calendar, Event, Timezone, vRecur

from demo.loader import BRUSSELS, Feed, PartnerContent, resolve_when, text
from demo.render.common import Entry, plain

BRUSSELS_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Brussels
X-LIC-LOCATION:Europe/Brussels
BEGIN:DAYLIGHT
TZNAME:CEST
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZNAME:CET
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""
STATUS = {"scheduled": "CONFIRMED", "cancelled": "CANCELLED", "postponed": "TENTATIVE"}


def brussels_vtimezone() -> Timezone:
    return Timezone.from_ical(BRUSSELS_VTIMEZONE.replace("\n", "\r\n"))


def _uid(partner: PartnerContent, entry: Entry) -> str:
    return f"{entry.id}@{partner.id}.demo.bedigital.brussels"


def _occurrence(entry: Entry, index: int) -> datetime | date:
    """The start of the index-th occurrence (0-based) of a simple DAILY/WEEKLY rule."""
    rule = entry.rrule or {}
    step = {"DAILY": 1, "WEEKLY": 7}[str(rule.get("freq", "WEEKLY")).upper()] * int(rule.get("interval", 1))
    start = entry.start
    assert isinstance(start, date)
    if isinstance(start, datetime):  # same wall time every week, across DST changes
        day = start.date() + timedelta(days=step * index)
        return datetime.combine(day, start.timetz().replace(tzinfo=None), tzinfo=BRUSSELS)
    return start + timedelta(days=step * index)


def _fill(event: Event, partner: PartnerContent, entry: Entry, stamp: datetime) -> None:
    event.add("uid", _uid(partner, entry))
    event.add("dtstamp", stamp)
    if entry.title is not None:
        event.add("summary", entry.title)
    if entry.all_day:
        event.add("dtstart", entry.start)
        last = entry.end if isinstance(entry.end, date) else entry.start
        event.add("dtend", last + timedelta(days=1))  # DTEND of an all-day event is exclusive
    else:
        event.add("dtstart", entry.start)
        if entry.end is not None:
            event.add("dtend", entry.end)
    description = plain(entry.description_html)
    if description:
        event.add("description", description)
    if entry.place:
        event.add("location", entry.place.line())
    elif entry.online_url:
        event.add("location", entry.online_url)
    event.add("url", entry.url)
    if entry.categories:
        event.add("categories", entry.categories)
    event.add("status", STATUS.get(entry.status, "CONFIRMED"))
    if entry.organizer:
        event.add("organizer", f"mailto:agenda@{partner.id}.demo.bedigital.brussels", parameters={"CN": entry.organizer})
    if isinstance(entry.published, datetime):
        event.add("created", entry.published.astimezone(timezone.utc))
        event.add("last-modified", entry.published.astimezone(timezone.utc))
    if entry.online_url and entry.place:
        event.add("x-online-url", entry.online_url)


def render_ical(partner: PartnerContent, feed: Feed, entries: list[Entry], url: str, today: date) -> bytes:
    lang = feed.language
    calendar = Calendar()
    calendar.add("prodid", f"-//bedigital demo ecosystem//{partner.id}//{lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", text(feed.title, lang))
    calendar.add("x-wr-timezone", "Europe/Brussels")
    stamp = datetime.combine(today, time(0, 0), tzinfo=timezone.utc)
    for entry in entries:
        event = Event()
        _fill(event, partner, entry, stamp)
        if entry.rrule:
            rule: dict[str, Any] = {k.upper(): v for k, v in entry.rrule.items()}
            event.add("rrule", vRecur(rule))
            for index in entry.exdates:
                event.add("exdate", _occurrence(entry, index))
        calendar.add_component(event)
        for override in entry.overrides:
            original = _occurrence(entry, int(override["occurrence"]))
            moved = Entry(**{**entry.__dict__, "rrule": None, "exdates": [], "overrides": []})
            if "title" in override:
                moved.title = text(override["title"], lang)
            if "start" in override:
                moved.start = resolve_when(override["start"], today)
            else:
                moved.start = original
            if "time" in override and isinstance(moved.start, datetime):
                hour, minute = (int(p) for p in str(override["time"]).split(":"))
                moved.start = moved.start.replace(hour=hour, minute=minute)
            if isinstance(entry.start, datetime) and isinstance(entry.end, datetime):
                moved.end = moved.start + (entry.end - entry.start)
            if "description" in override:
                moved.description_html = text(override["description"], lang) or ""
            child = Event()
            _fill(child, partner, moved, stamp)
            child.add("recurrence-id", original)
            child.add("sequence", 1)
            calendar.add_component(child)
    # The VTIMEZONE first, with yearly rules, as Outlook and Google write it.
    calendar.subcomponents.insert(0, brussels_vtimezone())
    return calendar.to_ical()
