"""Sensors and schedules: event-driven fetching, the automation that follows it, alerts.

- `poll_partner_sources` checks each source at its own cadence (`poll_every`) with conditional
  requests and launches one run for the sources whose payload changed, plus every source of a
  partner that pinged. A failing source is retried at its cadence × 2^streak (at most daily), and
  each retry that fails goes in a run so the failure is recorded and counted; a source that
  recovers goes in a run so its checks turn green.
- `follow_sources` is the declarative-automation sensor: items, agenda and publication follow.
- `daily_full_refresh` fetches everything once a day ignoring the conditional cache.
- `alert_on_run_failure` records an alert in the warehouse and sends it (SMTP, webhook).

Every one of them runs by default: `dagster dev` acts with nobody clicking.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Sequence

import dagster as dg

from bedigital.monitoring.alerts import raise_alert
from bedigital.monitoring.notify import Alert
from bedigital.monitoring.state import monitoring_dir, pending_pings, read_poll_state
from connectors.http import FetchRequest, FetchResult, HttpSettings, fetch_all_sync
from connectors.registry import PAGED_KINDS, Partner, Registry, Source
from pipelines.assets.tags import FULL_REFRESH_TAG
from pipelines.assets.sources import source_key
from pipelines.resources import NotifierResource

POLL_SENSOR = "poll_partner_sources"
AUTOMATION_SENSOR = "follow_sources"
FAILURE_SENSOR = "alert_on_run_failure"
DAILY_REFRESH = "daily_full_refresh"
TRIGGER_TAG = "bedigital/trigger"
PARTNERS_TAG = "bedigital/partners"
TICK_S = 5  # how soon a ping or a due poll is noticed
PROBE_DEADLINE_S = 15.0  # a sensor tick must end well within Dagster's 60 s evaluation timeout
IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
             dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
# Runs that fetch sources and rewrite the poll state when they end.
FETCH_TRIGGERS = ["poll", "ping", "daily_refresh"]
MAX_BACKOFF = timedelta(days=1)  # a failing source is still tried at least daily: never silently disabled
WEB_PAGE_KINDS = frozenset({"jsonld", "html"})


@dataclass(frozen=True, slots=True)
class Failure:
    """A source whose probes keep failing: how many in a row, and the last error."""

    streak: int
    error: str


@dataclass(slots=True)
class PollCursor:
    """When each source was last polled, which ones are failing, and the last ping of each partner acted on."""

    polled: dict[str, str] = field(default_factory=dict)  # "partner/source" -> ISO time
    pings: dict[str, str] = field(default_factory=dict)  # partner -> ISO time of the ping handled
    failing: dict[str, Failure] = field(default_factory=dict)  # "partner/source" -> failed probes in a row

    @classmethod
    def parse(cls, text: str | None) -> "PollCursor":
        if not text:
            return cls()
        try:
            raw = json.loads(text)
            failing = {name: Failure(int(v["streak"]), str(v.get("error") or ""))
                       for name, v in dict(raw.get("failing", {})).items()}
            return cls(dict(raw.get("polled", {})), dict(raw.get("pings", {})), failing)
        except (ValueError, AttributeError, TypeError, KeyError):
            return cls()  # a cursor from an older format: poll everything once

    def dump(self) -> str:
        failing = {name: {"streak": f.streak, "error": f.error} for name, f in self.failing.items()}
        return json.dumps({"polled": self.polled, "pings": self.pings, "failing": failing}, sort_keys=True)


@dataclass(frozen=True, slots=True)
class PollDecision:
    changed: list[tuple[Partner, Source]]
    pinged: list[tuple[Partner, Source]]
    probed: int
    reasons: dict[str, str]  # "partner/source" -> why it is in the run


def _name(partner: Partner, source: Source) -> str:
    return f"{partner.id}/{source.id}"


def retry_interval(cadence: timedelta, streak: int) -> timedelta:
    """How long to wait before the next poll: the cadence, doubled for each failure in a row, at most a day
    (or the cadence itself when it is longer than a day)."""
    if streak <= 0:
        return cadence
    # min() on the exponent first: cadence × 2^streak would overflow timedelta long before it mattered.
    return min(cadence * 2 ** min(streak, 32), max(cadence, MAX_BACKOFF))


def error_streak(name: str, cursor: PollCursor, states: dict[tuple[str, str], dict[str, Any]]) -> int:
    """Failures in a row: the probes' own count, or the runs' (a payload that fails to parse fails in runs only)."""
    partner_id, _, source_id = name.partition("/")
    recorded = states.get((partner_id, source_id), {}).get("error_streak") or 0
    probed = cursor.failing[name].streak if name in cursor.failing else 0
    return max(int(recorded), probed)


def due_sources(registry: Registry, cursor: PollCursor, now: datetime,
                states: dict[tuple[str, str], dict[str, Any]] | None = None) -> list[tuple[Partner, Source]]:
    """Sources whose cadence (backed off while they fail) has elapsed since their last poll; never polled: due now."""
    due = []
    for partner, source in registry.sources():
        name = _name(partner, source)
        last = cursor.polled.get(name)
        wait = retry_interval(partner.poll_interval(source), error_streak(name, cursor, states or {}))
        if last is None or now - datetime.fromisoformat(last) >= wait:
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
    states = read_poll_state(folder)
    due = [(p, s) for p, s in due_sources(registry, cursor, now, states) if _name(p, s) not in reasons]
    # A paged source (API, listing pages) is only known to have changed once all its pages are read, and
    # a probe of its first URL would misjudge it (a POST API answers 405): it is read by a run at its
    # cadence, and that run loads nothing when the hash of its pages is unchanged.
    paged = [(p, s) for p, s in due if s.kind in PAGED_KINDS]
    to_probe = [(p, s) for p, s in due if s.kind not in PAGED_KINDS]
    results = probe(to_probe, states, probe_settings(settings)) if to_probe else []
    changed = list(paged)
    reasons.update({_name(p, s): "paged source due: read in full" for p, s in paged})
    for (partner, source), result in zip(to_probe, results, strict=True):
        reason = _classify(partner, source, result, cursor, states)
        if reason is not None:
            changed.append((partner, source))
            reasons[_name(partner, source)] = reason
    stamp = now.isoformat()
    for partner, source in [*pinged, *due]:
        cursor.polled[_name(partner, source)] = stamp
    for partner_id, at in pings.items():
        cursor.pings[partner_id] = at.isoformat()
    return PollDecision(changed=changed, pinged=pinged, probed=len(due), reasons=reasons)


def _classify(partner: Partner, source: Source, result: FetchResult, cursor: PollCursor,
              states: dict[tuple[str, str], dict[str, Any]]) -> str | None:
    """Why a probed source goes in the run (None: it stays out); records its failures in the cursor."""
    name = _name(partner, source)
    if result.outcome == "error":
        streak = (cursor.failing[name].streak if name in cursor.failing else 0) + 1
        cursor.failing[name] = Failure(streak, result.error or "error")
        # Each retry that fails goes in a run: the failure is recorded, the error streak counted and
        # fetch_ok stays red. The backoff, not a skip, is what keeps this from happening every tick.
        wait = retry_interval(partner.poll_interval(source), error_streak(name, cursor, states))
        return f"error #{streak}: {result.error}; next try in {wait}"
    was_failing = cursor.failing.pop(name, None) is not None or error_streak(name, cursor, states) > 0
    if result.outcome == "fetched":
        return "changed"
    # A 304 after a failure: the run records the recovery, or the source would look failing forever.
    return "recovered" if was_failing else None


def _run_in_flight(context: dg.SensorEvaluationContext) -> bool:
    runs = context.instance.get_run_records(
        filters=dg.RunsFilter(statuses=IN_FLIGHT, tags={TRIGGER_TAG: FETCH_TRIGGERS}), limit=1,
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
        tags={TRIGGER_TAG: "daily_refresh", FULL_REFRESH_TAG: "true"}, default_status=dg.DefaultScheduleStatus.RUNNING,
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
