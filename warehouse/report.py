"""Queries behind the partner ingestion report, the staff overview and the alerts table.

Plain dicts and lists out, so the command line (html/json/csv) and the web pages share them.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterator, Sequence

import duckdb
import orjson
import pandas as pd

from warehouse.collector import paused_gc

HISTORY_RUNS = 20
COUNT_FIELDS = ("fetched", "new", "updated", "unchanged", "merged", "rejected")


class ReportError(Exception):
    """The report cannot be built: unknown partner or run."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


# --- alerts --------------------------------------------------------------------------------------

def insert_alerts(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    """Record alerts (as Alert.as_json() plus 'deliveries'); an alert already recorded is kept as it was."""
    frame = pd.DataFrame(
        [
            {
                "alert_id": r["alert_id"], "created_at": r["created_at"], "kind": r["kind"], "severity": r["severity"],
                "run_id": r.get("run_id"), "job_name": r.get("job_name"), "subject": r["subject"],
                "message": r["message"], "details": json.dumps(r.get("details") or {}, default=str),
                "deliveries": json.dumps(r.get("deliveries") or {}),
            }
            for r in rows
        ],
        columns=["alert_id", "created_at", "kind", "severity", "run_id", "job_name", "subject", "message", "details", "deliveries"],
    )
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    # Its own cursor: DuckDB refuses register() on a connection that still has a result pending.
    cursor = con.cursor()
    try:
        cursor.register("in_alerts", frame)
        cursor.execute("INSERT OR IGNORE INTO alerts SELECT * FROM in_alerts").fetchall()
    finally:
        cursor.close()


def recent_alerts(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[dict[str, Any]]:
    rows = _rows(con, "SELECT * FROM alerts ORDER BY created_at DESC LIMIT ?", [limit])
    for row in rows:
        row["created_at"] = _iso(row["created_at"])
        row["details"] = json.loads(row["details"] or "{}")
        row["deliveries"] = json.loads(row["deliveries"] or "{}")
    return rows


# --- partner report ------------------------------------------------------------------------------
# Reports are queried a batch of partners at a time: the item query scans the link and agenda tables
# whatever the number of partners it serves, and at 250 partners one query each cost 8 s of the 25 s
# the partner pages took.

PARTNERS_PER_QUERY = 25


def partner_runs(con: duckdb.DuckDBPyConnection, partner_id: str, limit: int = HISTORY_RUNS) -> list[dict[str, Any]]:
    """The partner's last runs, newest first, with summed counts and how many sources failed."""
    return _runs(con, [partner_id], limit).get(partner_id, [])


def _runs(con: duckdb.DuckDBPyConnection, partner_ids: list[str], limit: int = HISTORY_RUNS) -> dict[str, list[dict[str, Any]]]:
    rows = _rows(
        con,
        """
        SELECT * EXCLUDE (n) FROM (
            SELECT partner_id, run_id, min(started_at) AS started_at, sum(duration_s) AS duration_s,
                   sum(n_fetched) AS fetched, sum(n_new) AS new, sum(n_updated) AS updated,
                   sum(n_unchanged) AS unchanged, sum(n_merged) AS merged, sum(n_rejected) AS rejected,
                   count(*) FILTER (WHERE outcome = 'error' OR parse_error IS NOT NULL) AS failed_sources,
                   count(*) AS sources,
                   row_number() OVER (PARTITION BY partner_id ORDER BY min(started_at) DESC, run_id DESC) AS n
            FROM fetch_log WHERE partner_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY partner_id, run_id
        ) WHERE n <= ? ORDER BY partner_id, n
        """,
        [partner_ids, limit],
    )
    runs: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        row["started_at"] = _iso(row["started_at"])
        for name in (*COUNT_FIELDS, "failed_sources", "sources"):
            row[name] = int(row[name] or 0)
        runs.setdefault(row.pop("partner_id"), []).append(row)
    return runs


def _partners(con: duckdb.DuckDBPyConnection, partner_ids: list[str] | None = None) -> list[dict[str, Any]]:
    rows = _rows(con, "SELECT * FROM partners WHERE ?::VARCHAR[] IS NULL OR partner_id IN (SELECT unnest(?::VARCHAR[])) "
                      "ORDER BY partner_id", [partner_ids, partner_ids])
    return [{"id": row["partner_id"], "name": {"fr": row["name_fr"], "nl": row["name_nl"], "en": row["name_en"]},
             "website": row["website"]} for row in rows]


def _partner(con: duckdb.DuckDBPyConnection, partner_id: str) -> dict[str, Any]:
    rows = _partners(con, [partner_id])
    if not rows:
        known = [r[0] for r in con.execute("SELECT partner_id FROM partners ORDER BY 1").fetchall()]
        raise ReportError(f"unknown partner {partner_id!r} (known: {', '.join(known) or 'none yet: run the pipeline first'})")
    return rows[0]


def _choose_run(runs: list[dict[str, Any]], partner_id: str, run: str) -> str | None:
    if not runs:
        return None
    if run == "latest":
        return runs[0]["run_id"]
    matches = [r["run_id"] for r in runs if r["run_id"] == run or r["run_id"].startswith(run)]
    if len(matches) != 1:
        raise ReportError(f"run {run!r} is not among the last runs of {partner_id!r}" if not matches
                          else f"run prefix {run!r} is ambiguous: {', '.join(matches)}")
    return matches[0]


def _by_partner(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row.pop("partner_id"), []).append(row)
    return grouped


def _fetches(con: duckdb.DuckDBPyConnection, chosen: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Each partner's sources with what they fetched in the chosen run (partner id -> run id)."""
    if not chosen:
        return {}
    rows = _rows(
        con,
        """
        WITH chosen AS (SELECT unnest(?::VARCHAR[]) AS partner_id, unnest(?::VARCHAR[]) AS run_id)
        SELECT s.partner_id, s.source_id, s.kind, s.url, s.language, s.error_streak, s.last_success_at,
               f.started_at, f.duration_s, f.status, f.final_url, f.attempts, f.headers,
               CASE WHEN f.parse_error IS NOT NULL THEN 'parse_error' ELSE f.outcome END AS outcome,
               coalesce(f.parse_error, f.error) AS error, f.error_code,
               coalesce(f.body_hash, s.body_hash) AS body_hash,
               f.n_fetched AS fetched, f.n_new AS new, f.n_updated AS updated, f.n_unchanged AS unchanged,
               f.n_merged AS merged, f.n_rejected AS rejected, f.warnings
        FROM sources s JOIN chosen c ON c.partner_id = s.partner_id
        LEFT JOIN fetch_log f ON f.partner_id = s.partner_id AND f.source_id = s.source_id AND f.run_id = c.run_id
        ORDER BY s.partner_id, s.source_id
        """,
        [list(chosen), list(chosen.values())],
    )
    for row in rows:
        headers = json.loads(row.pop("headers") or "{}")
        # What the reader forgave or doubted but did not reject (a feed recovered from broken XML, a zone name it
        # did not know, news dated in the future): the partner's to check, record by record.
        row["warnings"] = json.loads(row["warnings"] or "[]")
        row["http"] = {k: headers[k] for k in ("content-type", "etag", "last-modified", "cache-control") if k in headers}
        row["started_at"], row["last_success_at"] = _iso(row["started_at"]), _iso(row["last_success_at"])
        row["in_run"] = row["outcome"] is not None
        for name in COUNT_FIELDS:
            row[name] = int(row[name] or 0)
    return _by_partner(rows)


def _payloads(fetches: dict[str, list[dict[str, Any]]]) -> list[list[str]]:
    """(partner ids, source ids, body hashes) of the payload each source read, as three columns."""
    read = [(partner_id, f["source_id"], f["body_hash"])
            for partner_id, rows in fetches.items() for f in rows if f["body_hash"]]
    return [list(column) for column in zip(*read)] if read else []


# The report reads a few fields of the stored record and agenda document: DuckDB extracts them (in
# parallel, outside the GIL the page rendering needs) rather than Python decoding 8 KB per item. The
# strings come out as text; the objects as JSON, decoded only where they are shown (a record's
# categories only when the item has no agenda document).
RECORD_TEXTS = ("url", "start_utc", "start_date", "end_utc", "end_date", "deadline_utc")
OBJECT_FIELDS = ("title", "categories", "category_reasons")


def _paths(fields: Sequence[str]) -> list[str]:
    return [f"$.{name}" for name in fields]


def _decoded(extracted: str | None) -> Any:
    """An extracted JSON value (None when the field is missing)."""
    return None if extracted is None else orjson.loads(extracted)


@paused_gc()  # the items of 25 partners' runs at a time
def _items(con: duckdb.DuckDBPyConnection, fetches: dict[str, list[dict[str, Any]]],
           payloads: list[list[str]]) -> dict[str, list[dict[str, Any]]]:
    """The records of the payload each source read in the run (`payloads`, of `fetches`), as they are now,
    with their status and agenda entry."""
    if not payloads:
        return {}
    rows = _rows(
        con,
        """
        WITH payloads AS (SELECT unnest(?::VARCHAR[]) AS partner_id, unnest(?::VARCHAR[]) AS source_id,
                                 unnest(?::VARCHAR[]) AS body_hash)
        SELECT si.partner_id, si.item_id, si.source_id, si.kind, si.first_seen, si.updated_at, si.last_seen,
               json_extract_string(si.record, ?::VARCHAR[]) AS texts, json_extract(si.record, ?::VARCHAR[]) AS record,
               m.item_id AS canonical_id, a.document IS NOT NULL AS in_agenda,
               json_extract(a.document, ?::VARCHAR[]) AS document,
               (SELECT list({'partner_id': o.partner_id, 'source_id': o.source_id} ORDER BY o.partner_id, o.source_id)
                FROM item_sources o WHERE o.item_id = m.item_id AND o.source_item_id <> si.item_id) AS merged_with
        FROM source_items si
        -- the records of the payload that run read (an older run's payload is no longer the items' latest)
        SEMI JOIN (SELECT r.partner_id, r.source_id, r.key FROM raw_items r JOIN payloads USING (partner_id, source_id, body_hash)) r
          ON r.partner_id = si.partner_id AND r.source_id = si.source_id AND r.key = si.source_key
        LEFT JOIN item_sources m ON m.source_item_id = si.item_id
        LEFT JOIN agenda a ON a.item_id = m.item_id
        ORDER BY si.partner_id, si.source_id, si.first_seen, si.item_id
        """,
        [*payloads, _paths(RECORD_TEXTS), _paths(OBJECT_FIELDS), _paths(OBJECT_FIELDS)],
    )
    started = {(partner_id, f["source_id"]): f["started_at"]
               for partner_id, rows in fetches.items() for f in rows if f["outcome"] == "fetched"}
    items = []
    for row in rows:
        texts = dict(zip(RECORD_TEXTS, row["texts"]))
        record = dict(zip(OBJECT_FIELDS, row["record"]))
        document = dict(zip(OBJECT_FIELDS, row["document"] or (None,) * len(OBJECT_FIELDS)))
        run_start = started.get((row["partner_id"], row["source_id"]))
        merged_with = [dict(m) for m in (row["merged_with"] or [])]
        items.append({
            "partner_id": row["partner_id"],
            "item_id": row["item_id"],
            "source_id": row["source_id"],
            "kind": row["kind"],
            "status": _item_status(row, run_start, merged_with),
            "merged_with": merged_with,
            "title": _decoded(record["title"]) or {},
            "url": texts["url"],
            "start": texts["start_utc"] or texts["start_date"],
            "end": texts["end_utc"] or texts["end_date"],
            "deadline": texts["deadline_utc"],
            "in_agenda": bool(row["in_agenda"]),
            "agenda_title": _decoded(document["title"]) or {},
            "categories": _decoded(document["categories"]) or _decoded(record["categories"]) or {},
            "category_reasons": _decoded(document["category_reasons"]) or _decoded(record["category_reasons"]) or {},
        })
    return _by_partner(items)


def _item_status(row: dict[str, Any], run_start: str | None, merged_with: list[dict[str, Any]]) -> str:
    if merged_with and row["canonical_id"] != row["item_id"]:
        return "merged"
    if run_start is None:
        return "unchanged"  # the run did not read a new payload from this source
    if _iso(row["first_seen"]) == run_start:
        return "new"
    if _iso(row["updated_at"]) == run_start:
        return "updated"
    return "unchanged"


def _rejections(con: duckdb.DuckDBPyConnection, payloads: list[list[str]]) -> dict[str, list[dict[str, Any]]]:
    """The rejections of the payloads each source read in the run."""
    if not payloads:
        return {}
    rows = _rows(
        con,
        """
        WITH payloads AS (SELECT unnest(?::VARCHAR[]) AS partner_id, unnest(?::VARCHAR[]) AS source_id,
                                 unnest(?::VARCHAR[]) AS body_hash)
        SELECT partner_id, source_id, stage, reason, field, key, message, excerpt, created_at
        FROM rejections JOIN payloads USING (partner_id, source_id, body_hash)
        ORDER BY partner_id, source_id, stage, key, reason
        """,
        payloads,
    )
    for row in rows:
        row["created_at"] = _iso(row["created_at"])
    return _by_partner(rows)


def _english_coverage(items: list[dict[str, Any]]) -> dict[str, Any]:
    with_english = sum(1 for i in items if (i["agenda_title"] or i["title"]).get("en"))
    return {"items": len(items), "with_english": with_english,
            "share": round(with_english / len(items), 3) if items else None}


def partner_report(con: duckdb.DuckDBPyConnection, partner_id: str, *, run: str = "latest") -> dict[str, Any]:
    """Everything a partner wants to know about one run of its sources (the latest by default)."""
    partner = _partner(con, partner_id)
    runs = partner_runs(con, partner_id)
    [report] = _reports(con, [partner], {partner_id: runs}, {partner_id: _choose_run(runs, partner_id, run)})
    return report


def partner_reports(con: duckdb.DuckDBPyConnection, *, per_query: int = PARTNERS_PER_QUERY) -> Iterator[dict[str, Any]]:
    """Every partner's report of its latest run, in partner order, queried `per_query` partners at a time."""
    partners = _partners(con)
    for start in range(0, len(partners), per_query):
        batch = partners[start:start + per_query]
        runs = _runs(con, [p["id"] for p in batch])
        latest = {p["id"]: _choose_run(runs.get(p["id"], []), p["id"], "latest") for p in batch}
        yield from _reports(con, batch, runs, latest)


def _reports(con: duckdb.DuckDBPyConnection, partners: list[dict[str, Any]], runs: dict[str, list[dict[str, Any]]],
             chosen: dict[str, str | None]) -> list[dict[str, Any]]:
    """The reports of `partners`, each on its chosen run (None: it never ran)."""
    fetches = _fetches(con, {p: r for p, r in chosen.items() if r})
    payloads = _payloads(fetches)
    items, rejections = _items(con, fetches, payloads), _rejections(con, payloads)
    reports = []
    for partner in partners:
        pid = partner["id"]
        own_runs, own_fetches, own_items = runs.get(pid, []), fetches.get(pid, []), items.get(pid, [])
        reports.append({
            "partner": partner,
            "run_id": chosen[pid],
            "run": next((r for r in own_runs if r["run_id"] == chosen[pid]), None),
            "sources": own_fetches,
            "totals": {name: sum(f[name] for f in own_fetches) for name in COUNT_FIELDS},
            "items": own_items,
            "rejections": rejections.get(pid, []),
            "english": _english_coverage(own_items),
            "history": list(reversed(own_runs)),  # oldest first, as a chart reads
        })
    return reports


# --- staff overview ------------------------------------------------------------------------------

def staff_overview(con: duckdb.DuckDBPyConnection, *, flag_streak: int = 3) -> dict[str, Any]:
    """Every partner and source: health, last success, error streak, rejection rate over recent runs."""
    sources = _rows(
        con,
        """
        WITH recent AS (
            SELECT partner_id, source_id, sum(n_fetched) AS fetched, sum(n_rejected) AS rejected,
                   avg(duration_s) AS mean_duration_s
            FROM (SELECT *, row_number() OVER (PARTITION BY partner_id, source_id ORDER BY started_at DESC) AS n
                  FROM fetch_log) WHERE n <= ?
            GROUP BY ALL
        )
        SELECT s.partner_id, p.name_en AS partner_name, s.source_id, s.kind, s.url, s.last_outcome, s.last_status,
               s.last_error, s.last_fetched_at, s.last_success_at, s.last_changed_at, s.error_streak,
               coalesce(r.fetched, 0) AS fetched, coalesce(r.rejected, 0) AS rejected, r.mean_duration_s,
               (SELECT count(*) FROM source_items si WHERE si.partner_id = s.partner_id AND si.source_id = s.source_id
                  AND si.body_hash = s.body_hash) AS items
        FROM sources s JOIN partners p USING (partner_id) LEFT JOIN recent r USING (partner_id, source_id)
        ORDER BY s.partner_id, s.source_id
        """,
        [HISTORY_RUNS],
    )
    for row in sources:
        for name in ("last_fetched_at", "last_success_at", "last_changed_at"):
            row[name] = _iso(row[name])
        row["fetched"], row["rejected"], row["items"] = int(row["fetched"]), int(row["rejected"]), int(row["items"])
        row["rejection_rate"] = round(row["rejected"] / row["fetched"], 3) if row["fetched"] else 0.0
        row["health"] = source_health(row["last_outcome"], row["error_streak"], flag_streak=flag_streak)
    partners: dict[str, dict[str, Any]] = {}
    for row in sources:
        entry = partners.setdefault(row["partner_id"], {"id": row["partner_id"], "name": row["partner_name"], "sources": []})
        entry["sources"].append(row)
    for entry in partners.values():
        entry["health"] = worst(s["health"] for s in entry["sources"])
    return {"partners": list(partners.values()), "alerts": recent_alerts(con, 10)}


HEALTH_ORDER = ("ok", "unknown", "failing", "flagged")


def source_health(last_outcome: str | None, error_streak: int, *, flag_streak: int = 3) -> str:
    """ok | unknown (never fetched) | failing (last fetch failed) | flagged (failed `flag_streak` runs in a row)."""
    if error_streak >= flag_streak:
        return "flagged"
    if error_streak > 0:
        return "failing"
    return "unknown" if last_outcome is None else "ok"


def worst(healths: Any) -> str:
    return max(healths, key=HEALTH_ORDER.index, default="unknown")


# --- inputs of the per-source checks -------------------------------------------------------------

def previous_fetched(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[tuple[str, str], int]:
    """Records fetched by each source's last parsed payload before `run_id` (for the volume check)."""
    rows = con.execute(
        """
        SELECT partner_id, source_id, arg_max(n_fetched, started_at)
        FROM fetch_log WHERE run_id <> ? AND outcome = 'fetched' AND parse_error IS NULL
        GROUP BY ALL
        """,
        [run_id],
    ).fetchall()
    return {(p, s): int(n) for p, s, n in rows}
