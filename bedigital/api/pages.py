"""The agenda page and the item pages: server-rendered HTML in French, Dutch and English."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal, Optional
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse

from bedigital.api.labels import LANGUAGE_NAMES, PAGE_FACETS, UI, long_date
from bedigital.api.languages import from_accept_language, label, localise
from bedigital.api.queries import ItemQuery, select_items
from bedigital.api.routes_api import SnapshotDep, find_document
from warehouse.documents import DISPLAY_TZ, parse_instant
from warehouse.snapshot import fold

PageLang = Literal["fr", "nl", "en"]
EVENTS_SHOWN, CALLS_SHOWN, NEWS_SHOWN = 100, 50, 20

templates = jinja2.Environment(
    loader=jinja2.PackageLoader("bedigital.api", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

router = APIRouter(include_in_schema=False)


def page_language(lang: str | None, request: Request) -> str:
    return lang or from_accept_language(request.headers.get("accept-language"))


def local_day(document: dict[str, Any]) -> date | None:
    """The Brussels day an event starts on."""
    if document.get("start_date"):
        return date.fromisoformat(document["start_date"])
    start = parse_instant(document.get("start"))
    return start.astimezone(DISPLAY_TZ).date() if start else None


def when_text(document: dict[str, Any], lang: str) -> str:
    """An item's dates and times, written out in `lang` (Brussels time)."""
    words = UI[lang]
    if document["all_day"]:
        first = date.fromisoformat(document["start_date"]) if document.get("start_date") else None
        last = date.fromisoformat(document["end_date"]) if document.get("end_date") else first
        if first is None:
            return ""
        if last and last != first:
            return f"{long_date(first, lang)} {words['until']} {long_date(last, lang)}"
        return f"{long_date(first, lang)}, {words['all_day']}"
    start = parse_instant(document.get("start"))
    if start is None:
        return ""
    start = start.astimezone(DISPLAY_TZ)
    text = f"{long_date(start.date(), lang)}, {start:%H:%M}"
    end = parse_instant(document.get("end"))
    if end:
        end = end.astimezone(DISPLAY_TZ)
        text += f"–{end:%H:%M}" if end.date() == start.date() else f" {words['until']} {long_date(end.date(), lang)}, {end:%H:%M}"
    return text


def instant_text(value: str | None, lang: str) -> str:
    moment = parse_instant(value)
    if moment is None:
        return ""
    moment = moment.astimezone(DISPLAY_TZ)
    return f"{long_date(moment.date(), lang)}, {moment:%H:%M}"


def place_text(document: dict[str, Any]) -> str:
    location = document.get("location") or {}
    parts = [location.get("venue"), location.get("street"),
             " ".join(p for p in (location.get("postcode"), location.get("municipality")) if p)]
    return ", ".join(p for p in parts if p)


def category_labels(snapshot, document: dict[str, Any], lang: str) -> list[str]:
    labels = {f"{facet['facet']}:{c['slug']}": c["label"] for facet in snapshot.taxonomy for c in facet["categories"]}
    shown = []
    for facet, slugs in (document.get("categories") or {}).items():
        for slug in slugs:
            known = labels.get(f"{facet}:{slug}")
            shown.append(label(known, lang) if known else slug)
    return shown


def facet_options(snapshot, facet: str, lang: str) -> list[tuple[str, str]]:
    """(value, label) of a facet's categories: the taxonomy's, then any other an item carries."""
    options = []
    for entry in snapshot.taxonomy:
        if entry["facet"] == facet:
            options = [(c["slug"], label(c["label"], lang)) for c in entry["categories"]]
    listed = {value for value, _ in options}
    extra = sorted(q.split(":", 1)[1] for q in snapshot.known_categories.values() if q.startswith(f"{facet}:"))
    options += [(slug, slug) for slug in dict.fromkeys(extra) if slug not in listed]
    return options


def card(snapshot, document: dict[str, Any], lang: str) -> dict[str, Any]:
    shown = localise(document, lang)
    return {
        "id": document["id"], "kind": document["kind"], "status": document["status"],
        "title": shown["title"] or "", "title_lang": shown["text_languages"]["title"],
        "summary": shown["summary"] or "", "summary_lang": shown["text_languages"]["summary"],
        "when": when_text(document, lang), "place": place_text(document),
        "deadline": instant_text(document.get("deadline"), lang), "deadline_iso": document.get("deadline_local"),
        "start_iso": document.get("start_local") or document.get("start_date"),
        "published": instant_text(document.get("published") or document.get("first_seen"), lang),
        "online": (document.get("location") or {}).get("attendance_mode") in ("online", "hybrid"),
        "free": (document.get("price") or {}).get("is_free"),
        "categories": category_labels(snapshot, document, lang),
    }


def _filters(snapshot, theme: str | None, format: str | None, audience: str | None) -> list[str]:
    """The chosen facet values as facet:slug; values no item or taxonomy knows are dropped, not errors."""
    chosen = []
    for facet, value in (("theme", theme), ("format", format), ("audience", audience)):
        if value and f"{facet}:{value}" in snapshot.known_categories:
            chosen.append(f"{facet}:{value}")
    return chosen


@router.get("/", response_class=HTMLResponse)
def agenda_page(
    request: Request, snapshot: SnapshotDep,
    lang: Annotated[Optional[PageLang], Query()] = None,
    theme: Annotated[Optional[str], Query(max_length=100)] = None,
    format: Annotated[Optional[str], Query(max_length=100)] = None,
    audience: Annotated[Optional[str], Query(max_length=100)] = None,
    municipality: Annotated[Optional[str], Query(max_length=100)] = None,
    free: Annotated[Optional[bool], Query()] = None,
    online: Annotated[Optional[bool], Query()] = None,
) -> HTMLResponse:
    language = page_language(lang, request)
    now = datetime.now(timezone.utc)
    common = dict(
        categories=_filters(snapshot, theme, format, audience), match_all=True,
        municipalities=[fold(municipality)] if municipality else [],
        attendance=["online", "hybrid"] if online else [], free=True if free else None,
    )
    index = snapshot.index
    events = select_items(index, ItemQuery(kinds=["event"], start=now, sort="start", limit=EVENTS_SHOWN, **common), now=now)
    calls = select_items(index, ItemQuery(kinds=["call"], open_calls=True, sort="deadline", limit=CALLS_SHOWN, **common), now=now)
    news = select_items(index, ItemQuery(kinds=["news"], sort="published", limit=NEWS_SHOWN, **common), now=now)
    days: dict[date | None, list[dict[str, Any]]] = {}
    for raw in events.documents:
        document = json.loads(raw)
        days.setdefault(local_day(document), []).append(card(snapshot, document, language))
    chosen = {"theme": theme, "format": format, "audience": audience, "municipality": municipality,
              "free": "true" if free else None, "online": "true" if online else None}
    kept = {k: v for k, v in chosen.items() if v}
    html = templates.get_template("agenda.html").render(
        lang=language, t=UI[language], languages=LANGUAGE_NAMES,
        switch_urls={code: "/?" + urlencode({**kept, "lang": code}) for code in LANGUAGE_NAMES},
        facets=[(facet, UI[language][facet], facet_options(snapshot, facet, language)) for facet in PAGE_FACETS],
        municipalities=snapshot.municipalities, chosen=chosen,
        days=[(long_date(day, language) if day else "", day.isoformat() if day else "", cards)
              for day, cards in days.items()],
        calls=[card(snapshot, json.loads(d), language) for d in calls.documents],
        news=[card(snapshot, json.loads(d), language) for d in news.documents],
    )
    return HTMLResponse(html, headers={"Vary": "Accept-Language"})


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(
    request: Request, snapshot: SnapshotDep,
    item_id: Annotated[str, PathParam(min_length=1, max_length=100)],
    lang: Annotated[Optional[PageLang], Query()] = None,
) -> HTMLResponse:
    language = page_language(lang, request)
    try:
        document = find_document(snapshot, item_id)
    except HTTPException as exc:
        html = templates.get_template("not_found.html").render(lang=language, t=UI[language], message=exc.detail)
        return HTMLResponse(html, status_code=404)
    shown = localise(document, language)
    partners = [{"id": pid, "name": label((snapshot.partners.get(pid) or {}).get("name") or {}, language) or pid,
                 "report_url": f"/partners/{pid}"} for pid in document["partners"]]
    html = templates.get_template("item.html").render(
        lang=language, t=UI[language], languages=LANGUAGE_NAMES,
        switch_urls={code: f"/items/{item_id}?" + urlencode({"lang": code}) for code in LANGUAGE_NAMES},
        item=card(snapshot, document, language), document=document, shown=shown, partners=partners,
        calendar_url=f"/v1/items/{item_id}/calendar.ics?" + urlencode({"lang": language}),
        price=document.get("price") or {},
    )
    return HTMLResponse(html, headers={"Vary": "Accept-Language"})
