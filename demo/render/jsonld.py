"""HTML agenda pages carrying schema.org Event data in <script type="application/ld+json">.

Layouts (feed option `layout`): `itemlist` (one ItemList of ListItems), `graph` (one @graph
with the Organization and the events), `scripts` (one script element per event).
"""
from __future__ import annotations

import html
import json
from datetime import date
from typing import Any

from demo.loader import Feed, PartnerContent, text
from demo.render.common import Entry, iso, plain

SCHEMA = "https://schema.org/"
MODES = {"in-person": "OfflineEventAttendanceMode", "online": "OnlineEventAttendanceMode", "hybrid": "MixedEventAttendanceMode"}
STATUSES = {"scheduled": "EventScheduled", "cancelled": "EventCancelled", "postponed": "EventPostponed"}
EVENT_TYPES = {"workshop": "EducationEvent", "training": "EducationEvent", "conference": "BusinessEvent",
               "networking": "BusinessEvent", "hackathon": "Hackathon", "open-day": "Event", "webinar": "Event"}


def _place(entry: Entry) -> dict[str, Any] | list[dict[str, Any]] | None:
    locations: list[dict[str, Any]] = []
    if entry.place:
        address = {"@type": "PostalAddress", "streetAddress": entry.place.street, "postalCode": entry.place.postcode,
                   "addressLocality": entry.place.locality, "addressRegion": "Bruxelles-Capitale" if entry.language == "fr"
                   else "Brussels Hoofdstedelijk Gewest" if entry.language == "nl" else "Brussels-Capital Region",
                   "addressCountry": entry.place.country}
        locations.append({"@type": "Place", "name": entry.place.name,
                          "address": {k: v for k, v in address.items() if v is not None}})
    if entry.online_url:
        locations.append({"@type": "VirtualLocation", "url": entry.online_url})
    if not locations:
        return None
    return locations[0] if len(locations) == 1 else locations


def event_object(partner: PartnerContent, entry: Entry, page_url: str) -> dict[str, Any]:
    kind = (entry.raw.get("type") or "").lower()
    obj: dict[str, Any] = {"@type": EVENT_TYPES.get(kind, "Event"), "@id": f"{entry.url}#event"}
    if entry.title is not None:
        obj["name"] = entry.title
    obj["description"] = plain(entry.description_html)
    obj["url"] = entry.url
    obj["inLanguage"] = entry.language
    if entry.start is not None:
        obj["startDate"] = iso(entry.start)
    if entry.end is not None:
        obj["endDate"] = iso(entry.end)
    if entry.mode:
        obj["eventAttendanceMode"] = SCHEMA + MODES[entry.mode]
    obj["eventStatus"] = SCHEMA + STATUSES.get(entry.status, "EventScheduled")
    location = _place(entry)
    if location is not None:
        obj["location"] = location
    if entry.price is not None:
        obj["isAccessibleForFree"] = entry.price == 0
        obj["offers"] = {"@type": "Offer", "price": f"{entry.price:.2f}", "priceCurrency": entry.currency,
                         "url": entry.registration_url or entry.url, "availability": SCHEMA + "InStock"}
    if entry.image_url:
        obj["image"] = entry.image_url
    if entry.categories:
        obj["keywords"] = ", ".join(entry.categories)
    obj["organizer"] = {"@type": "Organization", "name": entry.organizer, "url": partner.website}
    return obj


def _script(data: dict[str, Any]) -> str:
    payload = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{payload}\n</script>'


def render_jsonld(partner: PartnerContent, feed: Feed, entries: list[Entry], url: str, today: date) -> bytes:
    lang = feed.language
    layout = feed.options.get("layout", "itemlist")
    events = [event_object(partner, e, url) for e in entries]
    organisation = {"@type": "Organization", "@id": f"{partner.website}/#org", "name": text(partner.name, lang),
                    "url": partner.website}
    if layout == "graph":
        scripts = [_script({"@context": "https://schema.org", "@graph": [organisation, *events]})]
    elif layout == "scripts":
        scripts = [_script({"@context": "https://schema.org", **event}) for event in events]
    else:
        scripts = [_script({"@context": "https://schema.org", "@type": "ItemList", "name": text(feed.title, lang),
                            "url": url, "numberOfItems": len(events),
                            "itemListElement": [{"@type": "ListItem", "position": i + 1, "item": event}
                                                for i, event in enumerate(events)]})]
    title = html.escape(text(feed.title, lang) or "")
    cards = []
    for entry in entries:
        when = html.escape(iso(entry.start) or "")
        name = html.escape(entry.title or "")
        cards.append(f'    <li class="event"><a href="{html.escape(entry.url)}">{name}</a> '
                     f'<time datetime="{when}">{when}</time></li>')
    page = "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '  <meta charset="utf-8">',
        f"  <title>{title} — {html.escape(text(partner.name, lang) or '')}</title>",
        f'  <link rel="canonical" href="{html.escape(url)}">',
        *scripts,
        "</head>",
        "<body>",
        f"  <h1>{title}</h1>",
        "  <ul>",
        *cards,
        "  </ul>",
        "</body>",
        "</html>",
        "",
    ])
    return page.encode("utf-8")
