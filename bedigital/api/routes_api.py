"""The read-only JSON API, versioned under /v1, plus /healthz and the export files."""
from __future__ import annotations

import json
import mimetypes
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Path as PathParam, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from bedigital.api import params, schemas
from bedigital.api.caching import body_etag
from bedigital.api.fast_path import BOOLEANS, FastPathRoute, canonical, fast_path
from bedigital.api.response_cache import ResponseCache
from bedigital.api.languages import as_jsonld, from_accept_language
from bedigital.api.queries import category_counts, removed_at, select_positions, select_tombstones
from bedigital.api.snapshot_reader import NoSnapshot, Snapshot, SnapshotStore
from warehouse.documents import utc_text
from warehouse.exports import agenda_ics

Lang = Literal["fr", "nl", "en", "all"]
JSON = "application/json"
JSONLD = "application/ld+json"
NOT_FOUND = {404: {"model": schemas.Problem, "description": "No such id."}}
INVALID = {422: {"model": schemas.Problem, "description": "A parameter is wrong; the message says which and why."}}
UNAVAILABLE = {503: {"model": schemas.Problem, "description": "Nothing has been published yet."}}
MEDIA_TYPES = {".json": JSON, ".jsonld": JSONLD, ".ics": "text/calendar; charset=utf-8",
               ".atom": "application/atom+xml", ".csv": "text/csv; charset=utf-8",
               ".parquet": "application/vnd.apache.parquet"}
EXPORT_CACHE = "public, max-age=300"


async def current_snapshot(request: Request) -> Snapshot:
    """The snapshot `current` names; opening a new one (a publication happened) is done off the event loop."""
    store: SnapshotStore = request.app.state.store
    snapshot = store.fresh()
    if snapshot is not None:
        return snapshot
    try:
        return await run_in_threadpool(store.current)
    except NoSnapshot as exc:
        raise HTTPException(503, detail=str(exc)) from None


SnapshotDep = Annotated[Snapshot, Depends(current_snapshot)]


def json_response(body: str | bytes, *, media_type: str = JSON, vary_language: bool = False) -> Response:
    headers = {"Vary": "Accept-Language"} if vary_language else None
    return Response(body, media_type=media_type, headers=headers)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def chosen_language(lang: str | None, request: Request) -> str:
    return lang or from_accept_language(request.headers.get("accept-language"))


def invalid(error: params.InvalidParameter) -> HTTPException:
    return HTTPException(422, detail=error.detail())


def partner_summary(partner: dict[str, Any], *, with_sources: bool) -> dict[str, Any]:
    summary = {"id": partner["id"], "name": partner["name"], "website": partner["website"],
               "item_count": partner.get("item_count", 0), "report_url": f"/partners/{partner['id']}"}
    if with_sources:
        summary["sources"] = partner.get("sources") or []
    return summary


router = APIRouter(route_class=FastPathRoute)
LANGS = frozenset(("fr", "nl", "en", "all"))
SORTS = frozenset(("agenda", "start", "deadline", "updated", "published", "relevance"))
ITEMS_LISTS = frozenset(("kind", "category", "partner", "municipality", "attendance", "language"))
ITEMS_SINGLES: dict[str, Any] = {
    "category_match": frozenset(("any", "all")), "from": None, "to": None, "open": BOOLEANS, "deadline_before": None,
    "free": BOOLEANS, "q": 500, "updated_since": None, "sort": SORTS, "cursor": 1000, "limit": "limit", "lang": LANGS,
}


async def fast_list_items(request: Request) -> Response | None:
    """list_items for requests whose parameters are all canonical (see fast_path); None for the others."""
    values = canonical(request.query_params.multi_items(), lists=ITEMS_LISTS, singles=ITEMS_SINGLES)
    if values is None:
        return None
    snapshot = await current_snapshot(request)
    cache: ResponseCache = request.app.state.response_cache
    key = cache.key(request, snapshot.id)
    response = cache.get(key)
    if response is None:
        values["from_"] = values.pop("from", None)
        response = with_etag(items_response(request, snapshot, **values))
        cache.put(key, response)
    return response


def with_etag(response: Response) -> Response:
    """The response with the ETag the caching middleware would give it (computed here, once, for the cache)."""
    response.headers["ETag"] = body_etag(response.body)
    return response


def items_response(request: Request, snapshot: Snapshot, *, kind: list[str] | None = None,
                   category: list[str] | None = None, category_match: str = "any", partner: list[str] | None = None,
                   from_: str | None = None, to: str | None = None, open: bool | None = None,
                   deadline_before: str | None = None, municipality: list[str] | None = None,
                   attendance: list[str] | None = None, free: bool | None = None, language: list[str] | None = None,
                   q: str | None = None, updated_since: str | None = None, sort: str | None = None,
                   cursor: str | None = None, limit: int = 20, lang: str | None = None) -> Response:
    try:
        query = params.item_query(
            snapshot, kind=kind, category=category, category_match=category_match, partner=partner, start=from_,
            end=to, open_calls=open, deadline_before=deadline_before, municipality=municipality,
            attendance=attendance, free=free, language=language, q=q, updated_since=updated_since, sort=sort,
            cursor=cursor, limit=limit)
    except params.InvalidParameter as exc:
        raise invalid(exc) from None
    language_code = chosen_language(lang, request)
    index = snapshot.index
    positions, next_cursor = select_positions(index, query, now=datetime.now(timezone.utc))
    # Each item's JSON is stored (localised ones are memoised): the list is a join of byte strings.
    items = b"[" + b",".join([index.document_json(p, language_code) for p in positions]) + b"]"
    head: dict[str, Any] = {"snapshot": snapshot.id, "generated_at": utc_text(snapshot.generated_at),
                            "lang": language_code, "next_cursor": next_cursor}
    if query.updated_since is not None and query.after is None:
        head["removed"] = select_tombstones(snapshot.cursor(), query.updated_since)
    body = dumps(head)[:-1].encode("utf-8") + b',"items":' + items + b"}"
    return json_response(body, vary_language=lang is None)


ITEM_PARAMETERS = frozenset({"kind", "category", "category_match", "partner", "from", "to", "open", "deadline_before",
                             "municipality", "attendance", "free", "language", "q", "updated_since", "sort", "cursor",
                             "limit", "lang"})


def refuse_facet_parameters(request: Request, snapshot: Snapshot) -> None:
    """422 for a category facet written as a parameter (`?theme=ai`), saying how to filter by it: like any
    parameter the endpoint does not know, it was ignored, and the portal got every item instead of the theme's."""
    facets = {facet["facet"] for facet in snapshot.taxonomy} - ITEM_PARAMETERS
    for name, value in request.query_params.multi_items():
        if name in facets:
            raise invalid(params.InvalidParameter(
                name, f"there is no parameter {name!r}: categories are filtered with category={name}:{value or '<slug>'} "
                      "(see /v1/categories)"))


@router.get("/v1/items", response_model=None, tags=["items"],
            responses={200: {"model": schemas.ItemsPage}, **INVALID, **UNAVAILABLE},
            summary="Agenda items, filtered, searched, sorted and paged")
@fast_path(fast_list_items)
async def list_items(
    request: Request,
    snapshot: SnapshotDep,
    kind: Annotated[Optional[list[str]], Query(description="event, call or news (repeat or comma-separate for several).")] = None,
    category: Annotated[Optional[list[str]], Query(description="Category as facet:slug (theme:ai) or slug; see /v1/categories.")] = None,
    category_match: Annotated[Literal["any", "all"], Query(description="Items with any of the categories, or all of them.")] = "any",
    partner: Annotated[Optional[list[str]], Query(description="Partner id; see /v1/partners.")] = None,
    from_: Annotated[Optional[str], Query(alias="from", description="Items overlapping the range from this date or date-time (Brussels time when no offset).")] = None,
    to: Annotated[Optional[str], Query(description="Items overlapping the range up to this date (inclusive) or date-time.")] = None,
    open: Annotated[Optional[bool], Query(description="true: calls whose deadline has not passed; false: closed calls.")] = None,
    deadline_before: Annotated[Optional[str], Query(description="Items with a deadline before this date or date-time.")] = None,
    municipality: Annotated[Optional[list[str]], Query(description="Municipality, case and accents ignored.")] = None,
    attendance: Annotated[Optional[list[str]], Query(description="in-person, online or hybrid.")] = None,
    free: Annotated[Optional[bool], Query(description="Free (true) or paying (false) items.")] = None,
    language: Annotated[Optional[list[str]], Query(description="Items with texts in this language (fr, nl, en).")] = None,
    q: Annotated[Optional[str], Query(max_length=500, description="Full-text search over French, Dutch and English texts; every word must match, accents and case ignored.")] = None,
    updated_since: Annotated[Optional[str], Query(description="Delta synchronisation: items changed or listed since then, and (first page) the ids removed since then.")] = None,
    sort: Annotated[Optional[Literal["agenda", "start", "deadline", "updated", "published", "relevance"]], Query(description="Default: relevance with q, else agenda order (events by start, calls by deadline, news newest first).")] = None,
    cursor: Annotated[Optional[str], Query(max_length=1000, description="next_cursor of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page, at most 200.")] = 20,
    lang: Annotated[Optional[Lang], Query(description="Language of the texts (falls back on the others); `all` keeps every language. Default: Accept-Language, else fr.")] = None,
) -> Response:
    refuse_facet_parameters(request, snapshot)
    return items_response(
        request, snapshot, kind=kind, category=category, category_match=category_match, partner=partner,
        from_=from_, to=to, open=open, deadline_before=deadline_before, municipality=municipality,
        attendance=attendance, free=free, language=language, q=q, updated_since=updated_since, sort=sort,
        cursor=cursor, limit=limit, lang=lang)


ItemId = Annotated[str, PathParam(min_length=1, max_length=100, description="The item id (stable across runs).")]


def find_position(snapshot: Snapshot, item_id: str) -> int:
    """The item's position in the snapshot's index; 404 (saying when it was removed, if it was) when absent."""
    position = snapshot.index.position(item_id)
    if position is None:
        gone = removed_at(snapshot.cursor(), item_id)
        reason = f"item {item_id!r} was removed from the agenda at {gone}" if gone else f"no item with id {item_id!r}"
        raise HTTPException(404, detail=reason)
    return position


def find_document(snapshot: Snapshot, item_id: str) -> dict[str, Any]:
    return json.loads(snapshot.index.document_bytes(find_position(snapshot, item_id)))


ITEM_SINGLES: dict[str, Any] = {"lang": LANGS, "format": frozenset(("json", "jsonld"))}


async def fast_get_item(request: Request) -> Response | None:
    """get_item for canonical requests (see fast_path); None for the others."""
    item_id = request.path_params.get("item_id")
    values = canonical(request.query_params.multi_items(), lists=frozenset(), singles=ITEM_SINGLES)
    if values is None or not isinstance(item_id, str) or not 1 <= len(item_id) <= 100:
        return None
    snapshot = await current_snapshot(request)
    cache: ResponseCache = request.app.state.response_cache
    key = cache.key(request, snapshot.id)
    response = cache.get(key)
    if response is None:
        response = with_etag(item_response(request, snapshot, item_id, **values))
        cache.put(key, response)
    return response


def item_response(request: Request, snapshot: Snapshot, item_id: str, *, lang: str | None = None,
                  format: str | None = None) -> Response:
    position = find_position(snapshot, item_id)
    wants_jsonld = format == "jsonld" or (format is None and JSONLD in request.headers.get("accept", ""))
    if wants_jsonld:
        document = json.loads(snapshot.index.document_bytes(position))
        return json_response(dumps(as_jsonld(document, base_url=request.app.state.public_url)), media_type=JSONLD)
    return json_response(snapshot.index.document_json(position, chosen_language(lang, request)),
                         vary_language=lang is None)


@router.get("/v1/items/{item_id}", response_model=None, tags=["items"],
            responses={200: {"content": {JSON: {}, JSONLD: {}}, "description": "The item; JSON-LD with format=jsonld or Accept: application/ld+json."},
                       **NOT_FOUND, **INVALID, **UNAVAILABLE},
            summary="One item, as agenda JSON or schema.org JSON-LD")
@fast_path(fast_get_item)
async def get_item(
    request: Request, snapshot: SnapshotDep, item_id: ItemId,
    lang: Annotated[Optional[Lang], Query(description="Language of the texts; `all` keeps every language.")] = None,
    format: Annotated[Optional[Literal["json", "jsonld"]], Query(description="jsonld: schema.org JSON-LD (also with Accept: application/ld+json).")] = None,
) -> Response:
    return item_response(request, snapshot, item_id, lang=lang, format=format)


@router.get("/v1/items/{item_id}/calendar.ics", tags=["items"], response_class=Response,
            responses={200: {"content": {"text/calendar": {}}, "description": "The event as an iCalendar file."},
                       **NOT_FOUND, **INVALID, **UNAVAILABLE},
            summary="One event as an iCalendar file (add to calendar)")
def get_item_calendar(
    request: Request, snapshot: SnapshotDep, item_id: ItemId,
    lang: Annotated[Optional[Literal["fr", "nl", "en"]], Query()] = None,
) -> Response:
    document = find_document(snapshot, item_id)
    if document["kind"] != "event":
        raise HTTPException(404, detail=f"item {item_id!r} is a {document['kind']}, not an event: it has no calendar entry")
    language_code = chosen_language(lang, request)
    order = (language_code, *(c for c in ("fr", "nl", "en") if c != language_code))
    body = agenda_ics([document], generated_at=snapshot.generated_at, languages=order)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{item_id}.ics"'})


@router.get("/v1/categories", response_model=None, tags=["reference"],
            responses={200: {"model": schemas.Categories}, **UNAVAILABLE},
            summary="The category facets and their categories, labelled in French, Dutch and English")
def list_categories(snapshot: SnapshotDep) -> Response:
    counts = category_counts(snapshot.cursor())
    facets = [
        {"facet": facet["facet"], "label": facet["label"], "categories": [
            {"facet": facet["facet"], "slug": c["slug"], "id": f"{facet['facet']}:{c['slug']}", "label": c["label"],
             "item_count": counts.get(f"{facet['facet']}:{c['slug']}", 0)}
            for c in facet["categories"]]}
        for facet in snapshot.taxonomy
    ]
    return json_response(dumps({"facets": facets}))


@router.get("/v1/partners", response_model=None, tags=["reference"],
            responses={200: {"model": schemas.Partners}, **UNAVAILABLE}, summary="The charter's partners")
def list_partners(snapshot: SnapshotDep) -> Response:
    partners = [partner_summary(p, with_sources=False) for p in snapshot.partners.values()]
    return json_response(dumps({"partners": partners}))


@router.get("/v1/partners/{partner_id}", response_model=None, tags=["reference"],
            responses={200: {"model": schemas.Partner}, **NOT_FOUND, **INVALID, **UNAVAILABLE},
            summary="One partner with its sources")
def get_partner(snapshot: SnapshotDep,
                partner_id: Annotated[str, PathParam(min_length=1, max_length=100)]) -> Response:
    partner = snapshot.partners.get(partner_id)
    if partner is None:
        raise HTTPException(404, detail=f"no partner with id {partner_id!r}")
    return json_response(dumps(partner_summary(partner, with_sources=True)))


def export_files(snapshot: Snapshot) -> list[Path]:
    root = snapshot.exports
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@router.get("/v1/exports", response_model=None, tags=["exports"],
            responses={200: {"model": schemas.Exports}, **UNAVAILABLE},
            summary="The files of the current publication (JSON, JSON-LD, iCalendar, Atom, CSV, Parquet)")
def list_exports(snapshot: SnapshotDep) -> Response:
    files = []
    for path in export_files(snapshot):
        name = path.relative_to(snapshot.exports).as_posix()
        files.append({"name": name, "url": f"/v1/exports/{name}", "media_type": media_type(path),
                      "size": path.stat().st_size})
    return json_response(dumps({"snapshot": snapshot.id, "files": files}))


@router.get("/v1/exports/{name:path}", tags=["exports"], response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}, "description": "The file."},
                       **NOT_FOUND, **UNAVAILABLE},
            summary="One export file of the current publication")
def get_export(snapshot: SnapshotDep, name: str) -> Response:
    root = snapshot.exports.resolve()
    try:
        path = (root / name).resolve()
        found = bool(name) and path.is_relative_to(root) and path.is_file()
    except (OSError, ValueError):  # a name the file system refuses (too long, a NUL byte): no such export
        found = False
    if not found:
        raise HTTPException(404, detail=f"no export named {name[:200]!r}; GET /v1/exports lists them")
    # The snapshot never changes: its id and the name make a strong validator.
    etag = f'"{snapshot.id}:{name}"'.replace(" ", "_")
    return FileResponse(path, media_type=media_type(path),
                        headers={"ETag": etag, "Cache-Control": EXPORT_CACHE})


@router.get("/healthz", response_model=None, tags=["health"],
            responses={200: {"model": schemas.Health}, **UNAVAILABLE}, summary="Snapshot age and item count")
async def healthz(snapshot: SnapshotDep) -> Response:
    age = (datetime.now(timezone.utc) - snapshot.generated_at).total_seconds()
    body = {"status": "ok", "snapshot": snapshot.id, "generated_at": utc_text(snapshot.generated_at),
            "age_seconds": round(age, 1), "item_count": snapshot.item_count}
    return Response(dumps(body), media_type=JSON, headers={"Cache-Control": "no-store"})
