"""Contract checks of a partner source against its recorded fixtures.

Each check raises ContractBroken with a sentence naming the partner, the source and what broke.
tests/contracts runs them for every partner of the registry that has fixtures; the generated
per-partner test files call them too.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from bedigital.partner_kit.dry_run import Fetched, process
from bedigital.partner_kit.fixtures import EXPECTED, Fixture, fixture_folder, read_fixture
from bedigital.partner_kit.report import expected_lines
from connectors.pages import pager_for
from connectors.registry import Partner, Registry, Source, load_partner_file
from warehouse.records import SourceBatch


class ContractBroken(AssertionError):
    pass


@dataclass
class Subject:
    """One source of one partner with its fixture, replayed once."""

    registry_dir: Path
    partner: Partner
    source: Source
    fixture: Fixture
    batch: SourceBatch

    @property
    def name(self) -> str:
        return f"{self.partner.id} › {self.source.id}"


def load_partner(registry_dir: Path, partner_id: str) -> Partner:
    path = Path(registry_dir) / f"{partner_id}.yaml"
    partner, errors = load_partner_file(path)
    if errors or partner is None:
        raise ContractBroken("\n".join(str(error) for error in errors) or f"{path}: cannot be loaded")
    return partner


def replay(partner: Partner, source: Source, fixture: Fixture) -> SourceBatch:
    return process(partner, source, Fetched(list(fixture.pages), fixture.now))


def subject(registry_dir: Path, partner_id: str, source_id: str) -> Subject:
    partner = load_partner(registry_dir, partner_id)
    source = next((s for s in partner.sources if s.id == source_id), None)
    if source is None:
        raise ContractBroken(f"{partner_id}: fixtures recorded for source {source_id!r}, which the partner file does not declare")
    fixture = read_fixture(fixture_folder(registry_dir, partner_id, source_id))
    return Subject(Path(registry_dir), partner, source, fixture, replay(partner, source, fixture))


def _fail(subject_: Subject, message: str) -> None:
    raise ContractBroken(f"{subject_.name}: {message}")


def check_parses(s: Subject) -> None:
    """The fixture parses without error and holds at least one record."""
    if s.batch.parse_error:
        _fail(s, f"the fixture does not parse: {s.batch.parse_error}")
    parse_rejected = sum(1 for r in s.batch.rejections if r.stage == "parse")
    if not s.batch.raw_items and not parse_rejected:
        _fail(s, f"no record in the {len(s.fixture.pages)} recorded page(s)")


def check_accounted(s: Subject) -> None:
    """Every record is accepted or rejected with a reason; none vanishes."""
    produced = {item.source_key for item in s.batch.items}
    rejected = {r.key for r in s.batch.rejections if r.stage == "normalise"}
    lost = [raw.key for raw in s.batch.raw_items if raw.key not in produced | rejected]
    if lost:
        _fail(s, f"{len(lost)} record(s) neither accepted nor rejected: {lost[:5]}")
    vague = [r for r in s.batch.rejections if not r.reason or not r.message]
    if vague:
        _fail(s, f"{len(vague)} rejection(s) without a reason or a message")


def check_ids(s: Subject) -> None:
    """Item ids are non-empty, unique, and the same when the fixture is replayed again."""
    ids = [item.id for item in s.batch.items]
    if any(not i for i in ids):
        _fail(s, "an item has an empty id")
    if len(set(ids)) != len(ids):
        _fail(s, f"{len(ids) - len(set(ids))} duplicate item id(s)")
    again = [item.id for item in replay(s.partner, s.source, s.fixture).items]
    if sorted(again) != sorted(ids):
        _fail(s, "item ids change from one replay to the next (a key built from something unstable?)")


def check_rerun_adds_nothing(s: Subject) -> None:
    """Loading the fixture twice into a real warehouse: the second load is all unchanged."""
    from warehouse.connection import connect
    from warehouse.load import load_batches, sync_registry

    with tempfile.TemporaryDirectory(prefix="bedigital-contract-") as folder:
        con = connect(Path(folder) / "warehouse.duckdb")
        try:
            sync_registry(con, Registry((s.partner,), (), {}))
            load_batches(con, [s.batch], run_id="contract-1", now=s.fixture.now)
            second = replay(s.partner, s.source, s.fixture)
            counts = load_batches(con, [second], run_id="contract-2", now=s.fixture.now)[(s.partner.id, s.source.id)]
        finally:
            con.close()
    if counts.new or counts.updated:
        _fail(s, f"a rerun on the same fixture added {counts.new} and updated {counts.updated} item(s)")


def check_snapshot(s: Subject, *, refresh: bool = False) -> None:
    """The normalised items equal expected.jsonl (refresh rewrites it, to be reviewed in the diff)."""
    path = s.fixture.folder / EXPECTED
    lines = expected_lines(s.batch.items)
    if refresh:
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return
    if not path.is_file():
        _fail(s, f"no {path}; write it with `bedigital partners check {s.partner.id} --fixtures --refresh-expected`")
    expected = path.read_text(encoding="utf-8").splitlines()
    if expected != lines:
        changed = len(set(expected) ^ set(lines))
        _fail(s, f"the normalised items differ from {path} ({len(expected)} expected, {len(lines)} now, {changed} line(s) "
                 f"differ); review and refresh with `bedigital partners check {s.partner.id} --fixtures --refresh-expected`")


def check_pagination_followed(s: Subject) -> None:
    """A paginated source's fixture holds several listing pages, each the one the previous page led to."""
    pagination = getattr(s.source, "pagination", None)
    if pagination is None:
        return
    listings = [page for page in s.fixture.pages if page.request.role == "listing"]
    if len(listings) < 2:
        _fail(s, "pagination is configured but the fixture holds a single listing page: record a source with "
                 "at least two pages, or check the pagination settings")
    pager = pager_for(s.source, now=s.fixture.now)
    for index, page in enumerate(listings):
        following = [r for r in pager.follow(page, index) if r.role == "listing"]
        if index + 1 < len(listings):
            if not following:
                _fail(s, f"listing page {index + 1} leads to no next page, but page {index + 2} was recorded")
            if following[0].relative() != listings[index + 1].request.relative():
                _fail(s, f"listing page {index + 1} leads to {following[0].relative()}, but the page recorded next is "
                         f"{listings[index + 1].request.relative()}")
        elif following and not following[0].probe:  # a full last page leads to a probe, which may answer 404
            _fail(s, f"the last recorded page leads to another page ({following[0].url}): the fixture is incomplete")
    detail = getattr(s.source, "detail", None)
    if detail is not None and not any(page.request.role == "detail" for page in s.fixture.pages):
        _fail(s, "detail pages are configured but none was recorded")


def check_unmapped_reported(s: Subject) -> None:
    """json_api: every record field neither mapped nor ignored is named in a warning."""
    if s.source.kind != "json_api":
        return
    from connectors.parsers.json_api import decode, field_paths, source_records, unmapped_fields

    used = {p.split(".")[0].split("[")[0] for spec in s.source.fields.values() for p in field_paths(spec)}
    seen: set[str] = set()
    for number, page in enumerate((p for p in s.fixture.pages if p.request.role == "listing"), start=1):
        document, _ = decode(page, number)
        for record in source_records(document, s.source) or []:
            if isinstance(record, dict):
                seen.update(record)
    silent = seen - used - set(s.source.ignore) - unmapped_fields(s.batch.warnings)
    if silent:
        _fail(s, f"record fields dropped without a warning: {sorted(silent)}")


CHECKS = (check_parses, check_accounted, check_ids, check_rerun_adds_nothing, check_snapshot,
          check_pagination_followed, check_unmapped_reported)
