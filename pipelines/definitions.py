"""The code location loaded by `dagster dev -w workspace.yaml` (paths from BEDIGITAL_* variables)."""
from pipelines.build import build_definitions
from pipelines.settings import Settings

defs = build_definitions(Settings.from_env())
