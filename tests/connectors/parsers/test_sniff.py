"""A source that read nothing is told what its payload is: the kind to set, or the feeds a page advertises."""
from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from connectors.http import FetchRequest, HttpSettings, fetch_all_sync
from connectors.parsers.sniff import advertised_feeds, kind_hint, payload_kind
from tests.connectors.parsers.conftest import run

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261210T173000Z\r\nSUMMARY:A\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
RSS = (b'<?xml version="1.0" encoding="utf-8"?>\n<!-- generator="WordPress/6.4" -->\n'
       b'<rss version="2.0"><channel><title>Lab</title><item><title>A</title><link>https://lab.example.org/a</link>'
       b"</item></channel></rss>")
HOME = b"""<!DOCTYPE html><html lang="fr"><head><title>Lab</title>
<link rel="alternate" type="application/rss+xml" title="Flux" href="/feed/">
<link rel="alternate" type="application/atom+xml" href="https://lab.example.org/atom.xml">
<link rel="alternate" type="text/calendar" href="agenda.ics">
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="stylesheet" type="text/css" href="/style.css">
<link rel="alternate" hreflang="nl" href="/nl/">
</head><body><h1>Lab</h1></body></html>"""
PAGE_WITH_JSONLD = (b'<html><head><script type="application/ld+json">{"@type": "Organization", "name": "Lab"}</script>'
                    b"</head><body></body></html>")


@pytest.mark.parametrize(("body", "kind"), [
    (ICS, "ical"),
    (b"\xef\xbb\xbf" + ICS, "ical"),
    (RSS, "rss"),
    (b"<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title></feed>", "rss"),
    (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', "rss"),
    (b'  {"data": []}', "json"),
    (b"[1, 2]", "json"),
    (HOME, "html"),
    (PAGE_WITH_JSONLD, "jsonld"),
    (b"a,b\n1,2\n", None),
    ("BEGIN:VCALENDAR".encode("utf-16"), None),
])
def test_a_payload_is_recognised_by_its_first_bytes(body: bytes, kind: str | None) -> None:
    assert payload_kind(body) == kind


def test_a_page_advertises_its_feeds_once_each_with_absolute_urls() -> None:
    assert advertised_feeds(HOME, "https://lab.example.org/fr/") == [
        ("rss", "https://lab.example.org/feed/"),
        ("rss", "https://lab.example.org/atom.xml"),
        ("ical", "https://lab.example.org/fr/agenda.ics"),
    ]


@pytest.mark.parametrize(("kind", "body", "hint"), [
    ("rss", ICS, "the payload is an iCalendar file: set kind: ical"),
    ("ical", RSS, "the payload is an RSS or Atom feed: set kind: rss"),
    ("rss", b'{"events": []}', "the payload is JSON: set kind: json_api (with a field mapping)"),
    ("ical", PAGE_WITH_JSONLD, "the payload is a web page with schema.org JSON-LD: set kind: jsonld, or html with CSS selectors"),
    ("jsonld", HOME, "the page advertises its feeds: https://lab.example.org/feed/ (kind: rss); "
                     "https://lab.example.org/atom.xml (kind: rss); https://lab.example.org/agenda.ics (kind: ical)"),
])
def test_the_hint_names_what_to_set(kind: str, body: bytes, hint: str) -> None:
    assert kind_hint(kind, body, "https://lab.example.org/") == hint


@pytest.mark.parametrize(("kind", "body"), [
    ("rss", RSS),  # a feed read by the right kind: nothing to say (an empty one is empty)
    ("json_api", b'{"data": []}'),
    ("html", PAGE_WITH_JSONLD),  # JSON-LD about the site itself makes no page a jsonld source
    ("jsonld", b"<html><body>nothing</body></html>"),
    ("rss", b"a,b\n1,2\n"),
])
def test_no_hint_when_the_kind_is_right_or_nothing_better_is_known(kind: str, body: bytes) -> None:
    assert kind_hint(kind, body, "https://lab.example.org/") is None


def _served(server: HTTPServer, body: bytes, content_type: str) -> tuple[bytes, str | None]:
    server.expect_request("/agenda").respond_with_data(body, status=200, content_type=content_type)
    [result] = fetch_all_sync([FetchRequest("lab", "agenda", server.url_for("/agenda"), force=True)], HttpSettings(retries=0))
    assert result.ok and result.body is not None
    return result.body, result.content_type


def test_a_calendar_configured_as_rss_fails_saying_to_set_kind_ical_once(httpserver: HTTPServer) -> None:
    body, content_type = _served(httpserver, ICS, "text/calendar")
    result = run("rss", body, content_type=content_type)
    assert result.items == [] and result.error is not None
    assert result.error.endswith("the payload is an iCalendar file, not an RSS or Atom feed: write kind: ical for this source")
    assert result.error.count("kind: ical") == 1 and not any("kind" in w for w in result.warnings)


def test_a_home_page_configured_as_rss_fails_naming_the_feeds_it_advertises(httpserver: HTTPServer) -> None:
    body, content_type = _served(httpserver, HOME, "text/html; charset=utf-8")
    result = run("rss", body, content_type=content_type, base_url="https://lab.example.org/")
    assert result.error is not None and "not an RSS or Atom feed but an HTML page titled 'Lab'" in result.error
    assert result.error.endswith("(the page advertises its feeds: https://lab.example.org/feed/ (kind: rss); "
                                 "https://lab.example.org/atom.xml (kind: rss); https://lab.example.org/agenda.ics (kind: ical))")


def test_a_home_page_configured_as_jsonld_is_warned_with_its_feeds(httpserver: HTTPServer) -> None:
    body, content_type = _served(httpserver, HOME, "text/html; charset=utf-8")
    result = run("jsonld", body, content_type=content_type, base_url="https://lab.example.org/")
    assert result.items == [] and result.error is None
    assert any(w.startswith("the page advertises its feeds: https://lab.example.org/feed/ (kind: rss)") for w in result.warnings)


def test_a_feed_read_by_its_kind_gets_no_hint(httpserver: HTTPServer) -> None:
    body, content_type = _served(httpserver, RSS, "application/rss+xml")
    result = run("rss", body, content_type=content_type)
    assert len(result.items) == 1 and result.error is None
    assert not any("set kind" in w for w in result.warnings)
