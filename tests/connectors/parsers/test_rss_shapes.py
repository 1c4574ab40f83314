"""RSS, Atom and RSS 1.0 shapes real generators write (WordPress, Drupal, Blogger, Mailchimp, …), one fixture each
under fixtures/rss/: the items as the portal shows them, and the reason a partner reads when one is not kept."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter

from connectors.parsers import rss
from connectors.parsers.common import Origin
from connectors.registry import Source
from tests.connectors.parsers.conftest import fixture_bytes, normalised_fixture


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


def test_guids_that_are_not_web_addresses_do_not_become_links(parse):
    # <guid>evt-77</guid> without isPermaLink="false" is a permalink by the RSS spec, so readers take it as the link:
    # it became https://hub.example.be/agenda/evt-77, a page that does not exist.
    result = parse("rss", "rss20_guids_that_are_not_links.xml")
    by_key = {item.key: item for item in result.items}
    assert by_key["evt-77"].url is None  # the partner's website stands in on the portal
    assert by_key["https://biblio-stgilles.example.be/animations/atelier-cv"].url == (
        "https://biblio-stgilles.example.be/animations/atelier-cv")


def test_atom_ids_that_are_not_web_addresses_do_not_become_links():
    # An entry with a urn:uuid id and no link was rejected as invalid_url ('urn:uuid:…' is not a web address).
    _, items, rejections = normalised_fixture("rss", "atom_ids_that_are_not_links.xml", content="event",
                                              source=source("event"))
    assert rejections == []
    conference = items["urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6c"]
    assert conference.url == "https://hub.example.be/" and conference.canonical_url is None
    assert conference.start_utc == datetime(2026, 3, 17, 17, 30, tzinfo=UTC)
    assert items["tag:smartcitylab.example.be,2026:balade"].url == "https://smartcitylab.example.be/agenda/balade"


def test_sessions_without_id_link_or_date_are_told_apart_by_their_text():
    # Keyed by title and date alone, the second week's session was rejected as a duplicate of the first.
    _, items, rejections = normalised_fixture("rss", "rss20_recurring_sessions_without_ids.xml", content="event",
                                              source=source("event"))
    assert sorted(item.start_utc for item in items.values()) == [
        datetime(2026, 3, 12, 13, 0, tzinfo=UTC), datetime(2026, 3, 19, 13, 0, tzinfo=UTC)]
    [twin] = rejections  # the third item repeats the second word for word: a true duplicate
    assert twin.reason == "duplicate_key" and "'Permanence numérique' has no id or link" in twin.message


def test_an_atom_entry_links_to_its_page_in_its_own_language(parse):
    # With one alternate per language, the last one written was taken: the English entry linked to the Dutch page.
    links = {item.title: item.url for item in parse("rss", "atom_alternates_by_language.xml").items}
    assert links == {
        "Accessibility info session": "https://smartcitylab.example.be/en/agenda/accessibility-session",
        "Infosessie digitale toegankelijkheid": "https://smartcitylab.example.be/nl/agenda/infosessie-toegankelijkheid",
        "Barrierefreiheit": "https://smartcitylab.example.be/fr/agenda/session-accessibilite",  # none in German: the first
    }


def test_an_unsubscribe_link_is_no_registration_link(normalised):
    # "Se désinscrire" holds "inscri": a newsletter's footer link was published as the place to register.
    _, items, rejections = normalised("rss", "mailchimp_campaign_archive.xml", content="news")
    assert rejections == []
    newsletter = items["https://us5.campaign-archive.example.com/?u=a1b2c3d4e5&id=1a2b3c4d5e"]
    assert newsletter.registration_url is None
    digital_day = items["https://us5.campaign-archive.example.com/?u=a1b2c3d4e5&id=9f8e7d6c5b"]
    assert digital_day.registration_url == "https://hub.example.be/digital-day/inscription"


def test_items_dated_only_by_their_update_time_are_dated_by_it(normalised):
    # RSS 1.0's dc:date and an Atom entry's lone <updated> are read as the update time; with no publication time,
    # the agenda dated the news by the day it first saw it: a 2024 report showed as this week's news.
    _, items, _ = normalised("rss", "rss10_dc_date_only.rdf", content="news", language="nl")
    assert items["https://vgc-digitaal.example.be/nieuws/2"].published_utc == datetime(2024, 5, 1, 22, 0, tzinfo=UTC)
    assert items["https://vgc-digitaal.example.be/nieuws/1"].published_utc == datetime(2026, 2, 24, 9, 0, tzinfo=UTC)
    _, releases, _ = normalised("rss", "atom_updated_only.xml", content="news", language="en")
    old = releases["tag:github.com,2008:Repository/123456/v1.0.0"]
    assert old.published_utc == old.updated_utc == datetime(2023, 6, 1, 7, 0, tzinfo=UTC)


def test_event_dates_in_xcal_elements_are_read():
    # xCal's dtstart/dtend/location were ignored: every item of such a feed was rejected as missing_start.
    _, items, rejections = normalised_fixture("rss", "rss20_xcal_dates.xml", content="event", language="en",
                                              source=source("event", "en"))
    assert rejections == []
    webinar = items["https://ict-agenda.example.be/e/webinar"]
    assert (webinar.start_utc, webinar.end_utc) == (
        datetime(2026, 3, 10, 14, 0, tzinfo=UTC), datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    day = items["https://ict-agenda.example.be/e/oss-day"]  # another prefix of the same namespace; a date: all day
    assert (day.all_day, day.start_date) == (True, datetime(2026, 3, 14).date()) and day.venue.startswith("BeCentral")
    assert items["https://ict-agenda.example.be/e/meetup"].start_utc == datetime(2026, 3, 19, 17, 30, tzinfo=UTC)


def test_the_wordpress_seo_footer_is_left_out_of_summaries_and_descriptions(normalised):
    # "The post … appeared first on …" (Yoast SEO's RSS footer, in the site's language) ended every summary.
    _, items, _ = normalised("rss", "wordpress_yoast_footer.xml", content="news")
    post = "https://digitalmolenbeek.example.be/?p="
    texts = {key: (next(iter(item.summary.values())), next(iter(item.description.values()))) for key, item in items.items()}
    assert texts[post + "4790"] == ("Plus de 400 participants cette année…",
                                    "<p>Plus de 400 participants cette année, 32 activités.</p>")
    assert texts[post + "4791"] == ("Meer dan 400 deelnemers.", "<p>Meer dan 400 deelnemers.</p>")
    assert texts[post + "4792"] == ("Over 400 people took part.", "<p>Over 400 people took part.</p>")
    assert "appeared first on" in texts[post + "4793"][0]  # a text that only quotes the words is kept whole


def test_a_feed_wide_language_is_a_default_not_the_language_of_every_item():
    # Squarespace writes <language>en-US</language> whatever the site's language: a French site's events were
    # labelled English (and the partner file's language ignored). Only an item's own declaration is taken as said.
    _, items, rejections = normalised_fixture("rss", "squarespace_default_language.xml", content="event",
                                              source=source("event"))
    assert rejections == []
    event = "5f2b7c1e8a9d3b0012345678:656"
    assert {key: item.languages for key, item in items.items()} == {
        event + "0a1b2c3d4e5f601234567": ["fr"], event + "0a1b2c3d4e5f601234568": ["nl"],
        event + "0a1b2c3d4e5f601234569": ["en"]}


_FR = ("Atelier d'initiation à l'intelligence artificielle", "Une matinée pour découvrir les outils d'intelligence "
       "artificielle utiles aux indépendants et aux petites entreprises bruxelloises, avec des démonstrations.")
_NL = ("Workshop artificiële intelligentie", "Een ochtend om de hulpmiddelen van artificiële intelligentie te ontdekken "
       "die nuttig zijn voor zelfstandigen en kleine Brusselse ondernemingen, met demonstraties.")


def _bilingual_feed(languages: str) -> bytes:
    items = "".join(f"<item><title>{_FR[0] if code == 'f' else _NL[0]} {n}</title><link>https://lab.example.be/{n}</link>"
                    f"<description>{_FR[1] if code == 'f' else _NL[1]}</description></item>"
                    for n, code in enumerate(languages))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Lab</title>'
            f"<link>https://lab.example.be/</link><language>fr-BE</language>{items}</channel></rss>").encode("utf-8")


@pytest.mark.parametrize(("languages", "declared"), [
    ("f" * 40, "fr"),  # the texts bear the channel's language out: every item is declared in it, none detected again
    ("ffffn" * 8, None),  # one item in five in Dutch: a sample finds it, and each item's language is detected
])
def test_a_feed_wide_language_is_believed_only_when_the_items_bear_it_out(languages: str, declared: str | None) -> None:
    result = rss.parse(_bilingual_feed(languages), Origin("lab", "news", "https://lab.example.be/feed"), content_type=None)
    assert len(result.items) == len(languages)
    assert {item.language for item in result.items} == {declared}


def test_an_atom_entry_in_another_language_than_its_feed_keeps_it(parse):
    result = parse("rss", "atom_alternates_by_language.xml")  # feed xml:lang="fr", entries xml:lang en, nl, de
    assert [item.language for item in result.items] == ["en", "nl", None]  # German: not one of the agenda's


def test_english_dates_written_month_first_are_read():
    # "Thursday, March 12, 2026 at 7:00 PM" was no date to the RSS reader: every such event was rejected.
    _, items, rejections = normalised_fixture("rss", "rss20_english_dates_month_first.xml", content="event",
                                              language="en", source=source("event", "en"))
    assert rejections == []
    assert items["https://pymeetup.example.be/events/42"].start_utc == datetime(2026, 3, 12, 18, 0, tzinfo=UTC)
    sprint = items["https://pymeetup.example.be/events/43"]
    assert (sprint.start_utc, sprint.end_utc) == (
        datetime(2026, 3, 21, 9, 0, tzinfo=UTC), datetime(2026, 3, 21, 16, 0, tzinfo=UTC))


def test_posts_without_a_title_take_their_first_sentence(normalised):
    # RSS 2.0 allows items with a description and no title (Mastodon, micro.blog): each was rejected as missing_title.
    _, items, rejections = normalised("rss", "mastodon_posts_without_titles.xml", content="news")
    assert rejections == []
    post = "https://mastodon.example.be/@digitalbrussels/11340000000000000"
    assert items[post + "1"].title == {"fr": "Les inscriptions au Digital Day sont ouvertes !"}
    # the post's text, not its image's caption (<media:description>, which feedparser made the content)
    assert items[post + "1"].description["fr"].startswith("<p>Les inscriptions au Digital Day sont ouvertes !")
    assert items[post + "1"].image_url == (
        "https://files.mastodon.example.be/media_attachments/files/113/400/original/banner.jpg")
    long_title = items[post + "2"].title["fr"]  # one long sentence: cut at a word, with an ellipsis
    assert long_title.startswith("Merci aux 120 participantes") and long_title.endswith("…") and len(long_title) <= 100


def test_tracking_pixels_are_left_out_of_descriptions(normalised):
    # A 1×1 image (Medium's stat, FeedBurner's ~r) stayed in the published description, its size attributes removed.
    _, items, _ = normalised("rss", "rss20_tracking_pixels.xml", content="news", language="en")
    story = items["https://medium.com/p/7c1d2e3f4a5b"].description["en"]
    assert "_/stat" not in story and "1*abc.png" in story  # the real image stays
    assert "feedburner" not in items["https://medium.example.com/brussels-data-stories/open-data-day"].description["en"]


def test_links_typed_without_their_scheme_are_web_addresses(normalised):
    # "www.site.be/…" was resolved as a path under the feed's URL: https://hub.example.be/agenda/www.site.be/…
    _, items, rejections = normalised("rss", "rss20_links_without_scheme.xml", content="news")
    assert rejections == []
    tablet = items["mq-101"]
    assert tablet.url == "https://www.maisondequartier.example.be/fr/agenda/atelier-tablette"
    assert 'href="https://www.maisondequartier.example.be/fr/inscription"' in tablet.description["fr"]
    assert items["mq-102"].url == "https://hub.example.be/fr/agenda/cafe-numerique"  # a path stays a path


@pytest.mark.parametrize("fast", [True, False])
def test_links_in_atom_content_resolve_against_the_content_s_own_xml_base(fast):
    # WordPress's Atom feed sets xml:base on each <content> (the post's URL); its relative links were resolved
    # against the feed's xml:base instead: "inschrijven/" under the site's root.
    body = fixture_bytes("rss", "atom_content_xml_base.xml")
    [item] = rss.parse(body, Origin("hub", "agenda", "https://hub.example.be/feed"), content_type=None, fast=fast).items
    post = "https://buurtwerk.example.be/2026/02/digicafe-maart/"
    assert f'href="{post}inschrijven/"' in item.description_html
    assert 'src="https://buurtwerk.example.be/wp-content/uploads/2026/11/digicafe.jpg"' in item.description_html
