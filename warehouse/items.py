"""Canonical items: the agenda's entries, built from the source items.

Each run: every source item is read, duplicates are grouped (transforms.dedupe), each group is merged into
one record (transforms.merge), categorised (transforms.categorise) and, when a translator is configured,
given machine-translated English. Then items, item_sources, item_merges and item_history are written in
bulk: the items and their history in parts of GROUPS_PER_BATCH groups, each committed (a refresh
interrupted midway is finished by the next one), the links and removals at the end, together. A group made
of the same source items in the same versions, by the same code and settings, as a stored item was (its
`group_key`) is not merged again: after one partner's change, only the groups that change are rebuilt (a
forced refresh rebuilds them all). An item whose content changed gets sequence + 1; a change of time,
place or status is kept in item_history with the payloads it was read from. Nothing is deleted because a
feed stopped listing an item: source items stay, and so do their canonical items (the agenda selection
drops them when their end or deadline has passed). Only a canonical item absorbed by a merge disappears,
and its history says into which item.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import duckdb
import pandas as pd

from transforms.categorise import Categorised, CategoryInput, categorise, load_rules, title_concepts
from transforms.dedupe import Candidate, Group, Overrides, candidate, group_duplicates, parse_overrides
from transforms.merge import Member, carry_reschedule, change_kind, changed_fields, merge_records, ordered
from transforms.model import stable_hash, stable_json, stable_json_bytes, text_and_hash
from transforms.taxonomy import read_packaged_yaml
from transforms.translation import add_translations, missing_texts
from warehouse import fingerprints
from warehouse.collector import paused_gc
from warehouse.connection import BackgroundWriter, registered, transaction

log = logging.getLogger(__name__)

OVERRIDES_FILE = "merge_overrides.yaml"
TRANSLATION_TARGET = "en"
# A source returning less than this share of its previous count is suspicious: nothing is removed, a warning is raised.
VOLUME_DROP = 0.5

Defaults = Mapping[tuple[str, str], Sequence[tuple[str, Mapping[str, Sequence[str]]]]]
# Categorises a list of inputs, results in the same order: in turn here, or shared with worker processes.
CategoriseAll = Callable[[Sequence[CategoryInput]], list[Categorised]]


class ItemChanges(dict):
    """Counts of what refresh_items did (a dict of ints, as before), with its warnings and unmapped tags."""

    def __init__(self, counts: Mapping[str, int], warnings: list[str], unmapped: Mapping[str, int]) -> None:
        super().__init__(counts)
        self.warnings = warnings
        self.unmapped = dict(unmapped)


class TranslatorLike:
    """What refresh_items needs of a translator (connectors.translate.Translator)."""

    name: str

    def translate(self, texts: Sequence[str], source: str, target: str, *, html: bool = False) -> list[str]: ...


_USE_ENVIRONMENT: Any = object()


@dataclass(slots=True)
class _Canonical:
    item_id: str
    record: dict[str, Any]
    members: list[Member]
    first_seen: datetime
    group: Group
    content_hash: str = ""
    text: str = ""  # the record's stored JSON (stable_json), made once with its hash
    updated_at: datetime | None = None
    sequence: int = 0
    stored: bool = False  # its stored row is already exactly this one: nothing to write
    group_key: str | None = None


# --- reading ------------------------------------------------------------------------------------

SOURCE_ITEMS_CHUNK = 5_000  # rows decoded at a time: never all the JSON texts and all their decoded records at once
GROUPS_PER_BATCH = 2_000  # groups merged, compared and written at a time


@dataclass(frozen=True, slots=True)
class _Origin:
    """Where a source item comes from, kept for every item while its group waits to be merged."""

    partner_id: str
    source_id: str
    body_hash: str | None
    version: str = ""  # content hash, first seen and updated at: what a group key is made of

    def payload(self, item_id: str) -> dict[str, Any]:
        """The item's entry in a history row's payloads."""
        return {"source_item_id": item_id, "partner_id": self.partner_id, "source_id": self.source_id,
                "body_hash": self.body_hash}


# The record fields deduplication compares (transforms.dedupe.candidate), read by DuckDB from the JSON.
CANDIDATE_FIELDS = ("partner_id", "source_id", "kind", "canonical_url", "registration_url", "venue", "municipality",
                    "attendance_mode", "start_utc", "start_date", "end_date", "deadline_utc")


def _candidates(con: duckdb.DuckDBPyConnection) -> tuple[list[Candidate], dict[str, _Origin]]:
    """What deduplication compares of every source item, and where each comes from.

    Only the compared fields are read out of the records (the whole records of every item at once
    were most of a refresh's memory); the full records are read group by group afterwards."""
    rules = load_rules()
    paths = [f"$.{name}" for name in CANDIDATE_FIELDS]
    cursor = con.execute(
        "SELECT item_id, first_seen, body_hash, partner_id, source_id, json_extract_string(record, ?), "
        "json_extract(record, '$.title'), content_hash, updated_at FROM source_items ORDER BY item_id",
        [paths],
    )
    candidates: list[Candidate] = []
    origins: dict[str, _Origin] = {}
    while rows := cursor.fetchmany(SOURCE_ITEMS_CHUNK):
        for item_id, first_seen, body_hash, partner_id, source_id, values, title, content_hash, updated_at in rows:
            fields: dict[str, Any] = dict(zip(CANDIDATE_FIELDS, values))
            fields["title"] = json.loads(title) if title is not None else None
            candidates.append(candidate(item_id, fields, first_seen=first_seen,
                                        concepts=title_concepts((fields["title"] or {}).values(), rules)))
            origins[item_id] = _Origin(partner_id, source_id, body_hash,
                                       f"{content_hash}\x1f{first_seen.isoformat()}\x1f{updated_at.isoformat()}")
    return candidates, origins


def _grouped_members(con: duckdb.DuckDBPyConnection, groups: Sequence[Group]) -> Iterator[tuple[Group, list[Member]]]:
    """Each group with its members' records, as soon as the last of them is read.

    One pass over the source items in storage order: a group waits only for its own members, so the
    records held at once are those of groups not yet complete (a singleton completes at once)."""
    group_of: dict[str, int] = {}
    for index, group in enumerate(groups):
        for member_id in group.members:
            group_of[member_id] = index
    waiting: dict[int, list[Member]] = {}
    cursor = con.cursor()  # its own connection: the caller writes on `con` meanwhile
    try:
        cursor.execute("SELECT item_id, record, first_seen, updated_at FROM source_items")
        while rows := cursor.fetchmany(SOURCE_ITEMS_CHUNK):
            for item_id, text, first_seen, updated_at in rows:
                index = group_of.pop(item_id, None)
                if index is None:
                    continue  # added after the grouping read: next refresh
                members = waiting.setdefault(index, [])
                members.append(Member(item_id, json.loads(text), first_seen, updated_at))
                if len(members) == len(groups[index].members):
                    yield groups[index], waiting.pop(index)
    finally:
        cursor.close()
    if waiting or group_of:
        # Nothing deletes source items during a refresh (the warehouse has one writer): never reached.
        raise RuntimeError(f"{len(group_of)} source items vanished while the items were refreshed")


def _batches(pairs: Iterable[tuple[Group, list[Member]]], size: int) -> Iterator[list[tuple[Group, list[Member]]]]:
    batch: list[tuple[Group, list[Member]]] = []
    for pair in pairs:
        batch.append(pair)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_Stored = tuple[str, int, datetime, datetime, str | None]  # content hash, sequence, first seen, updated at, group key


def _existing_items(con: duckdb.DuckDBPyConnection) -> dict[str, _Stored]:
    """Every stored item's version (its record is read when its group is merged: most groups are not)."""
    cursor = con.execute("SELECT item_id, content_hash, coalesce(sequence, 0), first_seen, updated_at, group_key FROM items")
    existing = {}
    while rows := cursor.fetchmany(SOURCE_ITEMS_CHUNK):
        existing.update({i: (h, s, fs, up, key) for i, h, s, fs, up, key in rows})
    return existing


def _stored_records(con: duckdb.DuckDBPyConnection, item_ids: list[str]) -> dict[str, str]:
    """The stored records of these items (the canonical items of one batch)."""
    wanted = pd.DataFrame({"item_id": item_ids}, columns=["item_id"]).astype("string")
    with registered(con, {"in_wanted": wanted}):
        return dict(con.execute("SELECT item_id, record FROM items JOIN in_wanted USING (item_id)").fetchall())


def _group_key(basis: str, group: Group, origins: Mapping[str, _Origin]) -> str:
    """What a canonical item is built from: its group's source items in their versions, the code and settings."""
    digest = hashlib.sha256(basis.encode("utf-8"))
    for member_id in sorted(group.members):
        digest.update(f"\x1e{member_id}\x1f{origins[member_id].version}".encode("utf-8"))
    return digest.hexdigest()


def category_defaults(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[tuple[str, dict[str, list[str]]]]]:
    """The default categories of each source, from the partner files the registry was loaded from."""
    from connectors.registry import load_partner_file

    defaults: dict[tuple[str, str], list[tuple[str, dict[str, list[str]]]]] = {}
    for partner_id, path in con.execute("SELECT partner_id, file FROM partners WHERE file IS NOT NULL").fetchall():
        if not Path(path).is_file():
            continue
        partner, _errors = load_partner_file(Path(path))
        if partner is None:
            continue
        for source in partner.sources:
            found = []
            if partner.categories:
                found.append((f"partner {partner.id}", partner.categories))
            if source.categories:
                found.append((f"source {partner.id}/{source.id}", source.categories))
            if found:
                defaults[(partner.id, source.id)] = found
    return defaults


def load_overrides() -> Overrides:
    return parse_overrides(read_packaged_yaml(OVERRIDES_FILE))


# --- building -------------------------------------------------------------------------------------

def _given_categories(members: Sequence[Member]) -> dict[str, list[str]]:
    """Categories the source items already carry (a parser that read them in our taxonomy's slugs)."""
    given: dict[str, list[str]] = {}
    for member in members:
        for facet, slugs in (member.record.get("categories") or {}).items():
            for slug in slugs or []:
                if slug not in given.setdefault(facet, []):
                    given[facet].append(slug)
    return {facet: slugs for facet, slugs in given.items() if slugs}


def _category_input(record: dict[str, Any], members: Sequence[Member], defaults: Defaults) -> CategoryInput | None:
    """What the rules read of a merged record; None when its sources gave its categories (set on it here)."""
    given = _given_categories(members)
    if given:
        # Categories given upstream are kept as they are: they were decided with more knowledge than our rules.
        record["categories"] = given
        record["category_reasons"] = {f: {s: [{"rule": "given by the source"}] for s in slugs} for f, slugs in given.items()}
        return None
    chosen = []
    for member in members:
        chosen.extend(defaults.get((member.record.get("partner_id"), member.record.get("source_id")), ()))
    return CategoryInput(
        kind=record.get("kind") or "news",
        title=record.get("title") or {},
        summary=record.get("summary") or {},
        description=record.get("description") or {},
        source_categories=record.get("source_categories") or [],
        attendance_mode=record.get("attendance_mode"),
        is_free=record.get("is_free"),
        price=record.get("price"),
        defaults=chosen,
    )


def _categorised(canonicals: Sequence[_Canonical], defaults: Defaults, unmapped: dict[str, int],
                 categorise_all: CategoriseAll) -> None:
    """Categorise the canonical records (those whose sources gave no categories) in one call of `categorise_all`."""
    asked = [(c.record, found) for c in canonicals if (found := _category_input(c.record, c.members, defaults))]
    results = categorise_all([found for _, found in asked])
    for (record, _), result in zip(asked, results, strict=True):
        record["categories"] = result.categories
        record["category_reasons"] = result.reasons
        for tag in result.unmapped:
            unmapped[tag] = unmapped.get(tag, 0) + 1


def categorise_in_turn(inputs: Sequence[CategoryInput]) -> list[Categorised]:
    """The default CategoriseAll: each input categorised here, in order."""
    return [categorise(found) for found in inputs]


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _translate(con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]], translator: TranslatorLike | None,
               now: datetime, warnings: list[str]) -> int:
    """Add machine-translated English where no source has it: cached translations first, then the service."""
    wanted = [(record, need) for record in records for need in missing_texts(record, TRANSLATION_TARGET)]
    if not wanted:
        return 0
    backend = translator.name if translator else None
    cached: dict[tuple[str, str], str] = {}
    needed = pd.DataFrame({"text_hash": sorted({_text_hash(need.text) for _, need in wanted})})
    with registered(con, {"in_text_hashes": needed}):
        rows = con.execute(
            "SELECT text_hash, source_language, text FROM translations JOIN in_text_hashes USING (text_hash) "
            "WHERE target_language = ?" + (" AND backend = ?" if backend else ""),
            [TRANSLATION_TARGET, backend] if backend else [TRANSLATION_TARGET],
        ).fetchall()
    for text_hash, source_language, text in rows:
        cached.setdefault((text_hash, source_language), text)
    missing: dict[tuple[str, str, bool], str] = {}
    for _, need in wanted:
        if (_text_hash(need.text), need.source_language) not in cached:
            missing[(_text_hash(need.text), need.source_language, need.html)] = need.text
    if missing and translator is not None:
        new_rows = []
        for source_language in sorted({k[1] for k in missing}):
            for html in (False, True):
                keys = [k for k in missing if k[1] == source_language and k[2] == html]
                if not keys:
                    continue
                try:
                    out = translator.translate([missing[k] for k in keys], source_language, TRANSLATION_TARGET, html=html)
                except Exception as exc:  # noqa: BLE001 - a translation outage must not stop the agenda
                    warnings.append(f"machine translation failed, texts stay untranslated this run: {exc}")
                    continue
                for key, text in zip(keys, out):
                    cached[(key[0], key[1])] = text
                    new_rows.append({"text_hash": key[0], "source_language": key[1], "target_language": TRANSLATION_TARGET,
                                     "backend": translator.name, "text": text, "created_at": now})
        if new_rows:
            with registered(con, {"in_translations": pd.DataFrame(new_rows)}):
                con.execute("INSERT OR IGNORE INTO translations SELECT text_hash, source_language, target_language, "
                            "backend, text, created_at FROM in_translations")
    translated = 0
    by_record: dict[int, dict[str, str]] = {}
    for record, need in wanted:
        text = cached.get((_text_hash(need.text), need.source_language))
        if text:
            by_record.setdefault(id(record), {})[need.field] = text
    for record in records:
        if id(record) in by_record:
            add_translations(record, TRANSLATION_TARGET, by_record[id(record)])
            translated += 1
    return translated


# --- writing --------------------------------------------------------------------------------------

def _items_frame(canonicals: Sequence[_Canonical]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"item_id": c.item_id, "kind": c.record.get("kind") or "news", "status": c.record.get("status") or "scheduled",
          "content_hash": c.content_hash, "record": c.text,
          "start_utc": c.record.get("start_utc"), "end_utc": c.record.get("end_utc"),
          "start_date": c.record.get("start_date"), "end_date": c.record.get("end_date"),
          "deadline_utc": c.record.get("deadline_utc"), "published_utc": c.record.get("published_utc"),
          "first_seen": c.first_seen, "updated_at": c.updated_at, "sequence": c.sequence, "group_key": c.group_key}
         for c in canonicals],
        columns=["item_id", "kind", "status", "content_hash", "record", "start_utc", "end_utc", "start_date", "end_date",
                 "deadline_utc", "published_utc", "first_seen", "updated_at", "sequence", "group_key"],
    ).astype({"start_utc": "string", "end_utc": "string", "start_date": "string", "end_date": "string",
              "deadline_utc": "string", "published_utc": "string", "sequence": "int64", "group_key": "string"})


HISTORY_COLUMNS = ["item_id", "changed_at", "change", "fields", "payloads", "sequence"]
UPSERT_ITEMS = """
    INSERT INTO items (item_id, kind, status, content_hash, record, start_utc, end_utc, start_date, end_date,
                       deadline_utc, published_utc, first_seen, updated_at, sequence, group_key)
    SELECT item_id, kind, status, content_hash, record, CAST(start_utc AS TIMESTAMPTZ), CAST(end_utc AS TIMESTAMPTZ),
           CAST(start_date AS DATE), CAST(end_date AS DATE), CAST(deadline_utc AS TIMESTAMPTZ),
           CAST(published_utc AS TIMESTAMPTZ), first_seen, updated_at, sequence, group_key
    FROM in_canonical
    ON CONFLICT (item_id) DO UPDATE SET kind = excluded.kind, status = excluded.status,
        content_hash = excluded.content_hash, record = excluded.record, start_utc = excluded.start_utc,
        end_utc = excluded.end_utc, start_date = excluded.start_date, end_date = excluded.end_date,
        deadline_utc = excluded.deadline_utc, published_utc = excluded.published_utc,
        first_seen = excluded.first_seen, updated_at = excluded.updated_at, sequence = excluded.sequence,
        group_key = excluded.group_key
"""


def _part_frames(canonicals: Sequence[_Canonical], history: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """One part of a refresh: the rebuilt items and their history rows."""
    return {"in_canonical": _items_frame([c for c in canonicals if not c.stored]),
            "in_history": pd.DataFrame(history, columns=HISTORY_COLUMNS)}


def _write_frames(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame]) -> None:
    """A part written in its own transaction."""
    with transaction(con), registered(con, frames):
        con.execute(UPSERT_ITEMS)
        con.execute("INSERT INTO item_history SELECT * FROM in_history")


def _write_links(con: duckdb.DuckDBPyConnection, merges: list[dict[str, Any]], sources: list[dict[str, Any]]) -> None:
    with registered(con, {
        "in_merges": pd.DataFrame(merges, columns=["item_id", "source_item_id", "other_item_id", "score", "rule", "fields", "decided_at"]),
        "in_item_sources": pd.DataFrame(sources, columns=["item_id", "source_item_id", "partner_id", "source_id"]),
    }):
        con.execute("INSERT INTO item_sources SELECT * FROM in_item_sources")
        con.execute("INSERT OR IGNORE INTO item_merges SELECT * FROM in_merges")


def _write_removals(con: duckdb.DuckDBPyConnection, removed: list[str], history: list[dict[str, Any]]) -> None:
    with registered(con, {
        "in_removed": pd.DataFrame({"item_id": removed}, columns=["item_id"]).astype("string"),
        "in_history": pd.DataFrame(history, columns=HISTORY_COLUMNS),
    }):
        con.execute("DELETE FROM items WHERE item_id IN (SELECT item_id FROM in_removed)")
        con.execute("INSERT INTO item_history SELECT * FROM in_history")


def _merged(group: Group, members: list[Member]) -> _Canonical:
    """One group merged into its canonical record (categorised afterwards, a batch at a time)."""
    members = ordered(members)
    return _Canonical(members[0].item_id, merge_records(members), members, min(m.first_seen for m in members), group)


def _set_text(c: _Canonical) -> None:
    """The record's stored JSON and its hash (stable_json and stable_hash of the record), serialised once."""
    c.text, c.content_hash = text_and_hash(stable_json_bytes(c.record))


def _compare(c: _Canonical, before: _Stored | None, previous_json: str | None, origins: Mapping[str, _Origin],
             counts: dict[str, int], now: datetime) -> dict[str, Any] | None:
    """Set the canonical item's hash, sequence and dates against what is stored; count it; its history row if
    its time, place or status changed."""
    if before is None:
        _set_text(c)
        c.updated_at = max(m.updated_at for m in c.members)
        counts["inserted"] += 1
        return None
    previous_hash, sequence, first_seen, updated_at, group_key = before
    previous = json.loads(previous_json)
    fields = changed_fields(previous, c.record)
    carry_reschedule(previous, c.record, fields)
    _set_text(c)
    c.first_seen = min(first_seen, c.first_seen)
    if c.content_hash == previous_hash:
        c.sequence, c.updated_at = sequence, updated_at
        # Same record (the hash is the record's), same dates and sequence: the stored row is this one. Most items
        # of a refresh are unchanged; rewriting them all was most of a refresh's writing and transaction memory.
        c.stored = c.first_seen == first_seen and c.group_key == group_key
        counts["unchanged"] += 1
        return None
    # calendar clients only replace an event whose SEQUENCE rose
    c.sequence, c.updated_at = sequence + 1, max(m.updated_at for m in c.members)
    counts["updated"] += 1
    if not fields:
        return None
    changed_since = [m for m in c.members if m.updated_at > updated_at] or c.members
    return {"item_id": c.item_id, "changed_at": now, "change": change_kind(fields), "fields": stable_json(fields),
            "payloads": stable_json([origins[m.item_id].payload(m.item_id) for m in changed_since]), "sequence": c.sequence}


def _merge_rows(built: Iterable[tuple[str, Group]], now: datetime) -> list[dict[str, Any]]:
    """The merge decisions of each canonical item's group."""
    return [
        {"item_id": item_id, "source_item_id": m.b if m.a == item_id else m.a, "other_item_id": m.a if m.a != item_id else m.b,
         "score": m.score, "rule": m.rule, "fields": stable_json(m.fields), "decided_at": now}
        for item_id, group in built for m in group.matches
    ]


def _source_rows(built: Iterable[tuple[str, Group]], origins: Mapping[str, _Origin]) -> list[dict[str, Any]]:
    """Which source items each canonical item is made of."""
    return [{"item_id": item_id, "source_item_id": member_id, "partner_id": origins[member_id].partner_id,
             "source_id": origins[member_id].source_id} for item_id, group in built for member_id in group.members]


def _fingerprint_settings(defaults: Defaults, overrides: Overrides, translator: TranslatorLike | None) -> list[Any]:
    """What refresh_items is given besides the warehouse, as plain data for its fingerprint."""
    return [
        sorted([list(key), [[origin, dict(facets)] for origin, facets in value]] for key, value in defaults.items()),
        repr(overrides), translator.name if translator else None,
    ]


@paused_gc()  # candidates, records and merged items by the hundred thousand
def refresh_items(
    con: duckdb.DuckDBPyConnection, *, now: datetime, translator: TranslatorLike | None = _USE_ENVIRONMENT,
    overrides: Overrides | None = None, defaults: Defaults | None = None, force: bool = False,
    categorise_all: CategoriseAll | None = None,
) -> ItemChanges:
    """Bring the canonical items up to date with the source items; returns counts of changes (with
    `.warnings` and `.unmapped`). The translator defaults to the one the environment configures (none).
    When nothing they are built from changed since the last refresh, nothing is rebuilt (`skipped` = 1)
    unless `force`. `categorise_all` categorises the merged records a batch at a time (default: in turn, here)."""
    categorise_all = categorise_all or categorise_in_turn
    warnings: list[str] = []
    if translator is _USE_ENVIRONMENT:
        from connectors.translate import translator_from_env

        try:
            translator = translator_from_env()
        except ValueError as exc:
            warnings.append(str(exc))
            translator = None
    overrides = load_overrides() if overrides is None else overrides
    defaults = category_defaults(con) if defaults is None else defaults
    settings = _fingerprint_settings(defaults, overrides, translator)
    fingerprint = fingerprints.items_fingerprint(con, settings=settings)
    interrupted = fingerprints.recorded(con, fingerprints.ITEMS_IN_PROGRESS) is not None  # finished whatever the inputs
    if not force and not interrupted and fingerprints.recorded(con, fingerprints.ITEMS) == fingerprint:
        # An emptied feed changes no source item but must still be reported.
        warnings.extend(w.message for w in source_volume_warnings(con))
        for warning in warnings:
            log.warning(warning)
        total = con.execute("SELECT count(*) FROM items").fetchone()[0]
        return ItemChanges({"inserted": 0, "updated": 0, "unchanged": total, "merged": 0, "history": 0,
                            "translated": 0, "skipped": 1, "total": total}, warnings, {})

    candidates, origins = _candidates(con)
    groups = group_duplicates(candidates, overrides)
    del candidates  # the comparison's fields are not needed any more: keep the peak down
    existing = _existing_items(con)
    # A group made of the same source items, in the same versions, by the same code and settings as a stored
    # item's was merged into that item already: it stands (a forced refresh rebuilds every group).
    basis = stable_hash([fingerprints.code_version(), settings])
    built_before = {} if force else {stored[4]: item_id for item_id, stored in existing.items() if stored[4]}
    kept: list[tuple[str, Group]] = []
    to_build: dict[int, str] = {}  # id(group) -> its key
    for group in groups:
        key = _group_key(basis, group, origins)
        if key in built_before:
            kept.append((built_before[key], group))
        else:
            to_build[id(group)] = key
    counts = {"inserted": 0, "updated": 0, "unchanged": len(kept), "merged": 0, "history": 0, "translated": 0}
    unmapped: dict[str, int] = {}
    absorbed_by: dict[str, str] = {member_id: item_id for item_id, group in kept for member_id in group.members}
    history_rows = 0
    translation_failed = False
    built: list[tuple[str, Group]] = list(kept)  # every canonical item with the group it is made of
    pending = [group for group in groups if id(group) in to_build]
    # Each part is committed on its own: one transaction for a whole cold refresh held every new item's row
    # uncommitted in DuckDB's memory (0.8 GB at 98,000 items). A refresh that fails midway leaves items partly
    # rebuilt, never published (stage_agenda refuses them until a refresh completes), and the next refresh
    # keeps the parts written (their group keys) and finishes the rest. What links items to their sources and the
    # removals are written at the end, together; the fingerprint after them.
    fingerprints.record(con, fingerprints.ITEMS_IN_PROGRESS, now.isoformat(), now=now)
    # Each part is written while the next is built: DuckDB writes without the GIL that building needs.
    with BackgroundWriter(con) as writer:
        for batch in _batches(_grouped_members(con, pending), GROUPS_PER_BATCH):
            canonicals = [_merged(group, members) for group, members in batch]
            _categorised(canonicals, defaults, unmapped, categorise_all)
            before_translation = len(warnings)
            counts["translated"] += _translate(con, [c.record for c in canonicals], translator, now, warnings)
            failed = len(warnings) > before_translation
            translation_failed = translation_failed or failed
            for c in canonicals:
                # Texts left untranslated by an outage are translated by the next refresh: no key, no skipping.
                c.group_key = None if failed else to_build[id(c.group)]
            records = _stored_records(con, [c.item_id for c in canonicals if c.item_id in existing])
            history = [row for c in canonicals
                       if (row := _compare(c, existing.get(c.item_id), records.get(c.item_id), origins, counts, now))]
            for c in canonicals:
                for m in c.members:
                    absorbed_by[m.item_id] = c.item_id
            counts["merged"] += sum(len(c.members) - 1 for c in canonicals)
            history_rows += len(history)
            built += [(c.item_id, c.group) for c in canonicals]
            writer.write(_write_frames, _part_frames(canonicals, history))
    counts["merged"] += sum(len(group.members) - 1 for _, group in kept)
    # A stored item no group is named after any more was absorbed by a merge (absorbed_by says into which).
    removed = [item_id for item_id in existing if absorbed_by.get(item_id) != item_id]
    removals = [{"item_id": item_id, "changed_at": now, "change": "merged_into",
                 "fields": stable_json({"merged_into": [None, absorbed_by.get(item_id)]}),
                 "payloads": stable_json([origins[item_id].payload(item_id)] if item_id in origins else []),
                 "sequence": existing[item_id][1]} for item_id in removed]
    with transaction(con):
        # item_sources and item_merges are derived from this run's grouping: replaced as a whole.
        con.execute("DELETE FROM item_sources")
        con.execute("DELETE FROM item_merges")
        for part in _batches(built, GROUPS_PER_BATCH):
            _write_links(con, _merge_rows(part, now), _source_rows(part, origins))
        _write_removals(con, removed, removals)
        fingerprints.forget(con, fingerprints.ITEMS_IN_PROGRESS)
    counts["history"] = history_rows + len(removals)
    counts["skipped"] = 0
    if not translation_failed:  # a translation outage is retried by the next run
        fingerprints.record(con, fingerprints.ITEMS, fingerprints.items_fingerprint(con, settings=settings), now=now)
    warnings.extend(w.message for w in source_volume_warnings(con))
    for warning in warnings:
        log.warning(warning)
    counts["total"] = con.execute("SELECT count(*) FROM items").fetchone()[0]
    return ItemChanges(counts, warnings, unmapped)


# --- sources that suddenly list far fewer items ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class VolumeWarning:
    partner_id: str
    source_id: str
    previous: int
    current: int

    @property
    def message(self) -> str:
        if self.current == 0:
            return (f"{self.partner_id}/{self.source_id} returned no items (it had {self.previous}); "
                    "nothing was removed from the agenda")
        return (f"{self.partner_id}/{self.source_id} returned {self.current} items, down from {self.previous}; "
                "nothing was removed from the agenda")


def source_volume_warnings(con: duckdb.DuckDBPyConnection, *, drop: float = VOLUME_DROP) -> list[VolumeWarning]:
    """Sources whose last parsed payload listed less than `drop` of the one before (or nothing at all)."""
    rows = con.execute(
        """
        WITH parsed AS (
            SELECT partner_id, source_id, n_fetched,
                   row_number() OVER (PARTITION BY partner_id, source_id ORDER BY started_at DESC) AS n
            FROM fetch_log
            WHERE outcome = 'fetched' AND parse_error IS NULL
        )
        SELECT c.partner_id, c.source_id, p.n_fetched AS previous, c.n_fetched AS current
        FROM parsed c JOIN parsed p USING (partner_id, source_id)
        WHERE c.n = 1 AND p.n = 2 AND p.n_fetched > 0 AND (c.n_fetched = 0 OR c.n_fetched < p.n_fetched * ?)
        ORDER BY c.partner_id, c.source_id
        """,
        [drop],
    ).fetchall()
    return [VolumeWarning(p, s, prev, cur) for p, s, prev, cur in rows]
