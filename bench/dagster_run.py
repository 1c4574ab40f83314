"""One whole run through Dagster, in a fresh process, reporting its wall time, its work and its peak memory.

    python -m bench.dagster_run PARTNERS WAREHOUSE OUT DAGSTER_HOME [--total-concurrency N]

Prints one JSON line. The product's functions that do the work (ingest, items, agenda, publication) are
wrapped with timers where the assets look them up, so that what is left of the run's wall time is
Dagster's own cost: run start, step orchestration and one materialisation plus five checks per source.
The peak memory of the parsing workers (bedigital.processing) is reported beside the run's own.
"""
from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

from bench.measure import FamilyMemory, peak_rss_mib

WORK: dict[str, float] = {}
PEAK_AFTER: dict[str, float] = {}  # the process's peak memory (MiB) when each work function first returned


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            WORK[name] = WORK.get(name, 0.0) + time.perf_counter() - started
            PEAK_AFTER.setdefault(name, round(peak_rss_mib(), 1))

    return wrapper


def instrument() -> None:
    """Time the work functions at the names the assets call them by."""
    import bedigital.ingest as ingest
    import pipelines.assets.agenda as agenda
    import pipelines.assets.sources as sources

    ingest.ingest_sources = _timed("ingest", ingest.ingest_sources)
    for name in ("refresh_items", "stage_agenda", "load_agenda", "load_partners", "publish",
                 "write_partner_pages"):
        if hasattr(agenda, name):
            setattr(agenda, name, _timed(name, getattr(agenda, name)))
    for name in ("sync_registry", "previous_fetched", "source_states", "write_poll_state"):
        if hasattr(sources, name):
            setattr(sources, name, _timed(name, getattr(sources, name)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("partners", "warehouse", "out", "dagster_home"):
        parser.add_argument(name, type=Path)
    parser.add_argument("--total-concurrency", type=int, default=None)
    args = parser.parse_args(argv)

    import duckdb

    from bedigital.runner import dagster_instance, run_pipeline
    from pipelines.resources import HttpResource

    instrument()
    instance = dagster_instance(args.dagster_home)
    started = time.perf_counter()
    with FamilyMemory() as family:
        report = run_pipeline(args.partners, args.warehouse, args.out, instance=instance,
                              http=HttpResource(total_concurrency=args.total_concurrency))
    wall = time.perf_counter() - started
    outcomes: dict[str, int] = {}
    for line in report.sources:
        outcomes[line.outcome] = outcomes.get(line.outcome, 0) + 1
    con = duckdb.connect(str(args.warehouse), read_only=True)
    try:
        raw_rows = con.execute("SELECT count(*) FROM raw_items").fetchone()[0]
    finally:
        con.close()
    print(json.dumps({
        "wall_s": round(wall, 3), "success": report.success, "published": report.published, "failure": report.failure,
        "sources": len(report.sources), "outcomes": outcomes, "agenda_items": report.agenda_items,
        "fetched_records": sum(line.fetched for line in report.sources), "raw_rows": raw_rows,
        "work_s": {k: round(v, 3) for k, v in WORK.items()}, "peak_rss_mib": round(peak_rss_mib(), 1),
        # Memory with the parsing workers': sampled, so bounded below by the process's exact peak.
        "peak_with_workers_mib": round(max(family.peak_mib, peak_rss_mib()), 1),
        "workers_share_mib": round(family.descendants_peak_mib, 1),
        "peak_rss_mib_after": PEAK_AFTER,
    }))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
