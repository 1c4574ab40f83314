"""Feeds as real generators write them (JSON Feed, Substack, Medium, Blogger, CORDIS, Luma, iCloud, Zoom/Teams
invitations…), served on 127.0.0.1 and read as a run reads them: what the portal shows, and what a partner reads
when the source cannot be read as written.

Each case is one fixture under fixtures/rss/ or fixtures/ical/, named after its generator.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from pytest_httpserver import HTTPServer

from connectors.crawl import crawl_job, fetch_everything_sync
from connectors.http import HttpSettings
from connectors.parsers import parse_pages, rss
from connectors.parsers.common import Origin
from connectors.registry import JsonApiSource
from tests.connectors.parsers.conftest import fixture_bytes, run
from tests.connectors.parsers.test_wrong_payloads import served
from transforms.model import RawItem
from transforms.normalise import SourceContext, normalise_all

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BRUSSELS = ZoneInfo("Europe/Brussels")
FAST = HttpSettings(retries=0, backoff_s=0.01, deadline_s=5.0, respect_robots=False)


def test_a_json_feed_given_to_an_rss_source_fails_it_with_the_json_api_mapping_that_reads_it(httpserver: HTTPServer) -> None:
    # feedparser 6.0 reads RSS, RDF and Atom only: "the payload is JSON … a field mapping" left the partner to
    # work out a mapping for what its publisher calls a feed.
    body, content_type = served(httpserver, "rss", "json_feed_1_1.json", "application/feed+json")
    result = run("rss", body, content_type=content_type)
    assert result.items == [] and result.error is not None
    assert result.error.startswith("the payload is a JSON Feed (jsonfeed.org), which kind: rss does not read: "
                                   "read it with kind: json_api and {records: items, fields: {key: id, title: title,")


def test_the_mapping_the_json_feed_error_gives_reads_the_feed(httpserver: HTTPServer) -> None:
    body, _ = served(httpserver, "rss", "json_feed_1_1.json", "application/feed+json")
    advice = run("rss", body).error
    assert advice is not None
    mapping = yaml.safe_load(advice.split("json_api and ", 1)[1].split(" (see docs", 1)[0])
    source = JsonApiSource.model_validate({"id": "feed", "kind": "json_api", "url": httpserver.url_for("/json_feed_1_1.json"),
                                           "content": "news", "language": "fr", **mapping})
    _, [crawl] = fetch_everything_sync([], [crawl_job("makers", source, now=NOW, force=True)], FAST)
    parsed = parse_pages(source, crawl.pages, partner_id="makers", now=NOW)
    context = SourceContext(partner_id="makers", source_id="feed", content="news", language="fr",
                            fallback_url="https://makers.example.be/")
    items, rejections = normalise_all(parsed.items, context, now=NOW, warnings=parsed.warnings)
    assert rejections == [] and parsed.error is None
    first, second = sorted(items, key=lambda item: item.published_utc or NOW, reverse=True)
    assert first.title == {"fr": "Repair café numérique : bilan de février"}
    assert first.url == "https://makers.example.be/2026/02/repair-cafe"
    assert first.published_utc == datetime(2026, 2, 25, 17, 0, tzinfo=UTC)
    assert first.image_url == "https://makers.example.be/img/repair.jpg"
    assert first.source_categories == ["repair", "réemploi"]
    assert 'href="https://makers.example.be/lieux/forest"' in first.description["fr"]
    assert second.title == {"nl": "Fablab open op zaterdag"}  # the item's own language


def test_funding_and_tenders_calls_take_the_deadline_date_not_the_opening_date_announced_before_it(normalised) -> None:
    # "Status: Open for submission<br>Opening date: 15 January 2026<br>Deadline date: 16 April 2026 17:00:00
    # Brussels time": "submission" announced the opening date, and the call closed on the day it opened.
    _, items, rejections = normalised("rss", "funding_tenders_calls.xml", content="call", language="en")
    assert rejections == []
    deadlines = {key: item.deadline_utc for key, item in items.items()}
    assert deadlines["HORIZON-CL4-2026-DIGITAL-EMERGING-01-12"] == datetime(2026, 4, 16, 15, 0, tzinfo=UTC)
    assert deadlines["DIGITAL-2026-SKILLS-08"] == datetime(2026, 9, 2, 15, 0, tzinfo=UTC)  # the first stage's


def test_a_call_with_several_cut_off_dates_closes_at_the_next_one(normalised) -> None:
    # "Multiple cut-off: 04/03/2026, 06/05/2026, 01/10/2026": no deadline was read ("cut-off" announced none), and
    # the first date alone would close the call on 4 March with two cut-offs ahead.
    key = "HORIZON-EIC-2026-ACCELERATOR-01"
    _, items, _ = normalised("rss", "funding_tenders_calls.xml", content="call", language="en")
    assert items[key].deadline_utc is not None
    assert items[key].deadline_utc.astimezone(BRUSSELS).date() == date(2026, 3, 4)
    _, items, _ = normalised("rss", "funding_tenders_calls.xml", content="call", language="en",
                             now=datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    assert items[key].deadline_utc is not None
    assert items[key].deadline_utc.astimezone(BRUSSELS).date() == date(2026, 5, 6)


def test_zoom_invitations_lose_their_meeting_ids_passcodes_and_dial_ins_and_give_the_online_link(normalised) -> None:
    # Zoom's own export (METHOD:REQUEST, in French) is nothing but the invitation; a partner's text followed by the
    # pasted English invitation keeps its text. The passcodes and phone numbers ended every summary.
    _, items, rejections = normalised("ical", "zoom_invitations.ics", content="event")
    assert rejections == []
    exported, pasted = (items[key] for key in ("20260226T091500Z-87654321098@fe80:0:0:0:0:0:0:1",
                                                "20260226T091600Z-81112223334@fe80:0:0:0:0:0:0:1"))
    assert exported.summary == {} and exported.description == {}
    assert exported.online_url == "https://us02web.zoom.us/j/87654321098?pwd=Zk1abcXYZ"
    assert exported.attendance_mode == "online"
    assert pasted.summary == {"en": "Three Brussels founders tell how they financed their first app. Registration is free."}
    assert pasted.online_url == "https://us02web.zoom.us/j/81112223334?pwd=QWErty"
    assert exported.start_utc == datetime(2026, 3, 18, 11, 0, tzinfo=UTC)


def test_an_icloud_event_takes_its_venue_and_street_from_apples_structured_location(normalised) -> None:
    # Apple writes LOCATION on several lines and X-APPLE-STRUCTURED-LOCATION's X-TITLE and X-ADDRESS beside it:
    # read as one line, the venue was "Digitaal Buurthuis Hoogstraat 150 1000 Brussel Belgium".
    _, items, rejections = normalised("ical", "icloud_shared_calendar.ics", content="event", language="nl")
    assert rejections == []
    cafe = items["4F2A9B1C-8D3E-4A7B-9C1D-2E3F4A5B6C7D"]
    assert (cafe.venue, cafe.street, cafe.postcode, cafe.municipality) == (
        "Digitaal Buurthuis", "Hoogstraat 150", "1000", "brussels")
    assert cafe.start_utc == datetime(2026, 3, 14, 9, 0, tzinfo=UTC) and cafe.url == "https://buurthuis.example.be/computercafe"
    # Without the structured location, LOCATION's lines are parts of one place, not words of one line.
    repair = items["9E8D7C6B-5A4F-3E2D-1C0B-A9F8E7D6C5B4"]
    assert repair.venue == "Bibliotheek Sint-Gillis, Grondwetstraat 20, 1060 Sint-Gillis"
    assert repair.all_day and repair.start_date == repair.end_date == date(2026, 3, 21)


def test_a_medium_post_does_not_repeat_its_title_as_the_first_words_of_its_summary_and_text(normalised) -> None:
    # Medium's content:encoded opens with the title as an <h3>: the summary read "Open banking in Brussels: … Open
    # banking in Brussels: … PSD3 is coming", and the text showed the title twice.
    _, items, rejections = normalised("rss", "medium_title_heading.xml", content="news", language="en")
    assert rejections == []
    post = items["https://medium.com/p/4b2c9e1f7a3d"]
    assert post.title == {"en": "Open banking in Brussels: what PSD3 changes for local startups"}
    assert post.summary == {"en": "PSD3 is coming, and Brussels' thirty-odd payment startups are preparing. "
                                  "We spoke to five founders."}
    assert "<h3>" not in post.description["en"] and "medium.com/_/stat" not in post.description["en"]
    assert post.source_categories == ["fintech", "open-banking", "brussels"]


def test_hubspots_tracking_pixel_a_pixel_wide_with_its_height_in_a_style_is_left_out(normalised) -> None:
    # HubSpot ends each description with <img src="…/__ptq.gif?…" width="1" style="min-height:1px!important;…">:
    # without a height attribute it was not taken for a pixel, and stayed in the published text.
    _, items, rejections = normalised("rss", "hubspot_blog.xml", content="news", language="en")
    assert rejections == []
    text = items["https://blog.growth.example.be/5-digital-tools-brussels-sme-2026"].description["en"]
    assert "track.hubspot.com" not in text
    assert 'src="https://blog.growth.example.be/hubfs/tools.jpg"' in text  # the featured image stays


@pytest.mark.parametrize("fast", [True, False])
def test_a_post_shows_the_picture_of_its_text_rather_than_a_72_pixel_thumbnail_or_none(fast) -> None:
    # Blogger's media:thumbnail is a 72×72 crop ("s72-c") of the post's first image; Medium and HubSpot give their
    # picture in the text alone. The thumbnail, or no picture at all, was what the agenda showed.
    def read(name: str) -> list[RawItem]:
        return rss.parse(fixture_bytes("rss", name), Origin("hub", "blog", "https://hub.example.be/feed"),
                         content_type="application/atom+xml", fast=fast).items

    assert [item.image_url for item in read("blogger_atom.xml")] == [
        "https://blogger.googleusercontent.com/img/b/R29v/s320/atelier.jpg", None]
    [medium] = read("medium_title_heading.xml")
    assert medium.image_url == "https://cdn-images-1.medium.com/max/1024/1*xyz.jpeg"  # not the stat pixel after it
    [hubspot] = read("hubspot_blog.xml")
    assert hubspot.image_url == "https://blog.growth.example.be/hubfs/tools.jpg"


def test_a_small_thumbnail_is_the_picture_of_a_post_whose_text_has_none(parse_bytes) -> None:
    body = (fixture_bytes("rss", "blogger_atom.xml")
            .replace(b"&lt;img alt=", b"&lt;span alt=").replace(b"/s320/atelier.jpg\"/&gt;", b"/s320/atelier.jpg\"&gt;&lt;/span&gt;"))
    assert parse_bytes("rss", body).items[0].image_url == "https://blogger.googleusercontent.com/img/b/R29v/s72-c/atelier.jpg"


def test_funding_and_tenders_calls_open_on_the_opening_date_their_text_gives(normalised) -> None:
    # "Status: Forthcoming<br>Opening date: 12 March 2026": with no start, the call showed as open before it opened.
    _, items, _ = normalised("rss", "funding_tenders_calls.xml", content="call", language="en")
    forthcoming, opened = items["DIGITAL-2026-SKILLS-08"], items["HORIZON-CL4-2026-DIGITAL-EMERGING-01-12"]
    assert forthcoming.start_utc == datetime(2026, 3, 11, 23, 0, tzinfo=UTC)  # 12 March, 00:00 in Brussels
    assert forthcoming.start_utc > NOW and not forthcoming.all_day
    assert opened.start_utc == datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    assert items["HORIZON-EIC-2026-ACCELERATOR-01"].start_utc is None  # no opening written


def test_tasks_journal_entries_and_free_busy_blocks_beside_events_are_ignored(normalised) -> None:
    result, items, rejections = normalised("ical", "tasks_journal_freebusy_beside_events.ics", content="event")
    assert list(items) == ["evt-1@digitalcity.example.be"] and rejections == [] and result.error is None


def test_a_file_holding_two_calendars_is_read_whole(normalised) -> None:
    _, items, _ = normalised("ical", "two_vcalendar_blocks.ics", content="event")
    assert sorted(items) == ["a1@ville.example.be", "b1@ville.example.be"]


def test_a_luma_event_links_to_its_page_which_only_its_description_gives(normalised, parse_bytes) -> None:
    # Luma writes no URL property: its DESCRIPTION opens with "Get up-to-date information at: https://lu.ma/…". The
    # event linked to the partner's home page, and every summary began with that line.
    _, items, rejections = normalised("ical", "luma_calendar.ics", content="event", language="en")
    assert rejections == []
    night, online = items["evt-Ab12Cd34Ef56Gh7@events.lu.ma"], items["evt-Zz98Yy76Xx54Ww3@events.lu.ma"]
    assert night.url == "https://lu.ma/bxl-ai-march"
    assert night.summary["en"].startswith("Address: BeCentral, Cantersteen 12")
    assert night.start_utc == datetime(2026, 3, 12, 17, 30, tzinfo=UTC) and night.postcode == "1000"
    assert online.url == "https://lu.ma/prompt-hours" and online.attendance_mode == "online"
    assert online.online_url == "https://us06web.zoom.us/j/81234567890?pwd=abcDEF"
    # A first line giving a meeting link names no page: the text stays whole.
    meeting = parse_bytes("ical", fixture_bytes("ical", "luma_calendar.ics").replace(
        b"Get up-to-date information at: https://lu.ma/prompt-hours", b"Join on Zoom: https://us06web.zoom.us/j/1"))
    [item] = [raw for raw in meeting.items if raw.key == "evt-Zz98Yy76Xx54Ww3@events.lu.ma"]
    assert item.url is None or "zoom" not in item.url
    assert item.description_html is not None and item.description_html.startswith("Join on Zoom: https://us06web.zoom.us/j/1")


def test_a_substack_podcast_episode_shows_its_itunes_image_and_a_post_its_image_enclosure(normalised) -> None:
    # The episode's enclosure is its audio (no picture); its itunes:image was not read, and it showed none.
    _, items, rejections = normalised("rss", "substack_newsletter_and_podcast.xml", content="news", language="en")
    assert rejections == []
    post = items["https://brusselstech.substack.com/p/42-why-brussels-startups-are-hiring"]
    episode = items["https://brusselstech.substack.com/p/podcast-open-source-week"]
    assert post.image_url is not None and post.image_url.endswith("hiring.png")
    assert episode.image_url == "https://substack-post-media.s3.amazonaws.com/public/images/ep.jpg"
    assert episode.published_utc == datetime(2026, 2, 20, 6, 0, 10, tzinfo=UTC)
    assert 'href="https://brusselstech.substack.com/p/41"' in post.description["en"]
