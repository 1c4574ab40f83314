"""iCalendar: time zones, recurrences inside the window, all-day ends and broken calendars."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from transforms.model import RawLocation


def test_tzid_values_stay_aware_across_daylight_saving(parse):
    result = parse("ical", "tzid_brussels.ics")
    assert result.error is None and result.rejections == []
    by_key = {i.key: i for i in result.items}
    march, july, utc = by_key["march@hub.example.be"], by_key["july@hub.example.be"], by_key["utc@hub.example.be"]
    assert march.start.astimezone(UTC) == datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    assert july.start.astimezone(UTC) == datetime(2026, 7, 10, 16, 30, tzinfo=UTC)
    assert july.end.astimezone(UTC) == datetime(2026, 7, 10, 18, 30, tzinfo=UTC)
    assert march.timezone == "Europe/Brussels" and not march.all_day
    assert utc.start == datetime(2026, 4, 5, 9, 0, tzinfo=UTC) and utc.timezone is None
    assert march.title == "Winter time talk" and "UID:march@hub.example.be" in march.excerpt


def test_vtimezone_block_defines_the_offset(parse):
    [item] = parse("ical", "vtimezone_block.ics").items
    assert item.start.utcoffset() == timedelta(hours=2)
    assert item.start.astimezone(UTC) == datetime(2026, 7, 10, 16, 30, tzinfo=UTC)
    assert item.timezone == "Romance Standard Time"  # the normaliser maps Windows names to IANA ones


def test_weekly_rule_with_exdate(parse):
    items = parse("ical", "weekly_exdate.ics").items
    starts = [i.start.date() for i in items]
    assert starts == [date(2026, 3, 3), date(2026, 3, 10), date(2026, 3, 24), date(2026, 3, 31)]  # COUNT=5 minus one
    assert len({i.key for i in items}) == 4
    assert items[0].key == "weekly@hub.example.be@2026-03-03T18:30:00+01:00"
    # the wall-clock time holds across the switch to summer time on 29 March
    assert items[-1].start.astimezone(UTC) == datetime(2026, 3, 31, 16, 30, tzinfo=UTC)


def test_recurrence_id_override_moves_one_occurrence(parse):
    items = parse("ical", "recurrence_override.ics").items
    assert [(i.start.date(), i.title) for i in items] == [
        (date(2026, 3, 5), "Lunch talk"),
        (date(2026, 4, 7), "Lunch talk (moved after Easter)"),
        (date(2026, 5, 5), "Lunch talk"),
    ]
    moved = items[1]
    assert moved.key == "monthly@hub.example.be@2026-04-05T12:00:00+02:00"  # keyed by the slot it replaces
    assert moved.end.astimezone(UTC) == datetime(2026, 4, 7, 12, 0, tzinfo=UTC)


def test_all_day_single_day_end_is_inclusive(parse):
    [item] = parse("ical", "all_day_single.ics").items
    assert (item.start, item.end, item.all_day) == (date(2026, 3, 10), date(2026, 3, 10), True)
    assert item.key == "open-day@hub.example.be"


def test_all_day_multi_day_and_missing_dtend(parse):
    festival, one_day = parse("ical", "all_day_multi.ics").items
    assert (festival.start, festival.end, festival.all_day) == (date(2026, 4, 10), date(2026, 4, 12), True)
    assert (one_day.start, one_day.end) == (date(2026, 4, 20), date(2026, 4, 20))


def test_floating_time_stays_naive_with_the_calendar_zone(parse):
    [item] = parse("ical", "floating_wr_timezone.ics").items
    assert item.start == datetime(2026, 3, 12, 10, 0) and item.start.tzinfo is None
    assert item.end == datetime(2026, 3, 12, 12, 0)  # from DURATION
    assert item.timezone == "Europe/Brussels"


def test_floating_time_without_calendar_zone_leaves_it_to_the_normaliser(parse):
    [item] = parse("ical", "floating_no_zone.ics").items
    assert item.start == datetime(2026, 3, 12, 10, 0) and item.timezone is None


def test_fields(parse):
    briefing, plain = parse("ical", "fields.ics", base_url="https://hub.example.be/agenda.ics").items
    assert briefing.description_html == "<p>Line one</p>"  # X-ALT-DESC wins over DESCRIPTION
    assert briefing.url == "https://hub.example.be/events/briefing"
    assert briefing.location == RawLocation(text="BeCentral, Cantersteen 12, 1000 Bruxelles")
    assert briefing.status == "cancelled"
    assert briefing.categories == ["Hackathon", "AI", "Open data"]
    assert briefing.end - briefing.start == timedelta(hours=1, minutes=30)
    assert plain.description_html == "Only text here" and plain.status == "tentative"
    assert plain.end is None  # no DTEND, no DURATION: the end is unknown, not the start


def test_events_outside_the_window_produce_nothing(parse):
    result = parse("ical", "outside_window.ics")
    assert result.rejections == [] and result.error is None
    [item] = result.items  # only the yearly event's next occurrence falls inside now .. now+365d
    assert item.start == datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
    assert parse("ical", "outside_window.ics", window_days=30).items == []


def test_event_without_or_with_unreadable_dtstart_is_rejected(parse):
    result = parse("ical", "missing_dtstart.ics")
    assert [i.key for i in result.items] == ["good@hub.example.be"]
    missing, unreadable = result.rejections
    assert (missing.reason, missing.field, missing.key, missing.stage) == ("missing_start", "DTSTART", "nostart@hub.example.be", "parse")
    assert "SUMMARY:No start" in missing.excerpt
    assert (unreadable.reason, unreadable.field) == ("invalid_date", "DTSTART")
    assert "nine o'clock" in unreadable.message


def test_duplicate_uid_keeps_the_first(parse):
    result = parse("ical", "duplicate_uid.ics")
    assert [i.title for i in result.items] == ["First copy"]
    assert [(r.reason, r.key) for r in result.rejections] == [("duplicate_key", "twice@hub.example.be")]


def test_broken_rule_costs_only_its_own_event(parse):
    result = parse("ical", "broken_rule.ics")
    assert [i.key for i in result.items] == ["fine@hub.example.be"]
    [rejection] = result.rejections
    assert (rejection.reason, rejection.key) == ("invalid_event", "badrule@hub.example.be")


def test_cut_off_calendar_is_an_error(parse):
    result = parse("ical", "broken.ics")
    assert result.items == [] and result.error is not None and "END:VCALENDAR" in result.error


def test_non_calendar_payloads_are_errors(parse_bytes):
    for body in (b"<html><body>Not here</body></html>", b"   ", b"garbage\x00\xff"):
        result = parse_bytes("ical", body)
        assert result.items == [] and result.error, body


def test_non_utf8_calendar_is_read_with_a_warning(parse):
    result = parse("ical", "windows1252.ics")
    assert [i.title for i in result.items] == ["Soirée générale"]
    assert result.warnings == ["calendar is not valid UTF-8; read as Windows-1252"]
    # the HTTP charset, when given, is believed first
    assert parse("ical", "windows1252.ics", content_type="text/calendar; charset=iso-8859-1").warnings == []


def test_window_is_relative_to_now(parse, now):
    later = parse("ical", "weekly_exdate.ics", now=now + timedelta(days=20))
    # now-1d .. : occurrences before 20 March are gone
    assert [i.start.date() for i in later.items] == [date(2026, 3, 24), date(2026, 3, 31)]


def test_an_end_before_the_start_is_passed_on_as_written(parse):
    # recurring_ical_events swaps such times; the normaliser must see them to reject the record.
    [item] = parse("ical", "end_before_start.ics").items
    assert item.start.astimezone(UTC) == datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
    assert item.end.astimezone(UTC) == datetime(2026, 3, 10, 11, 0, tzinfo=UTC)


def test_an_all_day_end_before_the_start_is_rejected_and_one_on_the_start_is_that_day(normalised):
    _result, items, rejections = normalised("ical", "all_day_end_before_start.ics")
    [rejection] = rejections
    assert (rejection.reason, rejection.field) == ("end_before_start", "end")
    assert "2026-03-08" in rejection.message and "2026-03-10" in rejection.message  # the dates as written
    same_day = items["journee-meme-jour@paradigm.example.be"]  # what some calendar tools write for one day
    assert (same_day.start_date, same_day.end_date) == (date(2026, 3, 12), date(2026, 3, 12))


def test_an_impossible_dtstart_is_rejected_saying_which_day_does_not_exist_and_the_others_are_kept(parse):
    result = parse("ical", "impossible_dtstart.ics")
    assert [item.key for item in result.items] == ["ok@hub.example.be"]
    [rejection] = result.rejections
    assert (rejection.reason, rejection.field, rejection.key) == ("invalid_date", "DTSTART", "feb30@hub.example.be")
    assert "'20260230T100000'" in rejection.message and "February 2026 has no day 30" in rejection.message
