"""`/embed` (the agenda in a partner's iframe), `/embed/embed.js` (the same by a script tag) and `/embed/badge.svg`.

The embed reads the published snapshot the way the API does. It sets no cookie, loads nothing
from elsewhere, escapes every text, and may be framed only by the origins configured.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated, Any, Literal, Optional, Sequence
from urllib.parse import urlencode

import jinja2
from markupsafe import escape
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from bedigital.api.languages import from_accept_language
from bedigital.api.pages import card
from bedigital.api.queries import ItemQuery, select_items
from bedigital.api.routes_api import SnapshotDep
from bedigital.api.snapshot_reader import Snapshot
from bedigital.embed.assets import EMBED_JS, RESIZE_SCRIPT, STYLE
from bedigital.embed.badge import badge_svg
from bedigital.embed.labels import UI
from bedigital.embed.security import badge_policy, embed_policy, origins_from_env, parse_origins

Lang = Literal["fr", "nl", "en"]
Kind = Literal["event", "call", "news"]
DEFAULT_LIMIT, MAX_LIMIT = 6, 20
SAFETY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}

templates = jinja2.Environment(
    loader=jinja2.PackageLoader("bedigital.embed", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


class InvalidFilter(ValueError):
    """A filter names a theme, audience or partner the agenda does not know."""


def _categories(snapshot: Snapshot, theme: str | None, audience: str | None) -> list[str]:
    chosen = []
    for facet, value in (("theme", theme), ("audience", audience)):
        if value is None:
            continue
        if f"{facet}:{value}" not in snapshot.known_categories:
            known = sorted(q.split(":", 1)[1] for q in snapshot.known_categories.values() if q.startswith(f"{facet}:"))
            raise InvalidFilter(f"{facet}: unknown {facet} {value!r}; known: {', '.join(dict.fromkeys(known))}")
        chosen.append(f"{facet}:{value}")
    return chosen


def _sections(snapshot: Snapshot, *, kinds: Sequence[str], categories: list[str], partners: list[str], limit: int,
              lang: str) -> list[tuple[str, str, list[dict[str, Any]]]]:
    now = datetime.now(timezone.utc)
    common = dict(categories=categories, match_all=True, partners=partners, limit=limit)
    queries = {
        "event": ItemQuery(kinds=["event"], start=now, sort="start", **common),
        "call": ItemQuery(kinds=["call"], open_calls=True, sort="deadline", **common),
        "news": ItemQuery(kinds=["news"], sort="published", **common),
    }
    headings = {"event": ("events", UI[lang]["events"]), "call": ("calls", UI[lang]["calls"]),
                "news": ("news", UI[lang]["news"])}
    sections = []
    for kind in kinds:
        page = select_items(snapshot.index, queries[kind], now=now)
        cards = [card(snapshot, json.loads(document), lang) for document in page.documents]
        sections.append((*headings[kind], cards))
    return sections


def _with_links(sections, base: str, lang: str):
    for _, _, cards in sections:
        for c in cards:
            c["url"] = f"{base}/items/{c['id']}?{urlencode({'lang': lang})}"
    return sections


def build_embed_router(frame_ancestors: Sequence[str] | None = None) -> APIRouter:
    """The embed routes; framing allowed to `frame_ancestors` (default: $BEDIGITAL_EMBED_ORIGINS) besides our own origin."""
    ancestors = parse_origins(frame_ancestors) if frame_ancestors is not None else origins_from_env()
    policy = embed_policy(ancestors, style=STYLE, script=RESIZE_SCRIPT)
    router = APIRouter(tags=["embed"], include_in_schema=False)

    @router.get("/embed", response_class=HTMLResponse)
    def embed_page(
        request: Request, snapshot: SnapshotDep,
        theme: Annotated[Optional[str], Query(max_length=100)] = None,
        audience: Annotated[Optional[str], Query(max_length=100)] = None,
        partner: Annotated[Optional[list[str]], Query(max_length=100)] = None,
        kind: Annotated[Optional[Kind], Query()] = None,
        lang: Annotated[Optional[Lang], Query()] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    ) -> Response:
        language = lang or from_accept_language(request.headers.get("accept-language"))
        headers = {**SAFETY_HEADERS, "Content-Security-Policy": policy, "Vary": "Accept-Language"}
        partners = list(dict.fromkeys(partner or []))
        try:
            categories = _categories(snapshot, theme, audience)
            unknown = [p for p in partners if p not in snapshot.partners]
            if unknown:
                raise InvalidFilter(f"partner: unknown partner {unknown[0]!r}")
        except InvalidFilter as exc:
            body = f'<!doctype html><html lang="{language}"><meta charset="utf-8"><title>{UI[language]["invalid"]}</title>' \
                   f'<p>{escape(str(exc))}</p></html>'
            return HTMLResponse(body, status_code=422, headers=headers)
        base = str(request.base_url).rstrip("/")
        kinds = [kind] if kind else ["event", "call", "news"]
        sections = _with_links(_sections(snapshot, kinds=kinds, categories=categories, partners=partners, limit=limit,
                                         lang=language), base, language)
        agenda_filters = {k: v for k, v in (("theme", theme), ("audience", audience)) if v}
        html = templates.get_template("embed.html").render(
            lang=language, t=UI[language], style=STYLE, script=RESIZE_SCRIPT, sections=sections,
            full_url=f"{base}/?{urlencode({**agenda_filters, 'lang': language})}",
        )
        return HTMLResponse(html, headers=headers)

    @router.get("/embed/embed.js")
    def embed_script() -> Response:
        return Response(EMBED_JS, media_type="text/javascript; charset=utf-8",
                        headers={**SAFETY_HEADERS, "Cache-Control": "public, max-age=3600",
                                 "Cross-Origin-Resource-Policy": "cross-origin"})

    @router.get("/embed/badge.svg")
    def badge(request: Request, lang: Annotated[Optional[Lang], Query()] = None) -> Response:
        language = lang or from_accept_language(request.headers.get("accept-language"))
        return Response(badge_svg(language), media_type="image/svg+xml",
                        headers={**SAFETY_HEADERS, "Content-Security-Policy": badge_policy(), "Vary": "Accept-Language",
                                 "Cache-Control": "public, max-age=86400", "Cross-Origin-Resource-Policy": "cross-origin"})

    return router
