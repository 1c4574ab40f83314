"""Merging: one canonical record from the records of a group of duplicates, and what changed since last time."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from transforms.model import LANGUAGES

TEXT_FIELDS = ("title", "summary", "description")
# Fields whose change readers must know about: they go to the item's history.
TRACKED_FIELDS = (
    "start_utc", "end_utc", "start_date", "end_date", "deadline_utc", "status",
    "venue", "street", "postcode", "municipality", "attendance_mode", "online_url",
)
TIME_FIELDS = frozenset({"start_utc", "end_utc", "start_date", "end_date"})
PLACE_FIELDS = frozenset({"venue", "street", "postcode", "municipality", "attendance_mode", "online_url"})
# The most telling status wins: one partner announcing a cancellation is enough.
# A postponement (no date yet) tells more than a reschedule (new dates, which the merged record carries).
STATUS_WEIGHT = {"scheduled": 0, "rescheduled": 1, "postponed": 2, "cancelled": 3}
LIST_FIELDS = ("source_categories",)
# Derived per canonical item, never copied from a member.
DERIVED_FIELDS = frozenset({"categories", "category_reasons", "languages", "machine_translated"})


@dataclass(frozen=True, slots=True)
class Member:
    """One source item of a group, as the warehouse holds it."""

    item_id: str
    record: Mapping[str, Any]
    first_seen: datetime
    updated_at: datetime


def ordered(members: Sequence[Member]) -> list[Member]:
    """Members seen first come first; the first names the canonical item, so ids stay stable across runs."""
    return sorted(members, key=lambda m: (m.first_seen, m.item_id))


def merge_records(members: Sequence[Member]) -> dict[str, Any]:
    """The canonical record: the first-seen member's fields, gaps filled from the others in order;
    texts per language from whichever member has that language (the FR title from one, the NL from
    another); source categories joined; the most telling status."""
    first, *others = ordered(members)
    record = {k: v for k, v in first.record.items() if k not in DERIVED_FIELDS}
    record["id"] = first.item_id
    for field_name in TEXT_FIELDS:
        texts: dict[str, str] = {}
        for member in (first, *others):
            for language, text in (member.record.get(field_name) or {}).items():
                if text and language not in texts:
                    texts[language] = text
        record[field_name] = {lang: texts[lang] for lang in LANGUAGES if lang in texts}
    for member in others:
        for key, value in member.record.items():
            if key in DERIVED_FIELDS or key in TEXT_FIELDS or key in LIST_FIELDS:
                continue
            if record.get(key) in (None, "", [], {}) and value not in (None, "", [], {}):
                record[key] = value
    for key in LIST_FIELDS:
        seen: dict[str, str] = {}
        for member in (first, *others):
            for value in member.record.get(key) or []:
                seen.setdefault(value.casefold(), value)
        record[key] = list(seen.values())
    record["status"] = max((m.record.get("status") or "scheduled" for m in members), key=lambda s: STATUS_WEIGHT.get(s, 0))
    record["languages"] = sorted({lang for f in TEXT_FIELDS for lang in record.get(f) or {}})
    return record


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the tracked fields (time, place, status) that differ."""
    return {f: [before.get(f), after.get(f)] for f in TRACKED_FIELDS if before.get(f) != after.get(f)}


def change_kind(fields: Mapping[str, Any]) -> str:
    """rescheduled | moved | status | changed: what a reader should be told first."""
    if {"start_utc", "start_date"} & set(fields):
        return "rescheduled"
    if "status" in fields:
        return "status"
    if PLACE_FIELDS & set(fields):
        return "moved"
    return "changed"


def carry_reschedule(before: Mapping[str, Any] | None, after: dict[str, Any], fields: Mapping[str, Any]) -> None:
    """Mark a rescheduled item (its start moved) and keep the start it had, across later runs too."""
    if before is None:
        return
    if {"start_utc", "start_date"} & set(fields):
        after["rescheduled"] = True
        after["previous_start"] = before.get("start_utc") or before.get("start_date")
    elif before.get("rescheduled"):
        after["rescheduled"] = True
        after["previous_start"] = before.get("previous_start")
