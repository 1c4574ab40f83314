"""RSS, Atom and RSS 1.0 shapes real generators write (WordPress, Drupal, Blogger, Mailchimp, …), one fixture each
under fixtures/rss/: the items as the portal shows them, and the reason a partner reads when one is not kept."""
from __future__ import annotations

from datetime import UTC, datetime

from pydantic import TypeAdapter

from connectors.registry import Source
from tests.connectors.parsers.conftest import normalised_fixture


def source(content: str, language: str = "fr") -> object:
    return TypeAdapter(Source).validate_python(
        {"id": "agenda", "kind": "rss", "url": "https://hub.example.be/feed", "content": content, "language": language})


def test_wordpress_events_take_their_hours_from_the_text_when_the_title_gives_only_the_day():
    _, items, rejections = normalised_fixture("rss", "wordpress_event_dates_in_words.xml", content="event",
                                              source=source("event"))
    assert rejections == []
    post = "https://digitalmolenbeek.example.be/?p="
    smartphone = items[post + "4812"]  # title "jeudi 12 mars", text "Le jeudi 12 mars 2026 de 14h à 16h30"
    assert (smartphone.all_day, smartphone.start_utc, smartphone.end_utc) == (
        False, datetime(2026, 3, 12, 13, 0, tzinfo=UTC), datetime(2026, 3, 12, 15, 30, tzinfo=UTC))
    permanence = items[post + "4813"]  # "Le 19 mars 2026, de 9h30 à 12h"
    assert (permanence.start_utc, permanence.end_utc) == (
        datetime(2026, 3, 19, 8, 30, tzinfo=UTC), datetime(2026, 3, 19, 11, 0, tzinfo=UTC))
    evening = items[post + "4814"]  # "6:30 PM – 9:00 PM": evening hours, not 06:30
    assert (evening.start_utc, evening.end_utc) == (
        datetime(2026, 3, 12, 17, 30, tzinfo=UTC), datetime(2026, 3, 12, 20, 0, tzinfo=UTC))
    assert items[post + "4815"].start_utc == datetime(2026, 3, 26, 18, 0, tzinfo=UTC)  # "at 7 pm"
    cafe = items[post + "4816"]  # the text names another day (the next session): the title's day stands
    assert (cafe.all_day, cafe.start_date) == (True, datetime(2026, 3, 5).date())
