"""The API's snapshot: written whole at publication, switched atomically, tombstones carried, old ones pruned."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

from warehouse.agenda import load_agenda, select_agenda, store_agenda
from warehouse.items import refresh_items
from warehouse.load import load_batches
from warehouse.publish import PublicationError, publish
from warehouse.snapshot import SnapshotError, current_database, current_id, read_taxonomy

from .conftest import NOW, make_batch, make_item


def agenda(con, keys: list[str]) -> list[dict]:
    load_batches(con, [make_batch([make_item(k) for k in keys])], run_id="r1", now=NOW)
    refresh_items(con, now=NOW)
    store_agenda(con, select_agenda(con, now=NOW))
    return load_agenda(con)


def snapshot_rows(out: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(current_database(out)), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_publication_writes_the_files_and_a_snapshot_it_points_at(con, tmp_path: Path) -> None:
    documents = agenda(con, ["a", "b"])
    written = publish(documents, tmp_path, generated_at=NOW, taxonomy=[])
    assert {"agenda.json", "agenda.schema.json", "agenda.ics", "feed.atom", "agenda.jsonld", "agenda.csv",
            "agenda.parquet", "agenda.fr.ics", "feeds/event.nl.atom"} <= set(written)
    assert json.loads((tmp_path / "agenda.json").read_text())["schema_version"] == "1.2.0"
    snapshot = tmp_path / "snapshots" / current_id(tmp_path)
    assert (snapshot / "exports" / "agenda.ics").read_bytes() == (tmp_path / "agenda.ics").read_bytes()
    assert sorted(r[0] for r in snapshot_rows(tmp_path, "SELECT item_id FROM items")) == sorted(d["id"] for d in documents)
    assert snapshot_rows(tmp_path, "SELECT count(*) FROM terms WHERE term = 'atelier'") == [(2,)]


def test_items_that_leave_the_agenda_become_tombstones(con, tmp_path: Path) -> None:
    documents = agenda(con, ["a", "b"])
    publish(documents, tmp_path, generated_at=NOW, taxonomy=[])
    later = NOW + timedelta(hours=1)
    publish(documents[:1], tmp_path, generated_at=later, taxonomy=[])
    assert snapshot_rows(tmp_path, "SELECT item_id, removed_at FROM tombstones") == [(documents[1]["id"], later)]
    publish(documents, tmp_path, generated_at=later + timedelta(hours=1), taxonomy=[])  # back again
    assert snapshot_rows(tmp_path, "SELECT count(*) FROM tombstones") == [(0,)]
    # It counts as changed when it came back, for delta synchronisation.
    changed = dict(snapshot_rows(tmp_path, "SELECT item_id, changed_at FROM items"))
    assert changed[documents[1]["id"]] == later + timedelta(hours=1) and changed[documents[0]["id"]] == NOW


def test_old_snapshots_are_pruned_and_a_refused_publication_keeps_the_current_one(con, tmp_path: Path) -> None:
    documents = agenda(con, ["a"])
    for hour in range(5):
        publish(documents, tmp_path, generated_at=NOW + timedelta(hours=hour), taxonomy=[], keep_snapshots=3)
    kept = sorted(p.name for p in (tmp_path / "snapshots").iterdir())
    assert len(kept) == 3 and kept[-1] == current_id(tmp_path)
    before = current_id(tmp_path)
    with pytest.raises(PublicationError):
        publish([dict(documents[0], url="javascript:alert(1)")], tmp_path, generated_at=NOW + timedelta(hours=9), taxonomy=[])
    assert current_id(tmp_path) == before and sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == kept


def test_the_taxonomy_is_read_with_labels_in_every_language(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_text("facets:\n  theme:\n    label: {fr: Thème, nl: Thema, en: Theme}\n"
                    "    categories:\n      ai: {fr: IA, en: AI}\n", encoding="utf-8")
    assert read_taxonomy(path) == [{"facet": "theme", "label": {"fr": "Thème", "nl": "Thema", "en": "Theme"},
                                    "categories": [{"slug": "ai", "label": {"fr": "IA", "nl": "AI", "en": "AI"}}]}]
    assert read_taxonomy(tmp_path / "missing.yaml") == []
    path.write_text("facets: [oops", encoding="utf-8")
    with pytest.raises(SnapshotError, match="invalid YAML at line 1"):
        read_taxonomy(path)


def _snapshot_contents(path: Path) -> tuple[dict[str, list[tuple]], dict[str, bytes]]:
    con = duckdb.connect(str(path / "db.duckdb"), read_only=True)
    try:
        tables = {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in ("items", "terms", "partners", "meta")}
    finally:
        con.close()
    return tables, {f.name: f.read_bytes() for f in sorted((path / "index").iterdir())}


def test_the_snapshot_is_the_same_whatever_the_number_of_items_written_at_a_time(con, tmp_path: Path, monkeypatch) -> None:
    import warehouse.snapshot as snapshot
    from warehouse.snapshot import PreviousSnapshot, write_database
    from warehouse.snapshot_index import build_index, read_frames

    documents = agenda(con, ["a", "b", "c", "d", "e"])

    def write(folder: Path) -> tuple[dict, dict]:
        folder.mkdir()
        write_database(folder / "db.duckdb", documents, snapshot_id="s", generated_at=NOW, partners=[], taxonomy=[],
                       previous=PreviousSnapshot({}, {}))
        return _snapshot_contents(folder)

    whole = write(tmp_path / "whole")
    terms = whole[0]["terms"]
    assert terms == sorted(terms, key=lambda row: (row[0], row[1]))  # stored by term, then item id
    monkeypatch.setattr(snapshot, "ITEMS_CHUNK", 2)  # five documents: three chunks
    monkeypatch.setattr(snapshot, "TERMS_CHUNK", 3)
    assert write(tmp_path / "chunked") == whole
    # The documents blob holds each document's JSON in agenda order, as the database ranks the items.
    offsets = np.load(tmp_path / "chunked" / "index" / "doc_off.npy").tolist()
    blob = whole[1]["documents.bin"]
    ranked = sorted(whole[0]["items"], key=lambda row: row[3])  # (item_id, kind, status, k_agenda, ...)
    assert [json.loads(blob[a:b])["id"] for a, b in zip(offsets, offsets[1:])] == [row[0] for row in ranked]
    assert sorted(json.loads(blob[a:b])["id"] for a, b in zip(offsets, offsets[1:])) == sorted(d["id"] for d in documents)
    reader = duckdb.connect(str(tmp_path / "chunked" / "db.duckdb"), read_only=True)
    try:
        _meta, arrays, blobs = build_index(*read_frames(reader), doc_off=np.array(offsets))
    finally:
        reader.close()
    # The search index built from the documents' terms as arrays is the one built from the database's rows.
    assert blobs["terms"] == whole[1]["terms.bin"]
    for name in ("terms_off", "post_off", "post_pos", "post_weight"):
        assert arrays[name].tolist() == np.load(tmp_path / "chunked" / "index" / f"{name}.npy").tolist(), name


def test_the_search_terms_are_each_documents_terms_by_agenda_position(con) -> None:
    from warehouse.snapshot import document_terms, term_postings

    documents = agenda(con, ["a", "b", "c"])
    postings = term_postings(documents)
    assert postings.vocabulary == sorted(set(postings.vocabulary))
    entries = sorted(zip((postings.vocabulary[c] for c in postings.codes.tolist()), postings.positions.tolist(),
                         postings.weights.tolist()))
    assert entries == sorted((term, position, weight) for position, document in enumerate(documents)
                             for term, weight in document_terms(document).items())
    assert entries
