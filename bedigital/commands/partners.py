"""`bedigital partners …`: working with the partner registry."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from connectors.registry import load_registry

DEFAULT_PARTNERS = Path("partners")


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


def register(commands: argparse._SubParsersAction) -> None:
    partners = commands.add_parser("partners", help="work with the partner registry")
    partner_commands = partners.add_subparsers(dest="partners_command", required=True)
    validate = partner_commands.add_parser("validate", help="check every partner file; non-zero exit on any error")
    validate.add_argument("dir", nargs="?", default=str(DEFAULT_PARTNERS))
    validate.set_defaults(func=cmd_partners_validate)
