"""JSON-LD shapes seen on partner pages beyond the textbook Event: sub-events, dates written out in words."""
from __future__ import annotations

from datetime import UTC, date, datetime


def test_sub_events_are_items_of_their_own(normalised):
    _, items, rejections = normalised("jsonld", "sub_events.html", content="event")
    assert rejections == []
    assert set(items) == {
        "https://festival.example.be/#festival", "https://festival.example.be/programme#ouverture",
        "https://festival.example.be/programme#robots", "https://festival.example.be/programme#robots-kids",
    }
    festival = items["https://festival.example.be/#festival"]
    assert (festival.all_day, festival.start_date, festival.end_date) == (True, date(2026, 5, 1), date(2026, 5, 3))
    kids = items["https://festival.example.be/programme#robots-kids"]
    assert kids.start_utc == datetime(2026, 5, 2, 14, 0, tzinfo=UTC) and not kids.all_day


def test_dates_written_in_words_are_read_in_the_source_zone(normalised):
    result, items, rejections = normalised("jsonld", "written_dates.html", content="event")
    midi = items["https://hub.example.be/e/ia"]
    assert (midi.start_utc, midi.end_utc, midi.all_day) == (
        datetime(2026, 5, 6, 10, 30, tzinfo=UTC), datetime(2026, 5, 6, 12, 0, tzinfo=UTC), False)
    datacafe = items["https://hub.example.be/e/data"]
    assert (datacafe.all_day, datacafe.start_date) == (True, date(2026, 5, 12))
    # a relative date cannot be read without knowing when the page was written: rejected, naming the field
    [rejection] = rejections
    assert (rejection.key, rejection.reason, rejection.field) == ("https://hub.example.be/e/soon", "invalid_date", "start")
    assert "'mardi prochain'" in rejection.message
    assert len(items) + len(rejections) == len(result.items)


def test_an_html_escaped_block_is_read_and_a_broken_one_costs_only_itself(parse):
    result = parse("jsonld", "html_escaped_block.html")
    assert {item.key: item.title for item in result.items} == {
        "https://buurtlab.example.be/agenda/repair-cafe": "Repair café & digitale hulp",
        "https://buurtlab.example.be/agenda/codeclub": "Codeclub",
    }
    [warning] = result.warnings
    assert warning.startswith("JSON-LD block 2 of 3 is not valid JSON")
