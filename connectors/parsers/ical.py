"""iCalendar feeds: every occurrence of every VEVENT inside a bounded window, recurrences expanded."""
from __future__ import annotations

import codecs
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

import icalendar
import recurring_ical_events
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from icalendar.parser.string import _foldline

from connectors.parsers.common import (
    Origin, ParseResult, charset_of, excerpt, hash_key, html_page_instead_of,
    lenient_utf8, mislabelled_warning, other_kind_instead_of, resolve, short_language, shortened, utf8_mislabelled,
)
from transforms.model import RawItem, RawLocation
from transforms.places import is_map_link, is_meeting_link
from transforms.times import impossible_date, windows_zone

RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "RECURRENCE-ID")
# The most occurrences one series may have in the window: a daily event through a whole year is 366. A rule
# repeating by the hour, minute or second (a partner's slip: FREQ=MINUTELY is half a million occurrences in a
# year) is expanded lazily and rejected past this, instead of flooding the agenda and stalling the run.
MAX_OCCURRENCES = 1000
NAMED_EVENTS = 5  # events quoted by UID in a warning about several
SUB_DAILY_FREQUENCIES = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
SUB_DAILY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
FOLD_OCTETS = 74  # icalendar folds before the character that would make a line 75 octets long
# CLASS values of entries their owner did not make public: a shared calendar's feed carries them too.
PRIVATE_CLASSES = frozenset({"PRIVATE", "CONFIDENTIAL"})
# The conference blocks calendar tools append to DESCRIPTION: Google Calendar's between "-::~:~::~…::-" lines,
# Outlook's between lines of underscores around "Microsoft Teams" (in the organiser's language).
# Each with a word it cannot match without, looked for first: most descriptions have neither.
_CONFERENCE_BLOCKS = (
    ("::~", re.compile(r"\s*-::~[:~]+::-.*?-::~[:~]+::-\s*", re.DOTALL)),
    ("_" * 20, re.compile(r"\s*_{20,}(?:(?!_{20,}).)*?Microsoft Teams.*?_{20,}\s*", re.DOTALL | re.IGNORECASE)),
    # Zoom's invitation, in the languages of its clients: the "… is inviting you" line, "Join Zoom Meeting" and its
    # link, then meeting ID, passcode and dial-in numbers up to its last zoom.us line (and the labels after it).
    ("zoom.us/", re.compile(
        r"\s*(?:^[^\n]*(?:inviting you to a scheduled Zoom|vous invite à une réunion Zoom|nodigt u uit voor een "
        r"geplande Zoom)[^\n]*\n\s*)?"
        r"^[ \t]*(?:Join Zoom Meeting|Participer à la réunion Zoom|Rejoindre la réunion Zoom|Deelnemen aan Zoom-"
        r"vergadering|Zoom-Meeting beitreten)[ \t]*\n\s*https://[^\s]*zoom\.us/[^\n]*"
        r"(?:.*zoom\.us/[^\n]*)?"
        r"(?:\s*^[ \t]*(?:Meeting ID|ID de réunion|Vergaderings-ID|Meeting-ID|Passcode|Password|Code secret|Mot de passe|"
        r"Toegangscode|Wachtwoord|Kenncode|---|One tap mobile|Une seule touche|Eén tik|\+\d)[^\n]*)*\s*",
        re.DOTALL | re.IGNORECASE | re.MULTILINE)),
)
_CONFERENCE_URL = re.compile(r"https://[^\s<>\"']+")
# Where the tools also write the meeting's link on its own.
CONFERENCE_PROPERTIES = ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL")
# Outlook and Exchange write an all-day event as local midnight to midnight, flagged by one of these.
ALL_DAY_FLAGS = ("X-MICROSOFT-CDO-ALLDAYEVENT", "X-MICROSOFT-MSNCALENDAR-ALLDAYEVENT")


def _decode(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    """The payload as text, and a warning when it was not what it claimed to be."""
    declared = charset_of(content_type)
    if declared and utf8_mislabelled(body, declared):
        return body.decode("utf-8-sig"), mislabelled_warning("calendar", declared)
    for encoding in filter(None, (declared, "utf-8-sig")):
        try:
            return body.decode(encoding), None
        except (LookupError, UnicodeDecodeError):
            continue
    # Windows-1252 decodes any byte; Outlook exports in it are the usual non-UTF-8 calendars. Byte by byte:
    # a UTF-8 calendar with one stray Windows-1252 byte keeps its other accented letters.
    return lenient_utf8(body.removeprefix(codecs.BOM_UTF8)), "calendar is not valid UTF-8; read as Windows-1252"


def _fold(line: str) -> str:
    """icalendar's _foldline, by slices of the UTF-8 bytes rather than character by character.

    A line is cut at the last character boundary within FOLD_OCTETS octets of the cut before it;
    a backslash or caret ending a piece moves to the next one, so that escapes stay whole.
    """
    if "\n" in line:
        return _foldline(line)  # which refuses it
    try:
        data = line.encode("utf-8")
    except UnicodeEncodeError:
        return _foldline(line)  # which raises the error as icalendar raises it
    if len(data) <= FOLD_OCTETS:
        return line
    pieces: list[bytes] = []
    start = 0
    while start + FOLD_OCTETS < len(data):
        end = start + FOLD_OCTETS
        while data[end] & 0xC0 == 0x80:  # a continuation byte: back to the start of its character
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return "\r\n ".join(piece.decode("utf-8") for piece in pieces)


def _raw(component: Any) -> str:
    """excerpt() of the component as icalendar writes it: component.to_ical(), decoded, with faster folding."""
    return excerpt("\r\n".join(_fold(line) for line in component.content_lines() if line) + "\r\n")


def _text(component: Any, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _time_property(component: Any, name: str) -> Any:
    prop = component.get(name)
    return getattr(prop, "dt", None) if prop is not None else None


def _tzid(component: Any, name: str) -> str | None:
    prop = component.get(name)
    params = getattr(prop, "params", None) or {}
    if params.get("TZID"):
        return str(params["TZID"])
    return getattr(getattr(getattr(prop, "dt", None), "tzinfo", None), "key", None)


def _windows_tzid(component: Any) -> str | None:
    """The DTSTART's TZID as written when it is a Windows zone name ("Romance Standard Time"), else None."""
    tzid = str((getattr(component.get("DTSTART"), "params", None) or {}).get("TZID") or "")
    return tzid if tzid and windows_zone(tzid) else None


def _zone_label(timezone_name: str | None, start: datetime, windows_tzid: str | None) -> str | None:
    """The zone an occurrence is labelled with. Without a VTIMEZONE, icalendar reads a Windows name as CLDR's zone for
    the world and writes that zone in the occurrence's TZID ("Europe/Paris" for Romance Standard Time): the name as
    the calendar wrote it is kept, for the normaliser to map as it maps every Windows name (Europe/Brussels)."""
    key = getattr(start.tzinfo, "key", None)
    if windows_tzid is not None and key is not None and key == WINDOWS_TO_OLSON.get(windows_tzid):
        return windows_tzid
    return timezone_name


def _floating_tzids(events: list[Any]) -> dict[str, tuple[list[str], list[str]]]:
    """TZID -> (the properties, the events) of times whose TZID names no zone, IANA or Windows, that icalendar
    knows, and that no VTIMEZONE of the calendar defines: icalendar leaves such times floating."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for event in events:
        for name in ("DTSTART", "DTEND"):
            prop = event.get(name)
            tzid = (getattr(prop, "params", None) or {}).get("TZID")
            try:
                value = prop.dt if tzid else None
            except Exception:  # noqa: BLE001 - an unreadable DTEND is not this problem
                continue
            if isinstance(value, datetime) and value.tzinfo is None:
                names, subjects = found.setdefault(str(tzid), ([], []))
                subject = _uid(event) or _text(event, "SUMMARY") or "?"
                names += [name] if name not in names else []
                subjects += [subject] if subject not in subjects else []
    return found


def _floating_tzid_warnings(events: list[Any], origin: Origin, zone: str | None) -> list[str]:
    """A warning per TZID that no zone answers to (_floating_tzids): its times are read in the source's zone, which
    an Outlook "Customized Time Zone" or a typo may not be."""
    warnings = []
    for tzid, (names, subjects) in _floating_tzids(events).items():
        shown = ", ".join(repr(subject) for subject in subjects[:NAMED_EVENTS])
        more = f" and {len(subjects) - NAMED_EVENTS} more" if len(subjects) > NAMED_EVENTS else ""
        warnings.append(
            f"{origin.partner_id}/{origin.source_id}: {' and '.join(names)} of {len(subjects)} event(s) ({shown}{more}) "
            f"give TZID {tzid!r}, which names no time zone (IANA or Windows) and which no VTIMEZONE of the calendar "
            f"defines: their times are read in the source's zone, {zone or 'Europe/Brussels'}. Export the calendar "
            "with its VTIMEZONE blocks, or name a zone such as Europe/Brussels")
    return warnings


def _uid(component: Any) -> str | None:
    return _text(component, "UID")


def _language(component: Any) -> str | None:
    """fr/nl/en from the LANGUAGE parameter of the SUMMARY (else the DESCRIPTION), as Outlook writes it."""
    for name in ("SUMMARY", "DESCRIPTION"):
        params = getattr(component.get(name), "params", None) or {}
        language = short_language(params.get("LANGUAGE"))
        if language:
            return language
    return None


def _image(component: Any, base_url: str) -> str | None:
    """The first ATTACH that is an image by its FMTTYPE (The Events Calendar puts the featured image there)."""
    attachments = component.get("ATTACH")
    for attachment in attachments if isinstance(attachments, list) else [attachments]:
        kind = str((getattr(attachment, "params", None) or {}).get("FMTTYPE", ""))
        if attachment is not None and kind.lower().startswith("image/"):
            return resolve(base_url, str(attachment))
    return None


def _without_conference(component: Any, description: str | None) -> tuple[str | None, str | None]:
    """(the description without its conference block, the meeting's link): the block's instructions ("Join with
    Google Meet…", "Meeting ID…") ended every summary, and its link is the event's online place."""
    online = next((link for name in CONFERENCE_PROPERTIES if (link := _text(component, name))), None)
    for marker, pattern in _CONFERENCE_BLOCKS:
        block = pattern.search(description) if description and marker in description else None
        if block is None:
            continue
        link = _CONFERENCE_URL.search(block.group(0))
        online = online or (link.group(0) if link else None)
        description = (description[: block.start()] + "\n" + description[block.end():]).strip()
    return description or None, online


# A description opening with its event's page, labelled: Luma's "Get up-to-date information at: https://lu.ma/…",
# "More info: …", "Plus d'infos : …". Luma writes no URL property: the page is only there.
_LABELLED_LINK_LINE = re.compile(r"\A\s*[^\n:]{1,60}:\s*(https?://\S+)[ \t]*(?:\n|\Z)")


def _page_from_description(description: str | None) -> tuple[str | None, str | None]:
    """(the event page a description's first line gives, the description without that line), for an event without
    URL; a meeting or map link is no page, and leaves the description as it is."""
    found = _LABELLED_LINK_LINE.match(description) if description else None
    if found is None or is_meeting_link(found.group(1)) or is_map_link(found.group(1)):
        return None, description
    return found.group(1).rstrip(".,;)"), description[found.end():].strip() or None  # type: ignore[index]


def _midnight(value: Any) -> bool:
    return isinstance(value, datetime) and (value.hour, value.minute, value.second) == (0, 0, 0)


def _flagged_all_day(component: Any, start: Any, end: Any) -> bool:
    """True for an event its tool flags all-day but writes as times from midnight to midnight (Outlook):
    read as times, it showed as 00:00 to 00:00 the next day instead of a day."""
    flagged = any(str(component.get(flag, "")).strip().upper() == "TRUE" for flag in ALL_DAY_FLAGS)
    return flagged and _midnight(start) and (end is None or _midnight(end))


# The line breaks of a place written on several lines: a LOCATION's newlines, Apple's "\\n" in X-ADDRESS.
_PLACE_LINES = re.compile(r"(?:\\\\n|\\n|\r?\n)+")
_POSTCODE_LINE = re.compile(r"^(?P<postcode>\d{4,5})\s+(?P<locality>.+)$")


def _location(component: Any, online_url: str | None) -> RawLocation | None:
    """The event's place: LOCATION's lines as one text ("Digitaal Buurthuis, Hoogstraat 150, 1000 Brussel"), and what
    Apple's X-APPLE-STRUCTURED-LOCATION says apart: its X-TITLE is the venue, its X-ADDRESS's lines the street, the
    postcode with the locality, the country. Read as one line, the venue ran into the street."""
    written = _text(component, "LOCATION")
    text = ", ".join(part for part in (p.strip(" ,") for p in _PLACE_LINES.split(written)) if part) if written else None
    structured = component.get("X-APPLE-STRUCTURED-LOCATION")
    structured = structured[0] if isinstance(structured, list) else structured
    params = getattr(structured, "params", None) or {}
    name = str(params.get("X-TITLE") or "").strip() or None
    lines = [line.strip() for line in _PLACE_LINES.split(str(params.get("X-ADDRESS") or "")) if line.strip()]
    street = postcode = locality = country = None
    for index, line in enumerate(lines):
        found = _POSTCODE_LINE.match(line)
        if found and index > 0:
            street, postcode, locality = ", ".join(lines[:index]), found["postcode"], found["locality"]
            country = lines[index + 1] if index + 1 < len(lines) else None
            break
    if not (text or name or online_url):
        return None
    return RawLocation(name=name if name != text else None, street=street, postcode=postcode, locality=locality,
                       country=country, text=text, online_url=online_url)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def _categories(component: Any) -> list[str]:
    try:
        return [str(c).strip() for c in component.categories if str(c).strip()]
    except Exception:  # noqa: BLE001 - a broken CATEGORIES line is not worth losing the event for
        return []


def _negative(duration: Any) -> bool:
    return isinstance(duration, timedelta) and duration < timedelta(0)


_BASIC_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T\d{6}Z?)?")


def _why_unreadable(value: str) -> str:
    """What is wrong with an iCalendar date value that cannot be read, quoting it: an impossible day says which."""
    basic = _BASIC_DATE.fullmatch(value.strip())
    impossible = impossible_date(f"{basic[1]}-{basic[2]}-{basic[3]}") if basic else None
    if impossible:
        return f"({value!r}) is not a real date: {impossible}"
    return f"({value!r}) is not a date or date-time (YYYYMMDD or YYYYMMDDTHHMMSS)"


def _inclusive_last_day(start: date, end: Any) -> date:
    """The last day of an all-day event: DTEND is exclusive. A DTEND on DTSTART (what some calendar tools
    write for one day) or none is that one day; a DTEND before DTSTART is passed on as written, for the
    normaliser to reject naming both dates."""
    if not isinstance(end, date) or isinstance(end, datetime) or end == start:
        return start
    return end - timedelta(days=1) if end > start else end


def _occurrence(occurrence: Any, origin: Origin, series_uids: set[str], calendar_tz: str | None, *, has_end: bool,
                single: Any | None = None, windows_tzid: str | None = None) -> RawItem:
    # A single event's own DTSTART/DTEND are taken as written: recurring_ical_events swaps an end
    # that comes before the start, which would hide a partner's error instead of reporting it.
    timed = single if single is not None and "DTEND" in single else occurrence
    start = _time_property(timed, "DTSTART")
    # recurring_ical_events fills a missing DTEND with DTSTART; a timed event without one has no known end.
    end = _time_property(timed, "DTEND") if has_end or not isinstance(start, datetime) else None
    if single is not None and "DTEND" not in single and _negative(_time_property(single, "DURATION")):
        # A negative DURATION too: recurring_ical_events would swap start and end, moving the event.
        start = _time_property(single, "DTSTART")
        end = start + _time_property(single, "DURATION")
    uid = _uid(occurrence)
    title = _text(occurrence, "SUMMARY")
    if uid is None:
        key = hash_key(title, _iso(start))
    elif uid in series_uids:
        # RECURRENCE-ID is the slot's original start: a moved occurrence keeps its key.
        key = f"{uid}@{_iso(_time_property(occurrence, 'RECURRENCE-ID') or start)}"
    else:
        key = uid
    if _flagged_all_day(occurrence, start, end):
        start, end = start.date(), end.date() if isinstance(end, datetime) else end
    all_day = isinstance(start, date) and not isinstance(start, datetime)
    timezone_name: str | None = None
    if all_day:
        end = _inclusive_last_day(start, end)
    elif isinstance(start, datetime):
        timezone_name = _zone_label(_tzid(occurrence, "DTSTART"), start, windows_tzid)
        if start.tzinfo is None and timezone_name is None:
            timezone_name = calendar_tz  # floating time: the calendar's own zone, if it names one
        if timezone_name in ("UTC", "Etc/UTC"):
            timezone_name = None  # a UTC instant needs no zone
    description, online_url = _without_conference(
        occurrence, _text(occurrence, "X-ALT-DESC") or _text(occurrence, "DESCRIPTION"))
    status = _text(occurrence, "STATUS")
    url = _text(occurrence, "URL")
    page, rest = _page_from_description(description)
    if page is not None and url in (None, page):  # the page, or the URL property again: the line is no text
        url, description = page, rest
    return RawItem(
        partner_id=origin.partner_id,
        source_id=origin.source_id,
        key=key,
        title=title,
        description_html=description,
        url=resolve(origin.base_url, url),
        language=_language(occurrence),
        image_url=_image(occurrence, origin.base_url),
        start=start,
        end=end,
        all_day=all_day,
        timezone=timezone_name,
        location=_location(occurrence, online_url),
        status=status.lower() if status else None,
        categories=_categories(occurrence),
        published=_time_property(occurrence, "CREATED"),
        updated=_time_property(occurrence, "LAST-MODIFIED"),
        excerpt=_raw(occurrence),
    )


def _checked_events(calendar: Any, origin: Origin, result: ParseResult) -> list[Any]:
    """The VEVENTs worth expanding; those without a readable DTSTART or repeating a UID become rejections."""
    events: list[Any] = []
    seen: dict[tuple[str, str], int] = {}  # identity -> index in events
    for event in calendar.walk("VEVENT"):
        uid = _uid(event)
        prop = event.get("DTSTART")
        if prop is None:
            result.rejections.append(origin.reject(
                "missing_start", "DTSTART", f"event {uid or _text(event, 'SUMMARY')!r} has no DTSTART, and every event needs one",
                key=uid, excerpt=_raw(event)))
            continue
        try:
            _ = prop.dt  # icalendar 7 keeps unreadable values as vBroken and raises on access
        except Exception:  # noqa: BLE001 - any unreadable DTSTART is the same problem for the partner
            result.rejections.append(origin.reject(
                "invalid_date", "DTSTART", f"event {uid!r}: DTSTART {_why_unreadable(prop.to_ical().decode(errors='replace'))}",
                key=uid, excerpt=_raw(event)))
            continue
        privacy = (_text(event, "CLASS") or "").upper()
        if privacy in PRIVATE_CLASSES:
            # The title may itself be private: the message and the excerpt name the UID and the class only.
            result.rejections.append(origin.reject(
                "private_event", "CLASS", f"event {uid!r} is marked CLASS:{privacy}: a private entry of the calendar is "
                "not published (mark it PUBLIC, or keep it out of the published calendar)",
                key=uid, excerpt=f"UID:{uid}\r\nCLASS:{privacy}"))
            continue
        if uid is not None:
            identity = (uid, _iso(_time_property(event, "RECURRENCE-ID")) if "RECURRENCE-ID" in event else "")
            if identity in seen:
                _keep_latest(events, seen[identity], event, uid, origin, result)
                continue
            seen[identity] = len(events)
        events.append(event)
    return events


def _sequence(event: Any) -> int:
    try:
        return int(str(event.get("SEQUENCE", 0)).strip() or 0)
    except ValueError:
        return 0


def _keep_latest(events: list[Any], index: int, event: Any, uid: str, origin: Origin, result: ParseResult) -> None:
    """Of two events with one UID, keep the later revision (higher SEQUENCE), else the first; reject the other.

    Calendars that append an edited event instead of replacing it hold both revisions: keeping the first
    published the old day and rejected the new one.
    """
    earlier = events[index]
    if _sequence(event) > _sequence(earlier):
        events[index] = event
        result.rejections.append(origin.reject(
            "duplicate_key", "UID", f"UID {uid!r} is used by a later revision of this event (SEQUENCE {_sequence(event)}, "
            f"this one {_sequence(earlier)}); only the latest is kept", key=uid, excerpt=_raw(earlier)))
        return
    result.rejections.append(origin.reject(
        "duplicate_key", "UID", f"UID {uid!r} is used by an earlier event in this calendar; only the first is kept",
        key=uid, excerpt=_raw(event)))


def _expand(components: list[Any], timezones: list[Any], lower: datetime, upper: datetime) -> list[Any]:
    """The occurrences of `components` between `lower` and `upper`, recurrences expanded."""
    calendar = icalendar.Calendar()
    calendar.subcomponents = [*timezones, *components]
    # CalendarQuery rather than of(): of() rewrites floating times with X-WR-TIMEZONE,
    # and the normaliser is the one that applies time zones.
    return recurring_ical_events.CalendarQuery(calendar, keep_recurrence_attributes=True).between(lower, upper)


class TooManyOccurrences(ValueError):
    """A series repeats more than MAX_OCCURRENCES times in the window."""


def _repeats_within_a_day(components: list[Any]) -> bool:
    """True when a rule of the series can repeat more than once a day: a sub-daily FREQ, or BYHOUR/BYMINUTE/BYSECOND."""
    for component in components:
        rules = component.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules]:
            try:
                frequencies = (rule.get("FREQ") or []) if rule else []
                # parsed from a file each part is a list; a rule built in code may give one value
                frequencies = [frequencies] if isinstance(frequencies, str) else frequencies
                parts = [part for part in SUB_DAILY_PARTS if part in rule] if rule else []
            except Exception:  # noqa: BLE001 - an unreadable rule: its expansion reports it
                continue
            if parts or any(str(f).upper() in SUB_DAILY_FREQUENCIES for f in frequencies):
                return True
    return False


def _starts_before(occurrence: Any, upper: datetime) -> bool:
    start = _time_property(occurrence, "DTSTART")
    if isinstance(start, datetime):
        return start < (upper if start.tzinfo is not None else upper.replace(tzinfo=None))
    return isinstance(start, date) and start < upper.date()


def _expand_bounded(components: list[Any], timezones: list[Any], lower: datetime, upper: datetime) -> list[Any]:
    """_expand for a series whose rule repeats within a day, reading at most MAX_OCCURRENCES + 1 occurrences
    lazily; TooManyOccurrences when the window holds more."""
    calendar = icalendar.Calendar()
    calendar.subcomponents = [*timezones, *components]
    query = recurring_ical_events.CalendarQuery(calendar, keep_recurrence_attributes=True)
    first = list(islice(query.after(lower), MAX_OCCURRENCES + 1))
    if len(first) > MAX_OCCURRENCES and _starts_before(first[-1], upper):
        rule = components[0].get("RRULE")
        written = rule.to_ical().decode(errors="replace") if hasattr(rule, "to_ical") else "its RRULE"
        raise TooManyOccurrences(
            f"it repeats more than {MAX_OCCURRENCES} times between {lower.date()} and {upper.date()} ({written}); "
            "an agenda event repeats by the day at most: check the rule")
    return _expand(components, timezones, lower, upper)


def _expand_series(components: list[Any], timezones: list[Any], lower: datetime, upper: datetime) -> list[Any]:
    if _repeats_within_a_day(components):
        return _expand_bounded(components, timezones, lower, upper)
    return _expand(components, timezones, lower, upper)


def _expand_together(series: dict[object, list[Any]], timezones: list[Any], lower: datetime,
                     upper: datetime) -> dict[object, list[Any]] | None:
    """The occurrences of every series with a UID, by UID, from one query; None when it fails.

    recurring_ical_events expands each UID on its own, so one query gives what one query per UID
    gives, without the cost of a query per event. When it fails, the caller queries each UID alone,
    so that a broken rule costs only its own series.
    """
    named = [component for uid, components in series.items() if isinstance(uid, str) for component in components]
    if len(series) < 2 or not named:
        return None
    try:
        occurrences = _expand(named, timezones, lower, upper)
    except Exception:  # noqa: BLE001 - the series are then expanded one by one, which reports the broken one
        return None
    expanded: dict[object, list[Any]] = {uid: [] for uid in series if isinstance(uid, str)}
    for occurrence in occurrences:
        found = expanded.get(_uid(occurrence))
        if found is None:
            return None  # not a UID of ours: let each series be expanded alone
        found.append(occurrence)
    return expanded


def window(now: datetime, window_days: int) -> tuple[datetime, datetime]:
    """The occurrences a run publishes: from a day ago to `window_days` ahead."""
    return now - timedelta(days=1), now + timedelta(days=window_days)


def occurrences_of(event: Any, *, now: datetime, window_days: int) -> list[tuple[Any, Any]]:
    """(start, end) of each occurrence of one VEVENT in the window, its RRULE and EXDATEs applied as a calendar's
    are (TooManyOccurrences for a rule repeating too often); the end is None when the event gives none."""
    lower, upper = window(now, window_days)
    has_end = "DTEND" in event or "DURATION" in event
    return [(_time_property(o, "DTSTART"), _time_property(o, "DTEND") if has_end else None)
            for o in _expand_series([event], [], lower, upper)]


def parse(body: bytes, origin: Origin, *, content_type: str | None, now: datetime, window_days: int,
          timezone: str | None = None) -> ParseResult:
    """The occurrences between a day ago and `window_days` ahead; older and later ones are left out.

    `timezone`: the source's zone, which floating times are read in (named in warnings)."""
    if not body.strip():
        return ParseResult([], [], error="the payload is empty: no calendar could be read")
    wrong = html_page_instead_of(body, "an iCalendar file") or other_kind_instead_of(body, "ical")
    if wrong is not None:
        return ParseResult([], [], error=wrong)
    text, warning = _decode(body, content_type)
    # A UTF-8 byte order mark decoded by a charset that keeps it ("utf-8") would spoil the first line.
    text = text.removeprefix("\ufeff")
    result = ParseResult([], [], warnings=[warning] if warning else [])
    try:
        calendars = [c for c in icalendar.Calendar.from_ical(text, multiple=True) if c.name == "VCALENDAR"]
    except Exception as exc:  # noqa: BLE001 - icalendar raises ValueError and its own errors alike
        return ParseResult([], [], error=f"not a readable iCalendar file: {shortened(str(exc))}", warnings=result.warnings)
    if not calendars:
        if "BEGIN:VCALENDAR" in text.upper():
            problem = "BEGIN:VCALENDAR has no matching END:VCALENDAR (the file looks cut off)"
        else:
            problem = "no BEGIN:VCALENDAR … END:VCALENDAR found"
        return ParseResult([], [], error=f"not a complete iCalendar file: {problem}", warnings=result.warnings)

    lower, upper = window(now, window_days)
    outside = total = 0
    # Each VEVENT is a record of the calendar; a recurring one gives an item per occurrence in the window.
    result.source_records = sum(1 for calendar in calendars for _ in calendar.walk("VEVENT"))
    for calendar in calendars:
        calendar_tz = _text(calendar, "X-WR-TIMEZONE")
        timezones = list(calendar.walk("VTIMEZONE"))
        events = _checked_events(calendar, origin, result)
        result.warnings += _floating_tzid_warnings(events, origin, timezone)
        series_uids = {uid for e in events if (uid := _uid(e)) and any(p in e for p in RECURRENCE_PROPERTIES)}
        series: dict[object, list[Any]] = defaultdict(list)
        for event in events:
            series[_uid(event) or id(event)].append(event)
        # Series repeating within a day are left out of the joint query: each is expanded alone, bounded.
        everyday = {uid: components for uid, components in series.items() if not _repeats_within_a_day(components)}
        expanded = _expand_together(everyday, timezones, lower, upper) or {}
        for uid, components in series.items():
            try:
                occurrences = expanded[uid] if uid in expanded else _expand_series(components, timezones, lower, upper)
                has_end = any("DTEND" in c or "DURATION" in c for c in components)
                lone = components[0] if len(components) == 1 and uid not in series_uids else None
                windows_tzid = _windows_tzid(components[0])
                items = [_occurrence(o, origin, series_uids, calendar_tz, has_end=has_end, single=lone,
                                     windows_tzid=windows_tzid) for o in occurrences]
            except TooManyOccurrences as exc:
                key = uid if isinstance(uid, str) else None
                result.rejections.append(origin.reject(
                    "too_many_occurrences", "RRULE", f"event {key or _text(components[0], 'SUMMARY')!r}: {exc}",
                    key=key, excerpt=_raw(components[0])))
                continue
            except Exception as exc:  # noqa: BLE001 - a broken series costs only itself
                key = uid if isinstance(uid, str) else None
                result.rejections.append(origin.reject(
                    "invalid_event", None, f"event {key or _text(components[0], 'SUMMARY')!r} could not be expanded: {type(exc).__name__}: {exc}",
                    key=key, excerpt=_raw(components[0])))
                continue
            result.items.extend(sorted(items, key=lambda i: _iso(i.start)))
            outside += not items
        total += len(series)
    if outside:
        # Not records of this run, so neither items nor rejections: without a word, a calendar of past events
        # only said "the source yields no item".
        result.warnings.append(f"{outside} of {total} events have no occurrence between {lower.date()} and {upper.date()} "
                               "(past, or further ahead than the window): they are left out")
    return result
