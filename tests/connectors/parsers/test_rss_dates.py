"""RSS and Atom dates that feedparser misreads: zone names, no zone, local names, impossible days."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

BASE = "https://buurtlab.example.be/a/"
READ_ON = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # the day after the posts of rss20_zone_names and atom_zone_names


@pytest.mark.parametrize(("path", "expected"), [
    ("cest", datetime(2026, 3, 4, 12, 0, tzinfo=UTC)),  # CEST is +02:00, as written (not read as UTC)
    ("cet", datetime(2026, 3, 4, 13, 0, tzinfo=UTC)),
    ("iso", datetime(2026, 3, 4, 13, 0, tzinfo=UTC)),  # no zone: Brussels wall time, not UTC
    ("rfc", datetime(2026, 3, 4, 13, 0, tzinfo=UTC)),
    ("offset", datetime(2026, 3, 4, 13, 0, tzinfo=UTC)),
    ("iana", datetime(2026, 3, 4, 13, 0, tzinfo=UTC)),  # a zone name feedparser ignores: the source's zone
    ("nl", datetime(2026, 3, 4, 13, 0, tzinfo=UTC)),  # "Wo, 04 Mrt 2026"
    ("fr", datetime(2026, 3, 4, 13, 0, tzinfo=UTC)),  # "mer., 04 mars 2026"
])
def test_publication_times_are_the_instants_the_feed_means(normalised, path, expected):
    _, items, _ = normalised("rss", "rss20_zone_names.xml", language="nl", now=READ_ON)
    assert items[BASE + path].published_utc == expected


@pytest.mark.parametrize("fast", [True, False])
def test_only_dates_feedparser_reads_right_are_taken_from_it(fast):
    from connectors.parsers import rss
    from connectors.parsers.common import Origin
    from tests.connectors.parsers.conftest import fixture_bytes

    body = fixture_bytes("rss", "rss20_zone_names.xml")
    result = rss.parse(body, Origin("hub", "agenda", "https://hub.example.be/"), content_type=None, fast=fast)
    published = {item.url.rsplit("/", 1)[-1]: item.published for item in result.items}
    assert published["offset"] == datetime(2026, 3, 4, 13, 0, tzinfo=UTC)  # the common case keeps feedparser's value
    assert published["cest"] == "Wed, 04 Mar 2026 14:00:00 CEST"  # the others go on as text for the normaliser
    assert published["iso"] == "2026-03-04T14:00:00"
    assert published["feb30"] == "2026-02-30T10:00:00+01:00"  # not feedparser's 2 March


def test_impossible_days_are_rejected_naming_field_and_reason(normalised):
    _, items, rejections = normalised("rss", "rss20_zone_names.xml", language="nl", now=READ_ON)
    assert BASE + "feb30" not in items and BASE + "m13" not in items
    by_key = {r.key: r for r in rejections}
    feb30, month13 = by_key[BASE + "feb30"], by_key[BASE + "m13"]
    assert (feb30.partner_id, feb30.source_id, feb30.reason, feb30.field) == ("hub", "agenda", "invalid_date", "published")
    assert "February 2026 has no day 30" in feb30.message
    assert "there is no month 13" in month13.message
    assert len(items) + len(rejections) == 10  # every item accounted for


def test_atom_floating_and_impossible_times(normalised):
    _, items, rejections = normalised("rss", "atom_zone_names.xml", language="en", now=READ_ON)
    assert items["urn:uuid:5f0c0a64-1"].published_utc == datetime(2026, 3, 4, 13, 0, tzinfo=UTC)
    [rejection] = rejections
    assert (rejection.key, rejection.field) == ("urn:uuid:5f0c0a64-2", "published")
    assert "April 2026 has no day 31" in rejection.message


def test_a_news_item_dated_in_the_future_is_kept_dated_by_when_it_was_first_seen(normalised, now):
    # A year typed wrong (2027) kept the post first among the news for a year.
    result, items, rejections = normalised("rss", "rss20_news_dated_in_the_future.xml", content="news", language="nl")
    assert rejections == []
    typo = items["https://digitaalhuis.example.be/?p=1204"]
    assert typo.kind == "news" and typo.published_utc is None  # the agenda dates it by its first_seen
    [warning] = [w for w in result.warnings if "after this fetch" in w]
    assert warning.startswith("hub/agenda: 1 news item(s) dated more than a day after this fetch")
    assert "'https://digitaalhuis.example.be/?p=1204' (2027-02-27 11:00)" in warning  # its date, Brussels time


def test_a_news_item_less_than_a_day_ahead_keeps_its_date(normalised):
    # Local time labelled GMT, a server clock ahead: hours, not a wrong date.
    _, items, _ = normalised("rss", "rss20_news_dated_in_the_future.xml", content="news", language="nl")
    assert items["https://digitaalhuis.example.be/?p=1203"].published_utc == datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
    assert items["https://digitaalhuis.example.be/?p=1198"].published_utc == datetime(2026, 2, 23, 8, 30, tzinfo=UTC)

