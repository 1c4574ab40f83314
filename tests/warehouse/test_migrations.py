"""Migrations applied to a warehouse that already holds data."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from warehouse.agenda import stage_agenda
from warehouse.connection import migrate, schema_version
from warehouse.items import refresh_items
from warehouse.load import load_batches
from warehouse.migrations import migrations

from .conftest import NOW, make_batch, make_item

COMPRESSED = {"raw_items": "record", "source_items": "record", "items": "record", "agenda": "document"}


def _migrated_up_to(path: Path, version: int) -> duckdb.DuckDBPyConnection:
    """A warehouse with the migrations up to `version` applied, as an older release left it."""
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMPTZ)")
    for migration in migrations():
        if migration.version <= version:
            con.execute(migration.sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [migration.version, migration.description, NOW])
    return con


def _rows(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    return {table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in COMPRESSED}


def _definition(con: duckdb.DuckDBPyConnection, table: str) -> str:
    return con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()[0]


def test_compressing_the_documents_keeps_every_row_column_and_key(tmp_path: Path) -> None:
    con = _migrated_up_to(tmp_path / "old.duckdb", 6)
    load_batches(con, [make_batch([make_item("a"), make_item("b", title="Hackathon IoT")])], run_id="r1", now=NOW)
    refresh_items(con, now=NOW, translator=None)
    stage_agenda(con, now=NOW)
    before = _rows(con)
    columns = {table: con.execute(f"SELECT * FROM {table} LIMIT 0").description for table in COMPRESSED}
    assert all(before.values()), "every table holds rows before the migration"

    assert migrate(con) == [7]

    assert schema_version(con) == 7
    assert _rows(con) == before
    for table, column in COMPRESSED.items():
        assert con.execute(f"SELECT * FROM {table} LIMIT 0").description == columns[table]
        assert re.search(rf'\b"?{column}"? JSON USING COMPRESSION ZSTD NOT NULL', _definition(con, table))
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO source_items SELECT * FROM source_items LIMIT 1")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO raw_items SELECT * FROM raw_items LIMIT 1")
    con.close()


def test_a_warehouse_keeps_working_after_the_migration(tmp_path: Path) -> None:
    con = _migrated_up_to(tmp_path / "old.duckdb", 6)
    load_batches(con, [make_batch([make_item("a")])], run_id="r1", now=NOW)
    migrate(con)
    later = datetime(2026, 3, 2, tzinfo=timezone.utc)
    counts = load_batches(con, [make_batch([make_item("a"), make_item("c")], body_hash="c" * 64)], run_id="r2", now=later)
    assert (counts[("hub", "agenda")].new, counts[("hub", "agenda")].unchanged) == (1, 1)
    assert refresh_items(con, now=later, translator=None)["total"] == 2
    assert stage_agenda(con, now=NOW) == 2
    con.close()
