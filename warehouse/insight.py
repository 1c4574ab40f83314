"""The steering committee's view of the ecosystem over a period, in SQL over the warehouse.

An item counts in a period by its *activity day* (Brussels time): an event by its start, a call
by its opening (its start, else its publication, else the day it was first seen), news by its
publication. Cancelled items are left out of the activity and counted apart. Plain dicts out,
so the report, the `/insight` page and its JSON share them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Sequence

import duckdb

from transforms.places import MUNICIPALITY_BY_KEY, municipality_from_text

LANGUAGES = ("fr", "nl", "en")
KINDS = ("event", "call", "news")
ATTENDANCE = ("in-person", "online", "hybrid")
# The NextTech Brussels sectors and the Regional Innovation Plan's domains, as theme slugs.
NEXTTECH = ("iot", "vr-ar", "data", "ai")
RIP_DOMAINS: dict[str, tuple[str, ...]] = {
    "health": ("ehealth",),
    "environment": ("environment",),
    "ict": ("ai", "iot", "vr-ar", "data", "cybersecurity", "smart-city", "fintech"),
}
DEFAULT_SPAN_DAYS = 365  # the default period never reaches further than this from today
UPCOMING_DEADLINES = 10

_LOCAL = "CAST(timezone('Europe/Brussels', {}) AS DATE)"
_ACTIVITY = f"""
WITH activity AS (
    SELECT i.item_id, i.kind, i.status, i.record, i.deadline_utc,
           CASE i.kind
               WHEN 'event' THEN coalesce({_LOCAL.format('i.start_utc')}, i.start_date)
               WHEN 'call' THEN coalesce({_LOCAL.format('coalesce(i.start_utc, i.published_utc)')}, i.start_date,
                                         {_LOCAL.format('i.first_seen')})
               ELSE {_LOCAL.format('coalesce(i.published_utc, i.first_seen)')}
           END AS day,
           {_LOCAL.format('i.deadline_utc')} AS deadline_day
    FROM items i
)"""
_SCOPED = ", scoped AS (SELECT * FROM activity WHERE day BETWEEN $start AND $end AND status <> 'cancelled')"


MAX_PERIOD_DAYS = 5 * 365 + 1


@dataclass(frozen=True, slots=True)
class Period:
    """Inclusive Brussels days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        if (self.end - self.start).days > MAX_PERIOD_DAYS:
            # A month-by-month report over decades is unreadable and slow to draw.
            raise ValueError(f"the period {self.start} to {self.end} is longer than {MAX_PERIOD_DAYS // 365} years")

    def months(self) -> list[str]:
        """Every month the period touches, as YYYY-MM."""
        months, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _scoped(sql: str) -> str:
    return f"{_ACTIVITY}{_SCOPED} {sql}"


def _facet_path(facet: str) -> str:
    return f'$.categories."{facet}"[*]'


def default_period(con: duckdb.DuckDBPyConnection, today: date) -> Period:
    """The span of the warehouse's activity, kept within a year either side of `today`."""
    low, high = today - timedelta(days=DEFAULT_SPAN_DAYS), today + timedelta(days=DEFAULT_SPAN_DAYS)
    first, last = con.execute(
        f"{_ACTIVITY} SELECT min(day), max(day) FROM activity "
        "WHERE day BETWEEN ? AND ?", [low, high]
    ).fetchone()
    if first is None:
        return Period(today - timedelta(days=182), today)
    return Period(first, last)


def _params(period: Period, now: datetime) -> dict[str, Any]:
    return {"start": period.start, "end": period.end, "now": now}


def summary(con: duckdb.DuckDBPyConnection, period: Period, now: datetime) -> dict[str, int]:
    """Items per kind in the period, their total, and the cancelled ones left out."""
    row = _rows(con, f"""
        {_ACTIVITY}{_SCOPED}
        SELECT count(*) FILTER (WHERE kind = 'event') AS events, count(*) FILTER (WHERE kind = 'call') AS calls,
               count(*) FILTER (WHERE kind = 'news') AS news, count(*) AS items,
               (SELECT count(*) FROM activity WHERE day BETWEEN $start AND $end AND status = 'cancelled') AS cancelled
        FROM scoped
    """, {"start": period.start, "end": period.end})[0]
    return {k: int(v or 0) for k, v in row.items()}


def per_month_and_kind(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, dict[str, int]]:
    """kind -> month -> items, every month of the period present."""
    counts = {kind: {m: 0 for m in period.months()} for kind in KINDS}
    for row in _rows(con, _scoped("SELECT kind, strftime(day, '%Y-%m') AS month, count(*) AS n FROM scoped GROUP BY ALL"),
                     {"start": period.start, "end": period.end}):
        counts.setdefault(row["kind"], {m: 0 for m in period.months()})[row["month"]] = int(row["n"])
    return counts


def per_month_and_category(con: duckdb.DuckDBPyConnection, period: Period, facet: str) -> dict[str, dict[str, int]]:
    """slug -> month -> items carrying it (an item with two themes counts once in each)."""
    rows = _rows(con, _scoped(f"""
        SELECT slug, strftime(day, '%Y-%m') AS month, count(DISTINCT item_id) AS n
        FROM (SELECT item_id, day, unnest(json_extract_string(record, '{_facet_path(facet)}')) AS slug FROM scoped)
        GROUP BY ALL
    """), {"start": period.start, "end": period.end})
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["slug"], {m: 0 for m in period.months()})[row["month"]] = int(row["n"])
    return counts


def per_category(con: duckdb.DuckDBPyConnection, period: Period, facet: str) -> dict[str, Any]:
    """Items per category of a facet (by kind), and how many items carry none."""
    rows = _rows(con, _scoped(f"""
        SELECT slug, count(DISTINCT item_id) AS items,
               count(DISTINCT item_id) FILTER (WHERE kind = 'event') AS events,
               count(DISTINCT item_id) FILTER (WHERE kind = 'call') AS calls,
               count(DISTINCT item_id) FILTER (WHERE kind = 'news') AS news
        FROM (SELECT item_id, kind, unnest(json_extract_string(record, '{_facet_path(facet)}')) AS slug FROM scoped)
        GROUP BY ALL ORDER BY items DESC, slug
    """), {"start": period.start, "end": period.end})
    untagged = con.execute(_scoped(f"""
        SELECT count(*) FROM scoped WHERE len(coalesce(json_extract_string(record, '{_facet_path(facet)}'), [])) = 0
    """), {"start": period.start, "end": period.end}).fetchone()[0]
    return {"categories": [{k: (int(v) if k != "slug" else v) for k, v in r.items()} for r in rows],
            "without": int(untagged)}


def theme_groups(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, Any]:
    """Items in the NextTech sectors (each, and any of them) and in each Regional Innovation Plan domain."""
    def distinct_items(slugs: Sequence[str]) -> int:
        return int(con.execute(_scoped(f"""
            SELECT count(*) FROM scoped
            WHERE list_has_any(json_extract_string(record, '{_facet_path("theme")}'), $slugs::VARCHAR[])
        """), {"start": period.start, "end": period.end, "slugs": list(slugs)}).fetchone()[0])

    return {
        "nexttech": {"sectors": {slug: distinct_items([slug]) for slug in NEXTTECH}, "any": distinct_items(NEXTTECH)},
        "rip": {domain: distinct_items(slugs) for domain, slugs in RIP_DOMAINS.items()},
    }


def municipality_key(value: str) -> str:
    """A municipality as the places table keys it ('Ixelles', 'elsene' -> 'ixelles'), else the value as given."""
    if value in MUNICIPALITY_BY_KEY:
        return value
    return municipality_from_text(value, is_locality=True) or value


def per_municipality(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, Any]:
    """Items with a place, per municipality key (all 19 present), plus places outside the table and items without."""
    rows = con.execute(_scoped("""
        SELECT json_extract_string(record, '$.municipality') AS m, count(*) FROM scoped GROUP BY ALL
    """), {"start": period.start, "end": period.end}).fetchall()
    counts = {key: 0 for key in MUNICIPALITY_BY_KEY}
    elsewhere: dict[str, int] = {}
    without = 0
    for value, n in rows:
        if not value:
            without += int(n)
            continue
        key = municipality_key(value)
        target = counts if key in counts else elsewhere
        target[key] = target.get(key, 0) + int(n)
    return {"municipalities": counts, "elsewhere": elsewhere, "without": without}


def per_partner(con: duckdb.DuckDBPyConnection, period: Period) -> list[dict[str, Any]]:
    """Every registered partner with the items it announced in the period (an item two partners announced counts for both)."""
    rows = _rows(con, _scoped("""
        , announced AS (
            SELECT DISTINCT s.partner_id, sc.item_id, sc.kind FROM scoped sc JOIN item_sources s USING (item_id)
        )
        SELECT p.partner_id AS id, p.name_fr, p.name_nl, p.name_en,
               count(a.item_id) AS items, count(a.item_id) FILTER (WHERE a.kind = 'event') AS events,
               count(a.item_id) FILTER (WHERE a.kind = 'call') AS calls,
               count(a.item_id) FILTER (WHERE a.kind = 'news') AS news
        FROM partners p LEFT JOIN announced a USING (partner_id)
        GROUP BY ALL ORDER BY items DESC, id
    """), {"start": period.start, "end": period.end})
    return [{"id": r["id"], "name": {"fr": r["name_fr"], "nl": r["name_nl"], "en": r["name_en"]},
             **{k: int(r[k]) for k in ("items", "events", "calls", "news")}} for r in rows]


def calls(con: duckdb.DuckDBPyConnection, period: Period, now: datetime) -> dict[str, Any]:
    """Calls opened and closed in the period, deadlines still ahead at `now`, per call type and theme."""
    params = _params(period, now)
    flags = """
        , flagged AS (
            SELECT item_id, record, deadline_utc,
                   day BETWEEN $start AND $end AS opened,
                   deadline_day BETWEEN $start AND $end AND deadline_utc < $now AS closed,
                   deadline_utc >= $now AS ahead
            FROM activity WHERE kind = 'call' AND status <> 'cancelled'
        )
    """
    totals = _rows(con, f"""
        {_ACTIVITY} {flags}
        SELECT count(*) FILTER (WHERE opened) AS opened, count(*) FILTER (WHERE closed) AS closed,
               count(*) FILTER (WHERE ahead) AS ahead,
               count(*) FILTER (WHERE opened AND deadline_utc IS NULL) AS opened_without_deadline
        FROM flagged
    """, params)[0]
    breakdown: dict[str, list[dict[str, Any]]] = {}
    for facet in ("call-type", "theme"):
        breakdown[facet] = [
            {"slug": r["slug"], "opened": int(r["opened"]), "closed": int(r["closed"]), "ahead": int(r["ahead"])}
            for r in _rows(con, f"""
                {_ACTIVITY} {flags}
                SELECT slug, count(*) FILTER (WHERE opened) AS opened, count(*) FILTER (WHERE closed) AS closed,
                       count(*) FILTER (WHERE ahead) AS ahead
                FROM (SELECT *, unnest(json_extract_string(record, '{_facet_path(facet)}')) AS slug FROM flagged)
                GROUP BY ALL HAVING count(*) FILTER (WHERE opened OR closed OR ahead) > 0
                ORDER BY opened DESC, ahead DESC, slug
            """, params)
        ]
    upcoming = _rows(con, f"""
        {_ACTIVITY} {flags}
        SELECT f.item_id AS id, json_extract(f.record, '$.title') AS title, f.deadline_utc AS deadline,
               (SELECT list(DISTINCT s.partner_id ORDER BY s.partner_id) FROM item_sources s WHERE s.item_id = f.item_id) AS partners
        FROM flagged f WHERE ahead ORDER BY deadline_utc, id LIMIT {UPCOMING_DEADLINES}
    """, params)
    for row in upcoming:
        row["title"] = json.loads(row["title"] or "{}")
        row["deadline"] = row["deadline"].astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        row["partners"] = list(row["partners"] or [])
    return {**{k: int(v) for k, v in totals.items()}, "by": breakdown, "upcoming": upcoming}


def reach(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, Any]:
    """The charter's promises: items readable in each language, free events, how events are attended."""
    row = _rows(con, _scoped("""
        SELECT count(*) AS items,
               count(*) FILTER (WHERE coalesce(json_extract_string(record, '$.title.fr'), '') <> '') AS fr,
               count(*) FILTER (WHERE coalesce(json_extract_string(record, '$.title.nl'), '') <> '') AS nl,
               count(*) FILTER (WHERE coalesce(json_extract_string(record, '$.title.en'), '') <> '') AS en,
               count(*) FILTER (WHERE kind = 'event') AS events,
               count(*) FILTER (WHERE kind = 'event' AND CAST(json_extract(record, '$.is_free') AS BOOLEAN)) AS free,
               count(*) FILTER (WHERE kind = 'event' AND NOT CAST(json_extract(record, '$.is_free') AS BOOLEAN)) AS paid,
               count(*) FILTER (WHERE kind = 'event' AND json_extract_string(record, '$.attendance_mode') = 'in-person') AS "in-person",
               count(*) FILTER (WHERE kind = 'event' AND json_extract_string(record, '$.attendance_mode') = 'online') AS online,
               count(*) FILTER (WHERE kind = 'event' AND json_extract_string(record, '$.attendance_mode') = 'hybrid') AS hybrid
        FROM scoped
    """), {"start": period.start, "end": period.end})[0]
    row = {k: int(v or 0) for k, v in row.items()}
    items, events = row["items"], row["events"]
    attendance = {mode: row[mode] for mode in ATTENDANCE}
    attendance["unknown"] = events - sum(attendance.values())
    return {
        "items": items,
        "languages": {lang: {"items": row[lang], "share": _share(row[lang], items)} for lang in LANGUAGES},
        "events": events,
        "price": {"free": row["free"], "paid": row["paid"], "unknown": events - row["free"] - row["paid"],
                  "free_share": _share(row["free"], events)},
        "attendance": {mode: {"events": n, "share": _share(n, events)} for mode, n in attendance.items()},
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def network(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, Any]:
    """Coverage and health of the partner network: partners active, sources failing, runs, records rejected."""
    window = {"start": period.start, "end": period.end}
    local_fetch = _LOCAL.format("started_at")
    counts = _rows(con, _scoped(f"""
        SELECT (SELECT count(*) FROM partners) AS partners,
               (SELECT count(DISTINCT s.partner_id) FROM scoped JOIN item_sources s USING (item_id)) AS active_partners,
               (SELECT count(DISTINCT partner_id) FROM fetch_log WHERE {local_fetch} BETWEEN $start AND $end
                  AND outcome IN ('fetched', 'not_modified') AND parse_error IS NULL) AS partners_fetched,
               (SELECT count(*) FROM sources) AS sources,
               (SELECT count(*) FROM sources WHERE error_streak > 0) AS sources_failing,
               (SELECT count(DISTINCT run_id) FROM fetch_log WHERE {local_fetch} BETWEEN $start AND $end) AS runs,
               (SELECT count(*) FROM fetch_log WHERE {local_fetch} BETWEEN $start AND $end
                  AND (outcome = 'error' OR parse_error IS NOT NULL)) AS failed_fetches,
               (SELECT count(*) FROM rejections WHERE {_LOCAL.format('created_at')} BETWEEN $start AND $end) AS rejected
    """), window)[0]
    failing = _rows(con, """
        SELECT partner_id, source_id, error_streak, last_status, last_outcome, last_error,
               strftime(last_success_at, '%Y-%m-%dT%H:%M:%SZ') AS last_success_at
        FROM sources WHERE error_streak > 0 ORDER BY error_streak DESC, partner_id, source_id
    """)
    reasons = _rows(con, f"""
        SELECT reason, count(*) AS records FROM rejections WHERE {_LOCAL.format('created_at')} BETWEEN $start AND $end
        GROUP BY ALL ORDER BY records DESC, reason
    """, window)
    return {**{k: int(v or 0) for k, v in counts.items()}, "failing_sources": failing,
            "rejections_by_reason": [{"reason": r["reason"], "records": int(r["records"])} for r in reasons]}


def ecosystem_insight(con: duckdb.DuckDBPyConnection, period: Period, *, now: datetime) -> dict[str, Any]:
    """Everything the steering committee's report shows, for `period`, as of `now`."""
    return {
        "period": period.as_json(),
        "months": period.months(),
        "generated_at": now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "summary": summary(con, period, now),
        "per_month": {"kind": per_month_and_kind(con, period), "theme": per_month_and_category(con, period, "theme")},
        "facets": {facet: per_category(con, period, facet) for facet in ("theme", "format", "audience")},
        "theme_groups": theme_groups(con, period),
        "municipalities": per_municipality(con, period),
        "partners": per_partner(con, period),
        "calls": calls(con, period, now),
        "reach": reach(con, period),
        "network": network(con, period),
    }
