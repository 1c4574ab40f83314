"""The definitions scaled out: every step in its own process (multiprocess, or k8s/celery in deploy/).

Loaded by code locations and workers by reference (`dg.reconstructable`), with the registry, warehouse and
publication folder from the environment (BEDIGITAL_PARTNERS, BEDIGITAL_WAREHOUSE, BEDIGITAL_OUT).
DuckDB admits one writing process: steps that write the warehouse carry the WRITER_TAG op tag and the
executor runs at most one of them at a time, while the others (and other runs' fetch steps) go on.
"""
from __future__ import annotations

import dagster as dg

from pipelines.assets.tags import WRITER_TAG
from pipelines.build import INGEST_JOB, build_definitions
from pipelines.settings import Settings

WRITER_LIMIT = [{"key": WRITER_TAG, "limit": 1}]


def scaled_executor(max_concurrent: int = 2) -> dg.ExecutorDefinition:
    """The multiprocess executor with the warehouse writers limited to one step at a time."""
    return dg.multiprocess_executor.configured(
        {"max_concurrent": max_concurrent, "tag_concurrency_limits": WRITER_LIMIT}, name="scaled_multiprocess"
    )


def scaled_definitions() -> dg.Definitions:
    return build_definitions(Settings.from_env(), executor=scaled_executor())


def scaled_ingest_job() -> dg.JobDefinition:
    """The ingest job on the multiprocess executor, for `dg.reconstructable`."""
    return scaled_definitions().resolve_job_def(INGEST_JOB)
