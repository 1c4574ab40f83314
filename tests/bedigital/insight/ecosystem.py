"""A warehouse with known contents for the insight tests, loaded by the warehouse's own functions.

Period of interest: 2026-01-01 to 2026-03-31 (Brussels), report written at NOW (15 March 2026).
The expected figures are spelled out in tests/warehouse/test_insight.py.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from connectors.registry import Partner, Registry
from transforms.model import Item, RawItem, Rejection, item_id
from warehouse.connection import connect
from warehouse.items import refresh_items
from warehouse.load import load_batches, sync_registry
from warehouse.records import FetchRecord, SourceBatch

NOW = datetime(2026, 3, 15, 9, 0, tzinfo=timezone.utc)
EARLIER = datetime(2025, 12, 1, 9, 0, tzinfo=timezone.utc)  # a run before the period
PERIOD = (date(2026, 1, 1), date(2026, 3, 31))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def _partner(pid: str, name: str, source: str, content: str) -> Partner:
    return Partner.model_validate({
        "id": pid, "name": {"fr": f"{name} FR", "nl": f"{name} NL", "en": f"{name} EN"},
        "website": f"https://{pid}.example",
        "sources": [{"id": source, "kind": "rss", "url": f"http://127.0.0.1/{pid}", "content": content, "language": "fr"}],
    })


PARTNERS = (
    _partner("hub", "Hub", "agenda", "event"),
    _partner("innov", "Innov", "calls", "call"),
    _partner("media", "Media", "news", "news"),
    _partner("quiet", "Quiet", "feed", "mixed"),  # its feed always fails
)


def _item(partner: str, source: str, key: str, kind: str, titles: dict[str, str], **fields: Any) -> Item:
    base = Item(id=item_id(partner, source, key), partner_id=partner, source_id=source, source_key=key, kind=kind,
                title=titles, url=f"https://{partner}.example/{key}", languages=sorted(titles))
    return replace(base, **fields)


def events() -> list[Item]:
    e = lambda key, titles, **f: _item("hub", "agenda", key, "event", titles, **f)  # noqa: E731
    return [
        e("ai-jan", {"fr": "Atelier IA", "en": "AI workshop"}, start_utc=utc(2026, 1, 20, 17, 0),
          municipality="ixelles", attendance_mode="in-person", is_free=True,
          categories={"theme": ["ai", "data"], "format": ["workshop"], "audience": ["startups"]}),
        e("iot-feb", {"fr": "Conférence IoT", "nl": "IoT-congres", "en": "IoT conference"}, start_utc=utc(2026, 2, 10, 8, 0),
          municipality="brussels", attendance_mode="hybrid", is_free=False, price=50.0, currency="EUR",
          categories={"theme": ["iot"], "format": ["conference"], "audience": ["smes"]}),
        e("health-feb", {"nl": "E-gezondheid meetup"}, all_day=True, start_date=date(2026, 2, 25), end_date=date(2026, 2, 25),
          municipality="Schaerbeek", attendance_mode="in-person", is_free=True,
          categories={"theme": ["ehealth"], "format": ["meetup"]}),
        e("ai-mar", {"en": "AI webinar"}, start_utc=utc(2026, 3, 20, 9, 0), attendance_mode="online",
          categories={"theme": ["ai"], "format": ["webinar"], "audience": ["startups", "researchers"]}),
        # 00:30 on 1 January in Brussels: inside the period although it is still 2025 in UTC.
        e("new-year", {"fr": "Nouvel an vert"}, start_utc=utc(2025, 12, 31, 23, 30), municipality="Leuven",
          attendance_mode="in-person", is_free=True, categories={"theme": ["environment"]}),
        e("cancelled", {"fr": "Annulé"}, start_utc=utc(2026, 3, 5, 9, 0), status="cancelled", categories={"theme": ["ai"]}),
        e("april", {"fr": "Avril"}, start_utc=utc(2026, 4, 10, 9, 0), categories={"theme": ["environment"]}),
        # 00:30 on 1 April in Brussels: outside the period although it is still March in UTC.
        e("edge", {"fr": "Minuit"}, start_utc=utc(2026, 3, 31, 22, 30), categories={"theme": ["ai"]}),
    ]


def calls() -> list[Item]:
    c = lambda key, titles, **f: _item("innov", "calls", key, "call", titles, **f)  # noqa: E731
    return [
        c("grant-ai", {"fr": "Subside IA", "nl": "AI-subsidie"}, start_utc=utc(2026, 1, 5, 8, 0),
          deadline_utc=utc(2026, 2, 28, 21, 59), categories={"call-type": ["grant"], "theme": ["ai"]}),
        c("projects-env", {"fr": "Appel environnement"}, published_utc=utc(2026, 2, 15, 8, 0),
          deadline_utc=utc(2026, 4, 30, 21, 59), categories={"call-type": ["call-for-projects"], "theme": ["environment"]}),
        c("grant-health", {"fr": "Subside santé"}, published_utc=utc(2025, 11, 1, 8, 0),
          deadline_utc=utc(2026, 1, 31, 22, 0), categories={"call-type": ["grant"], "theme": ["ehealth"]}),
        c("award", {"nl": "Prijs", "en": "Award"}, published_utc=utc(2026, 3, 1, 8, 0),
          categories={"call-type": ["competition"]}),
        c("tender-city", {"fr": "Marché ville"}, published_utc=utc(2025, 10, 1, 8, 0),
          deadline_utc=utc(2026, 6, 30, 21, 59), categories={"call-type": ["tender"], "theme": ["smart-city"]}),
        c("fintech-loan", {"fr": "Prêt fintech", "nl": "Fintechlening", "en": "Fintech loan"},
          published_utc=utc(2026, 3, 10, 8, 0), deadline_utc=utc(2026, 3, 25, 22, 59),
          categories={"call-type": ["financing"], "theme": ["fintech"]}),
    ]


def news() -> list[Item]:
    n = lambda key, titles, **f: _item("media", "news", key, "news", titles, **f)  # noqa: E731
    return [
        n("skills", {"fr": "Compétences", "nl": "Vaardigheden"}, published_utc=utc(2026, 1, 10, 8, 0),
          categories={"theme": ["digital-skills"]}),
        n("ai-news", {"fr": "Actualité IA"}, published_utc=utc(2026, 3, 2, 8, 0), categories={"theme": ["ai"]}),
        n("undated", {"en": "Undated news"}),  # counted on the day it was first seen: NOW
    ]


def _rejection(reason: str, key: str) -> Rejection:
    return Rejection(partner_id="media", source_id="news", stage="normalise", reason=reason,
                     message=f"{reason} in {key}", field="title", key=key, excerpt="<item/>")


def _batch(partner: str, source: str, at: datetime, items: list[Item], rejections: list[Rejection] = (),
           *, body: str) -> SourceBatch:
    raws = [RawItem(partner_id=partner, source_id=source, key=i.source_key, title="x") for i in items]
    raws += [RawItem(partner_id=partner, source_id=source, key=r.key or "") for r in rejections]
    fetch = FetchRecord(partner_id=partner, source_id=source, url=f"http://127.0.0.1/{partner}", outcome="fetched",
                        started_at=at, duration_s=0.1, status=200, body_hash=body * 64)
    return SourceBatch(fetch=fetch, raw_items=raws, items=items, rejections=list(rejections),
                       payload_path="/tmp/x", payload_size=10)


def _failed(at: datetime) -> SourceBatch:
    fetch = FetchRecord(partner_id="quiet", source_id="feed", url="http://127.0.0.1/quiet", outcome="error",
                        started_at=at, duration_s=0.1, status=503, error_code="http_status", error="HTTP 503")
    return SourceBatch(fetch=fetch)


def build_warehouse(path: Path) -> Path:
    """Two runs: one before the period (a rejection, a failure), one at NOW with every item."""
    con = connect(path)
    try:
        sync_registry(con, Registry(PARTNERS, (), {p.id: f"{p.id}.yaml" for p in PARTNERS}))
        load_batches(con, [_batch("media", "news", EARLIER, [], [_rejection("missing_title", "old")], body="0"),
                           _failed(EARLIER)], run_id="run-0", now=EARLIER)
        load_batches(con, [
            _batch("hub", "agenda", NOW, events(), body="a"),
            _batch("innov", "calls", NOW, calls(), body="b"),
            _batch("media", "news", NOW, news(), [_rejection("missing_title", "k1"), _rejection("invalid_date", "k2")],
                   body="c"),
            _failed(NOW),
        ], run_id="run-1", now=NOW)
        refresh_items(con, now=NOW)
    finally:
        con.close()
    return path
