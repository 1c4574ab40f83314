"""Events repeating by their schema.org eventSchedule: one item an occurrence, in the window an iCalendar feed's
occurrences are read in (a day before the run to `window_days` after). Before, such an event gave no date (rejected
for having no startDate) or only its first one."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

CODECLUB = "https://muntpunt.example.brussels/activiteiten/codeclub#event"


def starts(items) -> list[datetime]:
    return sorted(item.start_utc for item in items.values())


def test_a_weekly_schedule_gives_each_wednesday_from_its_start_to_its_end_but_the_days_excepted(normalised):
    _, items, rejections = normalised("jsonld", "event_schedule_weekly.html", content="event", language="nl")
    assert rejections == []
    wednesdays = [date(2026, 3, 4), date(2026, 3, 11), date(2026, 3, 18), date(2026, 3, 25), date(2026, 4, 1),
                  # 8 and 15 April: exceptDate (the Easter holidays)
                  date(2026, 4, 22), date(2026, 4, 29), date(2026, 5, 6), date(2026, 5, 13), date(2026, 5, 20),
                  date(2026, 5, 27), date(2026, 6, 3), date(2026, 6, 10), date(2026, 6, 17), date(2026, 6, 24)]
    assert [start.date() for start in starts(items)] == wednesdays  # endDate's day included
    # 14:00 to 16:00 in Brussels (scheduleTimezone) on both sides of the change to summer time
    first, summer = items[f"{CODECLUB}#2026-03-04T14:00:00+01:00"], items[f"{CODECLUB}#2026-06-24T14:00:00+02:00"]
    assert (first.start_utc, first.end_utc) == (datetime(2026, 3, 4, 13, 0, tzinfo=UTC), datetime(2026, 3, 4, 15, 0, tzinfo=UTC))
    assert (summer.start_utc, summer.end_utc) == (datetime(2026, 6, 24, 12, 0, tzinfo=UTC), datetime(2026, 6, 24, 14, 0, tzinfo=UTC))
    assert (summer.title, summer.venue, summer.is_free) == ({"nl": "Codeclub voor kinderen"}, "Muntpunt", True)
    assert summer.url == "https://muntpunt.example.brussels/activiteiten/codeclub"


def test_occurrences_are_bounded_as_a_calendar_s_are(normalised):
    # the same window as the iCalendar reader: here 30 days after the run (1 March)
    _, items, _ = normalised("jsonld", "event_schedule_weekly.html", content="event", window_days=30)
    assert [start.date() for start in starts(items)] == [date(2026, 3, 4), date(2026, 3, 11), date(2026, 3, 18),
                                                         date(2026, 3, 25)]


def test_a_schedule_repeating_a_count_of_times_starts_at_the_event_s_start(normalised):
    # startDate on the event, the schedule giving every other Tuesday, six times, with times and no zone:
    # read in the source's zone, 18:00 in Brussels before and after the change to summer time.
    _, items, rejections = normalised("jsonld", "event_schedule_repeat_count.html", content="event")
    assert rejections == [] and len(items) == 6
    assert starts(items) == [datetime(2026, 3, 10, 17, 0, tzinfo=UTC), datetime(2026, 3, 24, 17, 0, tzinfo=UTC),
                             datetime(2026, 4, 7, 16, 0, tzinfo=UTC), datetime(2026, 4, 21, 16, 0, tzinfo=UTC),
                             datetime(2026, 5, 5, 16, 0, tzinfo=UTC), datetime(2026, 5, 19, 16, 0, tzinfo=UTC)]
    assert {item.end_utc - item.start_utc for item in items.values()} == {timedelta(hours=2, minutes=30)}


def test_a_monthly_schedule_gives_the_first_saturday_of_each_month_not_the_day_it_opens(normalised):
    # startDate 1 March is a Sunday: the schedule opens then, its first occurrence is Saturday 7 March.
    _, items, rejections = normalised("jsonld", "event_schedule_monthly.html", content="event")
    assert rejections == []
    assert [start.date() for start in starts(items)] == [
        date(2026, 3, 7), date(2026, 4, 4), date(2026, 5, 2), date(2026, 6, 6), date(2026, 7, 4), date(2026, 8, 1),
        date(2026, 9, 5), date(2026, 10, 3), date(2026, 11, 7), date(2026, 12, 5)]
    october = items["https://fablab.example.brussels/events/open-saturday#2026-10-03T10:00:00+02:00"]
    assert (october.start_utc, october.end_utc) == (datetime(2026, 10, 3, 8, 0, tzinfo=UTC),
                                                    datetime(2026, 10, 3, 14, 0, tzinfo=UTC))  # its duration, PT6H


def test_a_schedule_that_ended_gives_nothing_and_says_so(normalised):
    result, items, rejections = normalised("jsonld", "event_schedule_past.html", content="event")
    assert items == {} and rejections == []
    assert result.warnings == ["1 of 1 events repeating by their eventSchedule have no occurrence between 2026-02-28 "
                               "and 2027-03-01 (past, or further ahead): they are left out"]


def test_an_unreadable_schedule_rejects_its_event_naming_the_property(normalised):
    _, items, rejections = normalised("jsonld", "event_schedule_unreadable.html", content="event")
    assert items == {}
    [rejection] = rejections
    assert (rejection.reason, rejection.field, rejection.key) == (
        "invalid_date", "eventSchedule", "https://fablab.example.brussels/events/3d-printing")
    assert "repeatFrequency 'biweekly' is not a period such as P1W (weekly), P2W" in rejection.message


def test_a_schedule_repeating_within_the_hour_is_rejected_as_a_calendar_s_rule_is(normalised):
    # the session's length written as repeatFrequency: thousands of occurrences would flood the agenda
    _, items, rejections = normalised("jsonld", "event_schedule_hourly.html", content="event")
    assert items == {}
    [rejection] = rejections
    assert (rejection.reason, rejection.field) == ("too_many_occurrences", "eventSchedule")
    assert "it repeats more than 1000 times between 2026-02-28 and 2027-03-01" in rejection.message


def test_a_schedule_without_times_takes_the_event_s_own_start_and_end(normalised):
    # the event's startDate and endDate are its first session (19:00 to 21:00); the schedule only repeats it
    _, items, rejections = normalised("jsonld", "event_schedule_from_event_dates.html", content="event")
    assert rejections == []
    assert [(item.start_utc, item.end_utc) for item in sorted(items.values(), key=lambda i: i.start_utc)] == [
        (datetime(2026, 3, 19, 18, 0, tzinfo=UTC), datetime(2026, 3, 19, 20, 0, tzinfo=UTC)),
        (datetime(2026, 3, 26, 18, 0, tzinfo=UTC), datetime(2026, 3, 26, 20, 0, tzinfo=UTC)),
        (datetime(2026, 4, 2, 17, 0, tzinfo=UTC), datetime(2026, 4, 2, 19, 0, tzinfo=UTC)),  # summer time: still 19:00
        (datetime(2026, 4, 9, 17, 0, tzinfo=UTC), datetime(2026, 4, 9, 19, 0, tzinfo=UTC))]
