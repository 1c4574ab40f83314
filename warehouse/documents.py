"""The published form of an agenda item (contract version SCHEMA_VERSION), built from warehouse rows.

Instants are given in UTC (`start`) and as Brussels wall time (`start_local`), so the
portal never has to convert; all-day items carry dates only.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

SCHEMA_VERSION = "1.2.0"
DISPLAY_TZ = ZoneInfo("Europe/Brussels")


def parse_instant(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def utc_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_text(value: datetime | None) -> str | None:
    return value.astimezone(DISPLAY_TZ).isoformat() if value else None


def _location(record: dict[str, Any]) -> dict[str, Any] | None:
    keys = ("venue", "street", "postcode", "municipality", "country", "online_url")
    location = {k: record.get(k) for k in keys}
    if not any(location.values()) and not record.get("attendance_mode"):
        return None
    location["attendance_mode"] = record.get("attendance_mode")
    return location


def agenda_document(
    record: dict[str, Any], *, sources: list[dict[str, str]], first_seen: datetime, updated_at: datetime,
    sequence: int | None = None,
) -> dict[str, Any]:
    """One agenda entry as the portal receives it; `sequence` counts its content changes (iCalendar SEQUENCE)."""
    start = parse_instant(record.get("start_utc"))
    end = parse_instant(record.get("end_utc"))
    deadline = parse_instant(record.get("deadline_utc"))
    return {
        "id": record["id"],
        "kind": record["kind"],
        "status": record.get("status") or "scheduled",
        "title": record.get("title") or {},
        "summary": record.get("summary") or {},
        "description": record.get("description") or {},
        "url": record.get("url"),
        "all_day": bool(record.get("all_day")),
        "start": utc_text(start),
        "end": utc_text(end),
        "start_local": local_text(start),
        "end_local": local_text(end),
        "start_date": record.get("start_date"),
        "end_date": record.get("end_date"),
        "timezone": record.get("timezone") or "Europe/Brussels",
        "deadline": utc_text(deadline),
        "deadline_local": local_text(deadline),
        "location": _location(record),
        "price": {
            "is_free": record.get("is_free"),
            "amount": record.get("price"),
            "currency": record.get("currency"),
        },
        "registration_url": record.get("registration_url"),
        "image_url": record.get("image_url"),
        "languages": record.get("languages") or sorted((record.get("title") or {}).keys()),
        "categories": record.get("categories") or {},
        "category_reasons": record.get("category_reasons") or {},
        "machine_translated": record.get("machine_translated") or {},
        "registration_required": record.get("registration_required"),
        "rescheduled": bool(record.get("rescheduled")),
        "previous_start": record.get("previous_start"),
        "source_categories": record.get("source_categories") or [],
        "published": utc_text(parse_instant(record.get("published_utc"))),
        "partners": sorted({s["partner_id"] for s in sources}),
        "sources": sources,
        "first_seen": utc_text(first_seen),
        "updated_at": utc_text(updated_at),
        "sequence": int(sequence if sequence is not None else record.get("sequence") or 0),
    }


def sort_key(document: dict[str, Any]) -> tuple:
    """Events by start, calls by deadline, news newest first, within kind order event, call, news."""
    kind_order = {"event": 0, "call": 1, "news": 2}
    if document["kind"] == "event":
        when = document["start"] or (document["start_date"] or "") + "T00:00:00Z"
    elif document["kind"] == "call":
        when = document["deadline"] or "9999"
    else:
        published = document["published"] or document["first_seen"] or ""
        when = "".join(chr(0x10FFFF - ord(c)) for c in published)  # descending
    return (kind_order.get(document["kind"], 9), when, document["id"])


def today_in_brussels(now: datetime) -> date:
    return now.astimezone(DISPLAY_TZ).date()
