"""A warehouse file with one partner, two runs, items in the agenda and a rejection: built without HTTP."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from connectors.registry import Partner, Registry
from transforms.model import Item, RawItem, Rejection, item_id
from warehouse.agenda import select_agenda, store_agenda
from warehouse.connection import connect
from warehouse.items import refresh_items
from warehouse.load import load_batches, sync_registry
from warehouse.records import FetchRecord, SourceBatch

PARTNER_YAML = """\
id: hub
name: {fr: Le Hub, nl: De Hub, en: The Hub}
website: https://hub.example
ping_token_env: HUB_TOKEN_FOR_TEST
sources:
  - {id: agenda, kind: rss, url: "http://127.0.0.1:9/agenda.xml", content: event, language: fr}
"""
SOURCE_WARNING = "feed is not well-formed XML (line 12, column 3); 3 entries recovered"
REJECTED_EXCERPT = "<item><link>https://hub.example/x</link><pubDate>31 Feb</pubDate></item>"


def _item(key: str, title: dict[str, str], start: datetime) -> Item:
    return Item(id=item_id("hub", "agenda", key), partner_id="hub", source_id="agenda", source_key=key, kind="event",
                title=title, url=f"https://hub.example/{key}", start_utc=start, languages=sorted(title))


def build_warehouse(path: Path, partners_dir: Path) -> Path:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    partner = Partner.model_validate_json(
        __import__("json").dumps(__import__("yaml").safe_load(PARTNER_YAML)))
    items = [_item("k1", {"fr": "Atelier IA", "en": "AI workshop"}, now + timedelta(days=3)),
             _item("k2", {"fr": "Hackathon", "nl": "Hackathon"}, now + timedelta(days=9))]
    rejection = Rejection(partner_id="hub", source_id="agenda", stage="normalise", reason="invalid_date",
                          message="pubDate '31 Feb' is not a date", field="start", key="k-bad", excerpt=REJECTED_EXCERPT)
    raws = [RawItem(partner_id="hub", source_id="agenda", key=k, title="x") for k in ("k1", "k2", "k-bad")]
    batch = SourceBatch(
        fetch=FetchRecord(partner_id="hub", source_id="agenda", url="http://127.0.0.1:9/agenda.xml", outcome="fetched",
                          started_at=now, duration_s=0.2, status=200, body_hash="c" * 64, etag='"v1"',
                          headers={"etag": '"v1"', "content-type": "application/rss+xml"}),
        raw_items=raws, items=items, rejections=[rejection], payload_path="/tmp/x", payload_size=10,
        warnings=[SOURCE_WARNING],
    )
    con = connect(path)
    try:
        sync_registry(con, Registry((partner,), (), {"hub": str(partners_dir / "hub.yaml")}))
        load_batches(con, [batch], run_id="run-0001", now=now)
        refresh_items(con, now=now)
        store_agenda(con, select_agenda(con, now=now))
    finally:
        con.close()
    return path


@pytest.fixture
def partners_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "partners"
    folder.mkdir()
    (folder / "hub.yaml").write_text(PARTNER_YAML, encoding="utf-8")
    return folder


@pytest.fixture
def warehouse(tmp_path: Path, partners_dir: Path) -> Path:
    return build_warehouse(tmp_path / "data" / "warehouse.duckdb", partners_dir)
