"""`POST /v1/ping/{partner}`: a partner asks for an immediate fetch of its sources (in the spirit of WebSub).

The token comes as `Authorization: Bearer <token>` (or `X-Ping-Token`). An accepted ping writes a
request file that the poll sensor acts on at its next tick (a few seconds): the API never opens
the warehouse, so it never competes with a run for DuckDB's single writer.

401: missing or wrong token (or pings not enabled for the partner); 404: unknown partner;
429: too many pings (Retry-After says when to try again). None of them fetches anything.
"""
from __future__ import annotations

import logging
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import JSONResponse

from bedigital.monitoring.ratelimit import RateLimiter
from bedigital.monitoring.state import monitoring_dir, request_ping
from bedigital.monitoring.tokens import SecretsError, expected_token, token_matches
from connectors.registry import Registry, load_registry
from pipelines.settings import Settings

logger = logging.getLogger(__name__)

PINGS_PER_PARTNER = (6, 60.0)  # accepted pings per partner per minute
FAILURES_PER_CLIENT = (10, 60.0)  # refused attempts per client address per minute


def _bearer(authorization: str | None, x_ping_token: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return x_ping_token


def _too_many(wait_s: float, what: str) -> HTTPException:
    return HTTPException(429, detail=f"too many {what}; try again in {math.ceil(wait_s)} s",
                         headers={"Retry-After": str(math.ceil(wait_s))})


def build_ping_router(settings_factory: Callable[[], Settings] = Settings.from_env,
                      registry_factory: Callable[[Path], Registry] = load_registry) -> APIRouter:
    """The ping route; the registry is read per request, so partner files can change without a restart."""
    router = APIRouter(tags=["ping"])
    accepted = RateLimiter(*PINGS_PER_PARTNER)
    refused = RateLimiter(*FAILURES_PER_CLIENT)

    @router.post("/v1/ping/{partner_id}", status_code=202, summary="Ask for an immediate fetch of a partner's sources")
    def ping(partner_id: str, request: Request, authorization: str | None = Header(default=None),
             x_ping_token: str | None = Header(default=None)) -> JSONResponse:
        client = request.client.host if request.client else "unknown"
        settings = settings_factory()
        registry = registry_factory(settings.partners_dir)
        partner = next((p for p in registry.partners if p.id == partner_id), None)
        if partner is None:
            raise HTTPException(404, detail=f"unknown partner {partner_id!r}")
        try:
            expected = expected_token(partner)
        except SecretsError as exc:
            # The server's secrets file is broken: the caller's token is not at fault, and staff need the detail.
            logger.error("ping refused: %s", exc)
            raise HTTPException(503, detail="the ping tokens cannot be read on the server; staff have been told "
                                             "(its log names the file and the line)") from exc
        if not token_matches(_bearer(authorization, x_ping_token), expected):
            wait = refused.allow(client)
            if wait is not None:
                raise _too_many(wait, "refused pings from this address")
            raise HTTPException(401, detail="missing or wrong ping token", headers={"WWW-Authenticate": "Bearer"})
        wait = accepted.allow(partner_id)
        if wait is not None:
            raise _too_many(wait, f"pings for {partner_id}")
        queued = request_ping(monitoring_dir(settings.warehouse), partner_id, now=datetime.now(timezone.utc), client=client)
        return JSONResponse(status_code=202, content={
            "partner": partner_id, "accepted": True, "requested_at": queued["requested_at"],
            "sources": [s.id for s in partner.sources if s.enabled],
        })

    return router
