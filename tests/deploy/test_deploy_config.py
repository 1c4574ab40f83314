"""deploy/dagster.yaml names classes that exist: a path that moved between Dagster versions fails here, not in production."""
from __future__ import annotations

import importlib
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
# Installed in the deployment image only (deploy/README.md), not in the lock.
DEPLOYMENT_ONLY = ("dagster_k8s", "dagster_postgres", "dagster_celery", "dagster_celery_k8s")


def _classes(node: object) -> list[tuple[str, str]]:
    """Every (module, class) pair of a Dagster instance file."""
    if isinstance(node, dict):
        found = [(node["module"], node["class"])] if "module" in node and "class" in node else []
        return found + [pair for value in node.values() for pair in _classes(value)]
    if isinstance(node, list):
        return [pair for value in node for pair in _classes(value)]
    return []


def test_every_class_the_deployed_instance_names_exists_in_the_installed_dagster() -> None:
    pairs = _classes(yaml.safe_load((DEPLOY / "dagster.yaml").read_text(encoding="utf-8")))
    assert ("dagster_k8s", "K8sRunLauncher") in pairs and len(pairs) >= 3
    for module, name in pairs:
        if module.split(".")[0] in DEPLOYMENT_ONLY:
            assert module.split(".")[0].replace("_", "-") in (DEPLOY / "README.md").read_text(encoding="utf-8")
            continue
        assert hasattr(importlib.import_module(module), name), f"{module}.{name}"
