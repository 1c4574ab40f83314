"""`bedigital partners …`: working with the partner registry."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from connectors.registry import load_registry

DEFAULT_PARTNERS = Path("partners")
DEFAULT_CONTRACT_TESTS = Path("tests/contracts")
NEW_KINDS = ("json_api", "html", "rss", "ical", "jsonld")


def cmd_partners_validate(args: argparse.Namespace) -> int:
    registry = load_registry(Path(args.dir))
    for error in registry.errors:
        print(error)
    sources = sum(len(p.sources) for p in registry.partners)
    if registry.errors:
        print(f"\n{len(registry.errors)} error(s); {len(registry.partners)} partner file(s) valid.", file=sys.stderr)
        return 1
    print(f"{len(registry.partners)} partners, {sources} sources: all valid.")
    return 0


def cmd_partners_check(args: argparse.Namespace) -> int:
    from bedigital.partner_kit.actions import check_partner

    return check_partner(Path(args.dir), args.partner, fixtures=args.fixtures, source_id=args.source,
                         refresh_expected=args.refresh_expected)


def cmd_partners_record(args: argparse.Namespace) -> int:
    from bedigital.partner_kit.actions import record_partner

    return record_partner(Path(args.dir), args.partner, source_id=args.source, now=args.now)


def cmd_partners_new(args: argparse.Namespace) -> int:
    from bedigital.partner_kit.actions import new_partner

    return new_partner(Path(args.dir), args.partner, args.kind, tests_dir=Path(args.tests), name=args.name)


def register(commands: argparse._SubParsersAction) -> None:
    partners = commands.add_parser("partners", help="work with the partner registry")
    partner_commands = partners.add_subparsers(dest="partners_command", required=True)
    validate = partner_commands.add_parser("validate", help="check every partner file; non-zero exit on any error")
    validate.add_argument("dir", nargs="?", default=str(DEFAULT_PARTNERS))
    validate.set_defaults(func=cmd_partners_validate)

    check = partner_commands.add_parser(
        "check", help="dry-run one partner: fetch (or replay fixtures), parse, normalise; writes nothing to the warehouse")
    check.add_argument("partner")
    where = check.add_mutually_exclusive_group()
    where.add_argument("--live", dest="fixtures", action="store_false", help="fetch the partner's sources now (default)")
    where.add_argument("--fixtures", dest="fixtures", action="store_true", help="replay the recorded fixtures instead")
    check.add_argument("--source", default=None, help="only this source of the partner")
    check.add_argument("--refresh-expected", action="store_true", help="with --fixtures: rewrite expected.jsonl")
    check.add_argument("--dir", default=str(DEFAULT_PARTNERS), help="the partner registry folder")
    check.set_defaults(func=cmd_partners_check, fixtures=False)

    record = partner_commands.add_parser("record", help="save a partner's live responses as fixtures (what the tests replay)")
    record.add_argument("partner")
    record.add_argument("--source", default=None, help="only this source of the partner")
    record.add_argument("--now", type=datetime.fromisoformat, default=None,
                        help="the instant stored with the fixture and replayed at (ISO 8601 with offset; default now)")
    record.add_argument("--dir", default=str(DEFAULT_PARTNERS), help="the partner registry folder")
    record.set_defaults(func=cmd_partners_record)

    new = partner_commands.add_parser("new", help="write a commented partner file, a sample fixture and a contract test")
    new.add_argument("partner", help="the partner id (a slug: lowercase letters, digits, hyphens)")
    new.add_argument("--kind", required=True, choices=NEW_KINDS)
    new.add_argument("--name", default=None, help="the partner's name (default: its id)")
    new.add_argument("--dir", default=str(DEFAULT_PARTNERS), help="the partner registry folder")
    new.add_argument("--tests", default=str(DEFAULT_CONTRACT_TESTS), help="where the contract test is written")
    new.set_defaults(func=cmd_partners_new)
