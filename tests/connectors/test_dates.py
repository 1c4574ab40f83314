"""French, Dutch and English date strings: the fast path, the fallback, and what neither may guess."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from connectors.dates import DateTextError, parse_date_text, parse_fast, parse_slow, parse_time

TODAY = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("jeudi 12 mars 2026 à 14h", datetime(2026, 3, 12, 14, 0), None),
        ("12 maart 2026 om 14u30", datetime(2026, 3, 12, 14, 30), None),
        ("12 maart 2026 20 uur", datetime(2026, 3, 12, 20, 0), None),
        ("Op donderdag 12 maart 2026 van 14.30 tot 17.00 uur", datetime(2026, 3, 12, 14, 30), datetime(2026, 3, 12, 17, 0)),
        ("du 12 au 15 mars", date(2026, 3, 12), date(2026, 3, 15)),
        ("van 12 tot 15 maart 2026", date(2026, 3, 12), date(2026, 3, 15)),
        ("du 28 février au 3 mars 2026", date(2026, 2, 28), date(2026, 3, 3)),
        ("Date limite : 15 février 2027", date(2027, 2, 15), None),
        ("Date limite : 15 février 2027 à 12h", datetime(2027, 2, 15, 12, 0), None),
        ("1er avril", date(2026, 4, 1), None),
        ("mer. 4 mars 2026, 9h30", datetime(2026, 3, 4, 9, 30), None),
        ("12/03/2026 14:30", datetime(2026, 3, 12, 14, 30), None),
        ("2026-03-12", date(2026, 3, 12), None),
        ("Uiterste indieningsdatum: 15 februari 2027 om 17.00 uur", datetime(2027, 2, 15, 17, 0), None),
        # English hours with am/pm (6:30 PM was read as 06:30), and a comma before the hours' word
        ("Thursday 12 March 2026, 6:30 PM – 9:00 PM", datetime(2026, 3, 12, 18, 30), datetime(2026, 3, 12, 21, 0)),
        ("Thursday 12 March 2026, 6:30 – 9 pm", datetime(2026, 3, 12, 18, 30), datetime(2026, 3, 12, 21, 0)),
        ("Thursday 26 March 2026 at 7 pm", datetime(2026, 3, 26, 19, 0), None),
        ("12 March 2026, 9 a.m. to 12 p.m.", datetime(2026, 3, 12, 9, 0), datetime(2026, 3, 12, 12, 0)),
        ("12 March 2026 at 12 am", datetime(2026, 3, 12, 0, 0), None),
        ("Le 19 mars 2026, de 9h30 à 12h", datetime(2026, 3, 19, 9, 30), datetime(2026, 3, 19, 12, 0)),
        # English written month first (was left to dateparser, which the RSS reader does not call)
        ("Thursday, March 12, 2026 at 6:30 PM", datetime(2026, 3, 12, 18, 30), None),
        ("Mar 12 2026, 9:00 am – 5:00 pm", datetime(2026, 3, 12, 9, 0), datetime(2026, 3, 12, 17, 0)),
        ("April 1st, 2026 from 10 am to 12 pm", datetime(2026, 4, 1, 10, 0), datetime(2026, 4, 1, 12, 0)),
    ],
)
def test_common_forms_on_the_fast_path(text: str, start, end) -> None:
    parsed = parse_fast(text, today=TODAY)
    assert parsed is not None, text
    assert (parsed.start, parsed.end) == (start, end)
    assert parsed.warning is None


def test_a_year_less_date_long_past_is_read_next_year() -> None:
    assert parse_date_text("5 janvier", today=date(2026, 11, 20)).start == date(2027, 1, 5)
    assert parse_date_text("5 novembre", today=date(2026, 11, 20)).start == date(2026, 11, 5)  # recent past stays


def test_a_wrong_weekday_is_tolerated_and_reported() -> None:
    parsed = parse_date_text("mardi 12 mars 2026 à 14h", today=TODAY)
    assert parsed.start == datetime(2026, 3, 12, 14, 0)
    assert parsed.warning and "mardi" in parsed.warning and "Thursday" in parsed.warning


@pytest.mark.parametrize("text", ["32/13/2026 om 25u61", "31 février 2026", "20 uur", "om 14u30", "Prix : 12 €", ""])
def test_what_is_not_a_date_is_an_error_not_a_guess(text: str) -> None:
    with pytest.raises(DateTextError):
        parse_date_text(text, today=TODAY)


def test_dateparser_is_the_fallback_for_other_forms() -> None:
    assert parse_fast("12th of March 2026") is None  # ("March 12, 2026" is read by the fast path since)
    assert parse_date_text("12th of March 2026", language="en", today=TODAY).start == date(2026, 3, 12)


def test_a_date_in_another_of_the_three_languages_than_the_source_s_is_read_in_its_own() -> None:
    # A French partner's English-language event, its date written in English.
    assert parse_date_text("March 12, 2026, 2:00 PM", language="fr", today=TODAY).start == datetime(2026, 3, 12, 14, 0)
    assert parse_date_text("zaterdag 14 maart 2026", language="fr", today=TODAY).start == date(2026, 3, 14)
    with pytest.raises(DateTextError):
        parse_date_text("Sur inscription", language="fr", today=TODAY)


def test_dateparser_misreads_14u_which_is_why_the_fast_path_comes_first() -> None:
    slow = parse_slow("12 maart 2026 om 14u30", language="nl", today=TODAY)
    assert slow is None or slow.start != datetime(2026, 3, 12, 14, 30)
    assert parse_date_text("12 maart 2026 om 14u30", today=TODAY).start == datetime(2026, 3, 12, 14, 30)


def test_times_alone() -> None:
    assert [parse_time(t) for t in ("14h", "14u30", "20 uur", "9.15")] == [
        datetime(2000, 1, 1, 14).time(), datetime(2000, 1, 1, 14, 30).time(), datetime(2000, 1, 1, 20).time(),
        datetime(2000, 1, 1, 9, 15).time()]


@pytest.mark.parametrize("text", ["may 5 people come", "mar 10 à 14h", "dec 3 items"])
def test_abbreviations_and_may_are_months_first_only_with_a_year(text):
    assert parse_fast(text, today=TODAY) is None  # "mar" is mardi in French, "may" a verb


@pytest.mark.parametrize("text", ["In december 5 sessies voor beginners", "vanaf september 3 nieuwe cursussen"])
def test_a_month_name_dutch_shares_before_a_number_is_no_date_without_a_year_weekday_or_hours(text):
    assert parse_fast(text, today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # The start of a range without its year takes the end's, whether written after a slash or after a space
        # (the year after a space was ignored: the range fell in the current year, or was not read in free text).
        ("12/03 → 14/03 2027", date(2027, 3, 12), date(2027, 3, 14)),
        ("du 12/03 au 14/03/2027", date(2027, 3, 12), date(2027, 3, 14)),
        ("Hackathon du 12/03 au 14/03 2027 à Bruxelles", date(2027, 3, 12), date(2027, 3, 14)),
        ("du 28/12 au 3/1 2027", date(2026, 12, 28), date(2027, 1, 3)),
        # Hours after the range are every day's: from the first day's start to the last day's end (the end was
        # the first hour, and the start had none).
        ("du 2/04 au 4/04/2027 de 9h à 17h", datetime(2027, 4, 2, 9, 0), datetime(2027, 4, 4, 17, 0)),
        ("12/03 → 14/03 2027 de 9h à 17h", datetime(2027, 3, 12, 9, 0), datetime(2027, 3, 14, 17, 0)),
        # Each date with its own time keeps it.
        ("12/03/2027 14:00 - 14/03/2027 17:00", datetime(2027, 3, 12, 14, 0), datetime(2027, 3, 14, 17, 0)),
    ],
)
def test_numeric_ranges_whose_start_takes_the_end_s_year(text: str, start, end) -> None:
    for parsed in (parse_fast(text, today=date(2026, 3, 1)), parse_date_text(text, today=date(2026, 3, 1))):
        assert parsed is not None, text
        assert (parsed.start, parsed.end) == (start, end)


def test_a_date_field_s_ranges_and_days_without_a_year_keep_the_year_written_after_a_space() -> None:
    # In a date field (html, json_api text), day and month alone are dates; a year after a space is theirs.
    assert parse_date_text("12/03 → 14/03", today=date(2026, 3, 1)) == parse_date_text("12/03 → 14/03 2026")
    assert parse_date_text("14/03 2027", today=date(2026, 3, 1)).start == date(2027, 3, 14)
    assert parse_date_text("vr 13/03 · 19u00", today=date(2026, 3, 1)).start == datetime(2026, 3, 13, 19, 0)
    assert parse_fast("12/03 → 14/03", today=date(2026, 3, 1)) is None  # in free text, two bare day/months are no date
