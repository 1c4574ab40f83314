"""Worker processes for parsing: same results in the same order, used only when they pay, and a broken
pool never loses a source."""
from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from bedigital import processing
from bedigital.processing import PARALLEL_MIN_BYTES, map_in_order, parallel, workers_for


def square_with_pid(n: int) -> tuple[int, int]:
    time.sleep(0.005)  # long enough for the workers to start and take their share
    return n * n, os.getpid()


def dies_in_a_worker(n: int) -> int:
    """n + 1; a worker process that is handed any value is killed on the spot (as the kernel would)."""
    if multiprocessing.parent_process() is not None:
        os._exit(1)
    time.sleep(0.005)
    return n + 1


def raises_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


def test_workers_and_this_process_share_the_values_and_the_results_come_in_order() -> None:
    values = list(range(300))
    results = map_in_order(square_with_pid, values, workers=1)
    assert [square for square, _ in results] == [n * n for n in values]
    pids = {pid for _, pid in results}
    assert os.getpid() in pids and len(pids) == 2


def test_without_workers_everything_runs_here() -> None:
    assert {pid for _, pid in map_in_order(square_with_pid, [1, 2, 3], workers=0)} == {os.getpid()}
    assert map_in_order(square_with_pid, [7], workers=2) == [(49, os.getpid())]  # one value: not worth a worker


def test_an_exception_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="three"):
        map_in_order(raises_on_three, list(range(6)), workers=2)


def test_a_killed_worker_loses_no_value_the_rest_is_computed_here() -> None:
    values = list(range(300))
    assert map_in_order(dies_in_a_worker, values, workers=1) == [n + 1 for n in values]
    assert processing._pool is None  # a worker did die: the broken pool was let go
    # A new pool is started for the next call, and its workers take their share again.
    assert len({pid for _, pid in map_in_order(square_with_pid, list(range(300)), workers=1)}) == 2


def test_workers_are_used_for_big_payloads_only_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(processing.ENV_WORKERS, raising=False)
    monkeypatch.setattr(processing.os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    assert workers_for(PARALLEL_MIN_BYTES - 1) == 0
    assert workers_for(PARALLEL_MIN_BYTES) == 3  # this process is the fourth
    assert workers_for(0, requested=3) == 3
    monkeypatch.setenv(processing.ENV_WORKERS, "0")
    assert workers_for(10 * PARALLEL_MIN_BYTES) == 0
    monkeypatch.setattr(processing.os, "sched_getaffinity", lambda _pid: {0})
    monkeypatch.delenv(processing.ENV_WORKERS)
    assert workers_for(10 * PARALLEL_MIN_BYTES) == 0  # one core: nothing to gain


def test_parallel_shares_long_lists_with_workers_and_keeps_short_ones_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(processing.ENV_WORKERS, raising=False)
    monkeypatch.setattr(processing.os, "sched_getaffinity", lambda _pid: {0, 1})
    squares = parallel(square_with_pid, minimum=100)
    short, long = squares(list(range(99))), squares(list(range(300)))
    assert [square for square, _ in short] == [n * n for n in range(99)]
    assert {pid for _, pid in short} == {os.getpid()}
    assert [square for square, _ in long] == [n * n for n in range(300)]
    assert len({pid for _, pid in long}) == 2


@pytest.mark.parametrize("value", ["two", "-1"])
def test_a_bad_worker_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(processing.ENV_WORKERS, value)
    with pytest.raises(ValueError, match=f"BEDIGITAL_PARSE_WORKERS={value!r}"):
        workers_for(0)


def test_the_workers_exit_when_the_pool_is_shut_down() -> None:
    workers = {pid for _, pid in map_in_order(square_with_pid, list(range(300)), workers=1)} - {os.getpid()}
    assert workers and all(Path(f"/proc/{pid}").exists() for pid in workers)
    processing.shutdown()
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
