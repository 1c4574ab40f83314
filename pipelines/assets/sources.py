"""One asset per partner source, all fetched together in one step.

A multi-asset with one skippable output per source: selecting a few sources runs only
those, and fetching a thousand costs one step, not a thousand processes.
"""

from datetime import datetime, timezone

import dagster as dg

from bedigital.ingest import ingest_sources
from connectors.registry import Partner, Registry, Source
from pipelines.resources import HttpResource, WarehouseResource
from warehouse.load import sync_registry
from warehouse.records import SourceBatch, SourceCounts

FETCH_OK = "fetch_ok"
ACCOUNTING = "accounting"
PREVIEW_ROWS = 8


class FetchConfig(dg.Config):
    """Run configuration of the fetch step."""

    force: bool = False  # ignore the conditional cache (ETag, Last-Modified, body hash): a full refresh


def source_key(partner_id: str, source_id: str) -> dg.AssetKey:
    return dg.AssetKey(["source", partner_id, source_id])


def group_name(partner_id: str) -> str:
    return "partner_" + partner_id.replace("-", "_")


def _preview(batch: SourceBatch) -> str:
    if not batch.items:
        return "(no items in this payload)"
    lines = ["| kind | title | start / deadline |", "|---|---|---|"]
    for item in batch.items[:PREVIEW_ROWS]:
        title = next(iter(item.title.values()), "").replace("|", "/")[:80]
        when = item.start_utc or item.start_date or item.deadline_utc or ""
        lines.append(f"| {item.kind} | {title} | {when} |")
    if len(batch.items) > PREVIEW_ROWS:
        lines.append(f"| … | {len(batch.items) - PREVIEW_ROWS} more | |")
    return "\n".join(lines)


def _metadata(source: Source, batch: SourceBatch, counts: SourceCounts) -> dict:
    rejections = {}
    for rejection in batch.rejections:
        rejections[rejection.reason] = rejections.get(rejection.reason, 0) + 1
    return {
        "url": dg.MetadataValue.url(str(source.url)),
        "kind": source.kind,
        "outcome": counts.outcome,
        "http_status": counts.status if counts.status is not None else "none",
        "fetched": counts.fetched,
        "new": counts.new,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "rejected": counts.rejected,
        "duration_s": round(counts.duration_s, 3),
        "error": counts.error or "",
        "warnings": dg.MetadataValue.json(counts.warnings),
        "rejection_reasons": dg.MetadataValue.json(rejections),
        "payload_sha256": batch.fetch.body_hash or "",
        "preview": dg.MetadataValue.md(_preview(batch)),
    }


def build_source_assets(registry: Registry) -> dg.AssetsDefinition:
    """The multi-asset of every enabled source of the registry, with its per-source checks."""
    by_key: dict[dg.AssetKey, tuple[Partner, Source]] = {
        source_key(p.id, s.id): (p, s) for p, s in registry.sources()
    }
    specs = [
        dg.AssetSpec(
            key,
            group_name=group_name(partner.id),
            skippable=True,
            description=f"{partner.name.en}: {source.kind} source '{source.id}' ({source.content}, {source.language})",
            kinds={source.kind},
            metadata={"url": dg.MetadataValue.url(str(source.url)), "partner": partner.id},
            tags={"partner": partner.id},
        )
        for key, (partner, source) in by_key.items()
    ]
    check_specs = [
        spec
        for key in by_key
        for spec in (
            dg.AssetCheckSpec(FETCH_OK, asset=key, description="The source answered and its payload could be read."),
            dg.AssetCheckSpec(
                ACCOUNTING, asset=key, description="fetched = new + updated + unchanged + merged + rejected"
            ),
        )
    ]

    @dg.multi_asset(name="partner_sources", specs=specs, check_specs=check_specs, can_subset=True)
    def partner_sources(context: dg.AssetExecutionContext, warehouse: WarehouseResource, http: HttpResource, config: FetchConfig):
        selected = [key for key in by_key if key in context.selected_asset_keys]
        selection = [by_key[key] for key in selected]
        now = datetime.now(timezone.utc)
        with warehouse.connection() as con:
            sync_registry(con, registry)
            result = ingest_sources(
                con, selection, archive=warehouse.archive(), settings=http.settings(),
                run_id=context.run_id, now=now, force=config.force,
            )
        batches = {(b.fetch.partner_id, b.fetch.source_id): b for b in result.batches}
        for key in selected:
            partner, source = by_key[key]
            batch = batches[(partner.id, source.id)]
            counts = result.counts[(partner.id, source.id)]
            if counts.error:
                context.log.warning(f"{partner.id}/{source.id}: {counts.error}")
            yield dg.MaterializeResult(
                asset_key=key,
                metadata=_metadata(source, batch, counts),
                check_results=[
                    dg.AssetCheckResult(
                        asset_key=key,
                        check_name=FETCH_OK,
                        passed=counts.error is None,
                        severity=dg.AssetCheckSeverity.WARN,
                        metadata={"error": counts.error or "", "http_status": counts.status if counts.status is not None else "none"},
                        description=counts.error,
                    ),
                    dg.AssetCheckResult(
                        asset_key=key,
                        check_name=ACCOUNTING,
                        passed=counts.balanced,
                        metadata={
                            "fetched": counts.fetched,
                            "accounted": counts.new + counts.updated + counts.unchanged + counts.merged + counts.rejected,
                        },
                    ),
                ],
            )

    return partner_sources
