"""The published snapshot: an immutable, read-only DuckDB file the API reads, switched atomically.

Layout under the publication folder:

    snapshots/<id>/snapshot.duckdb   the items' filter and sort keys, a search index, partners and
                                     sources, categories and tombstones (what SQL can ask)
    snapshots/<id>/index/...         the same rows as memory-mappable arrays, and the documents
                                     themselves, once (warehouse.snapshot_index)
    snapshots/<id>/exports/...       every export file of that publication
    current                          the id of the snapshot being served (replaced atomically)

A snapshot is written under a temporary name and renamed whole; `current` is switched last, so a
reader sees the old snapshot or the new one, never a mixture. Old snapshots are pruned, a few kept:
a reader that still holds one open keeps reading it (the file lives until it is closed).
"""
from __future__ import annotations

import array
import functools
import itertools
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import duckdb
import numpy as np
import orjson
import pandas as pd
import pyarrow as pa

from transforms.yaml_files import YamlFileError, load_yaml_file
from warehouse.connection import BULK_CHECKPOINT_THRESHOLD, registered
from warehouse.documents import DISPLAY_TZ, SCHEMA_VERSION, parse_instant, sort_key, utc_text
from warehouse.snapshot_index import INDEX_DIR, Postings, write_index

SNAPSHOTS_DIR = "snapshots"
CURRENT_FILE = "current"
DATABASE_FILE = "snapshot.duckdb"
EXPORTS_DIR = "exports"
KEEP_SNAPSHOTS = 3
TOMBSTONE_DAYS = 180
LANGUAGES = ("fr", "nl", "en")
# Sort keys are non-null integers: missing values sort last.
LAST = 2**62
TAXONOMY_FILE = "taxonomy.yaml"


class SnapshotError(Exception):
    """A snapshot could not be written or read."""


# --- taxonomy ------------------------------------------------------------------------------------

def read_taxonomy(path: Path | str | None = None) -> list[dict[str, Any]]:
    """The category facets (slug, labels, categories) of `transforms/taxonomy.yaml`; empty when it does not exist."""
    if path is None:
        resource = resources.files("transforms").joinpath(TAXONOMY_FILE)
        if not resource.is_file():
            return []
        text = resource.read_text(encoding="utf-8")
        origin = str(resource)
    else:
        if not Path(path).is_file():
            return []
        text = Path(path).read_text(encoding="utf-8")
        origin = str(path)
    try:
        raw = load_yaml_file(text, origin) or {}
    except YamlFileError as exc:
        raise SnapshotError(str(exc)) from exc
    facets = raw.get("facets") if isinstance(raw, dict) else None
    if not isinstance(facets, dict):
        raise SnapshotError(f"{origin}: expected a mapping `facets: {{facet: {{label, categories}}}}`")
    taxonomy = []
    for facet, spec in facets.items():
        spec = spec or {}
        categories = spec.get("categories") or {}
        if not isinstance(categories, dict):
            raise SnapshotError(f"{origin}: facets.{facet}.categories must be a mapping of slug to labels")
        taxonomy.append({
            "facet": str(facet),
            "label": _labels(spec.get("label"), str(facet)),
            "categories": [{"slug": str(slug), "label": _labels(labels, str(slug))} for slug, labels in categories.items()],
        })
    return taxonomy


def _labels(value: Any, fallback: str) -> dict[str, str]:
    """Labels in every language, the missing ones filled from the others (or the slug)."""
    given = {k: str(v) for k, v in value.items() if k in LANGUAGES and v} if isinstance(value, dict) else {}
    if isinstance(value, str):
        given = {lang: value for lang in LANGUAGES}
    any_label = next(iter(given.values()), fallback)
    return {lang: given.get(lang) or given.get("en") or any_label for lang in LANGUAGES}


# --- partners ------------------------------------------------------------------------------------

def load_partners(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The partners and their sources as the snapshot publishes them (no cache validators, no errors)."""
    rows = con.execute(
        """
        SELECT p.partner_id, p.name_fr, p.name_nl, p.name_en, p.website,
               list({'id': s.source_id, 'kind': s.kind, 'url': s.url, 'content': s.content,
                     'language': s.language, 'last_success_at': strftime(s.last_success_at, '%Y-%m-%dT%H:%M:%SZ')}
                    ORDER BY s.source_id) FILTER (WHERE s.source_id IS NOT NULL) AS sources
        FROM partners p LEFT JOIN sources s USING (partner_id)
        GROUP BY ALL ORDER BY p.partner_id
        """
    ).fetchall()
    return [
        {"id": pid, "name": {"fr": fr, "nl": nl, "en": en}, "website": website, "sources": list(sources or [])}
        for pid, fr, nl, en, website, sources in rows
    ]


# --- search terms --------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TAG = re.compile(r"<[^>]+>")
TITLE_WEIGHT = 3


def fold_char(char: str) -> str:
    """One character lower case without accents (several characters for a ligature, none for an accent)."""
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _FoldTable(dict[int, str]):
    """A `str.translate` table filled as characters are met: each one is folded once per process.

    Folding character by character gives the same text as folding the whole: case folding maps
    each character on its own, and NFKD only reorders combining marks, which are all dropped.
    """

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLDED = _FoldTable()


def fold(text: str) -> str:
    """Lower case without accents: `Économie` and `economie` are the same word for the search."""
    if text.isascii():  # nothing to decompose, and ASCII case folding is lower()
        return text.lower()
    return text.translate(_FOLDED)


@functools.lru_cache(maxsize=1 << 16)
def _token_words(token: str) -> tuple[str, ...]:
    """The searchable words of one whitespace-free token (memoised: a publication repeats its vocabulary)."""
    return tuple(w for w in _WORD.findall(fold(token)) if len(w) > 1)


def words(text: str) -> list[str]:
    """The searchable words of a text: folded, HTML tags dropped, one-letter words left out."""
    # Every whitespace character folds to a non-word character, never to nothing, so the words of
    # the text are the words of its whitespace-separated tokens, each folded once.
    return list(itertools.chain.from_iterable(map(_token_words, _TAG.sub(" ", text).split())))


def distinct_words(texts: Iterable[str]) -> dict[str, None]:
    """The searchable words of texts, each once, in the order they first appear.

    Repeated tokens are dropped before they are folded: a word first appears in the first
    occurrence of some token, so the order is that of `words`. dict.fromkeys runs in compiled code.
    """
    tokens = dict.fromkeys(itertools.chain.from_iterable(_TAG.sub(" ", text).split() for text in texts))
    return dict.fromkeys(itertools.chain.from_iterable(map(_token_words, tokens)))


def document_terms(document: dict[str, Any]) -> dict[str, int]:
    """Each word of the item's texts in every language, weighted higher when it is in a title."""
    terms: dict[str, int] = dict.fromkeys(distinct_words((document.get("title") or {}).values()), TITLE_WEIGHT)
    location = document.get("location") or {}
    others = [*(document.get("summary") or {}).values(), *(document.get("description") or {}).values(),
              location.get("venue") or "", location.get("municipality") or ""]
    for word in distinct_words(others):
        terms.setdefault(word, 1)
    return terms


# --- keys ----------------------------------------------------------------------------------------

def _epoch(value: datetime | None) -> int:
    return int(value.timestamp()) if value else LAST


def _day_start(day: str | None) -> datetime | None:
    """Midnight in Brussels at the start of `day`, in UTC."""
    if not day:
        return None
    return datetime.combine(date.fromisoformat(day), time(0), DISPLAY_TZ).astimezone(timezone.utc)


def item_span(document: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """The time an item covers, for range filters: an event's run, a call until its deadline, news at publication."""
    kind = document["kind"]
    if kind == "event":
        if document["all_day"]:
            start = _day_start(document.get("start_date"))
            last = document.get("end_date") or document.get("start_date")
            end = _day_start(last) + timedelta(days=1) - timedelta(seconds=1) if last else start
        else:
            start = parse_instant(document.get("start"))
            end = parse_instant(document.get("end")) or start
        return start, end
    if kind == "call":
        return parse_instant(document.get("start")), parse_instant(document.get("deadline"))
    published = parse_instant(document.get("published")) or parse_instant(document.get("first_seen"))
    return published, published


@dataclass(frozen=True, slots=True)
class PreviousSnapshot:
    """What a new snapshot carries over from the one it replaces."""

    listed_since: dict[str, datetime]
    tombstones: dict[str, datetime]


def read_previous(out_dir: Path | str) -> PreviousSnapshot:
    """The ids (with the time they first appeared) and tombstones of the snapshot being served, if any."""
    path = current_database(out_dir)
    if path is None:
        return PreviousSnapshot({}, {})
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        listed = dict(con.execute("SELECT item_id, listed_since FROM items").fetchall())
        tombs = dict(con.execute("SELECT item_id, removed_at FROM tombstones").fetchall())
    finally:
        con.close()
    return PreviousSnapshot(listed, tombs)


def json_text(value: Any) -> str:
    """Compact JSON (UTF-8, not ASCII-escaped), as the API serves it; orjson is compiled."""
    return orjson.dumps(value).decode("utf-8")


def _item_rows(ranked: Sequence[dict[str, Any]], previous: PreviousSnapshot, generated_at: datetime) -> pd.DataFrame:
    """The items' keys and filter columns (no documents), `ranked` in agenda order (k_agenda = position).

    Built from a tuple per item (a dict per item took five times the memory), with equal lists of
    languages, partners and categories held once."""
    lists: dict[tuple[str, ...], list[str]] = {}

    def one(values: Iterable[str]) -> list[str]:
        key = tuple(values)
        return lists.setdefault(key, list(key))

    rows = []
    for rank, document in enumerate(ranked):
        start, end = item_span(document)
        updated = parse_instant(document["updated_at"])
        listed = previous.listed_since.get(document["id"], generated_at)
        changed = max(updated, listed) if updated else listed
        published = parse_instant(document.get("published")) or parse_instant(document.get("first_seen"))
        deadline = parse_instant(document.get("deadline"))
        location = document.get("location") or {}
        municipality = (location.get("municipality") or "").strip()
        rows.append((
            document["id"], document["kind"], document["status"], rank,
            _epoch(start), _epoch(deadline), -_epoch(changed), -_epoch(published),
            start, end, deadline, changed, listed,
            fold(municipality) or None, municipality or None, location.get("attendance_mode"),
            (document.get("price") or {}).get("is_free"),
            one(sorted(set(document.get("languages") or []) | set((document.get("title") or {}).keys()))),
            one(document["partners"]),
            one(f"{facet}:{slug}" for facet, slugs in sorted((document.get("categories") or {}).items())
                for slug in slugs),
        ))
    return pd.DataFrame.from_records(rows, columns=ITEM_COLUMNS)


def _insert_items(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame, ranked: Sequence[dict[str, Any]],
                  documents_file: Path) -> np.ndarray:
    """Insert the items' keys in agenda order and write their documents end to end into `documents_file`
    (the index's blob), ITEMS_CHUNK at a time; returns the blob's offsets.

    The documents are most of the bytes: each chunk's are encoded (UTF-8, what the blob stores) and
    dropped once written, never all at once. They are stored once, in the blob, which every reader of
    the snapshot reads them from: a copy in the database (a text column) took 10 of the 11 s its items
    took to write at 98,000 items, for 500 MB more per snapshot, read by nothing but tests."""
    offsets = np.zeros(len(ranked) + 1, dtype=np.int64)
    with open(documents_file, "wb") as blob:
        for start in range(0, len(ranked), ITEMS_CHUNK):
            # A chunk at a time: DuckDB converts a frame's list columns whole (+240 MB for 98,000 rows at once).
            with registered(con, {"in_items": keys.iloc[start:start + ITEMS_CHUNK]}):
                con.execute(f"INSERT INTO items SELECT {', '.join(ITEM_COLUMNS)} FROM in_items ORDER BY k_agenda")
            encoded = [orjson.dumps(d) for d in ranked[start:start + ITEMS_CHUNK]]
            lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
            offsets[start + 1:start + 1 + len(encoded)] = offsets[start] + np.cumsum(lengths)
            blob.write(b"".join(encoded))
    con.execute("CHECKPOINT")
    return offsets


def term_postings(ranked: Sequence[dict[str, Any]]) -> Postings:
    """Every document's search terms (document_terms), `ranked` in agenda order, as compact arrays."""
    numbers: dict[str, int] = {}  # term -> number in order of first appearance
    codes, positions, weights = array.array("i"), array.array("q"), array.array("b")
    for position, document in enumerate(ranked):
        found = document_terms(document)
        codes.extend([numbers.setdefault(term, len(numbers)) for term in found])
        weights.extend(found.values())
        positions.extend(itertools.repeat(position, len(found)))
    vocabulary = sorted(numbers)
    code_of_number = np.empty(len(numbers), dtype=np.int32)
    code_of_number[[numbers[term] for term in vocabulary]] = np.arange(len(vocabulary), dtype=np.int32)
    return Postings(vocabulary, code_of_number[np.frombuffer(codes, dtype=np.int32)],
                    np.frombuffer(positions, dtype=np.int64), np.frombuffer(weights, dtype=np.int8))


TERMS_CHUNK = 100_000  # term rows inserted at a time (500,000: 67 MiB more at 3.2 million rows, 0.5 s faster)
TERM_ROWS = pa.schema([("term", pa.string()), ("item_id", pa.string()), ("weight", pa.int8())])


def _insert_terms(con: duckdb.DuckDBPyConnection, postings: Postings, ids: list[str]) -> None:
    """The terms table, sorted by term then item id so that DuckDB's min/max zone maps skip all but a few
    row groups per word; sorted here (NumPy, on codes) and inserted in that order, TERMS_CHUNK rows at a time."""
    item_rank = np.empty(len(ids), dtype=np.int64)
    item_rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids), dtype=np.int64)
    order = postings.sorted_by(item_rank)
    vocabulary, id_values = pa.array(postings.vocabulary, pa.string()), pa.array(ids, pa.string())
    for start in range(0, len(order), TERMS_CHUNK):
        chosen = order[start:start + TERMS_CHUNK]
        chunk = pa.Table.from_arrays([vocabulary.take(postings.codes[chosen]), id_values.take(postings.positions[chosen]),
                                      pa.array(postings.weights[chosen], pa.int8())], schema=TERM_ROWS)
        with registered(con, {"in_terms": chunk}):
            con.execute("INSERT INTO terms SELECT term, item_id, weight FROM in_terms")


SNAPSHOT_DUCKDB_MEMORY = "64MB"  # 29,400 items: a peak 134 MiB lower than with 256MB, in the same time
ITEMS_CHUNK = 5_000  # documents encoded and written at a time
ITEM_COLUMNS = ["item_id", "kind", "status", "k_agenda", "k_start", "k_deadline", "k_updated", "k_published",
                "span_start", "span_end", "deadline", "changed_at", "listed_since", "municipality",
                "municipality_label", "attendance", "is_free", "languages", "partners", "categories"]

_SCHEMA = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE items (
    item_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, status VARCHAR NOT NULL,
    k_agenda BIGINT NOT NULL, k_start BIGINT NOT NULL, k_deadline BIGINT NOT NULL,
    k_updated BIGINT NOT NULL, k_published BIGINT NOT NULL,
    span_start TIMESTAMPTZ, span_end TIMESTAMPTZ, deadline TIMESTAMPTZ,
    changed_at TIMESTAMPTZ NOT NULL, listed_since TIMESTAMPTZ NOT NULL,
    municipality VARCHAR, municipality_label VARCHAR, attendance VARCHAR, is_free BOOLEAN,
    languages VARCHAR[], partners VARCHAR[], categories VARCHAR[]
);
CREATE TABLE terms (term VARCHAR NOT NULL, item_id VARCHAR NOT NULL, weight TINYINT NOT NULL);
CREATE TABLE tombstones (item_id VARCHAR PRIMARY KEY, removed_at TIMESTAMPTZ NOT NULL);
CREATE TABLE partners (partner_id VARCHAR PRIMARY KEY, document VARCHAR NOT NULL);
CREATE TABLE categories (facet VARCHAR NOT NULL, slug VARCHAR NOT NULL, position INTEGER NOT NULL,
                         facet_label VARCHAR NOT NULL, label VARCHAR NOT NULL, PRIMARY KEY (facet, slug));
"""


def _insert(con: duckdb.DuckDBPyConnection, table: str, schema: pa.Schema, rows: list[tuple], *,
            verb: str = "INSERT") -> None:
    """Insert rows in one statement from an Arrow table (executemany runs a statement per row: slow)."""
    if not rows:
        return
    columns = [pa.array(values, type=field.type) for values, field in zip(zip(*rows), schema)]
    with registered(con, {"in_rows": pa.Table.from_arrays(columns, schema=schema)}):
        con.execute(f"{verb} INTO {table} SELECT * FROM in_rows")


_TEXT = pa.string()
TOMBSTONE_ROWS = pa.schema([("item_id", _TEXT), ("removed_at", pa.timestamp("us", tz="UTC"))])
PARTNER_ROWS = pa.schema([("partner_id", _TEXT), ("document", _TEXT)])
CATEGORY_ROWS = pa.schema([("facet", _TEXT), ("slug", _TEXT), ("position", pa.int32()), ("facet_label", _TEXT),
                           ("label", _TEXT)])
META_ROWS = pa.schema([("key", _TEXT), ("value", _TEXT)])


def write_database(path: Path, documents: list[dict[str, Any]], *, snapshot_id: str, generated_at: datetime,
                   partners: list[dict[str, Any]], taxonomy: list[dict[str, Any]], previous: PreviousSnapshot) -> None:
    """Write a snapshot's DuckDB file: the items with their keys, the search terms, partners, categories, tombstones."""
    con = duckdb.connect(str(path))
    try:
        con.execute("SET TimeZone = 'UTC'")
        # A database being written keeps no use for the pages it wrote: without a limit DuckDB caches
        # them up to 80 % of the machine's memory. Sorts beyond the limit spill to disk.
        con.execute(f"SET memory_limit = '{SNAPSHOT_DUCKDB_MEMORY}'")
        # Checkpointed once, at the end: at DuckDB's default (every 16 MB of log) the documents' inserts
        # checkpointed every few chunks, 8.5 s instead of 6.4 s for 98,000 items, in no less memory.
        con.execute("SET checkpoint_threshold = ?", [BULK_CHECKPOINT_THRESHOLD])
        con.execute(_SCHEMA)
        ranked = sorted(documents, key=sort_key)
        items = _item_rows(ranked, previous, generated_at)
        # The same rows as flat arrays beside the database (what the API memory-maps and filters), the
        # documents' blob written while they are inserted.
        index_dir = path.parent / INDEX_DIR
        index_dir.mkdir(parents=True, exist_ok=True)
        doc_off = _insert_items(con, items, ranked, index_dir / "documents.bin")
        postings = term_postings(ranked)
        del ranked
        _insert_terms(con, postings, items["item_id"].tolist())
        write_index(index_dir, items, postings, doc_off=doc_off)
        del postings
        current_ids = {d["id"] for d in documents}
        horizon = generated_at - timedelta(days=TOMBSTONE_DAYS)
        tombstones = {i: t for i, t in previous.tombstones.items() if i not in current_ids and t >= horizon}
        tombstones.update({i: generated_at for i in previous.listed_since if i not in current_ids})
        _insert(con, "tombstones", TOMBSTONE_ROWS, sorted(tombstones.items()))
        counts: dict[str, int] = {}
        for document in documents:
            for pid in document["partners"]:
                counts[pid] = counts.get(pid, 0) + 1
        partner_rows = [(p["id"], json_text({**p, "item_count": counts.get(p["id"], 0)})) for p in partners]
        _insert(con, "partners", PARTNER_ROWS, partner_rows)
        categories: dict[tuple[str, str], tuple] = {}
        for facet in taxonomy:
            for n, c in enumerate(facet["categories"]):
                # The first of a repeated (facet, slug) is kept, as row-by-row INSERT OR IGNORE kept it.
                categories.setdefault((facet["facet"], c["slug"]),
                                      (facet["facet"], c["slug"], n, json_text(facet["label"]), json_text(c["label"])))
        _insert(con, "categories", CATEGORY_ROWS, list(categories.values()), verb="INSERT OR IGNORE")
        meta = {"snapshot_id": snapshot_id, "generated_at": utc_text(generated_at), "schema_version": SCHEMA_VERSION,
                "item_count": str(len(documents)), "taxonomy": json_text([f["facet"] for f in taxonomy])}
        _insert(con, "meta", META_ROWS, sorted(meta.items()))
        con.execute("CHECKPOINT")
    finally:
        con.close()


# --- the snapshot folder -------------------------------------------------------------------------

def new_snapshot_id(generated_at: datetime) -> str:
    """Sortable by time, unique even for two publications in the same second."""
    return f"{generated_at.astimezone(timezone.utc):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}"


Body = bytes | Iterable[bytes]  # a file's bytes, or its pieces as they are rendered


def _fsync_write(path: Path, body: Body) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        for piece in (body,) if isinstance(body, bytes) else body:
            handle.write(piece)
        handle.flush()
        os.fsync(handle.fileno())


Files = Mapping[str, Body] | Iterable[tuple[str, Body]]


def _write_files(folder: Path, files: Files) -> None:
    for name, body in files.items() if isinstance(files, Mapping) else files:
        _fsync_write(folder / name, body)


def stage_snapshot(out_dir: Path | str, documents: list[dict[str, Any]], files: Files, *,
                   generated_at: datetime, partners: list[dict[str, Any]], taxonomy: list[dict[str, Any]]) -> Path:
    """Write a complete snapshot folder (database and exports) and rename it into `snapshots/`; not yet served.

    `files` may be (name, body) pairs rendered on demand: each is written as it comes, after the database."""
    root = Path(out_dir) / SNAPSHOTS_DIR
    root.mkdir(parents=True, exist_ok=True)
    previous = read_previous(out_dir)
    snapshot_id = new_snapshot_id(generated_at)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=f".{snapshot_id}.", suffix=".tmp"))
    try:
        # One after the other: written side by side, the database's working memory and the files'
        # came on top of each other (+0.35 GiB at 98,000 items), for a tenth of the time.
        write_database(staging / DATABASE_FILE, documents, snapshot_id=snapshot_id, generated_at=generated_at,
                       partners=partners, taxonomy=taxonomy, previous=previous)
        _write_files(staging / EXPORTS_DIR, files)
        final = root / snapshot_id
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def switch_current(out_dir: Path | str, snapshot_id: str) -> None:
    """Point `current` at a snapshot: one rename, so readers see the old id or the new one."""
    target = Path(out_dir)
    fd, tmp = tempfile.mkstemp(dir=target, prefix=f".{CURRENT_FILE}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(snapshot_id + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target / CURRENT_FILE)


def current_id(out_dir: Path | str) -> str | None:
    try:
        text = (Path(out_dir) / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return text or None


def current_database(out_dir: Path | str) -> Path | None:
    snapshot_id = current_id(out_dir)
    if snapshot_id is None:
        return None
    path = Path(out_dir) / SNAPSHOTS_DIR / snapshot_id / DATABASE_FILE
    return path if path.is_file() else None


def prune_snapshots(out_dir: Path | str, *, keep: int = KEEP_SNAPSHOTS) -> list[str]:
    """Delete all but the `keep` newest snapshots (never the current one) and stale staging folders."""
    root = Path(out_dir) / SNAPSHOTS_DIR
    if not root.is_dir():
        return []
    current = current_id(out_dir)
    finished = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    removed = []
    for path in finished[:-keep] if keep > 0 else finished:
        if path.name != current:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def theme_slugs(taxonomy: list[dict[str, Any]]) -> list[str]:
    return [c["slug"] for facet in taxonomy if facet["facet"] == "theme" for c in facet["categories"]]


def partner_names(partners: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Partner id to a display name (French first), for calendar names."""
    return {p["id"]: (p.get("name") or {}).get("fr") or p["id"] for p in partners}
