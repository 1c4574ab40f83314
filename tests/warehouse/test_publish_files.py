"""How a publication lands its files: linked from the snapshot's copy, written where it cannot be, validated once."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from warehouse.documents import agenda_document
from warehouse.exports import agenda_json
from warehouse.publish import PublicationError, publish, render_exports, validate_agenda, write_atomically
from warehouse.snapshot import current_id

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def documents(title: str = "Atelier") -> list[dict]:
    return [agenda_document({"id": f"i{n}", "kind": "event", "title": {"fr": f"{title} {n}"},
                             "url": f"https://x.example/{n}", "start_utc": f"2026-03-1{n}T10:00:00+00:00"},
                            sources=[{"partner_id": "hub", "source_id": "a"}], first_seen=NOW, updated_at=NOW)
            for n in range(2)]


def test_published_files_are_links_to_the_snapshot_copy_which_later_publications_leave_alone(tmp_path: Path) -> None:
    written = publish(documents(), tmp_path, generated_at=NOW, taxonomy=[])
    first = tmp_path / "snapshots" / current_id(tmp_path) / "exports"
    for name, path in written.items():
        assert path.read_bytes() == (first / name).read_bytes()
        assert os.path.samefile(path, first / name), name
    before = {name: (first / name).read_bytes() for name in written}
    publish(documents("Conférence"), tmp_path, generated_at=NOW + timedelta(hours=1), taxonomy=[])
    assert b"Conf" in (tmp_path / "agenda.json").read_bytes()
    assert {name: (first / name).read_bytes() for name in written} == before  # renames, never writes in place
    assert not [p for p in tmp_path.rglob(".*.tmp")]


def test_files_are_written_where_there_is_nothing_to_link(tmp_path: Path) -> None:
    source = tmp_path / "copy"
    source.mkdir()
    (source / "a.txt").write_bytes(b"same")
    (source / "b.txt").write_bytes(b"other length")
    written = write_atomically({"a.txt": b"same", "b.txt": b"new", "c/d.txt": b"absent"}, tmp_path / "out",
                               linked_from=source)
    assert {name: path.read_bytes() for name, path in written.items()} == {
        "a.txt": b"same", "b.txt": b"new", "c/d.txt": b"absent"}
    assert os.path.samefile(written["a.txt"], source / "a.txt")
    assert not os.path.samefile(written["b.txt"], source / "b.txt")
    assert (source / "b.txt").read_bytes() == b"other length"


def test_an_invalid_agenda_is_refused_with_the_contract_messages(tmp_path: Path) -> None:
    broken = [dict(documents()[0], url="javascript:alert(1)")]
    expected = validate_agenda(agenda_json(broken, generated_at=NOW))
    assert expected and "(item i0)" in expected[0]
    with pytest.raises(PublicationError) as refused:
        render_exports(broken, generated_at=NOW)
    assert expected[0] in str(refused.value)


def test_a_publication_writes_exactly_the_files_render_exports_renders(tmp_path: Path) -> None:
    written = publish(documents(), tmp_path, generated_at=NOW, taxonomy=[])
    expected = render_exports(documents(), generated_at=NOW, taxonomy=[])
    assert list(written) == list(expected)  # agenda.json first, in rendering order
    assert {name: path.read_bytes() for name, path in written.items()} == expected


def test_an_invalid_agenda_stages_nothing(tmp_path: Path) -> None:
    with pytest.raises(PublicationError):
        publish([dict(documents()[0], url="javascript:alert(1)")], tmp_path, generated_at=NOW, taxonomy=[])
    assert not list((tmp_path / "snapshots").glob("*"))  # not even a staging folder
    assert not (tmp_path / "agenda.json").exists()
