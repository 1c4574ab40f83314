"""Assembling every asset, check, sensor, schedule, resource and job of a registry in one Definitions."""
from __future__ import annotations

import dagster as dg

from connectors.registry import RegistryInvalid, load_registry
from pipelines.assets.agenda import build_agenda_assets
from pipelines.assets.sources import build_source_assets
from pipelines.resources import (
    HttpResource, MonitoringResource, NotifierResource, PublicationResource, WarehouseResource,
)
from pipelines.sensors import build_automation_sensor, build_daily_refresh, build_failure_sensor, build_poll_sensor
from pipelines.settings import Settings

INGEST_JOB = "ingest"


def build_definitions(settings: Settings, *, http: HttpResource | None = None,
                      notifier: NotifierResource | None = None, monitoring: MonitoringResource | None = None,
                      executor: dg.ExecutorDefinition | None = None) -> dg.Definitions:
    """`executor` defaults to in-process; deploy/ uses the multiprocess (or k8s/celery) one to scale out."""
    executor = executor or dg.in_process_executor
    registry = load_registry(settings.partners_dir)
    if registry.errors:
        # A broken partner file stops the location from loading with every error listed,
        # rather than silently dropping that partner's sources.
        raise RegistryInvalid(registry.errors)
    http = http or HttpResource()
    sources = build_source_assets(registry)
    downstream = build_agenda_assets([key for shard in sources for key in shard.keys])
    ingest = dg.define_asset_job(
        INGEST_JOB,
        selection=dg.AssetSelection.all(),
        executor_def=executor,
        description="Fetch every partner source, rebuild the agenda and publish it.",
    )
    return dg.Definitions(
        assets=[*sources, *downstream],
        jobs=[ingest],
        sensors=[
            build_poll_sensor(registry, settings.warehouse, http.settings()),
            build_automation_sensor([asset.key for asset in downstream]),
            build_failure_sensor(settings.warehouse),
        ],
        schedules=[build_daily_refresh(ingest)],
        # Runs launched by sensors use this too: one process per run, not one per step.
        executor=executor,
        resources={
            "warehouse": WarehouseResource(path=str(settings.warehouse), archive_dir=str(settings.archive_dir)),
            "http": http,
            "publication": PublicationResource(out_dir=str(settings.out_dir)),
            "monitoring": monitoring or MonitoringResource(),
            "notifier": notifier or NotifierResource(),
        },
    )
