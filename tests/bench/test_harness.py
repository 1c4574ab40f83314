"""The benchmark harness at a tiny scale: the synthetic ecosystem is served, fetched, parsed and loaded.

No timing is asserted: this checks that `make bench` measures real work on well-formed bytes.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import httpx

from bench import baselines
from bench import stages as measured
from bench.ecosystem import Spec, change_one_feed, generate, write_payloads, write_registry
from bench.measure import Stages
from bench.report import targets
from bench.server import running
from connectors.http import FetchRequest, HttpSettings, fetch_all_sync
from connectors.registry import load_registry
from warehouse.archive import PayloadArchive

SPEC = Spec(sources=8, items=3, latency_s=0.0, fail_share=0.25)


def test_the_ecosystem_spreads_kinds_languages_and_hosts() -> None:
    ecosystem = generate(SPEC)
    assert {s.kind for s in ecosystem.sources} == {"rss", "ical", "jsonld", "json_api", "html"}
    assert {s.language for s in ecosystem.sources} == {"fr", "nl", "en"}
    assert len(ecosystem.hosts) == 2 and all(h.startswith("127.0.") and h != "127.0.0.1" for h in ecosystem.hosts)
    failing = [s for s in ecosystem.sources if s.items == 0]
    assert len(failing) == 2 and {s.status for s in failing} <= {200, 404}
    assert ecosystem.planted_items == 6 * 3


def test_served_sources_answer_and_revalidate(tmp_path: Path) -> None:
    ecosystem = generate(SPEC)
    with running(write_payloads(ecosystem, tmp_path / "served"), SPEC.latency_s, ecosystem.hosts[0]) as port:
        source = next(s for s in ecosystem.sources if s.items)
        url = f"http://{source.host}:{port}{source.path}"
        first = httpx.get(url)
        assert first.status_code == 200 and first.content == source.body
        again = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        results = fetch_all_sync([FetchRequest("p", s.source_id, f"http://{s.host}:{port}{s.path}") for s in ecosystem.sources],
                                 HttpSettings(retries=0))
    answered = [s.status == 200 for s in ecosystem.sources]
    assert [r.outcome == "fetched" for r in results] == answered
    assert [r.outcome == "error" for r in results] == [not ok for ok in answered]


def test_a_changed_feed_is_served_at_once_with_a_new_etag(tmp_path: Path) -> None:
    ecosystem = generate(SPEC)
    manifest = write_payloads(ecosystem, tmp_path / "served")
    with running(manifest, SPEC.latency_s, ecosystem.hosts[0]) as port:
        source = next(s for s in ecosystem.sources if s.kind == "rss" and s.items)
        url = f"http://{source.host}:{port}{source.path}"
        before = httpx.get(url)
        assert change_one_feed(ecosystem, manifest) == source
        after = httpx.get(url, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
        assert after.content == before.content.replace(b"<item><title>", b"<item><title>Updated: ", 1)
        others = [s for s in ecosystem.sources if s.items and s != source]
        assert all(httpx.get(f"http://{s.host}:{port}{s.path}").content == s.body for s in others)


def test_every_stage_processes_the_planted_items(tmp_path: Path) -> None:
    ecosystem = generate(SPEC)
    now = datetime.now(timezone.utc)
    with running(write_payloads(ecosystem, tmp_path / "served"), SPEC.latency_s, ecosystem.hosts[0]) as port:
        registry = write_registry(ecosystem, tmp_path / "partners", port)
        selection = list(load_registry(registry).sources())
        timed = Stages()
        results = measured.fetch_stage(timed, selection, HttpSettings(retries=0))
    batches = measured.process_stages(timed, selection, results, PayloadArchive(tmp_path / "payloads"), now)
    assert sum(len(b.items) for b in batches) == ecosystem.planted_items
    assert sum(len(b.rejections) for b in batches) == 0
    assert [w for b in batches for w in b.warnings] == []  # the partner files map every field the payloads carry
    measured.transform_stages(timed, batches)
    counts = measured.warehouse_stages(timed, registry, tmp_path / "w.duckdb", tmp_path / "public", batches, now)
    assert counts["canonical_items"] == ecosystem.planted_items
    assert (tmp_path / "public" / "agenda.json").exists()
    assert {"fetch", "parse", "normalise", "categorise", "dedupe", "load", "items", "agenda", "publish"} <= set(timed.stages)
    # Every kind a partner file can name is measured, the configured ones (json_api, html) through their mappings.
    assert {f"parse.{s.kind}" for s in ecosystem.sources if s.items} <= set(timed.stages)

    comparison = baselines.rss_parse_vs_feedparser(selection, results, now)
    assert comparison.feeds >= 1 and comparison.same_entries
    table = baselines.item_table(batches)
    assert table.num_rows == ecosystem.planted_items and baselines.bare_duckdb_insert(table) > 0


def test_targets_say_met_not_met_or_not_measured() -> None:
    result = {
        "runs": {"cold": {"wall_s": 50.0}},
        "ratios": {"fetch_vs_floor": 2.5, "parse_vs_feedparser_defaults": 2.1, "nochange_vs_cold": 0.05,
                   "orchestration_ms_per_source": 3.0},
        "load": {"rows_per_s": 150_000}, "memory": {"peak_mib": 900.0},
    }
    found = targets(result)
    assert found["cold_s"]["met"] and not found["fetch_vs_floor"]["met"] and found["peak_mib"]["met"]
    assert found["growth_10k_to_100k"]["met"] is None
