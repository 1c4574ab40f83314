"""Reading the published snapshot: the one `current` names, reopened as soon as `current` changes.

The pipeline never writes to a snapshot once it is published, so the API opens it read-only and
is never blocked by a run. Each request takes the Snapshot object current at its start and keeps
it to the end: a switch during a request does not change what that request reads.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from bedigital.api.item_index import ItemIndex
from warehouse.documents import parse_instant
from warehouse.snapshot import CURRENT_FILE, DATABASE_FILE, EXPORTS_DIR, SNAPSHOTS_DIR
from warehouse.snapshot_index import INDEX_DIR, build_index, load_index, read_frames


class NoSnapshot(Exception):
    """Nothing has been published yet under the publication folder."""


@dataclass
class Snapshot:
    """One open, read-only published snapshot with what every request needs from it, read once."""

    id: str
    directory: Path
    connection: duckdb.DuckDBPyConnection
    index: ItemIndex  # the items as memory-mapped arrays: what lists and item lookups read
    generated_at: datetime
    item_count: int
    taxonomy: list[dict[str, Any]]
    known_categories: dict[str, str]  # "facet:slug" and unambiguous bare "slug" -> "facet:slug"
    partners: dict[str, dict[str, Any]]
    municipalities: list[str]
    _local: threading.local = field(default_factory=threading.local, repr=False)

    @property
    def exports(self) -> Path:
        return self.directory / EXPORTS_DIR

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of this thread: DuckDB connections are not shared between threads."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self.connection.cursor()
            cursor.execute("SET TimeZone = 'UTC'")
            self._local.cursor = cursor
        return cursor


def _taxonomy(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    facets: dict[str, dict[str, Any]] = {}
    order = json.loads(con.execute("SELECT value FROM meta WHERE key = 'taxonomy'").fetchone()[0])
    for facet, slug, facet_label, label in con.execute(
        "SELECT facet, slug, facet_label, label FROM categories ORDER BY facet, position"
    ).fetchall():
        entry = facets.setdefault(facet, {"facet": facet, "label": json.loads(facet_label), "categories": []})
        entry["categories"].append({"slug": slug, "label": json.loads(label)})
    return [facets[f] for f in order if f in facets]


def _known_categories(item_categories: list[str], taxonomy: list[dict[str, Any]]) -> dict[str, str]:
    """Every category a filter may name: the taxonomy's and any an item carries."""
    qualified = {f"{facet['facet']}:{c['slug']}" for facet in taxonomy for c in facet["categories"]}
    qualified |= set(item_categories)
    known = {q: q for q in qualified}
    bare: dict[str, list[str]] = {}
    for q in qualified:
        bare.setdefault(q.split(":", 1)[1], []).append(q)
    known.update({slug: qs[0] for slug, qs in bare.items() if len(qs) == 1 and slug not in known})
    return known


def open_snapshot(directory: Path) -> Snapshot:
    con = duckdb.connect(str(directory / DATABASE_FILE), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    taxonomy = _taxonomy(con)
    partners = {pid: json.loads(doc) for pid, doc in con.execute("SELECT partner_id, document FROM partners ORDER BY 1").fetchall()}
    # A snapshot published before the index existed gets one built in memory, from its database.
    index = ItemIndex(*(load_index(directory / INDEX_DIR) or build_index(*read_frames(con))))
    return Snapshot(
        id=meta["snapshot_id"], directory=directory, connection=con, index=index,
        generated_at=parse_instant(meta["generated_at"]), item_count=int(meta["item_count"]),
        taxonomy=taxonomy, known_categories=_known_categories(index.vocabularies["categories"], taxonomy),
        partners=partners, municipalities=index.municipality_labels,
    )


class SnapshotStore:
    """The snapshot `current` points at; checking the pointer costs one stat() per request."""

    def __init__(self, out_dir: Path | str) -> None:
        self.out_dir = Path(out_dir)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._pointer: tuple[int, int] | None = None

    def _pointer_state(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.out_dir / CURRENT_FILE)
        except FileNotFoundError:
            return None
        # The pointer is replaced by a rename: a new inode (or mtime) means a new snapshot.
        return stat.st_ino, stat.st_mtime_ns

    def fresh(self) -> Snapshot | None:
        """The open snapshot if `current` still names it (one stat), else None: then call current()."""
        state = self._pointer_state()
        if state is not None and state == self._pointer:
            return self._snapshot
        return None

    def current(self) -> Snapshot:
        state = self._pointer_state()
        if state is not None and state == self._pointer and self._snapshot is not None:
            return self._snapshot
        with self._lock:
            state = self._pointer_state()
            if state is None:
                if self._snapshot is not None:
                    return self._snapshot
                raise NoSnapshot(f"nothing has been published under {self.out_dir} yet (run `bedigital run` first)")
            if state != self._pointer or self._snapshot is None:
                snapshot_id = (self.out_dir / CURRENT_FILE).read_text(encoding="utf-8").strip()
                # The old Snapshot is not closed here: requests still using it finish on it,
                # and DuckDB closes it when the last reference goes.
                self._snapshot = open_snapshot(self.out_dir / SNAPSHOTS_DIR / snapshot_id)
                self._pointer = state
            return self._snapshot
