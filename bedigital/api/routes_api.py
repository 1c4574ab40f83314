"""The read-only JSON API, versioned under /v1, plus /healthz and the export files."""
from __future__ import annotations

import json
import mimetypes
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Path as PathParam, Query, Request, Response
from fastapi.responses import FileResponse

from bedigital.api import params, schemas
from bedigital.api.languages import as_jsonld, from_accept_language, localise
from bedigital.api.queries import category_counts, removed_at, select_document, select_items, select_tombstones
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


def current_snapshot(request: Request) -> Snapshot:
    store: SnapshotStore = request.app.state.store
    try:
        return store.current()
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


router = APIRouter()


@router.get("/v1/items", response_model=None, tags=["items"],
            responses={200: {"model": schemas.ItemsPage}, **INVALID, **UNAVAILABLE},
            summary="Agenda items, filtered, searched, sorted and paged")
def list_items(
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
    try:
        query = params.item_query(
            snapshot, kind=kind, category=category, category_match=category_match, partner=partner, start=from_,
            end=to, open_calls=open, deadline_before=deadline_before, municipality=municipality,
            attendance=attendance, free=free, language=language, q=q, updated_since=updated_since, sort=sort,
            cursor=cursor, limit=limit)
    except params.InvalidParameter as exc:
        raise invalid(exc) from None
    language_code = chosen_language(lang, request)
    db = snapshot.cursor()
    page = select_items(db, query, now=datetime.now(timezone.utc))
    if language_code == "all":
        items = "[" + ",".join(page.documents) + "]"
    else:
        items = dumps([localise(json.loads(d), language_code) for d in page.documents])
    head: dict[str, Any] = {"snapshot": snapshot.id, "generated_at": utc_text(snapshot.generated_at),
                            "lang": language_code, "next_cursor": page.next_cursor}
    if query.updated_since is not None and query.after is None:
        head["removed"] = select_tombstones(db, query.updated_since)
    return json_response(dumps(head)[:-1] + ',"items":' + items + "}", vary_language=lang is None)


ItemId = Annotated[str, PathParam(min_length=1, max_length=100, description="The item id (stable across runs).")]


def find_document(snapshot: Snapshot, item_id: str) -> dict[str, Any]:
    db = snapshot.cursor()
    document = select_document(db, item_id)
    if document is None:
        gone = removed_at(db, item_id)
        reason = f"item {item_id!r} was removed from the agenda at {gone}" if gone else f"no item with id {item_id!r}"
        raise HTTPException(404, detail=reason)
    return json.loads(document)


@router.get("/v1/items/{item_id}", response_model=None, tags=["items"],
            responses={200: {"content": {JSON: {}, JSONLD: {}}, "description": "The item; JSON-LD with format=jsonld or Accept: application/ld+json."},
                       **NOT_FOUND, **INVALID, **UNAVAILABLE},
            summary="One item, as agenda JSON or schema.org JSON-LD")
def get_item(
    request: Request, snapshot: SnapshotDep, item_id: ItemId,
    lang: Annotated[Optional[Lang], Query(description="Language of the texts; `all` keeps every language.")] = None,
    format: Annotated[Optional[Literal["json", "jsonld"]], Query(description="jsonld: schema.org JSON-LD (also with Accept: application/ld+json).")] = None,
) -> Response:
    document = find_document(snapshot, item_id)
    wants_jsonld = format == "jsonld" or (format is None and JSONLD in request.headers.get("accept", ""))
    if wants_jsonld:
        return json_response(dumps(as_jsonld(document, base_url=request.app.state.public_url)), media_type=JSONLD)
    return json_response(dumps(localise(document, chosen_language(lang, request))), vary_language=lang is None)


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
    path = (root / name).resolve()
    if not name or not path.is_relative_to(root) or not path.is_file():
        raise HTTPException(404, detail=f"no export named {name!r}; GET /v1/exports lists them")
    # The snapshot never changes: its id and the name make a strong validator.
    etag = f'"{snapshot.id}:{name}"'.replace(" ", "_")
    return FileResponse(path, media_type=media_type(path),
                        headers={"ETag": etag, "Cache-Control": EXPORT_CACHE})


@router.get("/healthz", response_model=None, tags=["health"],
            responses={200: {"model": schemas.Health}, **UNAVAILABLE}, summary="Snapshot age and item count")
def healthz(snapshot: SnapshotDep) -> Response:
    age = (datetime.now(timezone.utc) - snapshot.generated_at).total_seconds()
    body = {"status": "ok", "snapshot": snapshot.id, "generated_at": utc_text(snapshot.generated_at),
            "age_seconds": round(age, 1), "item_count": snapshot.item_count}
    return Response(dumps(body), media_type=JSON, headers={"Cache-Control": "no-store"})
