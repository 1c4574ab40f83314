"""Opening the warehouse, its transactions, and frames lent to its queries."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from warehouse.connection import registered, transaction


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
