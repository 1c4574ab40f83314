"""Publication: the agenda's files written atomically under the output folder.

All files are rendered and validated first, then written to temporary files, then
renamed into place: a run that fails at any point leaves the previous publication whole.
"""
from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from warehouse.exports import agenda_atom, agenda_ics, agenda_json

SCHEMA_FILE = "agenda.schema.json"


class PublicationError(Exception):
    """The agenda could not be published; the previous publication is untouched."""


def agenda_schema() -> dict[str, Any]:
    return json.loads(resources.files("warehouse.contract").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def validate_agenda(body: bytes) -> list[str]:
    """Every way the agenda JSON breaks its schema, as readable lines (empty when valid)."""
    validator = jsonschema.Draft202012Validator(agenda_schema(), format_checker=jsonschema.FormatChecker())
    document = json.loads(body)
    errors = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in error.absolute_path)
        item_id = ""
        if len(error.absolute_path) >= 2 and error.absolute_path[0] == "items":
            item_id = f" (item {document['items'][error.absolute_path[1]].get('id')})"
        errors.append(f"{path or '(root)'}{item_id}: {error.message}")
    return errors


def render_exports(documents: list[dict[str, Any]], *, generated_at: datetime) -> dict[str, bytes]:
    """Every file of a publication, by file name."""
    agenda = agenda_json(documents, generated_at=generated_at)
    problems = validate_agenda(agenda)
    if problems:
        shown = "\n".join(problems[:20])
        raise PublicationError(f"the agenda breaks its schema in {len(problems)} place(s):\n{shown}")
    return {
        "agenda.json": agenda,
        SCHEMA_FILE: json.dumps(agenda_schema(), indent=2, ensure_ascii=False).encode("utf-8"),
        "agenda.ics": agenda_ics(documents, generated_at=generated_at),
        "feed.atom": agenda_atom(documents, generated_at=generated_at),
    }


def write_atomically(files: dict[str, bytes], out_dir: Path | str) -> dict[str, Path]:
    """Write every file to a temporary name first, then rename them all into place."""
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, body in files.items():
            fd, tmp = tempfile.mkstemp(dir=target, prefix=f".{name}.", suffix=".tmp")
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


def publish(documents: list[dict[str, Any]], out_dir: Path | str, *, generated_at: datetime) -> dict[str, Path]:
    return write_atomically(render_exports(documents, generated_at=generated_at), out_dir)
