"""Small measuring helpers: wall-clock stages and peak resident memory."""
from __future__ import annotations

import contextlib
import resource
from pathlib import Path
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
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
