"""What `bedigital partners new | check | record` do, apart from parsing their arguments."""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from bedigital.partner_kit import contracts, scaffold
from bedigital.partner_kit.dry_run import Fetched, fetch_live, process
from bedigital.partner_kit.fixtures import (
    FixtureError, fixture_folder, read_fixture, remove_fixtures, write_fixture,
)
from bedigital.partner_kit.report import build_report, render
from connectors.http import HttpSettings
from connectors.registry import Partner, Source, load_partner_file


def _load(registry_dir: Path, partner_id: str, out: TextIO) -> Partner | None:
    path = Path(registry_dir) / f"{partner_id}.yaml"
    if not path.is_file():
        print(f"{path}: no such partner file (create one with `bedigital partners new {partner_id} --kind KIND`)", file=out)
        return None
    partner, errors = load_partner_file(path)
    for error in errors:
        print(error, file=out)
    return partner if not errors else None


def _sources(partner: Partner, source_id: str | None, out: TextIO) -> list[Source]:
    sources = [s for s in partner.sources if source_id in (None, s.id)]
    if not sources:
        print(f"{partner.id}: no source {source_id!r} (sources: {', '.join(s.id for s in partner.sources)})", file=out)
    return sources


def check_partner(registry_dir: Path, partner_id: str, *, fixtures: bool, source_id: str | None = None,
                  refresh_expected: bool = False, settings: HttpSettings | None = None, out: TextIO | None = None) -> int:
    """Dry-run a partner's sources; 0 when every source yields items completely, 1 otherwise, 2 for a bad file."""
    out = out or sys.stdout  # resolved per call: tests swap sys.stdout
    partner = _load(registry_dir, partner_id, out)
    if partner is None:
        return 2
    sources = _sources(partner, source_id, out)
    failures = 0 if sources else 1
    for source in sources:
        if fixtures:
            try:
                fixture = read_fixture(fixture_folder(registry_dir, partner.id, source.id))
            except FixtureError as exc:
                print(f"== {partner.id} › {source.id}: {exc}\n", file=out)
                failures += 1
                continue
            fetched = Fetched(list(fixture.pages), fixture.now)
        else:
            fetched = fetch_live(partner, source, settings or HttpSettings())
        batch = process(partner, source, fetched)
        report = build_report(partner.id, source, fetched, batch)
        print(render(report, fetched.now) + "\n", file=out)
        failures += not report.ok
        if fixtures and refresh_expected and report.ok:
            subject = contracts.Subject(Path(registry_dir), partner, source, fixture, batch)
            contracts.check_snapshot(subject, refresh=True)
            print(f"wrote {fixture.folder / 'expected.jsonl'} ({len(batch.items)} items): review it in the diff\n", file=out)
    return 1 if failures else 0


def record_partner(registry_dir: Path, partner_id: str, *, source_id: str | None = None, now: datetime | None = None,
                   settings: HttpSettings | None = None, out: TextIO | None = None) -> int:
    """Save the live responses of a partner's sources as fixtures; 1 when a source cannot be read completely."""
    out = out or sys.stdout  # resolved per call: tests swap sys.stdout
    partner = _load(registry_dir, partner_id, out)
    if partner is None:
        return 2
    failures = recorded = 0
    for source in _sources(partner, source_id, out):
        fetched = fetch_live(partner, source, settings or HttpSettings(), now=now or datetime.now(timezone.utc))
        if fetched.outcome == "error":
            print(f"{partner.id} › {source.id}: not recorded: {fetched.error}", file=out)
            failures += 1
            continue
        folder = write_fixture(fixture_folder(registry_dir, partner.id, source.id), partner_id=partner.id,
                               source_id=source.id, kind=source.kind, now=fetched.now, pages=fetched.pages)
        print(f"{partner.id} › {source.id}: {len(fetched.pages)} page(s) recorded in {folder}", file=out)
        recorded += 1
        for warning in fetched.warnings:
            print(f"  warning: {warning}", file=out)
    if recorded:  # the snapshot the contract test compares with is still the previous fixture's
        print(f"next: `bedigital partners check {partner.id} --fixtures --refresh-expected`, then review "
              "expected.jsonl in the diff", file=out)
    return 1 if failures else 0


def new_partner(registry_dir: Path, partner_id: str, kind: str, *, tests_dir: Path, name: str | None = None,
                out: TextIO | None = None) -> int:
    """Write a partner file, a sample fixture with its snapshot and a contract test; never overwrite a partner."""
    out = out or sys.stdout  # resolved per call: tests swap sys.stdout
    path = Path(registry_dir) / f"{partner_id}.yaml"
    if path.exists():
        print(f"{path} already exists: nothing written", file=out)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold.partner_file(partner_id, kind, name or partner_id), encoding="utf-8")
    partner, errors = load_partner_file(path)
    if partner is None:  # an invalid id (not a slug) or a template bug: leave nothing half-written
        path.unlink()
        for error in errors:
            print(error, file=out)
        return 2
    now = scaffold.sample_now()
    source_id, pages = scaffold.sample_pages(partner_id, kind, now)
    remove_fixtures(registry_dir, partner_id)
    folder = write_fixture(fixture_folder(registry_dir, partner_id, source_id), partner_id=partner_id,
                           source_id=source_id, kind=kind, now=now, pages=pages)
    check = contracts.subject(Path(registry_dir), partner_id, source_id)
    contracts.check_snapshot(check, refresh=True)
    test = scaffold.test_path(tests_dir, partner_id)
    test.parent.mkdir(parents=True, exist_ok=True)
    test.write_text(scaffold.contract_test(partner_id, registry_dir, tests_dir), encoding="utf-8")
    print(f"wrote {path}\nwrote {folder}/ (a sample: replace it with `bedigital partners record {partner_id}`)\nwrote {test}", file=out)
    print(f"next: edit {path}, then `bedigital partners check {partner_id} --live`", file=out)
    return 0
