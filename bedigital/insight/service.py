"""Computing the report's figures from a warehouse file, opened read-only (waiting a little while a run holds it)."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from bedigital.monitoring.locking import connect_waiting
from warehouse.documents import DISPLAY_TZ
from warehouse.insight import Period, default_period, ecosystem_insight


class NoWarehouse(Exception):
    """The warehouse file does not exist yet."""


def insight_from_file(warehouse: Path, *, start: date | None, end: date | None, now: datetime,
                      wait_s: float) -> dict:
    """The figures for [start, end] (the default period where one is missing); WarehouseBusy if it stays locked."""
    if not Path(warehouse).is_file():
        raise NoWarehouse(f"no warehouse at {warehouse}: run the pipeline first (`make demo` or `bedigital run`)")
    con = connect_waiting(warehouse, read_only=True, wait_s=wait_s)
    try:
        period = choose_period(con, start, end, today=now.astimezone(DISPLAY_TZ).date())
        return ecosystem_insight(con, period, now=now)
    finally:
        con.close()


def choose_period(con, start: date | None, end: date | None, *, today: date) -> Period:
    """The period asked for, its missing ends taken from the default period."""
    if start is not None and end is not None:
        return Period(start, end)
    fallback = default_period(con, today)
    return Period(start or min(fallback.start, end or fallback.start), end or max(fallback.end, start or fallback.end))
