"""Parsing and normalising payloads (and categorising items) in worker processes, when there is enough
of them to pay for it.

Parsing, normalisation and categorisation are pure Python: on one core a thousand sources take most of a
minute each, whatever the fetching concurrency. Worker processes (a pool kept until `shutdown`, so that a run's
shards share it) use the other cores, and the calling process works beside them; the results come back
in order, and the warehouse is still written by the calling process alone. Below PARALLEL_MIN_BYTES of
payloads, starting and feeding the workers costs more than it saves, and everything runs in the calling
process.

BEDIGITAL_PARSE_WORKERS sets the number of worker processes besides the calling one (0: none), for
both uses.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Sequence, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
ENV_WORKERS = "BEDIGITAL_PARSE_WORKERS"
# About a second of parsing on one core: less than that is not worth handing to other processes.
PARALLEL_MIN_BYTES = 8 * 2**20
PARALLEL_MIN_VALUES = 1_000  # values for `parallel` to share: about 0.25 s of categorisation
PARALLEL_PIECE = 200  # values a piece of `parallel`'s: ~50 ms of categorisation

_pool: ProcessPoolExecutor | None = None
_pool_workers = 0
_lock = threading.Lock()


def configured_workers() -> int | None:
    """The number of workers BEDIGITAL_PARSE_WORKERS asks for; None when it is not set."""
    value = os.environ.get(ENV_WORKERS, "").strip()
    if not value:
        return None
    try:
        workers = int(value)
    except ValueError:
        raise ValueError(f"{ENV_WORKERS}={value!r}: expected a number of worker processes (0: none)") from None
    if workers < 0:
        raise ValueError(f"{ENV_WORKERS}={value!r}: expected 0 or more worker processes")
    return workers


def workers_for(amount: int, *, requested: int | None = None, minimum: int = PARALLEL_MIN_BYTES) -> int:
    """How many worker processes to share `amount` of work with (by default bytes of payloads), besides the
    calling process: `requested`, else the environment's setting, else one per core beyond the first once
    there is `minimum` of it."""
    if requested is None:
        requested = configured_workers()
    if requested is not None:
        return requested
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores - 1 if amount >= minimum else 0


def parallel(function: Callable[[T], R], *, minimum: int = PARALLEL_MIN_VALUES,
             largest_piece: int = PARALLEL_PIECE) -> Callable[[Sequence[T]], list[R]]:
    """A function of a list: [function(v) for v in values] by map_in_order, with the workers `workers_for`
    gives `minimum` values or more (none below). `function` must be importable by the workers."""
    def mapped(values: Sequence[T]) -> list[R]:
        return map_in_order(function, values, workers=workers_for(len(values), minimum=minimum),
                            largest_piece=largest_piece)

    return mapped


def map_in_order(function: Callable[[T], R], values: Sequence[T], *, workers: int, largest_piece: int = 8) -> list[R]:
    """[function(v) for v in values], computed by `workers` worker processes and the calling process.

    The values are taken in pieces, in order, by whoever is free: the workers are kept two pieces ahead,
    and the calling process takes the next piece itself rather than wait (a worker's memory is ~0.25 GB:
    so one worker less does as much). `function` and the values must pickle. A pool that breaks (a
    worker killed, say by the kernel for memory) is logged and let go, and what it had not returned is
    computed here; an exception `function` raises reaches the caller. A piece holds at most
    `largest_piece` values: pieces of well under 10 ms each wait for the GIL to be sent, the calling
    process holding it while it computes its own, and the workers stand idle."""
    if workers <= 0 or len(values) < 2:
        return [function(value) for value in values]
    size = max(1, min(largest_piece, len(values) // ((workers + 1) * 6)))  # small pieces: the work is shared evenly
    pieces = [values[start:start + size] for start in range(0, len(values), size)]
    results: list[list[R]] = [[] for _ in pieces]
    in_flight: deque[tuple[int, Future[list[R]]]] = deque()
    taken, broken = 0, False

    def collect() -> None:
        nonlocal broken
        index, future = in_flight.popleft()
        try:
            results[index] = future.result()
        except BrokenProcessPool as exc:
            if not broken:
                log.warning("the parsing workers stopped (%s): what they had not returned is processed here", exc)
                shutdown()
                broken = True
            results[index] = _apply(function, pieces[index])

    while taken < len(pieces) or in_flight:
        while not broken and taken < len(pieces) and len(in_flight) < 2 * workers:
            try:
                in_flight.append((taken, _shared_pool(workers).submit(_apply, function, pieces[taken])))
            except BrokenProcessPool:  # broken since its last use
                shutdown()
                broken = True
                break
            taken += 1
        while in_flight and in_flight[0][1].done():
            collect()
        if taken < len(pieces):
            results[taken] = _apply(function, pieces[taken])
            taken += 1
        elif in_flight:
            collect()
    return [result for piece in results for result in piece]


def _apply(function: Callable[[T], R], values: Sequence[T]) -> list[R]:
    return [function(value) for value in values]


def _shared_pool(workers: int) -> Executor:
    global _pool, _pool_workers
    with _lock:
        if _pool is None or _pool_workers != workers:
            _discard_pool()
            # Spawned: fresh interpreters, not forks of this process with its threads and open
            # warehouse; they exit with the pool (a fork server would stay, holding the parsers).
            context = multiprocessing.get_context("spawn")
            _pool, _pool_workers = ProcessPoolExecutor(max_workers=workers, mp_context=context), workers
        return _pool


def _discard_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


def shutdown() -> None:
    """Stop the worker processes (they are started again when needed)."""
    with _lock:
        _discard_pool()


atexit.register(shutdown)
