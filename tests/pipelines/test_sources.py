"""Which check results a source's fetch is worth writing."""
from __future__ import annotations

import dagster as dg
import pytest

from pipelines.assets.sources import _check_results, _quiet
from pipelines.checks import ERROR_STREAK, FETCH_OK, Thresholds
from warehouse.records import SourceBatch, SourceCounts

KEY = dg.AssetKey(["source", "lab", "news"])


def counts(outcome: str, *, status: int | None = 200, error: str | None = None, fetched: int = 0) -> SourceCounts:
    return SourceCounts("lab", "news", outcome, status, error, fetched=fetched, unchanged=fetched)


def test_a_not_modified_answer_after_successes_has_nothing_new_to_check() -> None:
    assert _quiet(counts("not_modified", status=304), streak_before=0)


def test_a_not_modified_answer_after_failures_is_a_recovery_and_is_checked() -> None:
    assert not _quiet(counts("not_modified", status=304), streak_before=2)


@pytest.mark.parametrize("outcome", [counts("fetched", fetched=3), counts("error", status=500, error="HTTP 500")])
def test_a_payload_or_a_failure_is_always_checked(outcome: SourceCounts) -> None:
    assert not _quiet(outcome, streak_before=0)


def test_a_recovering_source_gets_its_fetch_and_streak_checks_but_not_its_payload_checks() -> None:
    batch = SourceBatch.__new__(SourceBatch)  # unused for a not-modified answer: its payload checks are not written
    results = _check_results(KEY, batch, counts("not_modified", status=304), previous=8, streak=0, limits=Thresholds())
    assert {(r.check_name, r.passed) for r in results} == {(FETCH_OK, True), (ERROR_STREAK, True)}
    assert _check_results(KEY, batch, counts("not_modified", status=304), previous=8, streak=0, limits=Thresholds(),
                          quiet=True) == []
