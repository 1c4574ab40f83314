"""Recorded fixtures of demo partners (partners/fixtures/), from the demo server on a fixed day.

    python -m demo.fixtures [--refresh-expected] [PARTNER ...]

Records each partner's sources with `bedigital partners record` logic while the demo server
computes its dates from DAY, and stores NOW with them, so the contract tests replay the same
items on any day.
"""
from __future__ import annotations

import argparse
import os
from datetime import date, datetime, timezone
from pathlib import Path

from bedigital.partner_kit.actions import check_partner, record_partner
from demo.server import DemoServer

DAY = date(2026, 1, 15)
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
# The paged demo partners, one rss and one ical partner: every kind the contract tests cover.
RECORDED = ("techhub-etterbeek", "eu-calls", "fondation-numerique", "buurtlab-digitaal", "innoviris", "paradigm")


def record_demo_fixtures(registry_dir: Path, partners: tuple[str, ...] = RECORDED, *, refresh_expected: bool = True) -> int:
    failures = 0
    with DemoServer(today=DAY) as server:
        previous = os.environ.get("BEDIGITAL_DEMO_PORT")
        os.environ["BEDIGITAL_DEMO_PORT"] = str(server.port)
        try:
            for partner_id in partners:
                failures += record_partner(registry_dir, partner_id, now=NOW)
        finally:
            if previous is None:
                os.environ.pop("BEDIGITAL_DEMO_PORT", None)
            else:
                os.environ["BEDIGITAL_DEMO_PORT"] = previous
    if refresh_expected:
        for partner_id in partners:
            failures += check_partner(registry_dir, partner_id, fixtures=True, refresh_expected=True, out=open(os.devnull, "w"))
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.fixtures", description="Record the demo partners' fixtures.")
    parser.add_argument("partners", nargs="*", default=list(RECORDED))
    parser.add_argument("--dir", type=Path, default=Path("partners"))
    parser.add_argument("--keep-expected", action="store_true", help="do not rewrite expected.jsonl")
    args = parser.parse_args(argv)
    return record_demo_fixtures(args.dir, tuple(args.partners), refresh_expected=not args.keep_expected)


if __name__ == "__main__":
    raise SystemExit(main())
