from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from transforms.model import Item, RawItem, Rejection, item_id
from warehouse.connection import connect
from warehouse.records import FetchRecord, SourceBatch

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def con(tmp_path: Path):
    connection = connect(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def make_item(key: str, *, title: str = "Atelier IA", start: datetime | None = None, source: str = "agenda") -> Item:
    return Item(
        id=item_id("hub", source, key), partner_id="hub", source_id=source, source_key=key, kind="event",
        title={"fr": title}, url=f"https://hub.example/{key}", start_utc=start or datetime(2026, 3, 10, 17, 30, tzinfo=timezone.utc),
        languages=["fr"],
    )


def make_batch(items: list[Item], *, rejections: list[Rejection] = (), body_hash: str = "b" * 64, source: str = "agenda") -> SourceBatch:
    raws = [RawItem(partner_id="hub", source_id=source, key=i.source_key, title=i.title["fr"]) for i in items]
    raws += [RawItem(partner_id="hub", source_id=source, key=r.key or "", title=None) for r in rejections if r.stage == "normalise"]
    return SourceBatch(
        fetch=FetchRecord(partner_id="hub", source_id=source, url="http://127.0.0.1/x", outcome="fetched",
                          started_at=NOW, duration_s=0.1, status=200, body_hash=body_hash, etag='"e1"'),
        raw_items=raws, items=list(items), rejections=list(rejections), payload_path="/tmp/x", payload_size=10,
    )
