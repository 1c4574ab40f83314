"""Files the sensors read instead of the warehouse: the poll state and the ping queue.

DuckDB allows one writing process per file, and a sensor that opened the warehouse while a run
writes would fail (or make the run fail). So each fetch run copies the sources' conditional
state to a small JSON file, and the ping endpoint drops a request file per partner; both are
written atomically (temporary file, then rename) and read without any lock.
"""
from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

STATE_FILE = "poll_state.json"
PINGS_DIR = "pings"
ALERTS_SPOOL = "alerts.jsonl"


def monitoring_dir(warehouse: Path | str) -> Path:
    """Where the monitoring files of a warehouse live: a `monitoring` folder beside it."""
    return Path(warehouse).resolve().parent / "monitoring"


# What json.dumps(..., default=str) writes, in compiled code: dates, times and dataclasses are passed
# to `default` (str) as json does, not written in orjson's own formats; non-string keys become strings.
_JSON_OPTIONS = (orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS)


def json_dumps(value: Any, *, sort_keys: bool = False, indent: bool = False) -> bytes:
    """UTF-8 JSON of `value`, anything JSON does not know written as its str()."""
    options = _JSON_OPTIONS | (orjson.OPT_SORT_KEYS if sort_keys else 0) | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(value, default=str, option=options)


def write_json_atomically(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json_dumps(value, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _source_name(partner_id: str, source_id: str) -> str:
    return f"{partner_id}/{source_id}"


def write_poll_state(folder: Path, states: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Save the conditional-request state of every source (from warehouse.load.source_states)."""
    write_json_atomically(folder / STATE_FILE, {_source_name(*key): value for key, value in states.items()})


def read_poll_state(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """The saved state; empty when no run has saved one yet (every source then counts as changed)."""
    path = folder / STATE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # a torn or foreign file: poll as if nothing were known, the next run rewrites it
    states = {}
    for name, value in raw.items():
        partner_id, _, source_id = name.partition("/")
        if source_id and isinstance(value, dict):
            states[(partner_id, source_id)] = value
    return states


def request_ping(folder: Path, partner_id: str, *, now: datetime | None = None, client: str | None = None) -> dict[str, Any]:
    """Queue an immediate fetch of a partner's sources; a newer ping replaces an older one."""
    request = {
        "partner": partner_id,
        "requested_at": (now or datetime.now(timezone.utc)).isoformat(),
        "client": client or "",
    }
    write_json_atomically(folder / PINGS_DIR / f"{partner_id}.json", request)
    return request


def pending_pings(folder: Path) -> dict[str, datetime]:
    """The latest ping time of every partner that pinged (consumed or not: the sensor's cursor says)."""
    pings: dict[str, datetime] = {}
    for path in sorted((folder / PINGS_DIR).glob("*.json")):
        try:
            request = json.loads(path.read_text(encoding="utf-8"))
            pings[str(request["partner"])] = datetime.fromisoformat(request["requested_at"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a half-written or foreign file is ignored, never fatal to the sensor
    return pings
