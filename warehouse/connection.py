"""Opening the warehouse: one DuckDB file, migrated to the latest schema on connect."""
from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import duckdb

from warehouse.migrations import migrations

MEMORY_LIMIT_ENV = "BEDIGITAL_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "512MB"


def memory_limit() -> str:
    """How much memory DuckDB may keep for the warehouse: BEDIGITAL_DUCKDB_MEMORY_LIMIT (a DuckDB size such
    as "2GB") or DEFAULT_MEMORY_LIMIT.

    DuckDB's own default is 80 % of the machine's memory, and it keeps every block a run reads or writes
    cached up to it: staging a cold agenda of 98,000 items ended holding 1.5 GiB (1.0 GiB under 512MB, as
    fast). Under the limit DuckDB evicts what it read and spills what it can to `<warehouse>.tmp`; what a
    transaction inserts into a keyed table must fit, which the run's transactions do by far (a shard's load,
    a part of a refresh, a chunk of the agenda): a single load of 98,000 items passes under 512MB, not 256MB."""
    return os.environ.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_MEMORY_LIMIT


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and create and migrate, unless read-only) the warehouse file."""
    target = Path(path)
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target), read_only=read_only)
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET memory_limit = ?", [memory_limit()])
    if not read_only:
        migrate(con)
    return con


@contextmanager
def duckdb_settings(con: duckdb.DuckDBPyConnection, **values: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """DuckDB settings (`memory_limit="64MB"`, ...) changed for the block, then put back as they were."""
    previous = {name: con.execute("SELECT current_setting(?)", [name]).fetchone()[0] for name in values}
    for name, value in values.items():
        con.execute(f"SET {name} = ?", [value])
    try:
        yield con
    finally:
        for name, value in previous.items():
            con.execute(f"SET {name} = ?", [value])


SCAN_MEMORY_LIMIT = "64MB"


def scan_memory(con: duckdb.DuckDBPyConnection) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """DuckDB's memory capped at SCAN_MEMORY_LIMIT for one pass over a large table.

    A scan keeps every block it read cached up to the limit, and no later query of a run reads them
    again: reading the staged agenda of 98,000 items cached 0.16 GiB on top of the documents built from
    it (a peak of 1,096 MiB, 936 under 64MB, as fast)."""
    return duckdb_settings(con, memory_limit=SCAN_MEMORY_LIMIT)


BULK_CHECKPOINT_THRESHOLD = "1GB"


def bulk_writes(con: duckdb.DuckDBPyConnection) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """DuckDB's log checkpointed at BULK_CHECKPOINT_THRESHOLD, not every 16 MB, while a table is rewritten in
    committed chunks: staging an agenda of 98,000 documents checkpointed about twenty times (22.4 s; 20.0 s with
    the one checkpoint at the end, in the same memory)."""
    return duckdb_settings(con, checkpoint_threshold=BULK_CHECKPOINT_THRESHOLD)


class BackgroundWriter:
    """Writes run one after the other in a thread, on a connection of their own, each while the caller
    prepares the next: DuckDB inserts and commits without holding the GIL that building rows in Python needs.

    `write(function, *args)` waits for the previous write (raising what it raised), then starts
    `function(cursor, *args)`; leaving the block waits for the last one. The caller may read and write on
    its own connection meanwhile (another thread must never use it). The writer's connection has the
    caller's time zone."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        [(zone,)] = con.execute("SELECT current_setting('TimeZone')").fetchall()
        self._cursor = con.cursor()
        self._cursor.execute("SET TimeZone = ?", [zone])
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="duckdb-writer")
        self._pending: Future[Any] | None = None

    def write(self, function: Callable[..., Any], *args: Any) -> None:
        self.wait()
        self._pending = self._thread.submit(function, self._cursor, *args)

    def wait(self) -> None:
        """Return once every write given is done; raise what the last one raised."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> "BackgroundWriter":
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self.wait()
        finally:
            self._thread.shutdown(wait=True)
            self._cursor.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block ends, roll back when it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, frames: Mapping[str, Any]) -> Iterator[duckdb.DuckDBPyConnection]:
    """`frames` (pandas DataFrames, Arrow tables) readable by `con`'s queries under their names, for the block."""
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        yield con
    except BaseException:
        # A failed statement may have aborted the transaction, and unregistering then fails too: the
        # statement's error is the one to report (a name left registered is replaced when registered again).
        with suppress(duckdb.TransactionException):
            _unregister(con, frames)
        raise
    _unregister(con, frames)


def _unregister(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> None:
    for name in names:
        con.unregister(name)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not applied yet, each in its own transaction."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMPTZ)"
    )
    # Apply every migration not recorded yet, even one numbered below the latest applied:
    # branches developed in parallel may land their migrations out of order.
    done = {version for (version,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied: list[int] = []
    for migration in migrations():
        if migration.version in done:
            continue
        with transaction(con):
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [migration.version, migration.description, datetime.now(timezone.utc)],
            )
        applied.append(migration.version)
    return applied
