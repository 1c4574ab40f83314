"""Plain RSS feeds of events whose dates are only written in the titles or descriptions."""
from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import TypeAdapter

from connectors.registry import FeedSource, Source
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


MIXED_BLOG = "wordpress_mixed_news_and_events.xml"


def mixed_blog_source(**extra: object) -> FeedSource:
    config = {"id": "blog", "kind": "rss", "url": "https://buurthuisdigitaal.example.be/feed/", "content": "mixed",
              "language": "nl", "event_categories": ["Agenda"], **extra}
    return FeedSource.model_validate(config)


def test_posts_filed_under_an_event_category_are_events_dated_by_their_text(normalised):
    # One WordPress feed for news and events: with event_categories, the posts under "Agenda" are events, read as in
    # a source of events (the date in the title, the hours in the text); the others stay news.
    result, items, rejections = normalised("rss", MIXED_BLOG, content="mixed", language="nl", source=mixed_blog_source())
    digicafe = items["https://buurthuisdigitaal.example.be/?p=812"]
    assert digicafe.kind == "event"
    assert (digicafe.start_utc, digicafe.end_utc) == (datetime(2026, 3, 12, 13, 0, tzinfo=UTC),
                                                      datetime(2026, 3, 12, 15, 30, tzinfo=UTC))
    banking = items["https://buurthuisdigitaal.example.be/?p=807"]  # "agenda": the category compared without case
    assert banking.kind == "event" and banking.start_utc == datetime(2026, 3, 17, 9, 0, tzinfo=UTC)
    looking_back = items["https://buurthuisdigitaal.example.be/?p=799"]  # a date in a news post's text: still news
    assert looking_back.kind == "news" and looking_back.start_utc is None
    [undated] = rejections  # an event announced without its date: rejected saying so, as in a source of events
    assert (undated.key, undated.reason) == ("https://buurthuisdigitaal.example.be/?p=795", "missing_start")
    assert ("1 of 3 items filed under Agenda carry no event date (ev:startdate, xCal dtstart) and no date written in "
            "their title or description: they are rejected as missing_start") in result.warnings


def test_without_event_categories_a_mixed_blog_is_all_news(normalised):
    _, items, rejections = normalised("rss", MIXED_BLOG, content="mixed", language="nl",
                                      source=mixed_blog_source(event_categories=None))
    assert rejections == [] and {item.kind for item in items.values()} == {"news"}


def test_event_categories_that_no_post_is_filed_under_are_named_in_a_warning(normalised):
    result, items, _ = normalised("rss", MIXED_BLOG, content="mixed", language="nl",
                                  source=mixed_blog_source(event_categories=["Evenementen"]))
    assert {item.kind for item in items.values()} == {"news"}
    assert ("no item is filed under Evenementen (event_categories), so none is read as an event; the feed's "
            "categories: Agenda, Digicafé, Nieuws, agenda") in result.warnings
