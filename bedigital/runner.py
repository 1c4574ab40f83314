"""Running the pipeline through Dagster, in process, and reading back what each source did."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from bedigital.dagster_sqlite import batch_planned_events, relax_sqlite_sync
from connectors.registry import RegistryInvalid, load_registry
from pipelines.assets.tags import FULL_REFRESH_TAG
from pipelines.build import INGEST_JOB, build_definitions
from pipelines.resources import HttpResource
from pipelines.settings import Settings
from warehouse.connection import connect

DAGSTER_YAML = """# Written by bedigital on first use.
telemetry:
  enabled: false
# Every run writes the same DuckDB file, which takes one writing process at a time: runs wait in the
# queue instead of failing on the file lock, and sensor-launched runs cannot pile up side by side.
concurrency:
  runs:
    max_concurrent_runs: 1
# A queued run starts within a second of the previous one ending (Dagster's default is 5 s).
run_queue:
  dequeue_interval_seconds: 1
# Dagster's SQLite event log (same files) keeping its connections open instead of one per event.
event_log_storage:
  module: bedigital.dagster_sqlite
  class: PooledSqliteEventLogStorage
# What the pipeline's modules log goes into the run's event log, which the UI shows beside the steps' events.
# Steps' raw stdout/stderr are not captured, as in deploy/dagster.yaml: capturing them kept two `tail`
# processes and two Python pollers beside every step (~22 MiB).
python_logs:
  python_log_level: INFO
  managed_python_loggers: [bedigital, connectors, pipelines, transforms, warehouse]
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
"""


@dataclass(slots=True)
class SourceLine:
    partner_id: str
    source_id: str
    kind: str
    status: int | None
    outcome: str
    fetched: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    error: str | None


@dataclass(slots=True)
class RunReport:
    run_id: str
    success: bool
    published: bool
    sources: list[SourceLine] = field(default_factory=list)
    failure: str | None = None
    agenda_items: int = 0
    out_dir: Path | None = None
    # A successful run whose agenda would have been the one already published: nothing to publish.
    unchanged: bool = False


def _ours_but_older(text: str) -> bool:
    return text != DAGSTER_YAML and text.startswith(DAGSTER_YAML.splitlines()[0])


def dagster_instance(home: Path | None) -> dg.DagsterInstance:
    """The persistent Dagster instance at `home` (runs show in `dagster dev`), created when missing."""
    target = Path(home or os.environ.get("DAGSTER_HOME") or "data/dagster").resolve()
    target.mkdir(parents=True, exist_ok=True)
    config = target / "dagster.yaml"
    # Written when missing, and brought up to date while it is still the file we wrote (never a hand-edited one).
    if not config.exists() or _ours_but_older(config.read_text(encoding="utf-8")):
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(target)
    relax_sqlite_sync()
    batch_planned_events()
    return dg.DagsterInstance.get()


def _failure_message(result: dg.ExecuteInProcessResult) -> str | None:
    for event in result.get_step_failure_events():
        data = event.step_failure_data
        text = data.user_failure_data.description if data.user_failure_data else None
        if not text and data.error:
            text = data.error.message.strip()
        return f"step {event.step_key} failed: {text}"
    return None


def source_lines(warehouse: Path, run_id: str) -> list[SourceLine]:
    con = connect(warehouse)
    try:
        rows = con.execute(
            """
            SELECT f.partner_id, f.source_id, s.kind, f.status,
                   CASE WHEN f.parse_error IS NOT NULL THEN 'parse_error' ELSE f.outcome END,
                   f.n_fetched, f.n_new, f.n_updated, f.n_unchanged, f.n_rejected, coalesce(f.parse_error, f.error)
            FROM fetch_log f JOIN sources s USING (partner_id, source_id)
            WHERE f.run_id = ? ORDER BY f.partner_id, f.source_id
            """,
            [run_id],
        ).fetchall()
    finally:
        con.close()
    return [SourceLine(*row) for row in rows]


def run_pipeline(
    partners_dir: Path, warehouse: Path, out_dir: Path, *, force: bool = False,
    dagster_home: Path | None = None, instance: dg.DagsterInstance | None = None, http: HttpResource | None = None,
    log_level: str = "WARNING",
) -> RunReport:
    """Run the ingest job on a registry; raises RegistryInvalid when a partner file is broken."""
    registry = load_registry(partners_dir)
    if registry.errors:
        raise RegistryInvalid(registry.errors)
    settings = Settings(partners_dir=partners_dir.resolve(), warehouse=warehouse.resolve(), out_dir=out_dir.resolve())
    defs = build_definitions(settings, http=http)
    job = defs.resolve_job_def(INGEST_JOB)
    instance = instance or dagster_instance(dagster_home)
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={
            # Dagster's step-by-step DEBUG lines drown the summary; the UI keeps every event anyway.
            "loggers": {"console": {"config": {"log_level": log_level}}},
        },
        tags={"bedigital/trigger": "cli", **({FULL_REFRESH_TAG: "true"} if force else {})},
    )
    published = any(
        event.asset_key == dg.AssetKey("publication") for event in result.get_asset_materialization_events()
    )
    report = RunReport(
        run_id=result.run_id,
        success=result.success,
        published=published,
        failure=_failure_message(result),
        out_dir=settings.out_dir,
        unchanged=result.success and not published,
    )
    if settings.warehouse.exists():
        report.sources = source_lines(settings.warehouse, result.run_id)
        con = connect(settings.warehouse)
        try:
            report.agenda_items = con.execute("SELECT count(*) FROM agenda").fetchone()[0]
        finally:
            con.close()
    return report
