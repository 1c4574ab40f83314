"""The poll sensor asks only for the sources that changed or were pinged; failed runs raise alerts."""
from __future__ import annotations

import hashlib
import json
import shutil
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bedigital.monitoring.state import (
    monitoring_dir,
    read_poll_state,
    request_ping,
    write_poll_state,
)
from bench.latency import add_item
from connectors.http import HttpSettings
from connectors.registry import load_registry
from demo.loader import CONTENT_DIR
from demo.server import DemoServer
from pipelines.assets.agenda import build_agenda_assets
from pipelines.assets.tags import FULL_REFRESH_TAG
from pipelines.build import INGEST_JOB, build_definitions
from pipelines.resources import NotifierResource, PublicationResource, WarehouseResource
from pipelines.sensors import (
    AUTOMATION_SENSOR,
    DAILY_REFRESH,
    FAILURE_SENSOR,
    POLL_SENSOR,
    TRIGGER_TAG,
    PollCursor,
    build_failure_sensor,
    build_poll_sensor,
    decide,
    retry_interval,
)
from pipelines.settings import Settings
from transforms.model import Item, item_id
from warehouse.connection import connect
from warehouse.load import load_batches
from warehouse.records import FetchRecord, SourceBatch
from warehouse.report import recent_alerts

STABLE = b"<rss version='2.0'><channel><title>stable</title></channel></rss>"
FAST = HttpSettings(retries=0, backoff_s=0.01)


@pytest.fixture
def feeds(httpserver: HTTPServer) -> dict[str, bytes]:
    """/stable.xml answers 304 to its ETag; /moving.xml serves whatever `feeds['moving']` holds (no validators)
    with the status in `feeds['moving_status']`; /hub.xml answers with the status in `feeds['hub_status']`,
    304 when it is 200 and the ETag matches."""
    bodies = {"moving": b"<rss version='2.0'><channel><title>v1</title></channel></rss>", "hub_status": 200,
              "moving_status": 200}

    def moving(request: Request) -> Response:
        if bodies["moving_status"] != 200:
            return Response(b"down", status=bodies["moving_status"])
        return Response(bodies["moving"])

    def hub(request: Request) -> Response:
        if bodies["hub_status"] != 200:
            return Response(b"down", status=bodies["hub_status"])
        if request.headers.get("If-None-Match") == '"h1"':
            return Response(status=304)
        return Response(STABLE, headers={"ETag": '"h1"'})

    def stable(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"s1"':
            return Response(status=304, headers={"ETag": '"s1"'})
        return Response(STABLE, headers={"ETag": '"s1"', "Content-Type": "application/rss+xml"})

    httpserver.expect_request("/stable.xml").respond_with_handler(stable)
    httpserver.expect_request("/moving.xml").respond_with_handler(moving)
    httpserver.expect_request("/hub.xml").respond_with_handler(hub)
    return bodies


@pytest.fixture
def settings(tmp_path: Path, httpserver: HTTPServer) -> Settings:
    folder = tmp_path / "partners"
    folder.mkdir()
    (folder / "lab.yaml").write_text(f"""\
id: lab
name: {{fr: Le Lab, nl: Het Lab, en: The Lab}}
website: http://lab.example/
poll_every: 10m
sources:
  - {{id: stable, kind: rss, url: "{httpserver.url_for('/stable.xml')}", content: news, language: fr}}
  - {{id: moving, kind: rss, url: "{httpserver.url_for('/moving.xml')}", content: news, language: fr, poll_every: 1m}}
""", encoding="utf-8")
    (folder / "hub.yaml").write_text(f"""\
id: hub
name: {{fr: Le Hub, nl: De Hub, en: The Hub}}
website: http://hub.example/
poll_every: 1d
sources:
  - {{id: agenda, kind: rss, url: "{httpserver.url_for('/hub.xml')}", content: event, language: fr}}
""", encoding="utf-8")
    return Settings(partners_dir=folder, warehouse=tmp_path / "data" / "w.duckdb", out_dir=tmp_path / "public")


def tick(settings: Settings, instance, cursor: PollCursor | None = None):
    sensor = build_poll_sensor(load_registry(settings.partners_dir), settings.warehouse, FAST)
    context = dg.build_sensor_context(instance=instance, cursor=cursor.dump() if cursor else None)
    return sensor(context)


def requested(result) -> set[str]:
    return {key.to_user_string() for request in result.run_requests for key in request.asset_selection}


def polled_long_ago(*names: str) -> PollCursor:
    past = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat()
    return PollCursor(polled={name: past for name in names})


def save_state(settings: Settings, moving_body: bytes) -> None:
    write_poll_state(monitoring_dir(settings.warehouse), {
        ("lab", "stable"): {"etag": '"s1"', "last_modified": None, "body_hash": hashlib.sha256(STABLE).hexdigest()},
        ("lab", "moving"): {"etag": None, "last_modified": None, "body_hash": hashlib.sha256(moving_body).hexdigest()},
        ("hub", "agenda"): {"etag": '"h1"', "last_modified": None, "body_hash": hashlib.sha256(STABLE).hexdigest()},
    })


def test_with_no_saved_state_every_source_is_fetched(settings: Settings, feeds, instance) -> None:
    result = tick(settings, instance)
    assert requested(result) == {"source/lab/stable", "source/lab/moving", "source/hub/agenda"}
    [request] = result.run_requests
    assert request.tags[TRIGGER_TAG] == "poll"
    assert set(json.loads(result.cursor)["polled"]) == {"lab/stable", "lab/moving", "hub/agenda"}


def test_only_the_source_whose_payload_changed_is_fetched(settings: Settings, feeds, instance, httpserver) -> None:
    save_state(settings, feeds["moving"])
    unchanged = tick(settings, instance, polled_long_ago("lab/stable", "lab/moving", "hub/agenda"))
    assert unchanged.run_requests == [] and "none changed" in unchanged.skip_reason.skip_message
    # The stable feed was asked conditionally, and said so.
    assert any(r.headers.get("If-None-Match") == '"s1"' for r, _ in httpserver.log)

    feeds["moving"] = b"<rss version='2.0'><channel><title>v2</title></channel></rss>"
    changed = tick(settings, instance, polled_long_ago("lab/stable", "lab/moving", "hub/agenda"))
    assert requested(changed) == {"source/lab/moving"}


def test_a_failing_source_gets_a_run_so_its_failure_is_recorded(settings: Settings, feeds, instance) -> None:
    save_state(settings, feeds["moving"])
    feeds["hub_status"] = 503
    result = tick(settings, instance, polled_long_ago("lab/stable", "lab/moving", "hub/agenda"))
    assert requested(result) == {"source/hub/agenda"}


def asked(httpserver: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == path)


def test_a_failing_source_backs_off_instead_of_launching_a_run_every_tick(settings: Settings, feeds, httpserver) -> None:
    save_state(settings, feeds["moving"])
    feeds["moving_status"] = 500
    registry, folder = load_registry(settings.partners_dir), monitoring_dir(settings.warehouse)
    start = datetime.now(timezone.utc)
    cursor = PollCursor(polled={"lab/stable": start.isoformat(), "hub/agenda": start.isoformat()})

    def names(at: timedelta) -> set[str]:
        decision = decide(registry, folder, cursor, start + at, FAST)
        return {f"{p.id}/{s.id}" for p, s in decision.changed}

    # `moving` is polled every minute: its first failure goes in a run, to be recorded and counted.
    assert names(timedelta(0)) == {"lab/moving"}
    assert cursor.failing["lab/moving"].streak == 1 and "HTTP 500" in cursor.failing["lab/moving"].error
    # Then, tick after tick (every 5 s), it is neither asked nor put in a run before 1 min × 2^1 ...
    assert all(names(timedelta(seconds=s)) == set() for s in range(5, 120, 5))
    assert asked(httpserver, "/moving.xml") == 1
    # ... retried at 2 min (a failure again: a run), and next at 2 min + 1 min × 2^2.
    assert names(timedelta(minutes=2)) == {"lab/moving"} and cursor.failing["lab/moving"].streak == 2
    assert names(timedelta(minutes=5, seconds=55)) == set()
    assert names(timedelta(minutes=6)) == {"lab/moving"}
    assert asked(httpserver, "/moving.xml") == 3


def test_the_backoff_doubles_with_the_streak_up_to_a_day_and_never_disables() -> None:
    minute = timedelta(minutes=1)
    assert [retry_interval(minute, n) for n in range(4)] == [minute, 2 * minute, 4 * minute, 8 * minute]
    assert retry_interval(minute, 11) == timedelta(days=1) == retry_interval(minute, 10_000)
    assert retry_interval(timedelta(days=2), 5) == timedelta(days=2)  # a cadence longer than a day is kept


def test_a_source_that_recovers_goes_in_a_run_so_its_checks_turn_green(settings: Settings, feeds, httpserver) -> None:
    # The runs recorded 3 failures of `moving`; its payload is back, unchanged (same body hash).
    save_state(settings, feeds["moving"])
    folder = monitoring_dir(settings.warehouse)
    states = read_poll_state(folder)
    states[("lab", "moving")]["error_streak"] = 3
    write_poll_state(folder, states)
    registry, start = load_registry(settings.partners_dir), datetime.now(timezone.utc)
    cursor = PollCursor(polled={name: start.isoformat() for name in ("lab/stable", "lab/moving", "hub/agenda")})
    # The recorded streak backs it off too (1 min × 2^3), then the unchanged answer still gets a run.
    assert decide(registry, folder, cursor, start + timedelta(minutes=7), FAST).changed == []
    decision = decide(registry, folder, cursor, start + timedelta(minutes=8), FAST)
    assert [(p.id, s.id) for p, s in decision.changed] == [("lab", "moving")]
    assert decision.reasons == {"lab/moving": "recovered"}


def test_no_poll_while_a_fetch_run_is_in_progress(settings: Settings, feeds, instance, httpserver) -> None:
    # The daily refresh fetches everything: a poll now would launch the same sources into a second run.
    job = build_definitions(settings).resolve_job_def(INGEST_JOB)
    instance.create_run_for_job(job, tags={TRIGGER_TAG: "daily_refresh"}, status=dg.DagsterRunStatus.STARTED)
    result = tick(settings, instance)
    assert isinstance(result, dg.SkipReason) and "in progress" in result.skip_message
    assert httpserver.log == []


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The demo ecosystem on a copy of its content, and a registry holding Actiris's two sources."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    server = DemoServer(content_dir=content, port=0).start()
    monkeypatch.setenv("BEDIGITAL_DEMO_PORT", str(server.port))
    partners = tmp_path / "partners"
    partners.mkdir()
    shutil.copy(Path(__file__).resolve().parents[2] / "partners" / "actiris.yaml", partners)
    try:
        yield content, Settings(partners_dir=partners, warehouse=tmp_path / "data" / "w.duckdb", out_dir=tmp_path / "public")
    finally:
        server.stop()


def test_an_edited_demo_feed_launches_a_run_for_that_source_only(demo, instance) -> None:
    content, settings = demo
    keys = [dg.AssetKey(["source", "actiris", "jobdays-nl"]), dg.AssetKey(["source", "actiris", "actualites"])]
    # A real fetch run leaves the poll state the sensor compares against.
    job = build_definitions(settings).resolve_implicit_global_asset_job_def()
    assert job.execute_in_process(instance=instance, asset_selection=keys).success
    every = ("actiris/jobdays-nl", "actiris/actualites")
    assert tick(settings, instance, polled_long_ago(*every)).run_requests == []

    add_item(content, "actiris/actualites", "Sonde de latence")
    result = tick(settings, instance, polled_long_ago(*every))
    assert requested(result) == {"source/actiris/actualites"}


def test_each_source_is_polled_at_its_own_cadence(settings: Settings, feeds, instance, httpserver) -> None:
    save_state(settings, feeds["moving"])
    feeds["moving"] = b"changed"
    minutes_ago = (datetime.now(timezone.utc) - timedelta(minutes=2)).isoformat()
    cursor = PollCursor(polled={"lab/stable": minutes_ago, "lab/moving": minutes_ago, "hub/agenda": minutes_ago})
    result = tick(settings, instance, cursor)
    # Only `moving` (every minute) was due; `stable` (10 minutes) and `hub` (a day) were not even asked.
    assert requested(result) == {"source/lab/moving"}
    assert {r.path for r, _ in httpserver.log} == {"/moving.xml"}


def test_a_ping_fetches_the_partners_sources_at_once_and_only_once(settings: Settings, feeds, instance, httpserver) -> None:
    save_state(settings, feeds["moving"])
    recently = PollCursor(polled={n: datetime.now(timezone.utc).isoformat() for n in ("lab/stable", "lab/moving", "hub/agenda")})
    request_ping(monitoring_dir(settings.warehouse), "hub")
    result = tick(settings, instance, recently)
    assert requested(result) == {"source/hub/agenda"}
    assert result.run_requests[0].tags[TRIGGER_TAG] == "ping"
    assert httpserver.log == []  # a ping is acted on without probing
    again = tick(settings, instance, PollCursor.parse(result.cursor))
    assert again.run_requests == []


def test_everything_runs_by_default_and_the_downstream_assets_follow(settings: Settings) -> None:
    defs = build_definitions(settings)
    sensors = {s.name: s for s in defs.sensors}
    assert set(sensors) == {POLL_SENSOR, AUTOMATION_SENSOR, FAILURE_SENSOR}
    assert all(s.default_status == dg.DefaultSensorStatus.RUNNING for s in sensors.values())
    [schedule] = defs.schedules
    assert schedule.name == DAILY_REFRESH and schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedule.job_name == INGEST_JOB
    graph = defs.resolve_asset_graph()
    for key in ("items", "agenda", "publication"):
        assert graph.get(dg.AssetKey(key)).automation_condition is not None
    source = graph.get(dg.AssetKey(["source", "lab", "moving"]))
    assert source.freshness_policy.fail_window.to_timedelta() == timedelta(days=1, minutes=3)


def test_the_daily_refresh_ignores_the_conditional_cache(settings: Settings, instance) -> None:
    [schedule] = build_definitions(settings).schedules
    [request] = schedule.evaluate_tick(dg.build_schedule_context(instance=instance)).run_requests
    assert request.tags[FULL_REFRESH_TAG] == "true"


# --- alerts --------------------------------------------------------------------------------------

class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_failed_run_is_recorded_and_mailed(tmp_path: Path, instance) -> None:
    warehouse = tmp_path / "w.duckdb"
    start = datetime.now(timezone.utc) + timedelta(days=3)
    item = Item(id=item_id("hub", "agenda", "k"), partner_id="hub", source_id="agenda", source_key="k", kind="event",
                title={"fr": "À l'envers"}, url="https://hub.example/k", start_utc=start, end_utc=start - timedelta(hours=1))
    con = connect(warehouse)
    load_batches(con, [SourceBatch(fetch=FetchRecord(partner_id="hub", source_id="agenda", url="http://x/", outcome="fetched",
                                                     started_at=start, duration_s=0.1, status=200, body_hash="d" * 64),
                                   items=[item])], run_id="r", now=start)
    con.close()
    failed = dg.materialize(
        build_agenda_assets([]), instance=instance, raise_on_error=False,
        resources={"warehouse": WarehouseResource(path=str(warehouse), archive_dir=str(tmp_path / "p")),
                   "publication": PublicationResource(out_dir=str(tmp_path / "public"))},
    )
    assert not failed.success
    run = instance.get_run_by_id(failed.run_id)
    failure_event = next(e for e in failed.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        notifier = NotifierResource(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_from="p@bedigital.test",
                                    smtp_to="staff@bedigital.test")
        sensor = build_failure_sensor(warehouse)
        context = dg.build_run_status_sensor_context(
            sensor_name=FAILURE_SENSOR, dagster_instance=instance, dagster_run=run, dagster_event=failure_event,
            resources={"notifier": notifier},
        ).for_run_failure()
        sensor(context)
    finally:
        smtp.stop()

    [mail] = inbox.messages
    assert "publication blocked" in mail["Subject"]
    con = connect(warehouse)
    try:
        [alert] = recent_alerts(con)
    finally:
        con.close()
    assert (alert["kind"], alert["run_id"], alert["deliveries"]) == ("publication_blocked", failed.run_id, {"smtp": "sent"})
    assert "agenda" in alert["message"]
