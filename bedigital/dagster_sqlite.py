"""Dagster's local SQLite instance, made cheap per event.

Dagster's SQLite event log creates a SQLAlchemy engine, opens a connection and disposes of both
for every event it stores, and a run stores about ten events per partner source (planned
materialisation and checks, materialisation, check results, step outputs). At a thousand sources
that bookkeeping, not the work, was most of a run. Two remedies, both plain Dagster extension points:

- `PooledSqliteEventLogStorage` keeps one engine (and its open connections and compiled statements)
  per database file instead of one per event; the instance's dagster.yaml names it.
- `relax_sqlite_sync` makes every SQLite connection commit with synchronous=NORMAL instead of FULL:
  in WAL mode the database stays consistent after a crash, a power cut may lose the last events.
- `batch_planned_events` turns on Dagster's own event batching (DAGSTER_EVENT_BATCH_SIZE): the six
  "planned" events per source that start a run reach the storage as batches, which the pooled storage
  writes on one connection per database in one transaction instead of one transaction per event.

Production instances run on Postgres (deploy/), where neither applies.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from contextlib import ExitStack, contextmanager
from typing import Any, Iterator, Mapping, Sequence

from dagster._config import Field, StringSource
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import create_db_conn_string
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

_installed = False
SQLITE_BUSY_TIMEOUT_S = 120  # Dagster's own timeout: another process (webserver, daemon) may hold the lock
INDEX_SHARD = "index"  # the cross-run database, next to one file per run
OPEN_SHARDS = 4  # run databases kept open besides the index: a run writes to one, readers to a few
EVENT_BATCH_SIZE = 1000  # planned events per batch: a run of 1,000 sources plans 6,000
EVENT_BATCH_VARIABLE = "DAGSTER_EVENT_BATCH_SIZE"


def _relax(dbapi_connection: object, _record: object) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def relax_sqlite_sync() -> None:
    """Make every SQLite connection SQLAlchemy opens in this process use synchronous=NORMAL (once)."""
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _relax)
        _installed = True


def batch_planned_events() -> None:
    """Let Dagster hand the events it plans in bulk to the storage in batches, unless the environment decides."""
    os.environ.setdefault(EVENT_BATCH_VARIABLE, str(EVENT_BATCH_SIZE))


def synchronous_mode(connection: sqlite3.Connection) -> int:
    """SQLite's synchronous setting of a connection: 0 OFF, 1 NORMAL, 2 FULL."""
    return connection.execute("PRAGMA synchronous").fetchone()[0]


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log (same files, same schema) with one engine per database file.

    The index database keeps its engine for the storage's lifetime; run databases share a small
    least-recently-used set, an engine leaving it is disposed of (its connections closed).
    `base_dir` defaults to where Dagster's default storage keeps it: $DAGSTER_HOME/history/runs.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._tables: set[str] = set()
        self._batch = threading.local()  # .connections: shard -> the connection a batch being stored holds
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Field]:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: Mapping[str, Any]) -> "PooledSqliteEventLogStorage":
        base_dir = config_value.get("base_dir") or os.path.join(os.environ["DAGSTER_HOME"], "history", "runs")
        return cls(base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = create_engine(
                    create_db_conn_string(self._base_dir, shard),
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
                )
                self._engines[shard] = engine
                self._evict()
            self._engines.move_to_end(shard)
            return engine

    def _evict(self) -> None:
        runs = [shard for shard in self._engines if shard != INDEX_SHARD]
        for shard in runs[: max(0, len(runs) - OPEN_SHARDS)]:
            self._engines.pop(shard).dispose()

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        held: dict[str, Connection] | None = getattr(self._batch, "connections", None)
        if held is not None:  # a batch is being stored by this thread: its transaction on this shard
            if shard not in held:
                held[shard] = self._batch.stack.enter_context(self._open(shard))
            yield held[shard]
            return
        with self._db_lock, self._open(shard) as conn:
            yield conn

    @contextmanager
    def _open(self, shard: str) -> Iterator[Connection]:
        """A connection to `shard` in a transaction, committed when the block ends (rolled back if it raises)."""
        engine = self._engine(shard)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        with engine.connect() as conn:
            with conn.begin():
                yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Store `events` as `store_event` does, each database's writes in one transaction.

        If anything fails, nothing of the batch is kept and the error is raised: Dagster then stores the
        events one by one. (A failure committing the second database after the first would leave the first's
        rows to be written again: SQLite fails at commit only when the disk does.)"""
        with self._db_lock, ExitStack() as stack:
            self._batch.connections, self._batch.stack = {}, stack
            try:
                for entry in events:
                    self.store_event(entry)
            finally:
                del self._batch.connections, self._batch.stack

    def has_table(self, table_name: str) -> bool:
        # Asked before every check result is stored; a table, once there, stays.
        if table_name not in self._tables:
            engine = self._engine(INDEX_SHARD)
            with engine.connect() as conn:
                if engine.dialect.has_table(conn, table_name):
                    self._tables.add(table_name)
        return table_name in self._tables

    def close_engines(self) -> None:
        """Close every open connection (before files are deleted, and when the instance is disposed of)."""
        with self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self.close_engines()
        self._tables.clear()
        super().wipe()

    def dispose(self) -> None:
        self.close_engines()
        super().dispose()
