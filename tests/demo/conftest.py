"""A demo server per test module, on a free port, with dates computed from a fixed day."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from connectors.registry import Registry, load_registry
from demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 15)
FAILING = {("code-canal", "news")}  # the deliberate HTTP 500


@pytest.fixture(scope="module")
def server():
    with DemoServer(today=TODAY) as running:
        yield running


@pytest.fixture(scope="module")
def registry(server: DemoServer) -> Registry:
    mp = pytest.MonkeyPatch()
    mp.setenv("BEDIGITAL_DEMO_PORT", str(server.port))
    try:
        loaded = load_registry(ROOT / "partners")
    finally:
        mp.undo()
    assert not loaded.errors, loaded.errors
    return loaded


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def jsonld_blocks(body: bytes) -> list[dict]:
    return [json.loads(m.group(1)) for m in re.finditer(rb'<script type="application/ld\+json">(.*?)</script>', body, re.S)]


def jsonld_events(body: bytes) -> list[dict]:
    events = []
    for block in jsonld_blocks(body):
        if "@graph" in block:
            events += [node for node in block["@graph"] if node.get("@type") != "Organization"]
        elif block.get("@type") == "ItemList":
            events += [element["item"] for element in block["itemListElement"]]
        else:
            events.append(block)
    return events
