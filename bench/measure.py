"""Small measuring helpers: wall-clock stages and peak resident memory."""
from __future__ import annotations

import contextlib
import os
import resource
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator


@dataclass(slots=True)
class Stage:
    """One measured stage: its wall time and how many things it processed."""

    name: str
    seconds: float = 0.0
    count: int = 0
    unit: str = "items"
    note: str = ""

    @property
    def per_second(self) -> float | None:
        return self.count / self.seconds if self.seconds > 0 and self.count else None

    def as_dict(self) -> dict:
        return {"seconds": round(self.seconds, 4), "count": self.count, "unit": self.unit,
                "per_s": round(self.per_second, 1) if self.per_second else None, "note": self.note}


@dataclass(slots=True)
class Stages:
    stages: dict[str, Stage] = field(default_factory=dict)

    @contextmanager
    def timed(self, name: str, *, unit: str = "items", note: str = "") -> Iterator[Stage]:
        """Time the block; the caller sets `count` on the yielded stage."""
        stage = self.stages.setdefault(name, Stage(name, unit=unit, note=note))
        started = time.perf_counter()
        try:
            yield stage
        finally:
            stage.seconds += time.perf_counter() - started

    def as_dict(self) -> dict:
        return {name: stage.as_dict() for name, stage in self.stages.items()}


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """The peak resident set size of this process (or of its waited-for children), in MiB.

    For this process, Linux's VmHWM: getrusage's ru_maxrss of a process started by a large one (the
    harness, holding every stage's data, starting a Dagster run) carries the parent's size over the exec.
    """
    if who == resource.RUSAGE_SELF:
        with contextlib.suppress(OSError):  # no /proc (not Linux): getrusage's figure below
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    return resource.getrusage(who).ru_maxrss / 1024


def _descendants() -> list[int]:
    """The live descendants of this process (the parsing workers and the server they are started from)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The name (field 2) may hold spaces and parentheses: the parent pid follows its last ')'.
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    family, found = {os.getpid()}, True
    while found:
        found = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                found = True
    return sorted(family - {os.getpid()})


def _resident_mib(pid: int | str) -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20
    return 0.0


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class FamilyMemory:
    """The largest resident memory of this process and its descendants together, sampled every
    `interval` s in a thread while the block runs (the process's own peak is exact: peak_rss_mib)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak_mib = 0.0
        self.descendants_peak_mib = 0.0  # the descendants' share at that moment
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "FamilyMemory":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        samples = 0
        while not self._stop.wait(self.interval):
            if samples % 20 == 0:  # the family is looked up now and then: it is the costly part
                family = _descendants()
            samples += 1
            others = sum(_resident_mib(pid) for pid in family)
            total = _resident_mib("self") + others
            if total > self.peak_mib:
                self.peak_mib, self.descendants_peak_mib = total, others
