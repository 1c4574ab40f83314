"""Opening the warehouse when another process may be writing it.

DuckDB lets one process write a file at a time; a second opener gets an IOException about the
lock. Runs, the alert sensor and the report pages wait a little and try again instead of failing.
"""
from __future__ import annotations

import time
from pathlib import Path

import duckdb

from warehouse.connection import connect

LOCK_WAIT_S = 60.0
_RETRY_EVERY_S = 0.25


class WarehouseBusy(Exception):
    """Another process held the warehouse for longer than we were willing to wait."""


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and ("lock" in text or "conflicting" in text)


def connect_waiting(path: Path | str, *, read_only: bool = False, wait_s: float = LOCK_WAIT_S) -> duckdb.DuckDBPyConnection:
    """`warehouse.connection.connect`, retried while another process holds the file's lock."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return connect(path, read_only=read_only)
        except duckdb.Error as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(f"the warehouse {path} stayed locked by another process for {wait_s:.0f}s: {exc}") from exc
            time.sleep(_RETRY_EVERY_S)
