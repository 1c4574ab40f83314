"""Relative links inside RSS and Atom texts, under an xml:base."""
from __future__ import annotations

import pytest

from connectors.parsers import rss
from connectors.parsers.common import Origin
from tests.connectors.parsers.conftest import fixture_bytes


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


FEED_PROXY = "https://feeds.example.net/labnum"  # where the feed is served: not the site's host


@pytest.mark.parametrize("fast", [True, False])
def test_relative_links_of_an_rss_feed_resolve_against_its_channel_link(fast):
    # As feed readers do: a feed served from another host (a feed proxy, a CDN) links to its site's pages.
    body = fixture_bytes("rss", "rss20_relative_links_channel_link.xml")
    items = rss.parse(body, Origin("labnum", "news", FEED_PROXY), content_type="application/rss+xml", fast=fast).items
    workshop, report = items
    assert workshop.url == "https://www.labnum.example.be/fr/actualites/atelier-reparation"
    assert workshop.image_url == "https://www.labnum.example.be/media/atelier-reparation.jpg"
    assert report.url == "https://www.labnum.example.be/fr/publications/rapport-2025"  # a path relative to the site's /fr/
    assert report.key == "/fr/publications/rapport-2025"  # the guid stays the key written


def test_links_inside_a_text_resolve_against_the_item_s_page_on_the_site(normalised):
    _, items, rejections = normalised("rss", "rss20_relative_links_channel_link.xml", content="news", base_url=FEED_PROXY)
    assert rejections == []
    workshop = items["labnum-news-481"]
    assert workshop.url == "https://www.labnum.example.be/fr/actualites/atelier-reparation"
    assert 'href="https://www.labnum.example.be/fr/benevoles"' in workshop.description["fr"]


@pytest.mark.parametrize("fast", [True, False])
def test_an_xml_base_wins_over_the_channel_link(fast):
    body = fixture_bytes("rss", "rss20_xml_base_beside_channel_link.xml")
    [item] = rss.parse(body, Origin("ecole", "news", FEED_PROXY), content_type=None, fast=fast).items
    assert item.url == "https://www.ecoledigitale.example.be/fr/actualites/inscriptions-printemps"
    assert 'href="https://www.ecoledigitale.example.be/fr/inscription"' in item.description_html


def test_an_atom_feed_s_relative_links_still_resolve_against_the_feed_s_url():
    # RFC 4287 resolves against the document's URL when no xml:base is in scope; an Atom feed's alternate link
    # is no base.
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Lab</title><id>urn:lab</id>'
            b'<link href="https://www.labnum.example.be/fr/"/><updated>2026-02-24T09:00:00Z</updated>'
            b'<entry><title>Atelier</title><id>urn:lab:1</id><link href="actualites/atelier"/>'
            b'<updated>2026-02-24T09:00:00Z</updated></entry></feed>')
    for fast in (True, False):
        [item] = rss.parse(body, Origin("labnum", "news", f"{FEED_PROXY}/"), content_type=None, fast=fast).items
        assert item.url == "https://feeds.example.net/labnum/actualites/atelier"
