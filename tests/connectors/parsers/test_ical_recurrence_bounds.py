"""Recurrence rules and durations that would move or multiply events: FREQ=MINUTELY slips, negative DURATIONs."""
from __future__ import annotations

import time
from collections import Counter

from connectors.parsers.ical import MAX_OCCURRENCES


def test_a_rule_repeating_every_few_minutes_is_rejected_quickly(parse):
    started = time.perf_counter()
    result = parse("ical", "rrule_sub_daily.ics")
    assert time.perf_counter() - started < 10  # expanding the whole year took about 100 s and 500k items
    [rejection] = result.rejections
    assert (rejection.reason, rejection.field, rejection.key) == ("too_many_occurrences", "RRULE", "helpdesk@edih.example.be")
    assert f"more than {MAX_OCCURRENCES} times" in rejection.message and "FREQ=MINUTELY" in rejection.message
    assert "Helpdesk slot" in rejection.excerpt


def test_legitimate_rules_within_a_day_and_the_other_events_are_kept(parse):
    result = parse("ical", "rrule_sub_daily.ics")
    series = Counter(item.key.split("@2026")[0] for item in result.items)
    assert series == {
        "sessions@edih.example.be": 3,  # FREQ=HOURLY;COUNT=3
        "twice-a-day@edih.example.be": 10,  # FREQ=DAILY;BYHOUR=9,14 over five days
        "single@edih.example.be": 1,
    }


def test_a_negative_duration_is_reported_not_swapped(normalised):
    from datetime import UTC, datetime

    _, items, rejections = normalised("ical", "negative_duration.ics", content="event", language="en")
    [rejection] = rejections  # recurring_ical_events swapped start and end: the event moved an hour earlier
    assert (rejection.key, rejection.reason, rejection.field) == ("neg-duration@plaine.example.be", "end_before_start", "end")
    assert "is before start (2026-03-18 10:00)" in rejection.message
    lecture = items["duration@plaine.example.be"]
    assert (lecture.start_utc, lecture.end_utc) == (datetime(2026, 3, 19, 9, 0, tzinfo=UTC), datetime(2026, 3, 19, 10, 30, tzinfo=UTC))
