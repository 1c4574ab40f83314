"""RSS and Atom: fields, keys, encodings and broken feeds."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from transforms.model import RawLocation


def test_rss20_fields(parse):
    result = parse("rss", "rss20_full.xml")
    assert result.error is None and result.rejections == [] and result.warnings == []
    [item] = result.items
    assert (item.partner_id, item.source_id, item.key) == ("hub", "agenda", "hub-2026-0042")
    assert item.title == "Atelier IA pour PME"
    assert item.url == "https://hub.example.be/agenda/atelier-ia"
    # content:encoded wins over description, left unsanitised; description stays the summary
    assert item.description_html == "<p>Un atelier <strong>pratique</strong> sur l'IA.</p>"
    assert item.summary == "Un atelier <b>pratique</b>."
    assert item.published == datetime(2026, 3, 3, 8, 15, tzinfo=UTC)
    assert item.updated is None  # not feedparser's fallback to the published date
    assert item.categories == ["IA", "PME"]
    assert item.image_url == "https://hub.example.be/img/ia-thumb.jpg"  # thumbnail before enclosure
    assert item.language == "fr"  # the channel's, borne out by the item's French (test_rss_shapes: feed-wide language)
    assert item.start is None and item.kind is None  # an RSS item says nothing about being an event
    assert item.excerpt.startswith("<item>") and "hub-2026-0042" in item.excerpt


def test_key_falls_back_to_link_then_to_a_hash(parse):
    result = parse("rss", "rss20_keys.xml", base_url="https://keys.example.be/feed.xml")
    by_link, by_nothing = result.items
    assert by_link.key == by_link.url == "https://keys.example.be/news/by-link"  # resolved against base_url
    assert by_nothing.key.startswith("hash:")
    assert parse("rss", "rss20_keys.xml").items[1].key == by_nothing.key  # stable across runs
    [rejection] = result.rejections
    assert (rejection.reason, rejection.field, rejection.stage) == ("missing_title", "title", "parse")
    assert (rejection.partner_id, rejection.source_id) == ("hub", "agenda")
    assert "Neither a title nor a link" in rejection.excerpt


def test_duplicate_guid_keeps_the_first(parse):
    result = parse("rss", "rss20_duplicate_guid.xml")
    assert [i.title for i in result.items] == ["First"]
    [rejection] = result.rejections
    assert (rejection.reason, rejection.key) == ("duplicate_key", "same-guid")
    assert "Second" in rejection.excerpt
    assert "'same-guid' was already used" in rejection.message


def test_namesakes_without_id_link_or_date_are_told_apart_by_their_text(parse):
    # Same title, different texts: two items (they were keyed by title and date alone, and the second was rejected).
    # Word-for-word twins are still one item: test_rss_shapes.test_sessions_without_id_link_or_date_…
    result = parse("rss", "rss20_twins_without_ids.xml")
    assert [i.title for i in result.items] == ["Repair Café digitaal", "Repair Café digitaal", "Codeclub voor kinderen"]
    assert result.rejections == [] and all(item.key.startswith("hash:") for item in result.items)
    assert len({item.key for item in result.items}) == 3
    assert parse("rss", "rss20_twins_without_ids.xml").items[1].key == result.items[1].key  # stable across runs


def test_unreadable_date_is_passed_on_as_text(parse):
    [item] = parse("rss", "rss20_unreadable_date.xml").items
    assert item.published == "mardi prochain"


def test_rss091(parse):
    [item] = parse("rss", "rss091.xml").items
    assert (item.title, item.language, item.key) == ("Nieuwsbrief maart", "nl", "https://old.example.be/nieuws/maart")
    assert item.description_html == "De nieuwsbrief van maart."


def test_rss10_event_module(parse):
    result = parse("rss", "rss10_event_module.rdf")
    [item] = result.items
    assert item.key == "https://events.example.be/e/meetup"  # rdf:about
    assert item.start == "2026-03-10T18:30:00+01:00" and item.end == "2026-03-10T21:00:00+01:00"
    assert item.location == RawLocation(text="BeCentral, Cantersteen 12, 1000 Bruxelles")
    assert item.updated == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)  # dc:date
    assert item.categories == ["open data"]
    assert item.language == "en"  # the channel's, borne out by the item's English


def test_atom_relative_xml_base_is_resolved_against_the_feed_url(parse):
    result = parse("rss", "atom_xml_base.xml", base_url="https://blog.example.be/feed.atom")
    [item] = result.items
    assert item.key == "tag:blog.example.be,2026:subsidie"
    assert item.url == "https://blog.example.be/nl/blog/nieuwe-subsidie"
    assert item.image_url == "https://blog.example.be/nl/blog/img/cover.jpg"
    # links inside are resolved against the xml:base in scope (the normaliser resolves the others against the item URL)
    assert item.description_html == '<p>Lang <a href="https://blog.example.be/nl/blog/meer">meer</a></p>'
    assert item.summary == "Kort."
    assert item.published == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert item.language is None  # the feed's xml:lang is a default, not the entry's own


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("latin1_declared.xml", None),
        ("latin1_declared.xml", "application/rss+xml"),
        ("latin1_content_type_only.xml", "application/rss+xml; charset=ISO-8859-1"),
        ("latin1_content_type_only.xml", "text/xml; charset=iso-8859-1"),
    ],
)
def test_latin1_is_decoded(parse, name, content_type):
    result = parse("rss", name, content_type=content_type)
    [item] = result.items
    assert item.title == "Soirée à Bruxelles"
    assert item.description_html == "Geëngageerd en généreux"
    assert result.warnings == []


def test_recovered_entries_come_with_a_warning(parse):
    result = parse("rss", "bozo_recovered.xml")
    assert result.error is None
    assert [i.title for i in result.items] == ["Fish & chips night", "Second"]
    [warning] = result.warnings
    assert "not well-formed" in warning and "line 7" in warning and "2 entries recovered" in warning


def test_malformed_feed_without_entries_is_an_error(parse):
    result = parse("rss", "broken_no_entries.xml")
    assert result.items == []
    assert result.error is not None
    assert "malformed XML at line 6" in result.error and "mismatched tag" in result.error


def test_html_page_is_an_error(parse):
    result = parse("rss", "not_a_feed.html", content_type="text/html; charset=utf-8")
    assert result.items == [] and result.error is not None and "not an RSS or Atom feed" in result.error


def test_feed_without_entries_is_neither_error_nor_warning(parse):
    result = parse("rss", "empty_channel.xml", content_type="application/rss+xml")
    assert (result.items, result.rejections, result.error, result.warnings) == ([], [], None, [])
