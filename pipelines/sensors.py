"""Sensors and schedules: event-driven fetching, the automation that follows it, alerts.

- `poll_partner_sources` checks each source at its own cadence (`poll_every`) with conditional
  requests and launches one run for the sources whose payload changed (or failed, so the failure
  is recorded and counted), plus every source of a partner that pinged.
- `follow_sources` is the declarative-automation sensor: items, agenda and publication follow.
- `daily_full_refresh` fetches everything once a day ignoring the conditional cache.
- `alert_on_run_failure` records an alert in the warehouse and sends it (SMTP, webhook).

Every one of them runs by default: `dagster dev` acts with nobody clicking.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import dagster as dg

from bedigital.monitoring.alerts import raise_alert
from bedigital.monitoring.notify import Alert
from bedigital.monitoring.state import monitoring_dir, pending_pings, read_poll_state
from connectors.http import FetchRequest, FetchResult, HttpSettings, fetch_all_sync
from connectors.registry import Partner, Registry, Source
from pipelines.resources import NotifierResource
from pipelines.assets.sources import source_key

POLL_SENSOR = "poll_partner_sources"
AUTOMATION_SENSOR = "follow_sources"
FAILURE_SENSOR = "alert_on_run_failure"
DAILY_REFRESH = "daily_full_refresh"
TRIGGER_TAG = "bedigital/trigger"
PARTNERS_TAG = "bedigital/partners"
TICK_S = 5  # how soon a ping or a due poll is noticed
PROBE_DEADLINE_S = 15.0  # a sensor tick must end well within Dagster's 60 s evaluation timeout
IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
             dg.DagsterRunStatus.STARTED]
WEB_PAGE_KINDS = frozenset({"jsonld", "html"})


@dataclass(slots=True)
class PollCursor:
    """When each source was last polled, and the last ping of each partner already acted on."""

    polled: dict[str, str] = field(default_factory=dict)  # "partner/source" -> ISO time
    pings: dict[str, str] = field(default_factory=dict)  # partner -> ISO time of the ping handled

    @classmethod
    def parse(cls, text: str | None) -> "PollCursor":
        if not text:
            return cls()
        try:
            raw = json.loads(text)
            return cls(dict(raw.get("polled", {})), dict(raw.get("pings", {})))
        except (ValueError, AttributeError, TypeError):
            return cls()  # a cursor from an older format: poll everything once

    def dump(self) -> str:
        return json.dumps({"polled": self.polled, "pings": self.pings}, sort_keys=True)


@dataclass(frozen=True, slots=True)
class PollDecision:
    changed: list[tuple[Partner, Source]]
    pinged: list[tuple[Partner, Source]]
    probed: int
    reasons: dict[str, str]  # "partner/source" -> why it is in the run


def _name(partner: Partner, source: Source) -> str:
    return f"{partner.id}/{source.id}"


def due_sources(registry: Registry, cursor: PollCursor, now: datetime) -> list[tuple[Partner, Source]]:
    """Sources whose cadence has elapsed since their last poll (never polled: due now)."""
    due = []
    for partner, source in registry.sources():
        last = cursor.polled.get(_name(partner, source))
        if last is None or now - datetime.fromisoformat(last) >= partner.poll_interval(source):
            due.append((partner, source))
    return due


def new_pings(registry: Registry, folder: Path, cursor: PollCursor) -> dict[str, datetime]:
    """Pings of known partners newer than the last one handled."""
    known = {p.id for p in registry.partners}
    fresh = {}
    for partner_id, at in pending_pings(folder).items():
        handled = cursor.pings.get(partner_id)
        if partner_id in known and (handled is None or at > datetime.fromisoformat(handled)):
            fresh[partner_id] = at
    return fresh


def probe(sources: Sequence[tuple[Partner, Source]], states: dict, settings: HttpSettings) -> list[FetchResult]:
    """Conditional requests with the stored validators: 'fetched' means the payload changed."""
    requests = []
    for partner, source in sources:
        state = states.get((partner.id, source.id), {})
        requests.append(FetchRequest(
            partner_id=partner.id, source_id=source.id, url=str(source.url),
            etag=state.get("etag"), last_modified=state.get("last_modified"), previous_hash=state.get("body_hash"),
            check_robots=source.kind in WEB_PAGE_KINDS,
        ))
    return fetch_all_sync(requests, settings)


def probe_settings(settings: HttpSettings) -> HttpSettings:
    return settings.model_copy(update={"retries": 0, "deadline_s": min(settings.deadline_s, PROBE_DEADLINE_S)})


def decide(registry: Registry, folder: Path, cursor: PollCursor, now: datetime, settings: HttpSettings) -> PollDecision:
    """Which sources a run should fetch now; updates the cursor for what was handled."""
    pings = new_pings(registry, folder, cursor)
    pinged = [(p, s) for p, s in registry.sources() if p.id in pings]
    reasons = {_name(p, s): "ping" for p, s in pinged}
    to_probe = [(p, s) for p, s in due_sources(registry, cursor, now) if _name(p, s) not in reasons]
    results = probe(to_probe, read_poll_state(folder), probe_settings(settings)) if to_probe else []
    changed = []
    for (partner, source), result in zip(to_probe, results, strict=True):
        # An error also launches a run: the failure is recorded, counted in the error streak, and shown.
        if result.outcome in ("fetched", "error"):
            changed.append((partner, source))
            reasons[_name(partner, source)] = "changed" if result.outcome == "fetched" else f"error: {result.error}"
    stamp = now.isoformat()
    for partner, source in [*pinged, *to_probe]:
        cursor.polled[_name(partner, source)] = stamp
    for partner_id, at in pings.items():
        cursor.pings[partner_id] = at.isoformat()
    return PollDecision(changed=changed, pinged=pinged, probed=len(to_probe), reasons=reasons)


def _run_in_flight(context: dg.SensorEvaluationContext) -> bool:
    runs = context.instance.get_run_records(
        filters=dg.RunsFilter(statuses=IN_FLIGHT, tags={TRIGGER_TAG: ["poll", "ping"]}), limit=1,
    )
    return bool(runs)


def build_poll_sensor(registry: Registry, warehouse: Path, http: HttpSettings) -> dg.SensorDefinition:
    folder = monitoring_dir(warehouse)
    keys = [source_key(p.id, s.id) for p, s in registry.sources()]

    @dg.sensor(
        name=POLL_SENSOR, asset_selection=keys, minimum_interval_seconds=TICK_S,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Polls each partner source at its cadence with conditional requests; fetches only what changed or was pinged.",
    )
    def poll_partner_sources(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        # The fetch state is saved at the end of a run: polling meanwhile would launch the same sources again.
        if _run_in_flight(context):
            return dg.SkipReason("a fetch run is in progress; polling resumes when it ends")
        cursor = PollCursor.parse(context.cursor)
        decision = decide(registry, folder, cursor, datetime.now(timezone.utc), http)
        for name, reason in decision.reasons.items():
            context.log.info(f"{name}: {reason}")
        sources = [*decision.pinged, *decision.changed]
        if not sources:
            return dg.SensorResult(skip_reason=dg.SkipReason(f"{decision.probed} source(s) polled, none changed"),
                                   cursor=cursor.dump())
        # One run for everything: runs write the same DuckDB file, one at a time.
        request = _run_request(sources, "ping" if decision.pinged else "poll")
        return dg.SensorResult(run_requests=[request], cursor=cursor.dump())

    return poll_partner_sources


def _run_request(sources: list[tuple[Partner, Source]], trigger: str) -> dg.RunRequest:
    return dg.RunRequest(
        asset_selection=[source_key(p.id, s.id) for p, s in sources],
        tags={TRIGGER_TAG: trigger, PARTNERS_TAG: ",".join(sorted({p.id for p, _ in sources}))[:200]},
        run_config={"ops": {"partner_sources": {"config": {"force": False}}}},
    )


def build_automation_sensor(downstream: Sequence[dg.AssetKey]) -> dg.AutomationConditionSensorDefinition:
    return dg.AutomationConditionSensorDefinition(
        AUTOMATION_SENSOR, target=dg.AssetSelection.assets(*downstream),
        default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=TICK_S,
        description="Items, agenda and publication follow the sources that changed (declarative automation).",
    )


def build_daily_refresh(job: dg.UnresolvedAssetJobDefinition, *, cron: str = "0 5 * * *") -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name=DAILY_REFRESH, job=job, cron_schedule=cron, execution_timezone="Europe/Brussels",
        run_config={"ops": {"partner_sources": {"config": {"force": True}}}},
        tags={TRIGGER_TAG: "daily_refresh"}, default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Fetches and parses every source ignoring the conditional cache, to catch what conditional requests miss.",
    )


def failure_alert(run: dg.DagsterRun, message: str, failed_steps: list[str]) -> Alert:
    """The alert of a failed run; a run stopped by a blocking check says the publication was blocked."""
    blocked = "check" in message.lower() or any("check" in step for step in failed_steps)
    kind = "publication_blocked" if blocked else "run_failure"
    subject = (f"publication blocked by a failing check (run {run.run_id[:8]})" if blocked
               else f"run {run.run_id[:8]} of {run.job_name} failed")
    return Alert(
        kind=kind, subject=subject, message=message or "the run failed", run_id=run.run_id, job_name=run.job_name,
        details={"tags": {k: v for k, v in run.tags.items() if k.startswith("bedigital/")}, "failed_steps": failed_steps},
    )


def build_failure_sensor(warehouse: Path) -> dg.SensorDefinition:
    @dg.run_failure_sensor(name=FAILURE_SENSOR, default_status=dg.DefaultSensorStatus.RUNNING,
                           minimum_interval_seconds=TICK_S,
                           description="Records every failed run as an alert and sends it (SMTP, webhook).")
    def alert_on_run_failure(context: dg.RunFailureSensorContext, notifier: NotifierResource) -> None:
        failed_steps = [event.step_key or "" for event in context.get_step_failure_events()]
        messages = [_step_message(event) for event in context.get_step_failure_events()]
        message = "\n".join(m for m in messages if m) or (context.failure_event.message or "")
        alert = failure_alert(context.dagster_run, message, failed_steps)
        deliveries = raise_alert(warehouse, alert, notifier.notifier())
        context.log.info(f"alert {alert.alert_id} recorded; deliveries: {deliveries}")

    return alert_on_run_failure


def _step_message(event: dg.DagsterEvent) -> str:
    data = event.step_failure_data
    if data is None:
        return event.message or ""
    if data.user_failure_data and data.user_failure_data.description:
        return f"{event.step_key}: {data.user_failure_data.description}"
    return f"{event.step_key}: {data.error.message.strip() if data.error else event.message or ''}"
