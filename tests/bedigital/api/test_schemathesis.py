"""Generated requests from the running API's own OpenAPI spec: whatever they are, no 500.

The operations are walked by hand rather than with `schemathesis.pytest.from_fixture`, whose
lazy loading does not work with pytest 9.
"""
from __future__ import annotations

from pathlib import Path

from warehouse.connection import connect

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from .conftest import serving

EXAMPLES_PER_OPERATION = 60


def test_no_generated_request_gets_a_server_error(published: Path, tmp_path: Path, monkeypatch) -> None:
    # The partner report pages read a warehouse and a registry: give them real (empty) ones.
    warehouse = tmp_path / "warehouse.duckdb"
    connect(warehouse).close()
    (tmp_path / "partners").mkdir()
    monkeypatch.setenv("BEDIGITAL_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("BEDIGITAL_PARTNERS", str(tmp_path / "partners"))
    with serving(published) as url:
        schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 9  # items, item, calendar, categories, partners, partner, exports, export, healthz
        failures = []
        for operation in operations:
            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def call(case: schemathesis.Case) -> None:
                case.call_and_validate(checks=[not_a_server_error])

            try:
                call()
            except Exception as exc:  # every operation is tried; the report lists all that failed
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
        assert not failures, "\n\n".join(failures)
