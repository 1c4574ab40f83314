"""Helpers for the parser tests: read a fixture and parse it as a partner source would be."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.parsers import ParseResult, parse_payload
from transforms.model import Item, Rejection
from transforms.normalise import SourceContext, normalise_all

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

Parse = Callable[..., ParseResult]
Normalised = Callable[..., tuple[ParseResult, dict[str, Item], list[Rejection]]]


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


def normalised_fixture(kind: str, name: str, *, content: str = "mixed", language: str = "fr",
                       **overrides: object) -> tuple[ParseResult, dict[str, Item], list[Rejection]]:
    """The fixture parsed and normalised as ingestion does: (parse result, items by source key, every rejection)."""
    return normalised_body(kind, fixture_bytes(kind, name), content=content, language=language, **overrides)


def normalised_body(kind: str, body: bytes, *, content: str = "mixed", language: str = "fr",
                    **overrides: object) -> tuple[ParseResult, dict[str, Item], list[Rejection]]:
    """normalised_fixture of a payload given as bytes (a fixture changed by the test)."""
    result = run(kind, body, **overrides)
    context = SourceContext(partner_id="hub", source_id="agenda", content=content, language=language,
                            fallback_url="https://hub.example.be/")
    now = overrides.get("now", NOW)
    items, rejections = normalise_all(result.items, context, now=now, warnings=result.warnings)  # type: ignore[arg-type]
    return result, {item.source_key: item for item in items}, result.rejections + rejections


@pytest.fixture
def normalised() -> Normalised:
    """normalised(kind, fixture_name, content=..., language=..., **overrides) -> (result, items by key, rejections)."""
    return normalised_fixture


@pytest.fixture
def normalised_bytes() -> Normalised:
    """normalised_bytes(kind, body, content=..., language=..., **overrides) -> (result, items by key, rejections)."""
    return normalised_body
