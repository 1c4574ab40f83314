"""Opening the warehouse, its transactions, and frames lent to its queries."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from warehouse.connection import MEMORY_LIMIT_ENV, connect, registered, transaction


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


def test_the_warehouse_keeps_a_bounded_memory_set_by_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    con = connect(tmp_path / "w.duckdb")
    try:
        assert _memory_limit(con) == "244.1 MiB"  # 256MB (DuckDB counts in MiB)
    finally:
        con.close()
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    con = connect(tmp_path / "w.duckdb", read_only=True)
    try:
        assert _memory_limit(con) == "953.6 MiB"
    finally:
        con.close()
