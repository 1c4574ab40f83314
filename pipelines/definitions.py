"""The code location loaded by `dagster dev -w workspace.yaml` (paths from BEDIGITAL_* variables)."""
from bedigital.dagster_sqlite import relax_sqlite_sync
from pipelines.build import build_definitions
from pipelines.settings import Settings

relax_sqlite_sync()  # run workers import this module: their events are stored without an fsync each

defs = build_definitions(Settings.from_env())
