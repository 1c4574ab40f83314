"""The Dagster instance's SQLite connections skip the fsync per commit (synchronous=NORMAL)."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy

from bedigital.dagster_sqlite import relax_sqlite_sync, synchronous_mode
from bedigital.runner import dagster_instance


def test_sqlite_connections_opened_through_sqlalchemy_are_normal_not_full(tmp_path: Path) -> None:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'before.db'}")
    relax_sqlite_sync()
    relax_sqlite_sync()  # idempotent: one listener
    with engine.connect() as connection:
        assert synchronous_mode(connection.connection.dbapi_connection) == 1


def test_the_instance_the_runner_opens_stores_events_with_synchronous_normal(tmp_path: Path) -> None:
    instance = dagster_instance(tmp_path / "dagster")
    storage = instance.event_log_storage
    with storage.index_connection() as connection:
        assert synchronous_mode(connection.connection.dbapi_connection) == 1
