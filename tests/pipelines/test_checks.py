"""Every check passes on good data and fails on bad data; failing agenda checks block the publication."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets.agenda import AGENDA_KEY, build_agenda_assets
from pipelines.checks import (
    AGENDA_SCHEMA, CALLS_OPEN, EVENT_DATES, TITLES_AND_URLS, Thresholds, accounting_result, agenda_check_results,
    error_streak_result, fetch_ok_result, freshness_policy, rejection_share_result, volume_drop_result,
)
from pipelines.resources import PublicationResource, WarehouseResource
from transforms.model import Item, item_id
from warehouse.connection import connect
from warehouse.load import load_batches
from warehouse.records import FetchRecord, SourceBatch, SourceCounts

KEY = dg.AssetKey(["source", "hub", "agenda"])
LIMITS = Thresholds()
NOW = datetime.now(timezone.utc).replace(microsecond=0)


def counts(**values) -> SourceCounts:
    return SourceCounts(partner_id="hub", source_id="agenda", outcome=values.pop("outcome", "fetched"),
                        status=values.pop("status", 200), error=values.pop("error", None), **values)


# --- per source ----------------------------------------------------------------------------------

def test_fetch_ok() -> None:
    assert fetch_ok_result(KEY, counts()).passed
    failed = fetch_ok_result(KEY, counts(outcome="error", status=500, error="HTTP 500 on http://x"))
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.WARN and failed.metadata["http_status"].value == 500


def test_accounting() -> None:
    assert accounting_result(KEY, counts(fetched=5, new=2, updated=1, unchanged=1, rejected=1)).passed
    broken = accounting_result(KEY, counts(fetched=5, new=2, rejected=1))
    assert not broken.passed and broken.description == "5 fetched but 3 accounted for"


@pytest.mark.parametrize(("parsed", "fetched", "previous", "passed"), [
    (True, 40, 42, True), (True, 10, 42, False), (False, 0, 42, True), (True, 1, 3, True), (True, 0, None, True),
])
def test_volume_drop(parsed: bool, fetched: int, previous: int | None, passed: bool) -> None:
    result = volume_drop_result(KEY, parsed=parsed, fetched=fetched, previous=previous, limits=LIMITS)
    assert result.passed is passed
    if not passed:
        assert result.description == f"{fetched} records, down from {previous}"


def test_rejection_share() -> None:
    assert rejection_share_result(KEY, fetched=20, rejected=2, reasons={"missing_title": 2}, limits=LIMITS).passed
    assert rejection_share_result(KEY, fetched=0, rejected=0, reasons={}, limits=LIMITS).passed
    high = rejection_share_result(KEY, fetched=8, rejected=4, reasons={"invalid_date": 4}, limits=LIMITS)
    assert not high.passed and high.metadata["share"].value == 0.5 and "4 of 8" in high.description


def test_error_streak_flags_without_disabling() -> None:
    assert error_streak_result(KEY, streak=2, limits=LIMITS).passed
    flagged = error_streak_result(KEY, streak=3, limits=LIMITS)
    assert not flagged.passed and flagged.metadata["flagged"].value is True and "never disabled" in flagged.description


def test_freshness_follows_the_cadence() -> None:
    quick = freshness_policy(timedelta(minutes=15))
    assert quick.fail_window.to_timedelta() == timedelta(days=1, minutes=45)
    assert quick.warn_window.to_timedelta() == timedelta(days=1, minutes=15)
    weekly = freshness_policy(timedelta(days=7))
    assert weekly.fail_window.to_timedelta() == timedelta(days=28)


# --- on the agenda -------------------------------------------------------------------------------

def document(**overrides) -> dict:
    base = {"id": "i1", "kind": "event", "title": {"fr": "Atelier"}, "url": "https://hub.example/1", "partners": ["hub"],
            "start": "2030-03-10T17:00:00Z", "end": "2030-03-10T19:00:00Z", "start_date": None, "end_date": None,
            "deadline": None}
    return {**base, **overrides}


def outcome(documents: list[dict]) -> dict[str, bool]:
    return {r.check_name: r.passed for r in agenda_check_results(AGENDA_KEY, documents, now=NOW)
            if r.check_name != AGENDA_SCHEMA}


def test_agenda_checks_pass_on_good_documents() -> None:
    good = [document(), document(id="c1", kind="call", start=None, end=None, deadline="2099-01-01T00:00:00Z")]
    assert outcome(good) == {TITLES_AND_URLS: True, EVENT_DATES: True, CALLS_OPEN: True}


@pytest.mark.parametrize(("bad", "failing"), [
    (document(title={}), TITLES_AND_URLS),
    (document(title={"fr": "  "}), TITLES_AND_URLS),
    (document(url=None), TITLES_AND_URLS),
    (document(end="2030-03-10T16:00:00Z"), EVENT_DATES),
    (document(start=None, end=None, start_date="2030-03-12", end_date="2030-03-11"), EVENT_DATES),
    (document(kind="call", start=None, end=None, deadline=(NOW - timedelta(hours=1)).isoformat()), CALLS_OPEN),
])
def test_each_agenda_check_fails_on_its_defect(bad: dict, failing: str) -> None:
    assert outcome([document(id="ok"), bad]) == {name: name != failing for name in (TITLES_AND_URLS, EVENT_DATES, CALLS_OPEN)}


# --- real runs: the blocking checks stop the publication -----------------------------------------

def event(key: str, *, title: dict[str, str], start: datetime, end: datetime | None = None, url: str | None = "auto") -> Item:
    return Item(id=item_id("hub", "agenda", key), partner_id="hub", source_id="agenda", source_key=key, kind="event",
                title=title, url=f"https://hub.example/{key}" if url == "auto" else url, start_utc=start, end_utc=end,
                languages=sorted(title))


def load(warehouse: Path, items: list[Item], body: str) -> None:
    batch = SourceBatch(fetch=FetchRecord(partner_id="hub", source_id="agenda", url="http://127.0.0.1:9/x",
                                          outcome="fetched", started_at=NOW, duration_s=0.1, status=200, body_hash=body * 64),
                        items=items, payload_path="/tmp/x", payload_size=1)
    con = connect(warehouse)
    try:
        load_batches(con, [batch], run_id=f"run-{body}", now=NOW)
    finally:
        con.close()


def materialise(tmp_path: Path, instance) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        build_agenda_assets([]), instance=instance, raise_on_error=False,
        resources={"warehouse": WarehouseResource(path=str(tmp_path / "w.duckdb"), archive_dir=str(tmp_path / "payloads")),
                   "publication": PublicationResource(out_dir=str(tmp_path / "public"))},
    )


def evaluations(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {e.check_name: e.passed for e in result.get_asset_check_evaluations()}


def published(result: dg.ExecuteInProcessResult) -> bool:
    return any(e.asset_key == dg.AssetKey("publication") for e in result.get_asset_materialization_events())


def test_a_broken_agenda_is_not_published_and_the_previous_one_stays(tmp_path: Path, instance) -> None:
    start = NOW + timedelta(days=5)
    load(tmp_path / "w.duckdb", [event("k1", title={"fr": "Atelier"}, start=start, end=start + timedelta(hours=2))], "a")
    first = materialise(tmp_path, instance)
    assert published(first) and all(evaluations(first).values()), evaluations(first)
    before = (tmp_path / "public" / "agenda.json").read_bytes()

    load(tmp_path / "w.duckdb", [event("k1", title={"fr": "Atelier"}, start=start, end=start - timedelta(hours=2)),
                                 event("k2", title={"fr": "Sans lien"}, start=start, url=None)], "b")
    second = materialise(tmp_path, instance)

    checks = evaluations(second)
    assert checks[EVENT_DATES] is False and checks[TITLES_AND_URLS] is False and checks[CALLS_OPEN] is True
    assert not published(second)
    assert (tmp_path / "public" / "agenda.json").read_bytes() == before
    assert json.loads(before)["items"][0]["end"] > json.loads(before)["items"][0]["start"]
    latest = instance.get_latest_materialization_event(dg.AssetKey("publication"))
    assert latest.run_id == first.run_id


def test_the_schema_check_passes_a_real_agenda_and_names_the_item_that_breaks_the_contract(tmp_path: Path) -> None:
    from pipelines.checks import AgendaChecks, schema_problems
    from warehouse.agenda import select_agenda
    from warehouse.items import refresh_items

    start = NOW + timedelta(days=5)
    load(tmp_path / "w.duckdb", [event("k1", title={"fr": "Atelier"}, start=start), event("k2", title={"nl": "Workshop"}, start=start)], "s")
    con = connect(tmp_path / "w.duckdb")
    try:
        refresh_items(con, now=NOW, translator=None, defaults={})
        documents = select_agenda(con, now=NOW)
    finally:
        con.close()
    assert len(documents) == 2 and schema_problems(documents, NOW) == []
    documents[1]["kind"] = "party"
    assert schema_problems(documents, NOW)[0].startswith("items/1/kind")  # the position in the agenda given
    # Fed in chunks, the check names the item by id only: a position within a chunk would mislead.
    checks = AgendaChecks(NOW)
    checks.add(documents[:1])
    checks.add(documents[1:])
    [schema] = [r for r in checks.results(AGENDA_KEY) if r.check_name == AGENDA_SCHEMA]
    [problem] = schema.metadata["examples"].value
    assert not schema.passed and problem.startswith("items/kind") and f"(item {documents[1]['id']})" in problem


def test_the_blocked_run_fails_so_the_failure_sensor_raises_an_alert(tmp_path: Path, instance) -> None:
    start = NOW + timedelta(days=5)
    load(tmp_path / "w.duckdb", [event("k1", title={"fr": "Atelier"}, start=start, end=start - timedelta(hours=1))], "c")
    result = materialise(tmp_path, instance)
    assert not result.success
    [failure] = result.get_step_failure_events()
    assert failure.step_key == "agenda" and "check" in failure.step_failure_data.error.message.lower()


# --- real runs: per-source checks on sources served on 127.0.0.1 ---------------------------------

def rss(titles: list[str]) -> str:
    items = "".join(f"<item><title>{t}</title><link>http://lab.example/{i}</link><guid>g{i}</guid></item>"
                    for i, t in enumerate(titles))
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>L</title><link>http://lab.example/</link>{items}</channel></rss>"


def test_source_checks_in_real_runs(tmp_path: Path, httpserver, instance) -> None:
    from pipelines.build import INGEST_JOB, build_definitions
    from pipelines.checks import ERROR_STREAK, FETCH_OK, VOLUME_DROP
    from pipelines.resources import HttpResource
    from pipelines.settings import Settings

    feed = {"titles": [f"Article {n}" for n in range(8)]}
    httpserver.expect_request("/news.xml").respond_with_handler(
        lambda request: __import__("werkzeug").Response(rss(feed["titles"]), content_type="application/rss+xml"))
    httpserver.expect_request("/broken.xml").respond_with_data("boom", status=500)
    folder = tmp_path / "partners"
    folder.mkdir()
    (folder / "lab.yaml").write_text(f"""\
id: lab
name: {{fr: Le Lab, nl: Het Lab, en: The Lab}}
website: http://lab.example/
sources:
  - {{id: news, kind: rss, url: "{httpserver.url_for('/news.xml')}", content: news, language: fr}}
  - {{id: broken, kind: rss, url: "{httpserver.url_for('/broken.xml')}", content: news, language: fr}}
""", encoding="utf-8")
    settings = Settings(partners_dir=folder, warehouse=tmp_path / "w.duckdb", out_dir=tmp_path / "public")
    job = build_definitions(settings, http=HttpResource(retries=0, backoff_s=0.01)).resolve_job_def(INGEST_JOB)

    def run() -> dict[tuple[str, str], bool]:
        result = job.execute_in_process(instance=instance, raise_on_error=False,
                                        run_config={"ops": {"partner_sources": {"config": {"force": True}}}})
        return {(e.asset_key.path[-1], e.check_name): e.passed for e in result.get_asset_check_evaluations()}

    first = run()
    assert first[("broken", FETCH_OK)] is False and first[("broken", ERROR_STREAK)] is True
    assert first[("news", FETCH_OK)] is True and first[("news", VOLUME_DROP)] is True
    assert (tmp_path / "public" / "agenda.json").exists()  # a failing source fails alone
    run()
    feed["titles"] = feed["titles"][:2]
    third = run()
    assert third[("broken", ERROR_STREAK)] is False  # flagged after three failed runs in a row...
    assert third[("news", VOLUME_DROP)] is False  # ...and 8 records down to 2 is a sudden drop
    con = connect(tmp_path / "w.duckdb")
    try:
        assert con.execute("SELECT error_streak FROM sources WHERE source_id = 'broken'").fetchone() == (3,)
    finally:
        con.close()
    assert (tmp_path / "monitoring" / "poll_state.json").exists()
