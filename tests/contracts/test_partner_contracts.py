"""Contract tests of every partner of the registry that has recorded fixtures (partners/fixtures/).

For each recorded source: the partner file is valid; the fixture parses and holds records; every
record is accepted or rejected with a reason; ids are non-empty, unique and stable; a rerun adds
nothing; the items equal expected.jsonl; configured pagination was followed page by page; record
fields left unmapped are named in warnings. BEDIGITAL_REFRESH_EXPECTED=1 rewrites the snapshots.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bedigital.partner_kit.contracts import CHECKS, check_snapshot, subject
from bedigital.partner_kit.fixtures import fixture_sources

REGISTRY = Path(__file__).resolve().parents[2] / "partners"
SOURCES = fixture_sources(REGISTRY)
REFRESH = os.environ.get("BEDIGITAL_REFRESH_EXPECTED") == "1"


def test_the_demo_registry_has_fixtures_for_every_kind() -> None:
    kinds = {subject(REGISTRY, partner, source).source.kind for partner, source in SOURCES}
    assert {"json_api", "html", "rss", "ical"} <= kinds


@pytest.mark.parametrize(("partner_id", "source_id"), SOURCES, ids=[f"{p}/{s}" for p, s in SOURCES])
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__.removeprefix("check_"))
def test_contract(partner_id: str, source_id: str, check) -> None:
    case = subject(REGISTRY, partner_id, source_id)
    if check is check_snapshot:
        check_snapshot(case, refresh=REFRESH)
    else:
        check(case)
