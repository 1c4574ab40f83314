"""Helpers for the parser tests: read a fixture and parse it as a partner source would be."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.parsers import ParseResult, parse_payload

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

Parse = Callable[..., ParseResult]


def fixture_bytes(kind: str, name: str) -> bytes:
    return (FIXTURES / kind / name).read_bytes()


def run(kind: str, body: bytes, **overrides: object) -> ParseResult:
    options: dict[str, object] = {
        "partner_id": "hub", "source_id": "agenda", "base_url": "https://hub.example.be/agenda/",
        "content_type": None, "default_timezone": "Europe/Brussels", "now": NOW,
    }
    options.update(overrides)
    return parse_payload(kind, body, **options)  # type: ignore[arg-type]


@pytest.fixture
def now() -> datetime:
    """The run time every parser test uses: 1 March 2026, noon UTC."""
    return NOW


@pytest.fixture(scope="session")
def parse_bytes() -> Parse:
    """parse_bytes(kind, body, **overrides) -> ParseResult."""
    return run


@pytest.fixture
def parse() -> Parse:
    """parse(kind, fixture_name, **overrides) -> ParseResult."""
    return lambda kind, name, **overrides: run(kind, fixture_bytes(kind, name), **overrides)
