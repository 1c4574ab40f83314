"""Turning measurements into the stage table, the ratios, the targets and the JSON written under bench/results/."""
from __future__ import annotations

from typing import Any

from bench.ecosystem import Ecosystem, Spec
from bench.measure import Stages

KINDS = ("rss", "ical", "jsonld", "json_api", "html")
STAGE_ORDER = ("fetch", "archive", "parse", *(f"parse.{k}" for k in KINDS), "normalise", *(f"normalise.{k}" for k in KINDS),
               "categorise", "dedupe", "load", "items", "agenda", "publish")
# Target per ratio: (value must be <= or >= the bound, bound), at 1,000 sources × 100 items.
TARGETS = {
    "cold_s": ("<=", 60.0),
    "fetch_vs_floor": ("<=", 2.0),
    "parse_vs_feedparser_defaults": (">=", 2.0),
    "load_rows_per_s": (">=", 100_000.0),
    "nochange_vs_cold": ("<=", 0.10),
    "orchestration_ms_per_source": ("<=", 10.0),
    "peak_mib": ("<=", 1536.0),
    "growth_10k_to_100k": ("<=", 12.0),
}


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def scale_result(spec: Spec, ecosystem: Ecosystem, timed: Stages, extra: dict[str, Any], cold: dict[str, Any],
                 nochange: dict[str, Any], concurrency: int, *, one_changed: dict[str, Any] | None = None) -> dict[str, Any]:
    """One scale's figures; `one_changed` is the run after one partner edited one item, when it was measured."""
    stages = timed.stages
    sources = len(ecosystem.sources)
    floor_s = sources * spec.latency_s / concurrency
    load = stages["load"]
    rows = load.count  # items written to source_items
    raw_rows = sum(s.count for name, s in stages.items() if name.startswith("parse."))
    written = rows + raw_rows
    sequential = extra["sequential_fetch"]
    work = sum(cold["work_s"].values())
    return {
        "scale": {"label": spec.label, "sources": sources, "items_per_source": spec.items, "items": ecosystem.planted_items,
                  "latency_s": spec.latency_s, "fail_share": spec.fail_share, "hosts": len(ecosystem.hosts),
                  "payload_mib": round(ecosystem.payload_bytes / 2**20, 1), "total_concurrency": concurrency},
        "stages": timed.as_dict(),
        "fetch": {"seconds": _round(stages["fetch"].seconds), "floor_s": _round(floor_s),
                  "sequential_estimate_s": _round(sequential["per_request_s"] * sources), "sequential_sample": sequential},
        "load": {"seconds": _round(load.seconds), "rows": written, "rows_per_s": round(written / load.seconds) if load.seconds else None,
                 "items_per_s": round(rows / load.seconds) if load.seconds else None, "bare_arrow_insert": extra["bare_insert"]},
        "parse": extra["parse_comparison"],
        "runs": {"cold": cold, "nochange": nochange, **({"one_changed": one_changed} if one_changed else {})},
        "memory": {"peak_mib": _with_workers(cold), "nochange_peak_mib": _with_workers(nochange),
                   "run_process_peak_mib": cold["peak_rss_mib"]},
        "counts": extra["counts"],
        "ratios": {
            "fetch_vs_floor": _round(stages["fetch"].seconds / floor_s if floor_s else None),
            "fetch_vs_sequential": _round(sequential["per_request_s"] * sources / stages["fetch"].seconds),
            "parse_vs_feedparser_defaults": extra["parse_comparison"]["ratio"],
            "parse_vs_feedparser_defaults_after_all_stages": extra["parse_comparison"]["after_all_stages"]["ratio"],
            "load_vs_bare_arrow_insert": _round((extra["bare_insert"]["rows_per_s"] or 0) / (written / load.seconds))
            if load.seconds else None,
            "nochange_vs_cold": _round(nochange["wall_s"] / cold["wall_s"]),
            "one_changed_vs_cold": _round(one_changed["wall_s"] / cold["wall_s"]) if one_changed else None,
            "orchestration_ms_per_source": _round(1000 * (cold["wall_s"] - work) / sources, 2),
            "nochange_orchestration_ms_per_source": _round(
                1000 * (nochange["wall_s"] - sum(nochange["work_s"].values())) / sources, 2),
        },
    }


def _with_workers(run: dict[str, Any]) -> float:
    """The run's peak memory, its parsing workers' included."""
    return run.get("peak_with_workers_mib", run["peak_rss_mib"])


def combine(scales: list[dict[str, Any]], machine: dict[str, Any]) -> dict[str, Any]:
    """The result file: the largest scale's figures at the top level, every scale below, and the growth."""
    last = scales[-1]
    result = {key: last[key] for key in ("scale", "ratios", "load", "memory", "fetch", "parse", "stages", "runs")}
    result["machine"] = machine
    result["scales"] = scales
    if len(scales) > 1:
        small, large = scales[0], scales[-1]
        factor = large["scale"]["items"] / small["scale"]["items"]
        result["growth"] = {
            "items_factor": round(factor, 2),
            "cold_wall": _round(large["runs"]["cold"]["wall_s"] / small["runs"]["cold"]["wall_s"], 2),
            "peak_mib": _round(large["memory"]["peak_mib"] / small["memory"]["peak_mib"], 2),
            **{name: _round(large["stages"][name]["seconds"] / small["stages"][name]["seconds"], 2)
               for name in ("dedupe", "categorise", "items", "load", "publish")
               if small["stages"].get(name, {}).get("seconds") and large["stages"].get(name, {}).get("seconds")},
        }
    result["targets"] = targets(result)
    return result


def _values(result: dict[str, Any]) -> dict[str, float | None]:
    ratios = result["ratios"]
    return {
        "cold_s": result["runs"]["cold"]["wall_s"],
        "fetch_vs_floor": ratios["fetch_vs_floor"],
        "parse_vs_feedparser_defaults": ratios["parse_vs_feedparser_defaults"],
        "load_rows_per_s": result["load"]["rows_per_s"],
        "nochange_vs_cold": ratios["nochange_vs_cold"],
        "orchestration_ms_per_source": ratios["orchestration_ms_per_source"],
        "peak_mib": result["memory"]["peak_mib"],
        "growth_10k_to_100k": (result.get("growth") or {}).get("cold_wall"),
    }


def targets(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target with the value reached and whether it is met (None: not measured at this scale)."""
    out = {}
    for name, value in _values(result).items():
        sense, bound = TARGETS[name]
        met = None if value is None else (value <= bound if sense == "<=" else value >= bound)
        out[name] = {"value": value, "target": f"{sense} {bound:g}", "met": met}
    return out


def table(scale: dict[str, Any]) -> str:
    """The stage table of one scale."""
    lines = [f"\n== {scale['scale']['label']}: {scale['scale']['sources']} sources, {scale['scale']['items']} items, "
             f"{scale['scale']['latency_s'] * 1000:g} ms latency, {scale['scale']['payload_mib']} MiB ==",
             f"{'stage':<18}{'seconds':>10}{'count':>10}{'per s':>12}  note"]
    for name in STAGE_ORDER:
        stage = scale["stages"].get(name)
        if stage:
            per_s = f"{stage['per_s']:,.0f}" if stage["per_s"] else "-"
            lines.append(f"{name:<18}{stage['seconds']:>10.3f}{stage['count']:>10}{per_s:>12}  {stage['note']}")
    for label, run in scale["runs"].items():
        work = ", ".join(f"{k} {v:.2f}" for k, v in sorted(run["work_s"].items(), key=lambda kv: -kv[1])[:5])
        lines.append(f"dagster {label:<11}{run['wall_s']:>9.3f}{run['sources']:>10}{'':>12}  "
                     f"peak {_with_workers(run):.0f} MiB (run process {run['peak_rss_mib']:.0f}); "
                     f"{run['outcomes']}; work: {work}")
    return "\n".join(lines)


def summary(result: dict[str, Any]) -> str:
    lines = ["\nratios (largest scale):"]
    lines += [f"  {name:<48}{value}" for name, value in result["ratios"].items()]
    lines.append(f"  {'load.rows_per_s':<48}{result['load']['rows_per_s']}")
    lines.append(f"  {'memory.peak_mib':<48}{result['memory']['peak_mib']}")
    if result.get("growth"):
        lines.append("growth " + ", ".join(f"{k} ×{v}" for k, v in result["growth"].items()))
    lines.append("targets (set for 1,000 × 100 at 50 ms):")
    for name, target in result["targets"].items():
        mark = {True: "met", False: "NOT met", None: "n/a"}[target["met"]]
        lines.append(f"  {name:<38}{target['value']!s:>12}  {target['target']:<12} {mark}")
    return "\n".join(lines)
