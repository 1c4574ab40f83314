"""Publication: the agenda's files and the API's snapshot, written atomically under the output folder.

agenda.json is rendered and validated first; then the snapshot (its database and a copy of every
file, each file written as soon as it is rendered, so that one file at a time is held in memory)
is written whole under `snapshots/`; then the files are hard-linked from that copy (written again
where links are not possible) under temporary names, renamed into place, and `current` is switched
to the new snapshot. A run that fails before the renames leaves the previous publication whole.
"""
from __future__ import annotations

import functools
import itertools
import json
import os
import secrets
import tempfile
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Mapping

import jsonschema
import orjson

from warehouse.exports import (
    AtomEntries, IcsRenderer, agenda_atom, agenda_body, agenda_csv, agenda_ics, agenda_jsonld, agenda_parquet,
    flat_rows, iter_calendar_files, iter_feed_files, json_bytes,
)
from warehouse.snapshot import (
    EXPORTS_DIR, partner_names, prune_snapshots, read_taxonomy, stage_snapshot, switch_current, theme_slugs,
)

SCHEMA_FILE = "agenda.schema.json"


class PublicationError(Exception):
    """The agenda could not be published; the previous publication is untouched."""


@functools.cache
def _schema_text() -> str:
    return resources.files("warehouse.contract").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def agenda_schema() -> dict[str, Any]:
    """The agenda's JSON Schema (a fresh copy: callers may change it)."""
    return json.loads(_schema_text())


@functools.cache
def _fast_validator() -> Any:
    """jsonschema-rs (compiled, in the lock through jsonschema) checking formats too: at least as strict."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - the pure-Python validator alone is correct, only slower
        return None
    return jsonschema_rs.Draft202012Validator(agenda_schema(), validate_formats=True)


def validate_agenda(body: bytes) -> list[str]:
    """Every way the agenda JSON breaks its schema, as readable lines (empty when valid)."""
    document = orjson.loads(body)
    fast = _fast_validator()
    # A valid agenda is the usual case: checked in compiled code. Only a failing one is checked again
    # by jsonschema, whose verdict and messages are the contract's.
    if fast is not None and fast.is_valid(document):
        return []
    return _schema_errors(document)


def _valid_as_encoded(body: dict[str, Any]) -> bool:
    """Whether the agenda about to be encoded is valid, checked on the objects themselves.

    The encoded file decodes to the same JSON values (tuples become arrays, which jsonschema-rs
    takes as arrays too), so this is `validate_agenda`'s verdict without decoding the file again. A
    value jsonschema-rs cannot take (not plain JSON) or a failing check answers False: the file is
    then checked the usual way. The one value orjson writes differently, a non-finite float (null),
    can only be a price amount, which the schema allows as a number or null alike.
    """
    fast = _fast_validator()
    if fast is None:
        return False
    try:
        return bool(fast.is_valid(body))
    except (ValueError, TypeError):
        return False


def agenda_problems(body: dict[str, Any]) -> list[str]:
    """validate_agenda's lines for the agenda body before it is encoded (agenda_body): checked on the
    objects themselves, encoded and decoded again only when it fails, for the contract's messages."""
    return [] if _valid_as_encoded(body) else validate_agenda(json_bytes(body))


def _schema_errors(document: Any) -> list[str]:
    """The contract's own messages for an agenda that breaks the schema (pure-Python jsonschema)."""
    validator = jsonschema.Draft202012Validator(agenda_schema(), format_checker=jsonschema.FormatChecker())
    errors = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in error.absolute_path)
        item_id = ""
        if len(error.absolute_path) >= 2 and error.absolute_path[0] == "items":
            item_id = f" (item {document['items'][error.absolute_path[1]].get('id')})"
        errors.append(f"{path or '(root)'}{item_id}: {error.message}")
    return errors


def render_exports(documents: list[dict[str, Any]], *, generated_at: datetime,
                   partners: list[dict[str, Any]] | None = None,
                   taxonomy: list[dict[str, Any]] | None = None) -> dict[str, bytes]:
    """Every file of a publication, by file name (a relative path for those in sub-folders)."""
    return dict(iter_exports(documents, generated_at=generated_at, partners=partners, taxonomy=taxonomy))


def iter_exports(documents: list[dict[str, Any]], *, generated_at: datetime,
                 partners: list[dict[str, Any]] | None = None,
                 taxonomy: list[dict[str, Any]] | None = None) -> Iterator[tuple[str, bytes]]:
    """render_exports' (name, body) pairs one at a time, agenda.json first: an agenda that breaks its
    schema raises PublicationError before any file is rendered."""
    body = agenda_body(documents, generated_at=generated_at)
    agenda = json_bytes(body)
    problems = [] if _valid_as_encoded(body) else validate_agenda(agenda)
    if problems:
        shown = "\n".join(problems[:20])
        raise PublicationError(f"the agenda breaks its schema in {len(problems)} place(s):\n{shown}")
    del body
    yield "agenda.json", agenda
    del agenda
    renderer = IcsRenderer(generated_at)  # each event written once for all the calendars it is in
    entries: AtomEntries = {}  # and each feed entry once for all the feeds it is in
    yield SCHEMA_FILE, json.dumps(agenda_schema(), indent=2, ensure_ascii=False).encode("utf-8")
    yield "agenda.ics", agenda_ics(documents, generated_at=generated_at, renderer=renderer)
    yield "feed.atom", agenda_atom(documents, generated_at=generated_at, entries=entries)
    yield "agenda.jsonld", agenda_jsonld(documents, generated_at=generated_at)
    rows = flat_rows(documents)  # the CSV's and the Parquet file's
    yield "agenda.csv", agenda_csv(documents, rows=rows)
    yield "agenda.parquet", agenda_parquet(documents, rows=rows)
    del rows
    yield from iter_calendar_files(documents, generated_at=generated_at, themes=theme_slugs(taxonomy or []),
                                   partners=partner_names(partners or []), renderer=renderer)
    yield from iter_feed_files(documents, generated_at=generated_at, entries=entries)


class _StagedFiles(Mapping[str, bytes]):
    """The files of a staged snapshot by name, read from disk when asked for (one at a time)."""

    def __init__(self, folder: Path, names: list[str]) -> None:
        self._folder, self._names, self._known = folder, names, set(names)

    def __getitem__(self, name: str) -> bytes:
        if name not in self._known:
            raise KeyError(name)
        return (self._folder / name).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _linked_copy(source: Path, body: bytes, folder: Path, name: str) -> Path | None:
    """A new hard link to `source` (already holding `body`, synced) under a temporary name; None if impossible."""
    try:
        if source.stat().st_size != len(body):
            return None
        tmp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        os.link(source, tmp)
    except OSError:  # no such file, or a file system without hard links: the file is written instead
        return None
    return tmp


def write_atomically(files: dict[str, bytes], out_dir: Path | str, *,
                     linked_from: Path | None = None) -> dict[str, Path]:
    """Write every file to a temporary name first, then rename them all into place.

    `linked_from` is a folder already holding these same files, written and synced (the snapshot's
    exports): each is hard-linked from there instead of being written and synced a second time.
    """
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, body in files.items():
            folder = (target / name).parent
            folder.mkdir(parents=True, exist_ok=True)
            linked = _linked_copy(linked_from / name, body, folder, Path(name).name) if linked_from else None
            if linked is not None:
                staged.append((name, linked))
                continue
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{Path(name).name}.", suffix=".tmp")
            staged.append((name, Path(tmp)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    written = {}
    for name, tmp in staged:
        os.replace(tmp, target / name)
        written[name] = target / name
    return written


def publish(documents: list[dict[str, Any]], out_dir: Path | str, *, generated_at: datetime,
            partners: list[dict[str, Any]] | None = None, taxonomy: list[dict[str, Any]] | None = None,
            keep_snapshots: int = 3) -> dict[str, Path]:
    """Render, validate and write every file and the API snapshot; returns the files written under `out_dir`.

    `taxonomy` defaults to `transforms/taxonomy.yaml` (none when it does not exist yet).
    """
    taxonomy = read_taxonomy() if taxonomy is None else taxonomy
    partners = partners or []
    files = iter_exports(documents, generated_at=generated_at, partners=partners, taxonomy=taxonomy)
    first = next(files)  # agenda.json, validated: an invalid agenda stops here, before anything is staged
    names: list[str] = []

    def rendered() -> Iterator[tuple[str, bytes]]:
        for name, body in itertools.chain([first], files):
            names.append(name)
            yield name, body

    snapshot = stage_snapshot(out_dir, documents, rendered(), generated_at=generated_at, partners=partners,
                              taxonomy=taxonomy)
    del first
    copies = snapshot / EXPORTS_DIR
    written = write_atomically(_StagedFiles(copies, names), out_dir, linked_from=copies)
    switch_current(out_dir, snapshot.name)
    prune_snapshots(out_dir, keep=keep_snapshots)
    return written
