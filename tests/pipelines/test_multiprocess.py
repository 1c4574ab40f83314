"""The pipeline on Dagster's multiprocess executor: each step in its own process, one warehouse writer at a time."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest
from pytest_httpserver import HTTPServer

from pipelines.build import INGEST_JOB
from pipelines.scaled import scaled_definitions, scaled_ingest_job
from pipelines.settings import ENV_OUT, ENV_PARTNERS, ENV_WAREHOUSE

WRITING_STEPS = {"partner_sources", "items", "agenda"}


def _rss(now: datetime) -> str:
    entries = "".join(
        f"<item><title>Nouvelle {n}</title><link>http://lab.example/news/{n}</link><guid>n{n}</guid>"
        f"<description>&lt;p&gt;Texte {n}&lt;/p&gt;</description>"
        f"<pubDate>{(now - timedelta(days=n)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
        for n in range(1, 4)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Lab</title><link>http://lab.example/</link>{entries}</channel></rss>'


@pytest.fixture
def environment(tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    httpserver.expect_request("/news.xml").respond_with_data(_rss(datetime.now(timezone.utc)), content_type="application/rss+xml")
    partners = tmp_path / "partners"
    partners.mkdir()
    (partners / "lab.yaml").write_text(f"""\
id: lab
name: {{fr: Le Lab, nl: Het Lab, en: The Lab}}
website: http://lab.example/
sources:
  - {{id: news, kind: rss, url: "{httpserver.url_for('/news.xml')}", content: news, language: fr}}
""", encoding="utf-8")
    # Worker processes read the same settings from the environment they inherit.
    monkeypatch.setenv(ENV_PARTNERS, str(partners))
    monkeypatch.setenv(ENV_WAREHOUSE, str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv(ENV_OUT, str(tmp_path / "public"))
    return tmp_path


def test_the_scaled_definitions_load_with_the_multiprocess_executor(environment: Path) -> None:
    job = scaled_definitions().resolve_job_def(INGEST_JOB)
    assert job.executor_def.name == "scaled_multiprocess"


def test_a_small_ecosystem_runs_step_by_step_in_processes_with_one_writer(environment: Path) -> None:
    overrides = {"concurrency": {"pools": {"default_limit": 1}}}
    (environment / "dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(environment / "dagster"), overrides=overrides) as instance:
        with dg.execute_job(dg.reconstructable(scaled_ingest_job), instance=instance,
                            run_config={"ops": {"partner_sources": {"config": {"force": False}}}}) as result:
            assert result.success
            events = instance.all_logs(result.run_id)

    steps: dict[str, dict[str, float]] = {}
    pids: set[int] = set()
    for event in events:
        if event.step_key and event.dagster_event and event.dagster_event.event_type_value in ("STEP_START", "STEP_SUCCESS"):
            steps.setdefault(event.step_key, {})[event.dagster_event.event_type_value] = event.timestamp
            pids.add(event.dagster_event.pid)
    assert set(steps) == {"partner_sources", "items", "agenda", "publication"}
    assert len(pids) >= 4, "each step runs in a process of its own"
    # Never two warehouse writers at once.
    spans = sorted((steps[s]["STEP_START"], steps[s]["STEP_SUCCESS"]) for s in WRITING_STEPS)
    assert all(earlier[1] <= later[0] for earlier, later in zip(spans, spans[1:]))

    agenda = json.loads((environment / "public" / "agenda.json").read_text(encoding="utf-8"))
    assert {next(iter(d["title"].values())) for d in agenda["items"]} == {"Nouvelle 1", "Nouvelle 2", "Nouvelle 3"}
