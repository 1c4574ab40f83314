"""Web pages: `/partners/{id}` (the partner's ingestion report) and `/staff` (every source's health).

Both read the warehouse read-only, waiting a little if a run holds it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, Response

from bedigital.monitoring.locking import WarehouseBusy, connect_waiting
from bedigital.monitoring.pages import render_partner_page, render_staff_page, report_csv, report_json
from pipelines.settings import Settings
from warehouse.report import ReportError, partner_report, staff_overview

PAGE_LOCK_WAIT_S = 10.0
Lang = Query("fr", pattern="^(fr|nl|en)$")


def _open(warehouse: Path):
    if not warehouse.exists():
        raise HTTPException(503, detail="the warehouse does not exist yet: run the pipeline first")
    try:
        return connect_waiting(warehouse, read_only=True, wait_s=PAGE_LOCK_WAIT_S)
    except WarehouseBusy as exc:
        raise HTTPException(503, detail="the warehouse is busy with a run; try again in a minute",
                            headers={"Retry-After": "30"}) from exc


def build_monitoring_router(settings_factory: Callable[[], Settings] = Settings.from_env) -> APIRouter:
    router = APIRouter(tags=["monitoring"])

    @router.get("/partners/{partner_id}", response_class=HTMLResponse, summary="A partner's ingestion report")
    def partner_page(partner_id: str, lang: str = Lang, run: str = Query("latest"),
                     format: str = Query("html", pattern="^(html|json|csv)$")) -> Response:
        con = _open(settings_factory().warehouse)
        try:
            report = partner_report(con, partner_id, run=run)
        except ReportError as exc:
            raise HTTPException(404, detail=str(exc)) from exc
        finally:
            con.close()
        if format == "json":
            return Response(report_json(report), media_type="application/json")
        if format == "csv":
            return Response(report_csv(report), media_type="text/csv; charset=utf-8")
        return HTMLResponse(render_partner_page(report, lang, lang_link=lambda code: f"?lang={code}&run={run}"))

    @router.get("/staff", response_class=HTMLResponse, summary="Every partner and source: health and alerts")
    def staff(lang: str = Lang) -> HTMLResponse:
        con = _open(settings_factory().warehouse)
        try:
            overview = staff_overview(con)
        finally:
            con.close()
        return HTMLResponse(render_staff_page(overview, lang))

    return router
