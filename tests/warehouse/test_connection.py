"""Opening the warehouse, its transactions, and frames lent to its queries."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from warehouse.connection import (
    BULK_CHECKPOINT_THRESHOLD, DEFAULT_MEMORY_LIMIT, MEMORY_LIMIT_ENV, SCAN_MEMORY_LIMIT, BackgroundWriter, bulk_writes,
    connect, registered, scan_memory, transaction,
)


def test_registered_frames_are_readable_in_the_block_and_gone_after_it_even_on_error(con) -> None:
    with registered(con, {"in_a": pd.DataFrame({"x": [1, 2]}), "in_b": pd.DataFrame({"y": ["z"]})}):
        assert con.execute("SELECT sum(x), min(y) FROM in_a, in_b").fetchall() == [(3, "z")]
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT * FROM in_a")
    with pytest.raises(ZeroDivisionError), registered(con, {"in_c": pd.DataFrame({"x": [1]})}):
        1 / 0
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT * FROM in_c")


def test_a_transaction_that_raises_writes_nothing(con) -> None:
    con.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError), transaction(con):
        con.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("half way")
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
    with transaction(con):
        con.execute("INSERT INTO t VALUES (2)")
    assert con.execute("SELECT x FROM t").fetchall() == [(2,)]


def _memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_duckdb_keeps_the_default_memory_limit_unless_the_environment_sets_another(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    plain = duckdb.connect()
    try:
        unlimited = _memory_limit(plain)
        plain.execute("SET memory_limit = ?", [DEFAULT_MEMORY_LIMIT])
        expected = _memory_limit(plain)
    finally:
        plain.close()
    con = connect(tmp_path / "w.duckdb")
    try:
        assert _memory_limit(con) == expected != unlimited  # not DuckDB's 80 % of the machine
    finally:
        con.close()
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    con = connect(tmp_path / "w.duckdb", read_only=True)
    try:
        assert _memory_limit(con) == "953.6 MiB"  # DuckDB counts in MiB
    finally:
        con.close()


def test_a_scan_runs_under_the_scan_limit_and_the_limit_is_put_back_after_it_even_on_error(con) -> None:
    con.execute("SET memory_limit = '256MiB'")
    con.execute("SET memory_limit = ?", [SCAN_MEMORY_LIMIT])
    scan_limit = _memory_limit(con)
    con.execute("SET memory_limit = '256MiB'")
    with scan_memory(con):
        assert _memory_limit(con) == scan_limit != "256.0 MiB"
        assert con.execute("SELECT count(*) FROM range(100000)").fetchall() == [(100000,)]
    assert _memory_limit(con) == "256.0 MiB"
    with pytest.raises(ZeroDivisionError), scan_memory(con):
        1 / 0
    assert _memory_limit(con) == "256.0 MiB"


def test_bulk_writes_checkpoint_at_the_bulk_threshold_and_the_threshold_is_put_back(con) -> None:
    def threshold() -> str:
        return con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0]

    before = threshold()
    con.execute("SET checkpoint_threshold = ?", [BULK_CHECKPOINT_THRESHOLD])
    bulk = threshold()
    con.execute("SET checkpoint_threshold = ?", [before])
    with bulk_writes(con):
        assert threshold() == bulk != before
    assert threshold() == before


def test_a_statement_that_aborts_the_transaction_reports_its_own_error(con) -> None:
    con.execute("CREATE TABLE keyed (k INTEGER PRIMARY KEY)")
    with pytest.raises(duckdb.ConstraintException):
        with transaction(con), registered(con, {"in_keys": pd.DataFrame({"k": [1, 1]})}):
            con.execute("INSERT INTO keyed SELECT k FROM in_keys")
    assert con.execute("SELECT count(*) FROM keyed").fetchall() == [(0,)]
    with registered(con, {"in_keys": pd.DataFrame({"k": [2]})}):  # the name can be lent again
        con.execute("INSERT INTO keyed SELECT k FROM in_keys")
    assert con.execute("SELECT k FROM keyed").fetchall() == [(2,)]


def _insert(cursor: duckdb.DuckDBPyConnection, value: int) -> None:
    with transaction(cursor):
        cursor.execute("INSERT INTO t VALUES (?, current_setting('TimeZone'), ?::TIMESTAMPTZ::VARCHAR)",
                       [value, "2026-03-01 10:00:00"])


def test_background_writes_are_committed_in_order_on_a_connection_of_their_own(con) -> None:
    con.execute("CREATE TABLE t (x INTEGER, zone VARCHAR, seen_at VARCHAR)")
    con.execute("SET TimeZone = 'Europe/Brussels'")
    seen = []
    with BackgroundWriter(con) as writer:
        for value in range(5):
            writer.write(_insert, value)
            seen.append(con.execute("SELECT count(*) FROM t").fetchone()[0])  # the caller reads meanwhile
    assert con.execute("SELECT x FROM t ORDER BY rowid").fetchall() == [(n,) for n in range(5)]
    assert seen == sorted(seen) and seen[-1] >= 4  # each write waited for the one before it
    # The writer read a time without an offset as the caller would have: in the caller's time zone.
    assert con.execute("SELECT DISTINCT zone, seen_at FROM t").fetchall() == [("Europe/Brussels", "2026-03-01 10:00:00+01")]


def test_a_failed_background_write_raises_at_the_next_write_or_at_the_end(con) -> None:
    con.execute("CREATE TABLE t (x INTEGER PRIMARY KEY, zone VARCHAR, seen_at VARCHAR)")
    with pytest.raises(duckdb.ConstraintException), BackgroundWriter(con) as writer:
        writer.write(_insert, 1)
        writer.write(_insert, 1)  # a duplicate key: its transaction is rolled back
    with pytest.raises(duckdb.ConstraintException):
        with BackgroundWriter(con) as writer:
            writer.write(_insert, 2)
            writer.write(_insert, 2)
            writer.write(_insert, 3)  # raises the failure of the write before it, and is not started
    assert con.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]


def test_the_callers_connection_is_free_for_any_work_once_the_writer_is_made(con) -> None:
    with BackgroundWriter(con), registered(con, {"in_x": pd.DataFrame({"x": [1]})}):
        assert con.execute("SELECT x FROM in_x").fetchall() == [(1,)]
