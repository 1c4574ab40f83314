"""The warehouse with known contents (ecosystem.py), built once per module."""
from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.connection import connect
from warehouse.insight import Period, ecosystem_insight

from .ecosystem import NOW, PERIOD, build_warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("insight") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def insight(warehouse: Path) -> dict:
    con = connect(warehouse, read_only=True)
    try:
        return ecosystem_insight(con, Period(*PERIOD), now=NOW)
    finally:
        con.close()
