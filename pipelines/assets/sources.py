"""One asset per partner source, fetched together in a few steps.

Multi-assets with one skippable output per source: selecting a few sources runs only those,
and fetching a thousand costs a handful of steps, not a thousand processes. A registry of up to
SHARD_SIZE sources is one multi-asset (`partner_sources`); a larger one is cut, between partners,
into shards of about that size (`partner_sources_01`, ...), because the cost of Dagster's bookkeeping
of one step grows with the square of its outputs.
"""

from datetime import datetime, timezone

import dagster as dg

from bedigital.monitoring.state import write_poll_state
from connectors.registry import Partner, Registry, Source
from pipelines.checks import (
    ACCOUNTING, FETCH_OK, Thresholds, accounting_result, error_streak_result, fetch_ok_result, freshness_policy, rejection_share_result, source_check_specs, volume_drop_result,
)
from pipelines.assets.tags import FULL_REFRESH_TAG, WRITER_OP_TAGS
from pipelines.resources import HttpResource, MonitoringResource, WarehouseResource
from warehouse.load import source_states, sync_registry
from warehouse.records import SourceBatch, SourceCounts
from warehouse.report import previous_fetched

PREVIEW_ROWS = 8
SHARD_SIZE = 100  # sources per multi-asset (step); see the module docstring


# No `from __future__ import annotations` here: Dagster reads the `config` parameter's annotation
# as a class, and a string annotation makes it refuse the definition.
class FetchConfig(dg.Config):
    """Run configuration of the fetch step."""

    # Ignore the conditional cache (ETag, Last-Modified, body hash): a full refresh. Runs tagged
    # bedigital/full_refresh=true (the CLI's --force, the daily refresh) do the same for every shard.
    force: bool = False


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


def _reasons(batch: SourceBatch) -> dict[str, int]:
    reasons: dict[str, int] = {}
    for rejection in batch.rejections:
        reasons[rejection.reason] = reasons.get(rejection.reason, 0) + 1
    return reasons


def _metadata(source: Source, batch: SourceBatch, counts: SourceCounts, error_streak: int) -> dict:
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
        "merged": counts.merged,
        "error_streak": error_streak,
        "rejection_reasons": dg.MetadataValue.json(_reasons(batch)),
        "payload_sha256": batch.fetch.body_hash or "",
        "preview": dg.MetadataValue.md(_preview(batch)),
    }


def shards(sources: list[tuple[Partner, Source]], size: int) -> list[list[tuple[Partner, Source]]]:
    """The sources in consecutive groups of about `size`, never splitting a partner."""
    groups: list[list[tuple[Partner, Source]]] = [[]]
    for partner, source in sources:
        current = groups[-1]
        if len(current) >= size and current[-1][0].id != partner.id:
            groups.append(current := [])
        current.append((partner, source))
    return [group for group in groups if group]


def build_source_assets(registry: Registry, shard_size: int | None = None) -> list[dg.AssetsDefinition]:
    """The multi-assets of every enabled source of the registry, with their per-source checks."""
    groups = shards(list(registry.sources()), shard_size or SHARD_SIZE)
    if len(groups) == 1:
        return [_source_multi_asset("partner_sources", groups[0], registry)]
    return [_source_multi_asset(f"partner_sources_{n:02d}", group, registry) for n, group in enumerate(groups, 1)]


def _source_multi_asset(name: str, sources: list[tuple[Partner, Source]], registry: Registry) -> dg.AssetsDefinition:
    by_key: dict[dg.AssetKey, tuple[Partner, Source]] = {source_key(p.id, s.id): (p, s) for p, s in sources}
    specs = [
        dg.AssetSpec(
            key,
            group_name=group_name(partner.id),
            skippable=True,
            description=f"{partner.name.en}: {source.kind} source '{source.id}' ({source.content}, {source.language})",
            kinds={source.kind},
            metadata={"url": dg.MetadataValue.url(str(source.url)), "partner": partner.id,
                      "poll_every_s": int(partner.poll_interval(source).total_seconds())},
            tags={"partner": partner.id},
            freshness_policy=freshness_policy(partner.poll_interval(source)),
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
            *source_check_specs(key),
        )
    ]

    @dg.multi_asset(name=name, specs=specs, check_specs=check_specs, can_subset=True, op_tags=WRITER_OP_TAGS)
    def partner_sources(context: dg.AssetExecutionContext, warehouse: WarehouseResource, http: HttpResource,
                        monitoring: MonitoringResource, config: FetchConfig):
        # Imported here: the parsers' libraries are only needed by runs, not by the sensors and the
        # code location server, which load this module on every start.
        from bedigital.ingest import ingest_sources

        selected = [key for key in by_key if key in context.selected_asset_keys]
        selection = [by_key[key] for key in selected]
        now = datetime.now(timezone.utc)
        limits = monitoring.thresholds()
        forced = config.force or context.run.tags.get(FULL_REFRESH_TAG) == "true"
        with warehouse.connection() as con:
            sync_registry(con, registry)
            previous = previous_fetched(con, context.run.run_id)
            streaks_before = {key: int(state.get("error_streak") or 0) for key, state in source_states(con).items()}
            result = ingest_sources(
                con, selection, archive=warehouse.archive(), settings=http.settings(),
                run_id=context.run.run_id, now=now, force=forced,
            )
            states = source_states(con)
        # The poll sensor compares against this copy instead of opening the warehouse.
        write_poll_state(warehouse.monitoring_dir(), states)
        batches = {(b.fetch.partner_id, b.fetch.source_id): b for b in result.batches}
        for key in selected:
            partner, source = by_key[key]
            batch = batches[(partner.id, source.id)]
            counts = result.counts[(partner.id, source.id)]
            if counts.error:
                context.log.warning(f"{partner.id}/{source.id}: {counts.error}")
            streak = int(states.get((partner.id, source.id), {}).get("error_streak") or 0)
            if streak >= limits.flag_streak:
                context.log.warning(f"{partner.id}/{source.id} failed {streak} runs in a row: flagged (it stays enabled)")
            yield dg.MaterializeResult(
                asset_key=key,
                metadata=_metadata(source, batch, counts, streak),
                check_results=_check_results(key, batch, counts, previous.get((partner.id, source.id)), streak, limits,
                                             quiet=not forced and _quiet(counts, streaks_before.get((partner.id, source.id), 0))),
            )

    return partner_sources


def _quiet(counts: SourceCounts, streak_before: int) -> bool:
    """A source that answered "not modified" and had not failed before: none of its checks can tell anything new."""
    return counts.outcome == "not_modified" and counts.error is None and streak_before == 0


def _check_results(key: dg.AssetKey, batch: SourceBatch, counts: SourceCounts, previous: int | None,
                   streak: int, limits: Thresholds, *, quiet: bool = False) -> list[dg.AssetCheckResult]:
    """The checks this run can tell something new about; the others keep their last result.

    A source that answered "not modified" has the payload it had: the checks of its payload (accounting,
    volume, rejections) are not written again. When it had not failed before either (`quiet`), its fetch
    and error-streak checks would repeat a pass too. Each check result is two stored events and a lookup
    of the asset's materialisation: at a thousand sources, most of the cost of a run finding nothing new."""
    if quiet:
        return []
    results = [fetch_ok_result(key, counts), error_streak_result(key, streak=streak, limits=limits)]
    if counts.outcome != "not_modified":
        results += [
            accounting_result(key, counts),
            volume_drop_result(key, parsed=batch.parsed, fetched=counts.fetched, previous=previous, limits=limits),
            rejection_share_result(key, fetched=counts.fetched, rejected=counts.rejected, reasons=_reasons(batch), limits=limits),
        ]
    return results
