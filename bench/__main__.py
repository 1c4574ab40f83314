"""The pipeline benchmark: a synthetic ecosystem on loopback, every stage and whole Dagster runs, side by side.

    .venv/bin/python -m bench                  # 60 sources × 40 items (about 1.5 minutes)
    .venv/bin/python -m bench --scale large    # 100 × 100 then 1,000 × 100 (growth from 10,000 to 100,000 items)
    .venv/bin/python -m bench --sources 300 --items 20 --latency 0.05 --fail-share 0.02

Prints a stage table and the ratios, and writes them as JSON under bench/results/.
See docs/benchmarks.md for what is measured and how.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import baselines, report
from bench.ecosystem import Ecosystem, Spec, change_one_feed, generate, write_payloads, write_registry
from bench.measure import Stages, peak_rss_mib
from bench.server import running

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SCALES = {"small": [(60, 40)], "large": [(100, 100), (1000, 100)]}


def dagster_run(folder: Path, port_registry: Path, total_concurrency: int) -> dict[str, Any]:
    """One whole run through Dagster in a fresh process (so its peak memory is its own)."""
    command = [sys.executable, "-m", "bench.dagster_run", str(port_registry), str(folder / "warehouse.duckdb"),
               str(folder / "public"), str(folder / "dagster"), "--total-concurrency", str(total_concurrency)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the Dagster run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def in_process_stages(ecosystem: Ecosystem, registry: Path, folder: Path, settings: Any) -> tuple[Stages, dict[str, Any]]:
    """Each stage alone, then the baselines on the same bytes."""
    from bench import stages as measured
    from connectors.registry import load_registry
    from warehouse.archive import PayloadArchive

    selection = list(load_registry(registry).sources())
    now = datetime.now(timezone.utc)
    timed = Stages()
    results = measured.fetch_stage(timed, selection, settings)
    # Compared while the process holds the fetched payloads, as an ingest step does (it holds a shard's)...
    comparison = baselines.rss_parse_vs_feedparser(selection, results, now)
    batches = measured.process_stages(timed, selection, results, PayloadArchive(folder / "payloads"), now)
    measured.transform_stages(timed, batches)
    counts = measured.warehouse_stages(timed, registry, folder / "stages.duckdb", folder / "stages-public", batches, now)
    # ...and again once it holds every stage's data for every item, which no step of a run does: glibc's
    # allocator slows down in such a heap, and the compiled parsers and sanitiser allocate more than
    # feedparser's pure Python does. Reported beside the first, not instead of it.
    crowded = baselines.rss_parse_vs_feedparser(selection, results, now)
    sequential = baselines.sequential_fetch([str(s.url) for _, s in selection])
    table = baselines.item_table(batches)
    bare_s = baselines.bare_duckdb_insert(table)
    extra = {
        "counts": counts,
        "parse_comparison": {"feeds": comparison.feeds, "entries": comparison.entries, "ours_s": round(comparison.ours_s, 3),
                             "feedparser_defaults_s": round(comparison.feedparser_s, 3),
                             "same_entries": comparison.same_entries, "ratio": round(comparison.ratio, 3),
                             "after_all_stages": {"ours_s": round(crowded.ours_s, 3),
                                                  "feedparser_defaults_s": round(crowded.feedparser_s, 3),
                                                  "same_entries": crowded.same_entries, "ratio": round(crowded.ratio, 3)}},
        "sequential_fetch": {"requests": sequential[0], "seconds": round(sequential[1], 3),
                             "per_request_s": round(sequential[1] / max(sequential[0], 1), 4)},
        "bare_insert": {"rows": table.num_rows, "seconds": round(bare_s, 4),
                        "rows_per_s": round(table.num_rows / bare_s) if bare_s else None},
    }
    return timed, extra


def run_scale(spec: Spec, total_concurrency: int) -> dict[str, Any]:
    from connectors.http import HttpSettings

    settings = HttpSettings(total_concurrency=total_concurrency)
    ecosystem = generate(spec)
    with tempfile.TemporaryDirectory(prefix="bedigital-bench-") as tmp:
        folder = Path(tmp)
        manifest = write_payloads(ecosystem, folder / "served")
        with running(manifest, spec.latency_s, ecosystem.hosts[0]) as port:
            registry = write_registry(ecosystem, folder / "partners", port)
            print(f"[{spec.label}] {len(ecosystem.sources)} sources on {len(ecosystem.hosts)} loopback hosts, "
                  f"{ecosystem.planted_items} items, {ecosystem.payload_bytes / 2**20:.0f} MiB", flush=True)
            timed, extra = in_process_stages(ecosystem, registry, folder, settings)
            print(f"[{spec.label}] stages measured; whole runs through Dagster…", flush=True)
            cold = dagster_run(folder / "run", registry, total_concurrency)
            nochange = dagster_run(folder / "run", registry, total_concurrency)
            changed = change_one_feed(ecosystem, manifest)  # how long one partner's edit takes to be published
            one_changed = dagster_run(folder / "run", registry, total_concurrency)
            one_changed["changed_source"] = f"{changed.partner_id}/{changed.source_id}"
    return report.scale_result(spec, ecosystem, timed, extra, cold, nochange, total_concurrency, one_changed=one_changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--sources", type=int, help="override the scale: this many sources")
    parser.add_argument("--items", type=int, default=50, help="items per source with --sources")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the server waits before answering")
    parser.add_argument("--fail-share", type=float, default=0.02)
    parser.add_argument("--total-concurrency", type=int, default=None, help="default: HttpSettings' own")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from connectors.http import HttpSettings

    concurrency = args.total_concurrency or HttpSettings().total_concurrency
    sizes = [(args.sources, args.items)] if args.sources else SCALES[args.scale]
    scales = [run_scale(Spec(n, m, args.latency, args.fail_share), concurrency) for n, m in sizes]
    result = report.combine(scales, machine={"python": platform.python_version(), "cpus": _cpus(),
                                             "harness_peak_rss_mib": round(peak_rss_mib(), 1)})
    for scale in scales:
        print(report.table(scale))
    print(report.summary(result))
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}-{scales[-1]['scale']['label']}.json"
    for target in (args.out / name, args.out / "latest.json"):
        target.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"results: {args.out / name}")
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    raise SystemExit(main())
