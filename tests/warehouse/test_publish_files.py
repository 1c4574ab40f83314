"""How a publication lands its files: linked from the snapshot's copy, written where it cannot be, validated once."""
from __future__ import annotations

import errno
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from warehouse.documents import agenda_document
from warehouse.exports import agenda_json
from warehouse.publish import PublicationError, link_atomically, publish, render_exports, validate_agenda
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


def test_files_are_copied_where_they_cannot_be_linked(tmp_path: Path) -> None:
    source = tmp_path / "staged"
    (source / "c").mkdir(parents=True)
    (source / "a.txt").write_bytes(b"same")
    (source / "c" / "d.txt").write_bytes(b"deeper")

    def across_file_systems(src: Path, dst: Path) -> None:  # what os.link does from another file system
        raise OSError(errno.EXDEV, "Invalid cross-device link", str(src))

    written = link_atomically(["a.txt", "c/d.txt"], source, tmp_path / "out", link=across_file_systems)
    assert {name: path.read_bytes() for name, path in written.items()} == {"a.txt": b"same", "c/d.txt": b"deeper"}
    assert not os.path.samefile(written["a.txt"], source / "a.txt")  # a copy
    assert not [p for p in (tmp_path / "out").rglob(".*.tmp")]
    linked = link_atomically(["a.txt"], source, tmp_path / "linked")
    assert os.path.samefile(linked["a.txt"], source / "a.txt")  # where a link is possible, a link


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
