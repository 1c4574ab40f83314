"""The garbage collector paused for bulk building, and put back as it was."""
from __future__ import annotations

import gc
import threading

import pytest

from warehouse.collector import paused_gc


def test_the_collector_is_paused_in_the_block_and_enabled_again_after_it_even_on_error() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("half way")
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # not enabled by the block's end
    finally:
        gc.enable()


def test_blocks_in_two_threads_enable_it_again_when_the_last_one_ends() -> None:
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with paused_gc():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    with paused_gc():
        thread.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread's block is still open
    leave.set()
    thread.join()
    assert gc.isenabled()


def test_as_a_decorator_the_function_runs_with_the_collector_paused() -> None:
    @paused_gc()
    def state() -> bool:
        return gc.isenabled()

    assert state() is False and state() is False and gc.isenabled()
