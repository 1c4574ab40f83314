"""JSON APIs of the demo ecosystem, answered per request.

- `wp_events`: a WordPress "The Events Calendar" REST API (/wp-json/tribe/events/v1/events): `per_page`
  (default 10, at most 100), `page`, `start_date`; without `start_date` only today's events come back,
  as the real plugin does; `next_rest_url` in the body leads to the next page.
- `eu_search`: a funding-and-tenders-style search API: POST only, `apiKey`, `pageSize`, `pageNumber`
  in the query and an optional JSON body; metadata values are lists; deadlines are a date plus
  "17:00 Brussels time"; the `status` codes lag behind the dates on purpose.
"""
from __future__ import annotations

import html
import json
import math
import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from demo.loader import BRUSSELS, Feed, PartnerContent, stable_number
from demo.render.common import Entry, Rendered

JSON = "application/json; charset=UTF-8"
FORTHCOMING, OPEN, CLOSED = "31094501", "31094502", "31094503"
DEMO_API_KEY = "SEDIA"


def _json(value: Any, status: int = 200) -> Rendered:
    return Rendered(json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8"), JSON, status)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _wall(value: datetime | date, end_of_day: bool = False) -> str:
    if isinstance(value, datetime):
        return value.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M:%S")
    return f"{value.isoformat()} {'23:59:59' if end_of_day else '00:00:00'}"


def _utc(value: datetime | date) -> str:
    moment = value if isinstance(value, datetime) else datetime.combine(value, time(0, 0), tzinfo=BRUSSELS)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _cost(entry: Entry) -> str:
    if entry.price is None:
        return ""
    return "Gratuit" if entry.price == 0 else f"{entry.price:g} €"


def wp_event(entry: Entry, partner: PartnerContent, api_url: str) -> dict[str, Any]:
    """One event as The Events Calendar's REST API writes it."""
    number = int(stable_number(partner.id, entry.id, digits=5))
    start = entry.start
    end = entry.end or start
    published = entry.published if isinstance(entry.published, datetime) else datetime.now(BRUSSELS)
    venue: Any = []
    if entry.place:
        venue = {"id": int(stable_number(entry.place.line(), digits=4)), "venue": entry.place.name,
                 "address": entry.place.street, "city": entry.place.locality, "zip": entry.place.postcode,
                 "country": "Belgique", "show_map": True}
    return {
        "id": number, "global_id": f"{partner.website.split('//')[-1]}?id={number}", "author": "3", "status": "publish",
        "date": _wall(published), "date_utc": _utc(published), "modified": _wall(published + timedelta(hours=5)),
        "modified_utc": _utc(published + timedelta(hours=5)), "url": entry.url, "rest_url": f"{api_url}/{number}",
        "title": entry.title or "", "description": entry.description_html, "excerpt": f"<p>{html.escape(entry.summary or '')}</p>",
        "slug": entry.id, "image": {"url": entry.image_url} if entry.image_url else False,
        "all_day": entry.all_day, "start_date": _wall(start), "end_date": _wall(end, end_of_day=True),
        "utc_start_date": _utc(start), "utc_end_date": _utc(end), "timezone": "Europe/Brussels",
        "cost": _cost(entry), "cost_details": {"currency_symbol": "€", "currency_code": "EUR",
                                               "values": [] if entry.price is None else [f"{entry.price:g}"]},
        "website": entry.registration_url or "", "show_map": bool(venue), "featured": False, "sticky": False,
        "categories": [{"name": c, "slug": _slug(c), "id": int(stable_number(c, digits=3))} for c in entry.categories],
        "tags": [], "venue": venue, "organizer": [{"organizer": entry.organizer}] if entry.organizer else [],
    }


def render_wp_events(partner: PartnerContent, feed: Feed, entries: list[Entry], base_url: str, today: date,
                     query: dict[str, str]) -> Rendered:
    api_url = f"{base_url}/{partner.id}/{feed.path}"
    try:
        per_page = int(query.get("per_page", 10))
        page = int(query.get("page", 1))
        start_date = date.fromisoformat(query["start_date"][:10]) if query.get("start_date") else None
    except ValueError as exc:
        return _json({"code": "rest_invalid_param", "message": f"Invalid parameter(s): {exc}", "data": {"status": 400}}, 400)
    per_page = max(1, min(per_page, 100))  # the plugin caps per_page at 100 without a word
    dated = [e for e in entries if _day(e.start) is not None]
    if start_date is None:  # the plugin's default: today's events only
        chosen = [e for e in dated if _day(e.start) == today]
    else:
        chosen = [e for e in dated if _day(e.end or e.start) >= start_date]
    chosen.sort(key=lambda e: (_utc(e.start), e.id))
    total_pages = math.ceil(len(chosen) / per_page)
    if page < 1 or (total_pages and page > total_pages):
        return _json({"code": "rest_event_invalid_page_number", "message": "The page number requested is larger than "
                      "the number of pages available.", "data": {"status": 400}}, 400)
    body: dict[str, Any] = {"events": [wp_event(e, partner, api_url) for e in chosen[(page - 1) * per_page: page * per_page]]}
    body["rest_url"] = f"{api_url}?{urlencode({**query, 'page': page})}"
    if page < total_pages:
        body["next_rest_url"] = f"{api_url}?{urlencode({**query, 'page': page + 1})}"
    if page > 1:
        body["previous_rest_url"] = f"{api_url}?{urlencode({**query, 'page': page - 1})}"
    body["total"], body["total_pages"] = len(chosen), total_pages
    return _json(body)


def call_status(entry: Entry, today: date) -> str:
    """What the API's status code says: from the dates, unless the content makes it lag on purpose."""
    stale = entry.raw.get("stale_status")
    if stale:
        return {"forthcoming": FORTHCOMING, "open": OPEN, "closed": CLOSED}[stale]
    opening, deadline = _day(entry.start), _day(entry.deadline)
    if opening and opening > today:
        return FORTHCOMING
    return CLOSED if deadline and deadline < today else OPEN


def eu_result(entry: Entry, partner: PartnerContent, today: date) -> dict[str, Any]:
    identifier = str(entry.raw.get("identifier") or entry.id.upper())
    opening = entry.start if isinstance(entry.start, datetime) else datetime.combine(entry.start or today, time(0, 0), tzinfo=BRUSSELS)
    deadline = entry.deadline
    metadata: dict[str, list[str]] = {
        "identifier": [identifier], "title": [entry.title or ""], "callIdentifier": [identifier.rsplit("-", 1)[0]],
        "startDate": [opening.strftime("%Y-%m-%dT%H:%M:%S.000%z")],
        "deadlineDate": [_day(deadline).isoformat()] if deadline else [],
        "deadlineTime": [f"{deadline.strftime('%H:%M')} Brussels time"] if isinstance(deadline, datetime) else ["17:00 Brussels time"],
        "status": [call_status(entry, today)], "programmePeriod": ["2021 - 2027"],
        "frameworkProgramme": [str(entry.raw.get("programme", "43152860"))], "keywords": list(entry.categories),
        "typesOfAction": [str(entry.raw.get("action", "DIGITAL-SME"))],
        "budget": [str(entry.raw.get("budget", ""))] if entry.raw.get("budget") else [],
    }
    return {
        "apiVersion": "2.133", "reference": f"{identifier}COMPETITIVE_CALLen", "url": f"{partner.website}/topic/{identifier}",
        "title": entry.title, "summary": entry.summary, "content": entry.summary, "language": "en",
        "databaseLabel": "SEDIA", "database": "SEDIA", "weight": 1.0, "metadata": metadata,
    }


def render_eu_search(partner: PartnerContent, feed: Feed, entries: list[Entry], today: date, query: dict[str, str],
                     method: str, body: bytes) -> Rendered:
    if method != "POST":
        return _json({"error": "Method Not Allowed", "message": "this search API answers POST requests only"}, 405)
    if query.get("apiKey") != DEMO_API_KEY:
        return _json({"error": "Unauthorized", "message": "missing or wrong apiKey"}, 401)
    try:
        request = json.loads(body or b"{}")
        size = max(1, min(int(query.get("pageSize", 50)), 100))
        number = int(query.get("pageNumber", 1))
    except ValueError as exc:
        return _json({"error": "Bad Request", "message": str(exc)}, 400)
    statuses = set(request.get("status") or []) if isinstance(request, dict) else set()
    results = [eu_result(e, partner, today) for e in entries]
    if statuses:
        results = [r for r in results if r["metadata"]["status"][0] in statuses]
    results.sort(key=lambda r: (r["metadata"]["deadlineDate"] or ["9999"])[0])
    return _json({"apiVersion": "2.133", "terms": "https://example.org/terms", "responseTime": 7,
                  "totalResults": len(results), "pageNumber": number, "pageSize": size, "sort": "deadlineDate:ASC",
                  "results": results[(number - 1) * size: number * size]})
