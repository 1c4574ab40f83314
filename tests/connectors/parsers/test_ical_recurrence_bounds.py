"""Recurrence rules that repeat within a day: a slip like FREQ=MINUTELY must not flood the agenda or stall the run."""
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
