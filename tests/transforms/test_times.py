from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from transforms.times import implausibility, impossible_date, resolve_timezone, to_utc

BRUSSELS = "Europe/Brussels"


def test_naive_winter_time_in_brussels_is_one_hour_ahead_of_utc() -> None:
    assert to_utc(datetime(2026, 3, 10, 18, 30), BRUSSELS) == datetime(2026, 3, 10, 17, 30, tzinfo=UTC)


def test_naive_summer_time_in_brussels_is_two_hours_ahead_of_utc() -> None:
    assert to_utc(datetime(2026, 7, 10, 18, 30), BRUSSELS) == datetime(2026, 7, 10, 16, 30, tzinfo=UTC)


def test_aware_datetime_is_converted_to_utc() -> None:
    value = datetime(2026, 3, 10, 12, 30, tzinfo=ZoneInfo("America/New_York"))
    result = to_utc(value, BRUSSELS)
    assert result == datetime(2026, 3, 10, 16, 30, tzinfo=UTC)
    assert result.utcoffset() == timedelta(0)


def test_nonexistent_spring_hour_is_read_with_the_offset_before_the_gap() -> None:
    # 02:30 does not exist on 2026-03-29 in Brussels; RFC 5545 reads it as 02:30+01:00 (03:30 CEST).
    assert to_utc(datetime(2026, 3, 29, 2, 30), BRUSSELS) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_repeated_autumn_hour_means_its_first_occurrence() -> None:
    assert to_utc(datetime(2026, 10, 25, 2, 30), BRUSSELS) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_all_day_values_stay_dates() -> None:
    assert to_utc(date(2026, 3, 10), BRUSSELS) == date(2026, 3, 10)
    assert to_utc("2026-03-10", BRUSSELS) == date(2026, 3, 10)
    assert to_utc("20260310", BRUSSELS) == date(2026, 3, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-10T18:30:00+01:00", datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),
        ("2026-03-10T18:30:00Z", datetime(2026, 3, 10, 18, 30, tzinfo=UTC)),
        ("2026-03-10T18:30", datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),
        ("20260310T183000Z", datetime(2026, 3, 10, 18, 30, tzinfo=UTC)),
        ("Tue, 10 Mar 2026 18:30:00 +0100", datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),
        ("Tue, 10 Mar 2026 18:30:00 GMT", datetime(2026, 3, 10, 18, 30, tzinfo=UTC)),
        ("Fri, 10 Jul 2026 18:30:00 CEST", datetime(2026, 7, 10, 16, 30, tzinfo=UTC)),
        ("Tue, 10 Mar 2026 18:30:00", datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),
        ("10/03/2026 18:30", datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),
        ("2026/03/10 18:30", datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),
        # RFC 822 with French or Dutch names, as localised CMSs write pubDate
        ("mar., 10 mars 2026 18:30:00 +0100", datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),
        ("Di, 10 Mrt 2026 18:30:00 +0100", datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),
        ("jeu. 5 févr. 2026 09:30:00 GMT", datetime(2026, 2, 5, 9, 30, tzinfo=UTC)),
        ("vr 10 juli 2026 18:30 CEST", datetime(2026, 7, 10, 16, 30, tzinfo=UTC)),
        ("10 mei 2026 18:30", datetime(2026, 5, 10, 16, 30, tzinfo=UTC)),
        # a wall time followed by its IANA zone name
        ("10 Mar 2026 18:30:00 Europe/Brussels", datetime(2026, 3, 10, 17, 30, tzinfo=UTC)),
        ("2026-07-10T18:30:00 Europe/London", datetime(2026, 7, 10, 17, 30, tzinfo=UTC)),
        # ISO 8601's end of day: midnight at the start of the next day
        ("2026-03-10T24:00:00", datetime(2026, 3, 10, 23, 0, tzinfo=UTC)),
        ("2026-12-31T24:00Z", datetime(2027, 1, 1, 0, 0, tzinfo=UTC)),
    ],
)
def test_strings_in_machine_formats_are_parsed(text: str, expected: datetime) -> None:
    assert to_utc(text, BRUSSELS) == expected


@pytest.mark.parametrize("text", ["next tuesday", "2026", "31/02/2026", "Tue, 31 Feb 2026 10:00:00 GMT", "soon 2026x"])
def test_unreadable_strings_raise_a_value_error_naming_the_value(text: str) -> None:
    with pytest.raises(ValueError, match="not a date or time"):
        to_utc(text, BRUSSELS)


@pytest.mark.parametrize("text", ["Tue, 10 Xyz 2026 18:30:00 +0100", "2026-03-10 18:30 Nowhere/Atlantis"])
def test_unknown_month_or_zone_names_stay_unreadable(text: str) -> None:
    with pytest.raises(ValueError, match="not a date or time"):
        to_utc(text, BRUSSELS)


@pytest.mark.parametrize(("text", "why"), [
    ("2026-02-30", "February 2026 has no day 30"),
    ("2026-02-29T10:00:00+01:00", "February 2026 has no day 29"),
    ("31/04/2026 10:00", "April 2026 has no day 31"),
    ("2026-13-01", "there is no month 13"),
    ("2028-02-29", None),  # a leap year
    ("next tuesday", None),  # no numeric date at all
])
def test_impossible_date_says_why(text: str, why: str | None) -> None:
    assert impossible_date(text) == why


def test_empty_values_are_none() -> None:
    assert to_utc(None, BRUSSELS) is None
    assert to_utc("  ", BRUSSELS) is None


def test_windows_and_unknown_zone_names_resolve() -> None:
    assert resolve_timezone("Romance Standard Time", BRUSSELS) == "Europe/Brussels"  # CLDR's zone for Belgium
    assert resolve_timezone("romance standard time", "UTC") == "Europe/Brussels"
    assert resolve_timezone("GTB Standard Time", BRUSSELS) == "Europe/Bucharest"  # every name of CLDR's table
    assert resolve_timezone("W. Europe Standard Time", BRUSSELS) == "Europe/Berlin"
    assert resolve_timezone("Europe/Paris", BRUSSELS) == "Europe/Paris"
    assert resolve_timezone("Nowhere/Special", BRUSSELS) == BRUSSELS
    assert resolve_timezone(None, "UTC") == "UTC"


def test_plausibility_window() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert implausibility(datetime(1999, 12, 31, tzinfo=UTC), now) is not None
    assert implausibility(date(2031, 3, 2), now) is not None
    assert implausibility(datetime(2031, 2, 28, tzinfo=UTC), now) is None
    assert implausibility(date(2000, 1, 1), now) is None


_naive = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2035, 12, 31))
_zones = st.sampled_from(["UTC", "Europe/Brussels", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"])


@given(_naive, _zones)
@example(datetime(2024, 3, 10, 2, 0), "America/New_York")  # a wall time that does not exist (DST gap)
@example(datetime(2026, 10, 25, 2, 30), "Europe/Brussels")  # one that exists twice (DST fold)
def test_aware_values_round_trip_through_utc_and_iso_strings(naive: datetime, tz: str) -> None:
    aware = naive.replace(tzinfo=ZoneInfo(tz))
    # Compared in UTC: Python never finds two datetimes of different zones equal when one is in a gap or fold.
    instant = aware.astimezone(UTC)
    result = to_utc(aware, BRUSSELS)
    assert result == instant and result.tzinfo is UTC
    assert to_utc(aware.isoformat(), BRUSSELS) == instant


@given(_naive)
def test_naive_brussels_times_read_back_as_the_same_wall_clock(naive: datetime) -> None:
    zone = ZoneInfo(BRUSSELS)
    exists_once = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive
    result = to_utc(naive, BRUSSELS)
    assert isinstance(result, datetime) and result.utcoffset() == timedelta(0)
    if exists_once:
        assert result.astimezone(zone).replace(tzinfo=None) == naive
