from __future__ import annotations

import dagster as dg
import pytest


@pytest.fixture
def instance():
    """A real (ephemeral) Dagster instance: runs, materialisations and checks are recorded in it."""
    with dg.instance_for_test() as test_instance:
        yield test_instance
