"""Render one feed of a partner's content into the bytes a partner's server would send."""
from __future__ import annotations

import re
from datetime import date

from demo.loader import Feed, PartnerContent
from demo.render.common import Rendered, entries, feed_url
from demo.render.feeds import render_atom, render_rss1, render_rss2
from demo.render.ical import render_ical
from demo.render.jsonld import render_jsonld

CONTENT_TYPES = {
    "rss2": "application/rss+xml",
    "rss1": "application/rdf+xml",
    "atom": "application/atom+xml",
    "ical": "text/calendar",
    "jsonld": "text/html",
}
ERROR_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head><body>\n"
    "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete "
    "your request.</p>\n<!-- Uncaught PDOException: SQLSTATE[HY000] [2002] Connection refused -->\n</body></html>\n"
)


def break_xml(body: bytes, tag: str = "description") -> bytes:
    """Deliberate mess: drop the closing tag of one element of the middle item (an unclosed tag halfway)."""
    text = body.decode("utf-8")
    closes = [m.start() for m in re.finditer(f"</{tag}>", text)]
    if not closes:
        return body
    middle = closes[len(closes) // 2]
    return (text[:middle] + text[middle + len(f"</{tag}>"):]).encode("utf-8")


def render_dynamic(partner: PartnerContent, feed: Feed, rest: str, base_url: str, today: date, *,
                   query: dict[str, str], method: str = "GET", body: bytes = b"") -> Rendered:
    """A page of a format answered per request (query string, POST body, detail pages below the feed)."""
    from demo.render.apis import render_eu_search, render_wp_events
    from demo.render.listings import render_drupal_calls, render_nl_listing

    items = entries(partner, feed, today)
    if feed.format == "wp_events" and not rest:
        return render_wp_events(partner, feed, items, base_url, today, query)
    if feed.format == "eu_search" and not rest:
        return render_eu_search(partner, feed, items, today, query, method, body)
    if feed.format == "drupal_calls":
        return render_drupal_calls(partner, feed, items, base_url, rest, query)
    if feed.format == "nl_listing" and not rest:
        return render_nl_listing(partner, feed, items, query)
    return Rendered(b"Not Found\n", "text/plain; charset=utf-8", 404)


def render_feed(partner: PartnerContent, feed: Feed, base_url: str, today: date) -> Rendered:
    if feed.format == "error":
        return Rendered(ERROR_PAGE.encode("utf-8"), "text/html; charset=utf-8", int(feed.options.get("status", 500)))
    url = feed_url(base_url, partner, feed)
    items = entries(partner, feed, today)
    encoding = str(feed.options.get("encoding", "utf-8"))
    if feed.format == "rss2":
        body = render_rss2(partner, feed, items, url, today, encoding=encoding)
    elif feed.format == "rss1":
        body = render_rss1(partner, feed, items, url, today)
    elif feed.format == "atom":
        body = render_atom(partner, feed, items, url, today)
    elif feed.format == "ical":
        body = render_ical(partner, feed, items, url, today)
    else:
        body = render_jsonld(partner, feed, items, url, today)
    if feed.options.get("mess") == "malformed":
        body = break_xml(body, str(feed.options.get("broken_tag", "description")))
    return Rendered(body, f"{CONTENT_TYPES[feed.format]}; charset={encoding}")


__all__ = ["Rendered", "render_dynamic", "render_feed", "break_xml", "CONTENT_TYPES"]
