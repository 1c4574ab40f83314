"""`/insight`: the ecosystem report as a page (and as JSON or PDF), read from the warehouse.

The warehouse is opened read-only; while a run holds it the page waits a little, then answers
503 with Retry-After. Rendered reports are kept in memory until the warehouse file changes.
"""
from __future__ import annotations

import os
import tempfile
import threading
from collections import OrderedDict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Callable, Literal, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from bedigital.api.languages import from_accept_language
from bedigital.insight.pdf import PdfError, html_to_pdf
from bedigital.insight.report import render_html, render_json
from bedigital.insight.service import NoWarehouse, insight_from_file
from bedigital.monitoring.locking import WarehouseBusy
from pipelines.settings import Settings

PAGE_LOCK_WAIT_S = 10.0
CACHED_REPORTS = 24
Lang = Literal["fr", "nl", "en"]
Format = Literal["html", "json", "pdf"]


def _default_warehouse() -> Path:
    return Settings.from_env().warehouse


class _Cache:
    """A few rendered reports, keyed by the warehouse file's identity and the request."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bytes, str] | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: tuple, value: tuple[bytes, str]) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _file_state(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    # DuckDB may leave changes in the .wal until a checkpoint: its state counts too.
    try:
        wal = os.stat(f"{path}.wal")
        return stat.st_mtime_ns ^ wal.st_mtime_ns, stat.st_size + wal.st_size
    except FileNotFoundError:
        return stat.st_mtime_ns, stat.st_size


def _render(insight: dict, lang: str, fmt: str) -> tuple[bytes, str]:
    if fmt == "json":
        return render_json(insight).encode("utf-8"), "application/json"
    html = render_html(insight, lang, page_url=lambda params: "/insight?" + urlencode(params))
    if fmt == "html":
        return html.encode("utf-8"), "text/html; charset=utf-8"
    with tempfile.TemporaryDirectory(prefix="bedigital-insight-") as work:
        pdf = html_to_pdf(render_html(insight, lang), Path(work) / "insight.pdf")
        return pdf.read_bytes(), "application/pdf"


def build_insight_router(warehouse: Callable[[], Path] = _default_warehouse, *,
                         lock_wait_s: float = PAGE_LOCK_WAIT_S) -> APIRouter:
    """The /insight route over the warehouse `warehouse()` names (default: $BEDIGITAL_WAREHOUSE or data/warehouse.duckdb)."""
    router = APIRouter(tags=["insight"])
    cache = _Cache(CACHED_REPORTS)

    @router.get("/insight", response_class=HTMLResponse, summary="The steering committee's ecosystem report")
    def insight_page(
        request: Request,
        start: Annotated[Optional[date], Query(alias="from")] = None,
        end: Annotated[Optional[date], Query(alias="to")] = None,
        lang: Annotated[Optional[Lang], Query()] = None,
        format: Annotated[Format, Query()] = "html",
    ) -> Response:
        if start and end and end < start:
            raise HTTPException(422, detail=[{"loc": ["query", "to"], "msg": f"to ({end}) is before from ({start})",
                                              "type": "value_error"}])
        language = lang or from_accept_language(request.headers.get("accept-language"))
        path = warehouse()
        now = datetime.now(timezone.utc)
        key = (str(path), _file_state(path), start, end, language, format, now.strftime("%Y-%m-%dT%H"))
        cached = cache.get(key)
        if cached is None:
            try:
                figures = insight_from_file(path, start=start, end=end, now=now, wait_s=lock_wait_s)
            except NoWarehouse as exc:
                raise HTTPException(503, detail=str(exc)) from exc
            except ValueError as exc:  # a period the report refuses (too long, reversed)
                raise HTTPException(422, detail=[{"loc": ["query", "from"], "msg": str(exc), "type": "value_error"}]) from exc
            except WarehouseBusy as exc:
                raise HTTPException(503, detail="the warehouse is busy with a pipeline run; try again in a minute",
                                    headers={"Retry-After": "30"}) from exc
            try:
                cached = _render(figures, language, format)
            except PdfError as exc:
                raise HTTPException(501, detail=str(exc)) from exc
            cache.put(key, cached)
        body, media_type = cached
        headers = {"Vary": "Accept-Language", "Cache-Control": "private, max-age=60"}
        if format == "pdf":
            headers["Content-Disposition"] = f'inline; filename="insight-{language}.pdf"'
        return Response(body, media_type=media_type, headers=headers)

    return router
