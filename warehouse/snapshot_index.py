"""The serving index of a snapshot: its filter and sort columns, documents and search index as flat files.

Written beside `snapshot.duckdb` at publication (`snapshots/<id>/index/`), from the same rows, and
memory-mapped by the API when it opens the snapshot, so that a request filters NumPy arrays and joins
stored JSON bytes instead of running a query. Items are numbered by their agenda order (`k_agenda`);
every array below is indexed by that number (a "position"):

    meta.json                   counts and the small vocabularies (kinds, municipalities, ...)
    <column>.npy                one value per position (codes, sort keys, instants in µs, bitsets)
    order_<sort>.npy            positions sorted by (key, item_id) for each sort
    ids.bin/ids_off.npy         item ids in code point order (= DuckDB's), ids_pos.npy their positions
    documents.bin/doc_off.npy   each document's stored JSON (UTF-8), by position
    terms.bin/terms_off.npy     the search vocabulary, sorted; post_off.npy, post_pos.npy, post_weight.npy
                                the positions (ascending) and weights of each term

Positions are stored as 64-bit integers, NumPy's index type: they index other arrays without a conversion.
Instants are microseconds since 1970 in UTC; a missing one is stored as the value that makes the API's
comparisons behave like SQL's NULL handling (see NULL_LOW / NULL_HIGH). A snapshot written before this
index existed has no `index/` folder: `build_index(*read_frames(con))` builds the same arrays in memory from
its database, which held the documents then (a snapshot holds them only here now).
"""
from __future__ import annotations

import json
import math
import mmap
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import duckdb
import numpy as np
import orjson
import pandas as pd

INDEX_DIR = "index"
INDEX_VERSION = 1
NULL_LOW = np.iinfo(np.int64).min   # a missing span start: `coalesce(span_start <= t, TRUE)` holds
NULL_HIGH = np.iinfo(np.int64).max  # a missing span end or deadline: `>= t` holds, `< t` does not
SORT_COLUMNS = {"agenda": "k_agenda", "start": "k_start", "deadline": "k_deadline", "updated": "k_updated",
                "published": "k_published"}
INSTANT_COLUMNS = {"span_start": NULL_LOW, "span_end": NULL_HIGH, "deadline": NULL_HIGH, "changed_at": NULL_HIGH}
SET_COLUMNS = ("languages", "partners", "categories")
CODE_COLUMNS = ("kind", "municipality", "attendance")


class SortedStrings(Sequence[str]):
    """Strings in code point order, stored as one UTF-8 blob and offsets: bisect works on it directly."""

    def __init__(self, blob: bytes | mmap.mmap, offsets: np.ndarray) -> None:
        self._blob = blob
        self._offsets = offsets.tolist()  # Python ints: slicing the blob with them is fastest

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._blob[self._offsets[index]:self._offsets[index + 1]].decode("utf-8")


def _blob(values: list[str] | list[bytes]) -> tuple[bytes, np.ndarray]:
    """The values' UTF-8 bytes end to end, and where each starts (values may come encoded already)."""
    encoded = [v if isinstance(v, bytes) else v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return b"".join(encoded), offsets


def _micros(column: pd.Series, missing: int) -> np.ndarray:
    values = pd.to_datetime(column, utc=True)
    micros = values.dt.tz_convert(None).to_numpy("datetime64[us]").view(np.int64).copy()
    micros[values.isna().to_numpy()] = missing
    return micros


def _codes(values: list[Any]) -> tuple[np.ndarray, list[str]]:
    """Dictionary codes (-1 for a missing value) and the vocabulary, sorted."""
    vocabulary = sorted({v for v in values if v is not None})
    code = {v: n for n, v in enumerate(vocabulary)}
    return np.array([code.get(v, -1) if v is not None else -1 for v in values], dtype=np.int32), vocabulary


def _missing(value: Any) -> bool:
    """None, pandas' NA or a float NaN: a SQL NULL as a DataFrame may hold it."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _bitset(lists: list[Sequence[str] | None]) -> tuple[np.ndarray, list[str]]:
    """One row of 64-bit words per item, bit b set when the item's list holds vocabulary[b]."""
    vocabulary = sorted({v for values in lists for v in (values if values is not None else ())})
    code = {v: n for n, v in enumerate(vocabulary)}
    words = max(1, -(-len(vocabulary) // 64))
    bits = np.zeros((len(lists), words), dtype=np.uint64)
    # The (item, bit) pairs as arrays, not as three lists of Python ints (one int object per value held).
    counts = np.fromiter((len(values) if values is not None else 0 for values in lists), dtype=np.int64,
                         count=len(lists))
    bit = np.fromiter((code[v] for values in lists for v in (values if values is not None else ())),
                      dtype=np.int64, count=int(counts.sum()))
    if len(bit):
        rows = np.repeat(np.arange(len(lists), dtype=np.int64), counts)
        masks = np.left_shift(np.uint64(1), (bit % 64).astype(np.uint64))
        np.bitwise_or.at(bits, (rows, bit // 64), masks)
    return bits, vocabulary


@dataclass(frozen=True)
class Postings:
    """The search terms of a snapshot as arrays: one entry per (term, item), far smaller than rows of strings."""

    vocabulary: list[str]  # every term once, in code point order
    codes: np.ndarray  # int32: each entry's term, an index into `vocabulary`
    positions: np.ndarray  # int64: each entry's item, by position (k_agenda)
    weights: np.ndarray  # int8

    def sorted_by(self, item_rank: np.ndarray) -> np.ndarray:
        """The entries' order by term, then by `item_rank` of their item (a permutation of positions)."""
        return np.lexsort((item_rank[self.positions], self.codes))


def postings_from_frame(ids: list[str], terms: pd.DataFrame) -> Postings:
    """The Postings of (term, item_id, weight) rows; rows naming an item not in `ids` are left out."""
    position = pd.Series(np.arange(len(ids), dtype=np.int64), index=pd.Index(ids, dtype=object))
    term_pos = position.reindex(terms["item_id"].astype(object)).to_numpy()
    known = ~pd.isna(term_pos)
    codes, vocabulary = pd.factorize(terms["term"].astype(object).to_numpy()[known], sort=True)
    return Postings([str(t) for t in vocabulary], codes.astype(np.int32), term_pos[known].astype(np.int64),
                    terms["weight"].to_numpy()[known].astype(np.int8))


def build_index(items: pd.DataFrame, terms: pd.DataFrame | Postings, *, doc_off: np.ndarray | None = None
                ) -> tuple[dict[str, Any], dict[str, np.ndarray], dict[str, bytes]]:
    """(meta, arrays, blobs) of the index, from the snapshot's `items` rows and its search terms: `terms`
    as Postings (positions in `k_agenda` order), or as the database's (term, item_id, weight) rows.

    Without a `document` column, the documents blob is the caller's (written beside, in `k_agenda` order)
    and `doc_off` its offsets."""
    if not (items["k_agenda"].is_monotonic_increasing and items.index.equals(pd.RangeIndex(len(items)))):
        items = items.sort_values("k_agenda", kind="stable").reset_index(drop=True)  # a copy of every column
    n = len(items)
    ids = [str(i) for i in items["item_id"].tolist()]
    arrays: dict[str, np.ndarray] = {}
    blobs: dict[str, bytes] = {}
    meta: dict[str, Any] = {"version": INDEX_VERSION, "count": n, "vocabularies": {}}

    ids_pos = np.array(sorted(range(n), key=ids.__getitem__), dtype=np.int64)
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[ids_pos] = np.arange(n, dtype=np.int64)
    arrays["ids_pos"], arrays["id_rank"] = ids_pos, id_rank
    blobs["ids"], arrays["ids_off"] = _blob([ids[p] for p in ids_pos.tolist()])
    if "document" in items:
        blobs["documents"], arrays["doc_off"] = _blob(items["document"].tolist())
    elif doc_off is not None:
        arrays["doc_off"] = doc_off
    else:
        raise ValueError("the items carry no documents and no documents blob was written beside: the snapshot's "
                         "index/ folder is missing or incomplete (publish again)")

    for sort, column in SORT_COLUMNS.items():
        key = items[column].to_numpy(dtype=np.int64)
        arrays[column] = key
        arrays[f"order_{sort}"] = np.lexsort((id_rank, key)).astype(np.int64)
    for column, missing in INSTANT_COLUMNS.items():
        arrays[column] = _micros(items[column], missing)
    for column in CODE_COLUMNS:
        arrays[column], meta["vocabularies"][column] = _codes([None if _missing(v) else str(v)
                                                               for v in items[column].tolist()])
    free = items["is_free"].tolist()
    arrays["is_free"] = np.array([-1 if _missing(v) else int(bool(v)) for v in free], dtype=np.int8)
    for column in SET_COLUMNS:
        arrays[column], meta["vocabularies"][column] = _bitset([[str(x) for x in v] if _is_list(v) else None
                                                                for v in items[column].tolist()])
    # The display name of each municipality filter value, as the page lists them.
    labels: dict[str, str] = {}
    for folded, label in zip(items["municipality"].tolist(), items["municipality_label"].tolist()):
        if not _missing(folded) and not _missing(label):
            labels[folded] = min(labels.get(folded, label), label)
    meta["municipality_labels"] = sorted(labels.values())

    # The search index: terms sorted in code point order, postings by ascending position.
    postings = terms if isinstance(terms, Postings) else postings_from_frame(ids, terms)
    order = np.lexsort((postings.positions, postings.codes))
    arrays["post_pos"] = postings.positions[order].astype(np.int64)
    arrays["post_weight"] = postings.weights[order].astype(np.int8)
    post_off = np.zeros(len(postings.vocabulary) + 1, dtype=np.int64)
    np.cumsum(np.bincount(postings.codes, minlength=len(postings.vocabulary)), out=post_off[1:])
    arrays["post_off"] = post_off
    blobs["terms"], arrays["terms_off"] = _blob(postings.vocabulary)
    return meta, arrays, blobs


def write_index(directory: Path, items: pd.DataFrame, terms: pd.DataFrame | Postings, *,
                doc_off: np.ndarray | None = None) -> None:
    """Write the index files under `directory` (inside a snapshot still being staged); see build_index
    for `doc_off`."""
    meta, arrays, blobs = build_index(items, terms, doc_off=doc_off)
    directory.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        np.save(directory / f"{name}.npy", array, allow_pickle=False)
    for name, blob in blobs.items():
        (directory / f"{name}.bin").write_bytes(blob)
    (directory / "meta.json").write_bytes(orjson.dumps(meta))


def read_frames(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows an index is built from, read back from a snapshot's database."""
    items = con.execute("SELECT * FROM items ORDER BY k_agenda").df()
    terms = con.execute("SELECT term, item_id, weight FROM terms").df()
    return items, terms


def _map_array(path: Path) -> np.ndarray:
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
    except ValueError:  # an empty array cannot be mapped
        return np.load(path, allow_pickle=False)


def _map_blob(path: Path) -> bytes | mmap.mmap:
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def load_index(directory: Path) -> tuple[dict[str, Any], dict[str, np.ndarray], dict[str, bytes | mmap.mmap]] | None:
    """The index files of a snapshot, memory-mapped (read-only); None when the snapshot has none."""
    meta_path = directory / "meta.json"
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("version") != INDEX_VERSION:
        return None
    arrays = {p.stem: _map_array(p) for p in directory.glob("*.npy")}
    blobs = {p.stem: _map_blob(p) for p in directory.glob("*.bin")}
    return meta, arrays, blobs
