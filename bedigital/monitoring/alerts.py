"""Recording alerts: appended to a spool file first (never blocked), then moved into the warehouse.

The warehouse may be locked by a running run when the failure sensor fires; the spool keeps the
alert until the next time the warehouse can be opened.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from bedigital.monitoring.locking import WarehouseBusy, connect_waiting
from bedigital.monitoring.notify import Alert, Notifier
from bedigital.monitoring.state import ALERTS_SPOOL, monitoring_dir
from warehouse.report import insert_alerts

SPOOL_WAIT_S = 10.0


def spool_alert(folder: Path, alert: Alert, deliveries: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**alert.as_json(), "deliveries": deliveries}, ensure_ascii=False, default=str)
    with open(folder / ALERTS_SPOOL, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def flush_spool(warehouse: Path, *, wait_s: float = SPOOL_WAIT_S) -> int:
    """Move spooled alerts into the warehouse's alerts table; returns how many (0 when it is busy)."""
    spool = monitoring_dir(warehouse) / ALERTS_SPOOL
    if not spool.exists():
        return 0
    lines = spool.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    if not rows:
        return 0
    try:
        con = connect_waiting(warehouse, wait_s=wait_s)
    except WarehouseBusy:
        return 0
    try:
        insert_alerts(con, rows)
    finally:
        con.close()
    # Rows appended meanwhile would be lost by a truncate: keep what arrived after our read.
    remaining = spool.read_text(encoding="utf-8").splitlines()[len(lines):]
    spool.write_text("".join(line + "\n" for line in remaining), encoding="utf-8")
    return len(rows)


def raise_alert(warehouse: Path, alert: Alert, notifier: Notifier) -> dict[str, str]:
    """Send the alert through every channel, then record it with what each channel said."""
    deliveries = notifier.notify(alert)
    spool_alert(monitoring_dir(warehouse), alert, deliveries)
    flush_spool(warehouse)
    return deliveries
