"""Plain RSS feeds of events whose dates are only written in the titles or descriptions."""
from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import TypeAdapter

from connectors.registry import Source
from tests.connectors.parsers.conftest import normalised_fixture

AGENDA = "https://techhub.example.be/agenda/"


def source(content: str) -> object:
    return TypeAdapter(Source).validate_python(
        {"id": "agenda", "kind": "rss", "url": "https://techhub.example.be/agenda/feed", "content": content, "language": "fr"})


def test_an_event_source_reads_the_dates_written_in_titles_and_descriptions():
    result, items, rejections = normalised_fixture("rss", "rss20_event_dates_in_titles.xml", content="event",
                                                   source=source("event"))
    assert items[AGENDA + "atelier-rgpd"].start_utc == datetime(2026, 3, 10, 17, 30, tzinfo=UTC)  # 18h30 in Brussels
    assert items[AGENDA + "meetup-cloud"].start_utc == datetime(2026, 3, 12, 18, 0, tzinfo=UTC)  # from the description
    hackathon = items[AGENDA + "hackathon"]
    assert (hackathon.all_day, hackathon.start_date, hackathon.end_date) == (True, date(2026, 3, 20), date(2026, 3, 22))
    [rejection] = rejections  # no date anywhere: still rejected, naming the field
    assert (rejection.key, rejection.reason, rejection.field) == (AGENDA + "lunch-talk", "missing_start", "start")
    assert "3 of 4 items carry no event date" in result.warnings[-1]
    # where the missing date was looked for, for the partner reading `check`
    assert "1 of 4 items carry no event date (ev:startdate, xCal dtstart) and no date written" in result.warnings[0]


def test_other_sources_do_not_read_dates_from_text():
    result, items, _ = normalised_fixture("rss", "rss20_event_dates_in_titles.xml", content="mixed", source=source("mixed"))
    assert all(item.start is None for item in result.items) and result.warnings == []
    assert {item.kind for item in items.values()} == {"news"}  # a date in a news title does not make it an event
