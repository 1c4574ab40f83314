"""A small publication, the API app with the embed routes on a real uvicorn server, and host pages on other ports."""
from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, Sequence

import pytest
import uvicorn
from fastapi import FastAPI

from bedigital.api.app import create_app
from bedigital.embed.routes import build_embed_router
from transforms.model import Item, item_id, stable_json
from warehouse.documents import agenda_document
from warehouse.publish import publish
from warehouse.snapshot import read_taxonomy

GENERATED = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
PARTNERS = [
    {"id": "hub", "name": {"fr": "Hub", "nl": "Hub", "en": "Hub"}, "website": "https://hub.example", "sources": []},
    {"id": "innov", "name": {"fr": "Innov", "nl": "Innov", "en": "Innov"}, "website": "https://innov.example", "sources": []},
]
AI_TITLES = {"Artificial intelligence workshop", "AI grant"}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def _item(key: str, partner: str = "hub", **fields: Any) -> Item:
    base = Item(id=item_id(partner, "agenda", key), partner_id=partner, source_id="agenda", source_key=key,
                kind="event", title={"fr": key}, url=f"https://{partner}.example/{key}", languages=["fr"])
    return replace(base, **fields)


def documents() -> list[dict[str, Any]]:
    """Announcements far ahead (2030) so they stay upcoming; one title tries to inject markup."""
    items = [
        _item("ai-workshop", title={"fr": "Atelier intelligence artificielle", "en": "Artificial intelligence workshop"},
              start_utc=utc(2030, 3, 12, 17, 30), municipality="ixelles", attendance_mode="in-person", is_free=True,
              categories={"theme": ["ai"], "audience": ["startups"]}),
        _item("cyber", title={"en": "Cybersecurity webinar"}, start_utc=utc(2030, 3, 14, 11, 0), attendance_mode="online",
              categories={"theme": ["cybersecurity"]}),
        _item("inject", title={"en": '<script>alert("x")</script><img src=x onerror=alert(1)> Data day'},
              summary={"en": "<b>bold</b>"}, start_utc=utc(2030, 4, 2, 8, 0), categories={"theme": ["data"]}),
        _item("grant", partner="innov", kind="call", title={"en": "AI grant"}, deadline_utc=utc(2030, 6, 30, 21, 59),
              categories={"theme": ["ai"], "call-type": ["grant"]}),
        _item("news", partner="innov", kind="news", title={"en": "Ecosystem news"}, published_utc=utc(2026, 2, 20, 10, 0),
              categories={"theme": ["smart-city"]}),
    ]
    docs = []
    for source in items:
        record = json.loads(stable_json(asdict(source)))
        sources = [{"partner_id": source.partner_id, "source_id": source.source_id, "url": source.url}]
        docs.append(agenda_document(record, sources=sources, first_seen=GENERATED, updated_at=GENERATED, sequence=0))
    return docs


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("embed") / "public"
    publish(documents(), out, generated_at=GENERATED, partners=PARTNERS, taxonomy=read_taxonomy())
    return out


def embed_app(out: Path, origins: Sequence[str]) -> FastAPI:
    """The API app as `bedigital serve` builds it, with the embed routes mounted."""
    app = create_app(out, embed_router=build_embed_router(origins))
    return app


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 (a free port); yields its base URL."""
    sock = _free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(1000):
        if server.started:
            break
        time.sleep(0.01)
    else:
        raise RuntimeError("the server did not start")
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class HostSite:
    """A partner's site on another port (another origin): serves the pages put in `pages` by path."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        site = self

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                html = site.pages.get(self.path)
                body = (html or "not found").encode("utf-8")
                self.send_response(200 if html else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"


@contextmanager
def host_site() -> Iterator[HostSite]:
    site = HostSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()
