"""The assets downstream of the sources: canonical items, the agenda, and its publication."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from pipelines.resources import PublicationResource, WarehouseResource
from warehouse.agenda import load_agenda, select_agenda, store_agenda
from warehouse.items import refresh_items
from warehouse.publish import PublicationError, publish

AGENDA_GROUP = "agenda"


def build_agenda_assets(source_keys: list[dg.AssetKey]) -> list[dg.AssetsDefinition]:
    @dg.asset(
        key="items",
        group_name=AGENDA_GROUP,
        deps=source_keys,
        kinds={"duckdb"},
        description="Canonical agenda items built from every source's normalised records.",
    )
    def items(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connection() as con:
            changes = refresh_items(con, now=datetime.now(timezone.utc))
        return dg.MaterializeResult(metadata={k: int(v) for k, v in changes.items()})

    @dg.asset(
        key="agenda",
        group_name=AGENDA_GROUP,
        deps=[items],
        kinds={"duckdb"},
        description="The items the agenda shows now: upcoming and ongoing events, open calls, recent news.",
    )
    def agenda(warehouse: WarehouseResource) -> dg.MaterializeResult:
        now = datetime.now(timezone.utc)
        with warehouse.connection() as con:
            documents = select_agenda(con, now=now)
            store_agenda(con, documents)
        by_kind = {kind: sum(1 for d in documents if d["kind"] == kind) for kind in ("event", "call", "news")}
        return dg.MaterializeResult(metadata={"items": len(documents), **by_kind})

    @dg.asset(
        key="publication",
        group_name=AGENDA_GROUP,
        deps=[agenda],
        kinds={"json", "ical", "atom"},
        description="agenda.json (with its JSON Schema), agenda.ics and feed.atom, written atomically.",
    )
    def publication(warehouse: WarehouseResource, publication: PublicationResource) -> dg.MaterializeResult:
        with warehouse.connection() as con:
            documents = load_agenda(con)
        try:
            written = publish(documents, Path(publication.out_dir), generated_at=datetime.now(timezone.utc))
        except PublicationError as exc:
            raise dg.Failure(description=f"publication refused, the previous one stays online: {exc}") from exc
        return dg.MaterializeResult(
            metadata={
                "out_dir": dg.MetadataValue.path(publication.out_dir),
                "items": len(documents),
                "files": dg.MetadataValue.json(sorted(written)),
            }
        )

    return [items, agenda, publication]
