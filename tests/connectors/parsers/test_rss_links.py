"""Relative links inside RSS and Atom texts, under an xml:base."""
from __future__ import annotations


def test_links_in_content_resolve_against_the_xml_base_in_scope(normalised):
    _, items, rejections = normalised("rss", "atom_xhtml_xml_base.xml", language="en")
    assert rejections == []
    day = items["urn:uuid:7d1c1a1e-1"]
    assert day.title == {"en": "Open data day"}  # xhtml title read as text
    assert day.url == "https://smartcity.example.be/blog/posts/open-data-day"
    description = day.description["en"]
    # against the base, not the entry's URL (which would give .../blog/posts/register)
    assert '<a href="https://smartcity.example.be/blog/register"' in description
    assert 'src="https://smartcity.example.be/blog/img/banner.png"' in description
    assert "<strong>open data</strong>" in description
    dutch = items["urn:uuid:7d1c1a1e-2"]  # an entry's own xml:base wins over the feed's
    assert '<a href="https://smartcity.example.be/nl/blog/inschrijven"' in next(iter(dutch.description.values()))


def test_without_xml_base_relative_links_are_left_to_the_normaliser(parse):
    result = parse("rss", "rss20_hostile_descriptions.xml")
    assert 'href="/inscription"' in (result.items[0].description_html or "")
