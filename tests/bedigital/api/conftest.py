"""A small published ecosystem and a real uvicorn server on 127.0.0.1 serving it."""
from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import uvicorn

from bedigital.api.app import create_app
from transforms.model import Item, item_id, stable_json
from warehouse.documents import agenda_document
from warehouse.publish import publish
from warehouse.snapshot import read_taxonomy

GENERATED = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
TAXONOMY_YAML = """
facets:
  theme:
    label: {fr: Thème, nl: Thema, en: Theme}
    categories:
      ai: {fr: Intelligence artificielle, nl: Artificiële intelligentie, en: Artificial intelligence}
      cybersecurity: {fr: Cybersécurité, nl: Cyberbeveiliging, en: Cybersecurity}
  format:
    label: {fr: Format, nl: Formaat, en: Format}
    categories:
      workshop: {fr: Atelier, nl: Workshop, en: Workshop}
      conference: {fr: Conférence, nl: Conferentie, en: Conference}
  audience:
    label: {fr: Public, nl: Doelpubliek, en: Audience}
    categories:
      startups: {fr: Startups, nl: Startups, en: Start-ups}
"""
PARTNERS = [
    {"id": "hub", "name": {"fr": "Hub numérique", "nl": "Digitale hub", "en": "Digital hub"},
     "website": "https://hub.example", "sources": [
         {"id": "agenda", "kind": "ical", "url": "https://hub.example/agenda.ics", "content": "event", "language": "fr",
          "last_success_at": "2026-03-01T08:00:00Z"}]},
    {"id": "innov", "name": {"fr": "Innov", "nl": "Innov", "en": "Innov"}, "website": "https://innov.example",
     "sources": [{"id": "calls", "kind": "rss", "url": "https://innov.example/rss", "content": "mixed",
                  "language": "nl", "last_success_at": None}]},
]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def item(key: str, partner: str = "hub", **fields: Any) -> Item:
    base = Item(id=item_id(partner, "agenda", key), partner_id=partner, source_id="agenda", source_key=key,
                kind="event", title={"fr": f"Titre {key}"}, url=f"https://{partner}.example/{key}", languages=["fr"])
    return replace(base, **fields)


def document(source: Item, *, sequence: int = 0) -> dict[str, Any]:
    """The published document of an Item, built by the warehouse's own function."""
    record = json.loads(stable_json(asdict(source)))
    sources = [{"partner_id": source.partner_id, "source_id": source.source_id, "url": source.url}]
    return agenda_document(record, sources=sources, first_seen=GENERATED, updated_at=GENERATED, sequence=sequence)


def ecosystem() -> list[dict[str, Any]]:
    """Events, calls and news in 2030, far enough ahead to stay upcoming; one call closed long ago."""
    items = [
        item("ai-workshop", title={"fr": "Atelier intelligence artificielle", "nl": "Workshop artificiële intelligentie",
                                   "en": "Artificial intelligence workshop"},
             summary={"fr": "Apprendre les bases de l'apprentissage automatique."},
             start_utc=utc(2030, 3, 12, 17, 30), end_utc=utc(2030, 3, 12, 19, 30), venue="BeCentral",
             municipality="Ixelles", attendance_mode="in-person", is_free=True, languages=["fr", "nl", "en"],
             categories={"theme": ["ai"], "format": ["workshop"], "audience": ["startups"]}),
        item("cyber-webinar", title={"en": "Cybersecurity webinar for start-ups"}, languages=["en"],
             start_utc=utc(2030, 3, 14, 11, 0), attendance_mode="online", online_url="https://meet.example/x",
             is_free=False, price=20.0, currency="EUR", categories={"theme": ["cybersecurity"], "format": ["conference"]}),
        item("fair", title={"nl": "Digitale beurs", "fr": "Salon numérique"}, all_day=True, start_date=date(2030, 4, 2),
             end_date=date(2030, 4, 3), municipality="Bruxelles", languages=["nl", "fr"], is_free=True,
             categories={"theme": ["ai"]}),
        item("cancelled", title={"fr": "Conférence annulée"}, start_utc=utc(2030, 5, 1, 8, 0), status="cancelled",
             municipality="Ixelles", categories={"format": ["conference"]}),
        item("grant", partner="innov", kind="call", title={"nl": "Subsidie voor AI-projecten", "fr": "Subside pour projets IA"},
             deadline_utc=utc(2030, 6, 30, 21, 59), languages=["nl", "fr"], categories={"theme": ["ai"]}),
        item("old-call", partner="innov", kind="call", title={"fr": "Appel clôturé"}, deadline_utc=utc(2020, 1, 31, 22, 0)),
        item("news-1", partner="innov", kind="news", title={"fr": "Résultats de l'appel économie circulaire"},
             published_utc=utc(2026, 2, 20, 10, 0)),
    ]
    return [document(i) for i in items]


def taxonomy_file(folder: Path) -> Path:
    path = folder / "taxonomy.yaml"
    path.write_text(TAXONOMY_YAML, encoding="utf-8")
    return path


def publish_ecosystem(out: Path, documents: list[dict[str, Any]] | None = None,
                      generated_at: datetime = GENERATED) -> dict[str, Path]:
    taxonomy = read_taxonomy(taxonomy_file(out.parent))
    return publish(ecosystem() if documents is None else documents, out, generated_at=generated_at,
                   partners=PARTNERS, taxonomy=taxonomy)


@contextmanager
def serving(out: Path, **options: Any) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 (a free port) serving `out`; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(out, **options), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.01)
    else:
        raise RuntimeError("the API server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    publish_ecosystem(out)
    return out


@pytest.fixture(scope="module")
def base_url(published: Path) -> Iterator[str]:
    with serving(published, cors_origins=["https://portal.example"]) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as http:
        yield http
