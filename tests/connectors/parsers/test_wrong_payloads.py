"""Payloads that are not what the source promises: HTML pages served with status 200, cut-off documents."""
from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from connectors.http import FetchRequest, HttpSettings, fetch_all_sync
from connectors.parsers.common import html_page_instead_of
from tests.connectors.parsers.conftest import fixture_bytes, run


def served(server: HTTPServer, kind: str, name: str, content_type: str) -> tuple[bytes, str | None]:
    server.expect_request(f"/{name}").respond_with_data(fixture_bytes(kind, name), status=200, content_type=content_type)
    [result] = fetch_all_sync([FetchRequest("hub", "agenda", server.url_for(f"/{name}"), force=True)], HttpSettings(retries=0))
    assert result.ok and result.body is not None
    return result.body, result.content_type


@pytest.mark.parametrize("content_type", ["application/rss+xml", "text/html; charset=utf-8"])
def test_an_error_page_served_as_the_rss_feed_is_named_as_such(httpserver, content_type):
    body, served_type = served(httpserver, "rss", "error_page_200.html", content_type)
    result = run("rss", body, content_type=served_type)
    assert result.items == [] and result.rejections == []
    assert result.error is not None
    assert "not an RSS or Atom feed but an HTML page titled '503 Service Unavailable'" in result.error


def test_a_login_page_served_as_the_calendar_is_named_as_such(httpserver):
    body, served_type = served(httpserver, "ical", "login_page.html", "text/calendar")
    result = run("ical", body, content_type=served_type)
    assert result.items == [] and result.error is not None
    assert "not an iCalendar file but an HTML page titled 'Aanmelden – Buurtlab intranet'" in result.error


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
    b"<feed xmlns='http://www.w3.org/2005/Atom'><title>html</title></feed>",
    b"BEGIN:VCALENDAR\r\nX-WR-CALNAME:<html>\r\nEND:VCALENDAR\r\n",
])
def test_feeds_are_not_taken_for_html_pages(body):
    assert html_page_instead_of(body, "a feed") is None


def test_a_cut_off_feed_keeps_its_whole_items_and_accounts_for_the_cut_one(normalised):
    result, items, rejections = normalised("rss", "rss20_truncated.xml", language="nl")
    assert result.error is None
    assert [i.title["nl"] for i in items.values()] == ["Hackathon open data", "Nieuwe lesreeks Python"]
    [warning] = result.warnings
    assert "not well-formed XML" in warning and "3 entries recovered" in warning
    [cut] = rejections  # the third item lost its title in the cut: rejected, not silently dropped
    assert (cut.reason, cut.field, cut.partner_id, cut.source_id) == ("missing_title", "title", "hub", "agenda")
    assert "entry 3" in cut.message and "cut off" in cut.message  # the partner learns why it has no title


def test_a_calendar_read_as_an_rss_source_says_which_kind_to_write(httpserver):
    # It failed with "malformed XML at line 2: syntax error", which does not tell a newcomer the kind is wrong.
    body, served_type = served(httpserver, "rss", "calendar_instead_of_feed.ics", "text/calendar; charset=utf-8")
    result = run("rss", body, content_type=served_type)
    assert result.items == [] and result.error is not None
    assert "is an iCalendar file, not an RSS or Atom feed" in result.error and "kind: ical" in result.error


@pytest.mark.parametrize("name", ["feed_instead_of_calendar.atom", "feed_instead_of_calendar.xml"])
def test_a_feed_read_as_an_ical_source_says_which_kind_to_write_without_quoting_the_feed(httpserver, name):
    # It failed with icalendar's "Content line could not be parsed into parts: '<?xml …" quoting the whole feed.
    body, served_type = served(httpserver, "ical", name, "application/xml")
    result = run("ical", body, content_type=served_type)
    assert result.items == [] and result.error is not None
    assert "is an RSS or Atom feed, not an iCalendar file" in result.error and "kind: rss" in result.error
    assert len(result.error) < 300


def test_an_unreadable_calendar_line_is_quoted_short(parse_bytes):
    result = parse_bytes("ical", b"BEGIN:VCALENDAR\r\n" + b"x" * 5000 + b"\r\nEND:VCALENDAR\r\n")
    assert result.error is not None and result.error.startswith("not a readable iCalendar file") and len(result.error) < 400
