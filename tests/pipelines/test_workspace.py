"""`dagster dev -w workspace.yaml` loads one code location with one asset per demo source."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from connectors.registry import load_registry
from pipelines.build import build_definitions
from pipelines.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_workspace_loads_with_dagster_cli(tmp_path: Path) -> None:
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "BEDIGITAL_WAREHOUSE": str(tmp_path / "w.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "bedigital" in done.stdout + done.stderr


def test_there_is_one_asset_per_demo_source_grouped_by_partner(tmp_path: Path) -> None:
    registry = load_registry(ROOT / "partners")
    defs = build_definitions(Settings(ROOT / "partners", tmp_path / "w.duckdb", tmp_path / "out"))
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    expected = {f"source/{p.id}/{s.id}" for p, s in registry.sources()}
    assert len(expected) >= 12
    assert keys == expected | {"items", "agenda", "publication"}
    graph = defs.resolve_asset_graph()
    some_partner, some_source = registry.sources()[0]
    node = graph.get(dg.AssetKey(["source", some_partner.id, some_source.id]))
    assert node.group_name == "partner_" + some_partner.id.replace("-", "_")
