"""Feeds whose bytes are UTF-8 but whose label (HTTP header, XML declaration, meta charset) says
Windows-1252 or Latin-1: read as UTF-8 with a warning, never as mojibake. Served on 127.0.0.1."""
from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from connectors.http import FetchRequest, HttpSettings, fetch_all_sync
from connectors.parsers import ParseResult
from connectors.parsers.common import utf8_mislabelled
from tests.connectors.parsers.conftest import fixture_bytes, run

MOJIBAKE = ("Ã", "â€")


def fetched_and_parsed(server: HTTPServer, kind: str, name: str, content_type: str) -> ParseResult:
    """The fixture served with `content_type`, fetched by the HTTP layer and parsed as ingestion does."""
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request(f"/{name}").respond_with_data(fixture_bytes(kind, name), content_type=content_type)
    request = FetchRequest("hub", "agenda", server.url_for(f"/{name}"), force=True, check_robots=kind == "jsonld")
    [result] = fetch_all_sync([request], HttpSettings(retries=0))
    assert result.ok and result.body is not None, result.error
    return run(kind, result.body, base_url=result.final_url or request.url, content_type=result.content_type)


def titles(result: ParseResult) -> list[str]:
    return [item.title or "" for item in result.items]


@pytest.mark.parametrize("content_type", ["application/rss+xml; charset=windows-1252", "text/xml; charset=ISO-8859-1"])
def test_rss_with_a_wrong_charset_in_the_http_header(httpserver, content_type):
    result = fetched_and_parsed(httpserver, "rss", "rss20_utf8_body.xml", content_type)
    assert titles(result) == ["Café numérique – « découverte » à Saint-Gilles"]
    assert result.items[0].summary == "Réservé aux bénévoles — entrée 5 € ; l’accueil commence à 17h30."
    assert any("labelled" in w and "UTF-8" in w for w in result.warnings)


@pytest.mark.parametrize("fast", [True, False])
def test_rss_with_a_wrong_xml_declaration(fast):
    from connectors.parsers import rss
    from connectors.parsers.common import Origin

    body = fixture_bytes("rss", "rss20_utf8_declared_windows1252.xml")
    result = rss.parse(body, Origin("hub", "agenda", "https://hub.example.be/"), content_type="application/rss+xml", fast=fast)
    assert titles(result) == ["Café numérique – « découverte » à Saint-Gilles"]
    assert result.warnings[0] == "feed is labelled windows-1252 but its bytes are UTF-8; it was read as UTF-8"
    assert not any(m in result.items[0].excerpt for m in MOJIBAKE)


def test_real_windows1252_feeds_are_still_read_as_windows1252(httpserver):
    result = fetched_and_parsed(httpserver, "rss", "rss20_windows1252.xml", "application/rss+xml; charset=windows-1252")
    assert titles(result) == ["Café numérique – « découverte » à Saint-Gilles"]
    assert not any("labelled" in w for w in result.warnings)


def test_ical_with_a_wrong_charset_in_the_http_header(httpserver):
    result = fetched_and_parsed(httpserver, "ical", "utf8_events.ics", "text/calendar; charset=windows-1252")
    assert titles(result) == ["Soirée réseau – café & démo"]
    assert result.warnings == ["calendar is labelled windows-1252 but its bytes are UTF-8; it was read as UTF-8"]


def test_jsonld_page_with_a_wrong_meta_charset(httpserver):
    result = fetched_and_parsed(httpserver, "jsonld", "utf8_meta_latin1.html", "text/html")
    assert titles(result) == ["Atelier d’impression 3D à Forest"]
    assert "page is labelled iso-8859-1 but its bytes are UTF-8; it was read as UTF-8" in result.warnings


@pytest.mark.parametrize(("body", "declared", "expected"), [
    ("Café".encode(), "windows-1252", True),
    ("Café".encode(), "latin-1", True),
    ("Café".encode("cp1252"), "windows-1252", False),  # really Windows-1252
    (b"Cafe", "windows-1252", False),  # ASCII reads the same either way
    ("Café".encode(), "utf-8", False),
    ("Café".encode(), "shift_jis", False),  # not a charset we second-guess
    ("Café".encode(), "no-such-charset", False),
    ("Café".encode(), None, False),
])
def test_utf8_mislabelled(body, declared, expected):
    assert utf8_mislabelled(body, declared) is expected


def test_html_kind_pages_with_a_wrong_charset_are_read_as_utf8():
    from connectors.pages import Page, PageRequest
    from connectors.parsers.html import decode

    body = '<html><head><meta charset="windows-1252"></head><body><h2>Café numérique</h2></body></html>'.encode()
    assert "Café numérique" in decode(Page(PageRequest("https://hub.example.be/agenda"), body, content_type="text/html"))
    header = Page(PageRequest("https://hub.example.be/agenda"), body, content_type="text/html; charset=iso-8859-1")
    assert "Café numérique" in decode(header)


@pytest.mark.parametrize("fast", [True, False])
def test_one_stray_windows1252_byte_does_not_garble_a_utf8_feed(fast):
    from connectors.parsers import rss
    from connectors.parsers.common import Origin

    body = fixture_bytes("rss", "rss20_utf8_with_stray_windows1252.xml")
    result = rss.parse(body, Origin("hub", "agenda", "https://hub.example.be/"), content_type="application/rss+xml", fast=fast)
    assert titles(result) == ["Atelier CV – créer son profil", "Séance d’information ’", "Café emploi « numérique »"]
    assert [i.summary for i in result.items] == [
        "Réservé aux chercheurs d’emploi.", "Présentation des services numériques.", "Entrée libre."]
    [warning] = result.warnings
    assert warning.startswith("feed is not valid UTF-8 (from byte ") and "read as Windows-1252" in warning


def test_one_stray_windows1252_byte_does_not_garble_a_utf8_calendar(parse):
    result = parse("ical", "utf8_with_stray_windows1252.ics")
    assert titles(result) == ["Formation à la cybersécurité", "Séance d’accueil ’"]
    assert result.items[1].description_html == "Présentation générale."
    assert result.warnings == ["calendar is not valid UTF-8; read as Windows-1252"]


def test_one_stray_windows1252_byte_does_not_garble_a_utf8_page(parse):
    result = parse("jsonld", "utf8_with_stray_windows1252.html")
    assert titles(result) == ["Café numérique à Laeken", "Séance d’initiation ’"]
    assert any("not valid UTF-8" in w for w in result.warnings)
