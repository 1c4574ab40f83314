"""Dagster's SQLite instance without an fsync per event.

Dagster's local storage opens a SQLite connection for every event it stores (in WAL mode, with
SQLite's default synchronous=FULL): each commit and each closing checkpoint waits for the disk,
~13 ms per event on this machine against ~1 ms with synchronous=NORMAL, and a run stores about
ten events per partner source. In WAL mode, NORMAL keeps the database consistent after a crash;
a power cut may lose the last events. Production instances run on Postgres (deploy/), where this
does not apply.
"""
from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


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


def synchronous_mode(connection: sqlite3.Connection) -> int:
    """SQLite's synchronous setting of a connection: 0 OFF, 1 NORMAL, 2 FULL."""
    return connection.execute("PRAGMA synchronous").fetchone()[0]
