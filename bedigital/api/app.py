"""The FastAPI application: the /v1 API, the export files and the agenda page, over the published snapshot."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from bedigital.api import pages, routes_api
from bedigital.api.caching import CachingMiddleware
from bedigital.api.response_cache import ResponseCache
from bedigital.api.snapshot_reader import SnapshotStore
from bedigital.embed.routes import build_embed_router
from bedigital.insight.routes import build_insight_router
from bedigital.monitoring.ping import build_ping_router
from bedigital.monitoring.routes import build_monitoring_router

API_VERSION = "1.2.0"  # 1.2.0: status "rescheduled" (contract 1.2.0); 1.1.1: a category facet as a parameter is a 422
CORS_ENV = "BEDIGITAL_CORS_ORIGINS"
DESCRIPTION = """\
The bedigital.brussels agenda: events, calls and news of the Brussels digital ecosystem, in French, Dutch and English.

Read-only. Every response carries an ETag (send it back in If-None-Match for a 304) and Cache-Control.
Data come from the last published snapshot, which a pipeline run replaces atomically.
Item ids are stable across runs. Errors: 422 names the parameter and says what is wrong; 404 an unknown id.
"""


def cors_origins_from_env() -> list[str]:
    return [o.strip() for o in os.environ.get(CORS_ENV, "").split(",") if o.strip()]


DOCS_ASSETS = "/static/docs"  # where /docs and /redoc find their scripts
OUT_ENV = "BEDIGITAL_SERVE_OUT"
PUBLIC_URL_ENV = "BEDIGITAL_PUBLIC_URL"


def app_from_env() -> FastAPI:
    """The application for `uvicorn --factory` (what `bedigital serve --workers N` runs in each worker process):
    the publication folder from $BEDIGITAL_SERVE_OUT, the CORS origins and the public URL from theirs."""
    return create_app(os.environ.get(OUT_ENV, "data/public"), cors_origins=cors_origins_from_env(),
                      public_url=os.environ.get(PUBLIC_URL_ENV, "https://bedigital.brussels"))


def create_app(out_dir: Path | str, *, cors_origins: Sequence[str] = (),
               public_url: str = "https://bedigital.brussels",
               insight_router: APIRouter | None = None, embed_router: APIRouter | None = None) -> FastAPI:
    """The application serving the publication under `out_dir` (its `current` snapshot).

    The /insight and /embed routers default to their environment settings; tests pass their own.
    """
    # /docs (Swagger UI) and /redoc load their scripts from this server, not from a CDN: they work where
    # the API does, offline included (FastAPI's own pages were blank without the internet).
    app = FastAPIOffline(title="bedigital.brussels agenda", version=API_VERSION, description=DESCRIPTION,
                         static_url=DOCS_ASSETS)
    app.state.store = SnapshotStore(out_dir)
    app.state.response_cache = ResponseCache()  # recent fast-path answers, per snapshot, a few seconds
    app.state.public_url = public_url.rstrip("/")

    @app.exception_handler(RequestValidationError)
    async def readable_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's shape, minus the echo of the input (which may be huge or binary).
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "invalid"), "type": e.get("type", "value_error")}
                  for e in exc.errors()]
        return JSONResponse({"detail": detail}, status_code=422)

    app.include_router(routes_api.router)
    app.include_router(pages.router)
    app.include_router(build_ping_router())  # POST /v1/ping/{partner}
    app.include_router(build_monitoring_router())  # /partners/{id} reports, /staff overview
    app.include_router(insight_router or build_insight_router())  # /insight: the steering committee's view (reads the warehouse)
    app.include_router(embed_router or build_embed_router())  # /embed for partners' sites; framing origins from BEDIGITAL_EMBED_ORIGINS
    app.mount("/static", StaticFiles(packages=[("bedigital.api", "static")]), name="static")
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "HEAD", "OPTIONS"],
                           allow_headers=["If-None-Match", "Accept-Language"], expose_headers=["ETag"], max_age=3600)
    app.add_middleware(CachingMiddleware)
    return app
