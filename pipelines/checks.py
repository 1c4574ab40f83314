"""Asset checks: what each result means, as small functions of plain data.

Per source (results yielded by the fetch step): volume drop, share of rejections, error streak.
On the agenda (blocking: a failure skips the publication and the previous one stays online):
schema validity, titles and URLs, event dates in order, no call open after its deadline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable

import dagster as dg

from warehouse.documents import parse_instant
from warehouse.exports import agenda_body
from warehouse.publish import agenda_problems
from warehouse.records import SourceCounts

FETCH_OK = "fetch_ok"
ACCOUNTING = "accounting"
VOLUME_DROP = "volume_drop"
REJECTION_SHARE = "rejection_share"
ERROR_STREAK = "error_streak"
AGENDA_SCHEMA = "schema_valid"
TITLES_AND_URLS = "titles_and_urls"
EVENT_DATES = "events_end_after_start"
CALLS_OPEN = "no_call_open_after_deadline"
AGENDA_CHECKS = (AGENDA_SCHEMA, TITLES_AND_URLS, EVENT_DATES, CALLS_OPEN)
SHOWN = 10  # offending items listed in a check's metadata
DAILY_REFRESH = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Thresholds:
    volume_drop: float = 0.5  # a fetch with less than half the records of the previous one is suspect
    min_volume: int = 5  # below this many records, a drop is noise
    rejection_share: float = 0.25
    flag_streak: int = 3  # failed runs in a row before a source is flagged (never disabled)


# --- per source ----------------------------------------------------------------------------------

def freshness_policy(poll_every: timedelta) -> dg.FreshnessPolicy:
    """Fresh when materialised within a day-and-a-bit, or three polls for slow sources.

    A poll that finds nothing changed launches no run, so a quiet source is only materialised by
    the daily full refresh: its window is that refresh plus three polls (a late refresh, retries).
    """
    base = max(DAILY_REFRESH, poll_every)
    return dg.FreshnessPolicy.time_window(fail_window=base + 3 * poll_every, warn_window=base + poll_every)


def source_check_specs(key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(VOLUME_DROP, asset=key, description="The number of records fetched did not suddenly drop."),
        dg.AssetCheckSpec(REJECTION_SHARE, asset=key, description="The share of rejected records stays under the threshold."),
        dg.AssetCheckSpec(ERROR_STREAK, asset=key, description="The source has not failed several runs in a row (flagged, never disabled)."),
    ]


def fetch_ok_result(key: dg.AssetKey, counts: SourceCounts) -> dg.AssetCheckResult:
    """The source answered and its payload could be read (a warning: the other sources go on)."""
    return dg.AssetCheckResult(
        asset_key=key, check_name=FETCH_OK, passed=counts.error is None, severity=dg.AssetCheckSeverity.WARN,
        metadata={"error": counts.error or "", "http_status": counts.status if counts.status is not None else "none"},
        description=counts.error,
    )


def accounting_result(key: dg.AssetKey, counts: SourceCounts) -> dg.AssetCheckResult:
    """fetched = new + updated + unchanged + merged + rejected: no record vanished."""
    accounted = counts.new + counts.updated + counts.unchanged + counts.merged + counts.rejected
    return dg.AssetCheckResult(
        asset_key=key, check_name=ACCOUNTING, passed=counts.fetched == accounted,
        metadata={"fetched": counts.fetched, "accounted": accounted},
        description=None if counts.fetched == accounted else f"{counts.fetched} fetched but {accounted} accounted for",
    )


def volume_drop_result(key: dg.AssetKey, *, parsed: bool, fetched: int, previous: int | None, limits: Thresholds) -> dg.AssetCheckResult:
    """Fails when a parsed payload holds far fewer records than the previous parsed one."""
    metadata = {"fetched": fetched, "previous": previous if previous is not None else "none"}
    if not parsed or previous is None or previous < limits.min_volume:
        return dg.AssetCheckResult(asset_key=key, check_name=VOLUME_DROP, passed=True, metadata=metadata,
                                   severity=dg.AssetCheckSeverity.WARN, description="nothing to compare")
    dropped = fetched < previous * (1 - limits.volume_drop)
    return dg.AssetCheckResult(
        asset_key=key, check_name=VOLUME_DROP, passed=not dropped, severity=dg.AssetCheckSeverity.WARN,
        metadata={**metadata, "threshold": limits.volume_drop},
        description=f"{fetched} records, down from {previous}" if dropped else None,
    )


def rejection_share_result(key: dg.AssetKey, *, fetched: int, rejected: int, reasons: dict[str, int], limits: Thresholds) -> dg.AssetCheckResult:
    share = rejected / fetched if fetched else 0.0
    too_many = share > limits.rejection_share
    return dg.AssetCheckResult(
        asset_key=key, check_name=REJECTION_SHARE, passed=not too_many, severity=dg.AssetCheckSeverity.WARN,
        metadata={"share": round(share, 3), "rejected": rejected, "fetched": fetched, "threshold": limits.rejection_share,
                  "reasons": dg.MetadataValue.json(reasons)},
        description=f"{rejected} of {fetched} records rejected ({share:.0%})" if too_many else None,
    )


def error_streak_result(key: dg.AssetKey, *, streak: int, limits: Thresholds) -> dg.AssetCheckResult:
    flagged = streak >= limits.flag_streak
    return dg.AssetCheckResult(
        asset_key=key, check_name=ERROR_STREAK, passed=not flagged, severity=dg.AssetCheckSeverity.WARN,
        metadata={"error_streak": streak, "flagged": flagged, "flag_at": limits.flag_streak},
        description=f"failed {streak} runs in a row; still polled, never disabled" if flagged else None,
    )


# --- on the agenda -------------------------------------------------------------------------------

def agenda_check_specs(key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(AGENDA_SCHEMA, asset=key, blocking=True, description="agenda.json is valid against its JSON Schema."),
        dg.AssetCheckSpec(TITLES_AND_URLS, asset=key, blocking=True, description="Every item has a title and a URL."),
        dg.AssetCheckSpec(EVENT_DATES, asset=key, blocking=True, description="No event ends before it starts."),
        dg.AssetCheckSpec(CALLS_OPEN, asset=key, blocking=True, description="No call is published as open after its deadline."),
    ]


def _result(key: dg.AssetKey, name: str, offenders: list[str], total: int, what: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=key, check_name=name, passed=not offenders,
        metadata={"items": total, "failing": len(offenders), "examples": dg.MetadataValue.json(offenders[:SHOWN])},
        description=f"{len(offenders)} item(s) {what}" if offenders else None,
    )


def _label(document: dict[str, Any]) -> str:
    title = next(iter((document.get("title") or {}).values()), "")
    return f"{document.get('id')} ({', '.join(document.get('partners') or [])}) {title[:60]}".strip()


def untitled_or_unlinked(documents: Iterable[dict[str, Any]]) -> list[str]:
    return [
        _label(d) for d in documents
        if not any((t or "").strip() for t in (d.get("title") or {}).values()) or not (d.get("url") or "").strip()
    ]


def _end_before_start(document: dict[str, Any]) -> bool:
    start, end = parse_instant(document.get("start")), parse_instant(document.get("end"))
    if start and end and end < start:
        return True
    start_date, end_date = document.get("start_date"), document.get("end_date")
    return bool(start_date and end_date and str(end_date) < str(start_date))


def events_ending_before_start(documents: Iterable[dict[str, Any]]) -> list[str]:
    return [_label(d) for d in documents if d.get("kind") == "event" and _end_before_start(d)]


def calls_past_deadline(documents: Iterable[dict[str, Any]], now: datetime) -> list[str]:
    """Calls the agenda would show as open whose deadline has passed."""
    past = []
    for document in documents:
        deadline = parse_instant(document.get("deadline")) if document.get("kind") == "call" else None
        if deadline and deadline < now:
            past.append(_label(document))
    return past


def schema_problems(documents: list[dict[str, Any]], now: datetime) -> list[str]:
    return agenda_problems(agenda_body(documents, generated_at=now))


_ITEM_POSITION = re.compile(r"^items/\d+")


class AgendaChecks:
    """The agenda's blocking checks, fed the documents a chunk at a time (the agenda is never held whole).

    The schema is checked chunk by chunk: every item is checked on its own, and each chunk's envelope is
    a valid agenda of that chunk. A problem names its item by id (positions in a chunk mean nothing)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.total = 0
        self.offenders: dict[str, list[str]] = {name: [] for name in AGENDA_CHECKS}

    def add(self, documents: list[dict[str, Any]]) -> None:
        self.offenders[AGENDA_SCHEMA] += [_ITEM_POSITION.sub("items", p) for p in schema_problems(documents, self.now)]
        self.offenders[TITLES_AND_URLS] += untitled_or_unlinked(documents)
        self.offenders[EVENT_DATES] += events_ending_before_start(documents)
        self.offenders[CALLS_OPEN] += calls_past_deadline(documents, self.now)
        self.total += len(documents)

    def results(self, key: dg.AssetKey) -> list[dg.AssetCheckResult]:
        return [
            _result(key, AGENDA_SCHEMA, self.offenders[AGENDA_SCHEMA], self.total, "break the agenda's JSON Schema"),
            _result(key, TITLES_AND_URLS, self.offenders[TITLES_AND_URLS], self.total, "without a title or a URL"),
            _result(key, EVENT_DATES, self.offenders[EVENT_DATES], self.total, "end before they start"),
            _result(key, CALLS_OPEN, self.offenders[CALLS_OPEN], self.total, "published as open after their deadline"),
        ]


def agenda_check_results(key: dg.AssetKey, documents: list[dict[str, Any]], *, now: datetime) -> list[dg.AssetCheckResult]:
    checks = AgendaChecks(now)
    checks.add(documents)
    return checks.results(key)
