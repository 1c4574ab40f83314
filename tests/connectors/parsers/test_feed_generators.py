"""Feeds as real generators write them (JSON Feed, Substack, Medium, Blogger, CORDIS, Luma, iCloud, Zoom/Teams
invitations…), served on 127.0.0.1 and read as a run reads them: what the portal shows, and what a partner reads
when the source cannot be read as written.

Each case is one fixture under fixtures/rss/ or fixtures/ical/, named after its generator.
"""
from __future__ import annotations

from datetime import UTC, datetime

import yaml
from pytest_httpserver import HTTPServer

from connectors.crawl import crawl_job, fetch_everything_sync
from connectors.http import HttpSettings
from connectors.parsers import parse_pages
from connectors.registry import JsonApiSource
from tests.connectors.parsers.conftest import run
from tests.connectors.parsers.test_wrong_payloads import served
from transforms.normalise import SourceContext, normalise_all

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
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
