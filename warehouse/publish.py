"""Publication: the agenda's files and the API's snapshot, written atomically under the output folder.

The agenda is validated first, a chunk of items at a time; then the snapshot (its database and a
copy of every file, each file written as soon as it is rendered, the largest ones a chunk of items at
a time, so that no whole file is held in memory) is written whole under `snapshots/`; then the files
are hard-linked from that copy (copied where links are not possible) under temporary names, renamed
into place, and `current` is switched to the new snapshot. A run that fails before the renames leaves
the previous publication whole.
"""
from __future__ import annotations

import functools
import itertools
import json
import os
import re
import secrets
import shutil
import tempfile
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import jsonschema
import orjson

from warehouse.exports import (
    IcsRenderer, agenda_head, agenda_ics_pieces, agenda_parquet, iter_agenda_atom, iter_agenda_csv, iter_agenda_json,
    iter_agenda_jsonld, iter_calendar_files, iter_feed_files, json_bytes,
)
from warehouse.snapshot import (
    EXPORTS_DIR, Body, partner_names, prune_snapshots, read_taxonomy, stage_snapshot, switch_current, theme_slugs,
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


VALIDATION_CHUNK = 5_000  # documents checked against the schema at a time (the validator copies what it checks)
_ITEM_INDEX = re.compile(r"^items/(\d+)")


def agenda_problems_in_chunks(documents: Sequence[dict[str, Any]], *, generated_at: datetime,
                              chunk: int = VALIDATION_CHUNK) -> list[str]:
    """agenda_problems of the whole agenda, checked VALIDATION_CHUNK items at a time: an item's problem
    names its position in the whole agenda, the envelope's are reported once."""
    head = agenda_head(documents, generated_at=generated_at)
    problems: list[str] = []
    for start in range(0, max(len(documents), 1), chunk):
        for problem in agenda_problems({**head, "items": documents[start:start + chunk]}):
            if _ITEM_INDEX.match(problem):
                problems.append(_ITEM_INDEX.sub(lambda m: f"items/{start + int(m.group(1))}", problem, count=1))
            elif start == 0:
                problems.append(problem)
    return problems


def render_exports(documents: list[dict[str, Any]], *, generated_at: datetime,
                   partners: list[dict[str, Any]] | None = None,
                   taxonomy: list[dict[str, Any]] | None = None) -> dict[str, bytes]:
    """Every file of a publication, by file name (a relative path for those in sub-folders)."""
    return {name: body if isinstance(body, bytes) else b"".join(body)
            for name, body in iter_exports(documents, generated_at=generated_at, partners=partners, taxonomy=taxonomy)}


def iter_exports(documents: list[dict[str, Any]], *, generated_at: datetime,
                 partners: list[dict[str, Any]] | None = None,
                 taxonomy: list[dict[str, Any]] | None = None) -> Iterator[tuple[str, Body]]:
    """render_exports' (name, body) pairs one at a time, agenda.json first: an agenda that breaks its
    schema raises PublicationError before any file is rendered. The largest files (agenda.json,
    agenda.jsonld) come as pieces encoded while they are written, never whole."""
    problems = agenda_problems_in_chunks(documents, generated_at=generated_at)
    if problems:
        shown = "\n".join(problems[:20])
        raise PublicationError(f"the agenda breaks its schema in {len(problems)} place(s):\n{shown}")
    yield "agenda.json", iter_agenda_json(documents, generated_at=generated_at)
    yield SCHEMA_FILE, json.dumps(agenda_schema(), indent=2, ensure_ascii=False).encode("utf-8")
    yield "feed.atom", iter_agenda_atom(documents, generated_at=generated_at)
    yield "agenda.jsonld", iter_agenda_jsonld(documents, generated_at=generated_at)
    yield "agenda.csv", iter_agenda_csv(documents)
    yield "agenda.parquet", agenda_parquet(documents)
    yield from _calendars(documents, generated_at=generated_at, taxonomy=taxonomy, partners=partners)
    yield from iter_feed_files(documents, generated_at=generated_at)


def _calendars(documents: list[dict[str, Any]], *, generated_at: datetime, taxonomy: list[dict[str, Any]] | None,
               partners: list[dict[str, Any]] | None) -> Iterator[tuple[str, Body]]:
    """agenda.ics and every other calendar, from one renderer (each event written once for all the calendars
    it is in) that lives only while they are rendered: its events are a tenth of a publication's memory."""
    renderer = IcsRenderer(generated_at)
    yield "agenda.ics", agenda_ics_pieces(documents, generated_at=generated_at, renderer=renderer)
    yield from iter_calendar_files(documents, generated_at=generated_at, themes=theme_slugs(taxonomy or []),
                                   partners=partner_names(partners or []), renderer=renderer)


Link = Callable[[Path, Path], None]


def _hard_link(source: Path, folder: Path, name: str, link: Link) -> Path | None:
    """A new hard link to `source` under a temporary name in `folder`; None where that is impossible."""
    tmp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
    try:
        link(source, tmp)
    except OSError:  # no such file, another file system, or one without hard links
        return None
    return tmp


def _synced_temp(folder: Path, name: str, write: Callable[[Any], None]) -> Path:
    """A temporary file in `folder` filled by `write(handle)` and synced to disk."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _replace_all(out_dir: Path | str, names: Iterable[str], stage: Callable[[str, Path], Path]) -> dict[str, Path]:
    """Stage each file under a temporary name (`stage(name, folder)`), then rename them all into place."""
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name in names:
            folder = (target / name).parent
            folder.mkdir(parents=True, exist_ok=True)
            staged.append((name, stage(name, folder)))
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    written = {}
    for name, tmp in staged:
        os.replace(tmp, target / name)
        written[name] = target / name
    return written


def link_atomically(names: list[str], source: Path, out_dir: Path | str, *, link: Link = os.link) -> dict[str, Path]:
    """Put the files `names`, already written and synced under `source`, in place under `out_dir`: each is
    hard-linked by `link` (copied where it fails, never read into memory) under a temporary name, then they
    are all renamed into place. A failure before the renames leaves `out_dir` as it was."""
    def stage(name: str, folder: Path) -> Path:
        def copy(handle: Any) -> None:
            with open(source / name, "rb") as original:
                shutil.copyfileobj(original, handle)

        return _hard_link(source / name, folder, Path(name).name, link) or _synced_temp(folder, Path(name).name, copy)

    return _replace_all(out_dir, names, stage)


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

    def rendered() -> Iterator[tuple[str, Body]]:
        for name, body in itertools.chain([first], files):
            names.append(name)
            yield name, body

    snapshot = stage_snapshot(out_dir, documents, rendered(), generated_at=generated_at, partners=partners,
                              taxonomy=taxonomy)
    copies = snapshot / EXPORTS_DIR
    written = link_atomically(names, copies, out_dir)
    switch_current(out_dir, snapshot.name)
    prune_snapshots(out_dir, keep=keep_snapshots)
    return written
