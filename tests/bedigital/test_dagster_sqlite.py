"""The Dagster instance's SQLite storage: no fsync per commit, and no new engine per event."""
from __future__ import annotations

import logging
import os
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy

from bedigital.dagster_sqlite import (
    EVENT_BATCH_SIZE, EVENT_BATCH_VARIABLE, OPEN_SHARDS, PooledSqliteEventLogStorage, batch_planned_events,
    relax_sqlite_sync, synchronous_mode,
)
from bedigital.runner import DAGSTER_YAML, dagster_instance


def test_sqlite_connections_opened_through_sqlalchemy_are_normal_not_full(tmp_path: Path) -> None:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'before.db'}")
    relax_sqlite_sync()
    relax_sqlite_sync()  # idempotent: one listener
    with engine.connect() as connection:
        assert synchronous_mode(connection.connection.dbapi_connection) == 1


def test_the_instance_the_runner_opens_stores_events_with_synchronous_normal(tmp_path: Path) -> None:
    instance = dagster_instance(tmp_path / "dagster")
    storage = instance.event_log_storage
    with storage.index_connection() as connection:
        assert synchronous_mode(connection.connection.dbapi_connection) == 1


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="numbers")])
def numbers():
    yield dg.MaterializeResult(metadata={"count": 3}, check_results=[dg.AssetCheckResult(passed=True)])


def test_the_runner_instance_keeps_one_engine_per_database_and_stores_runs_as_dagster_reads_them(tmp_path: Path) -> None:
    instance = dagster_instance(tmp_path / "dagster")
    storage = instance.event_log_storage
    assert isinstance(storage, PooledSqliteEventLogStorage)
    assert Path(storage._base_dir) == (tmp_path / "dagster" / "history" / "runs").resolve()  # Dagster's own layout
    result = dg.materialize([numbers], instance=instance)
    assert result.success
    index_engine = storage._engines["index"]
    for _ in range(2):
        with storage.index_connection():
            pass
    assert storage._engines["index"] is index_engine  # reused, not created per event
    record = instance.get_latest_materialization_event(dg.AssetKey("numbers"))
    assert record.asset_materialization.metadata["count"].value == 3
    assert storage.get_latest_asset_check_execution_by_key([dg.AssetCheckKey(dg.AssetKey("numbers"), "positive")])
    assert [e.dagster_event_type for e in instance.all_logs(result.run_id)][-1] == dg.DagsterEventType.RUN_SUCCESS


def test_only_a_few_run_databases_stay_open_and_a_wipe_closes_them_all(tmp_path: Path) -> None:
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    for n in range(OPEN_SHARDS + 3):
        with storage.run_connection(f"run{n}") as connection:
            connection.execute(sqlalchemy.text("SELECT 1"))
    with storage.index_connection():
        pass
    open_runs = [shard for shard in storage._engines if shard != "index"]
    assert open_runs == [f"run{n}" for n in range(3, OPEN_SHARDS + 3)]  # the most recently used
    storage.wipe()
    assert not list(tmp_path.glob("run*.db"))
    assert storage.get_all_run_ids() == []
    storage.dispose()
    assert not storage._engines


def test_a_dagster_yaml_we_wrote_earlier_is_brought_up_to_date_but_a_hand_written_one_is_kept(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for home, text in ((ours, DAGSTER_YAML.splitlines()[0] + "\ntelemetry:\n  enabled: false\n"),
                       (theirs, "telemetry:\n  enabled: false\n")):
        home.mkdir()
        (home / "dagster.yaml").write_text(text, encoding="utf-8")
        dagster_instance(home)
    assert (ours / "dagster.yaml").read_text(encoding="utf-8") == DAGSTER_YAML
    assert (theirs / "dagster.yaml").read_text(encoding="utf-8") == "telemetry:\n  enabled: false\n"


def test_what_the_pipeline_modules_log_is_in_the_run_s_event_log_and_no_step_output_is_tailed(tmp_path: Path) -> None:
    instance = dagster_instance(tmp_path / "home")

    @dg.asset
    def counted() -> int:
        logging.getLogger("warehouse.items").warning("hub/agenda returned 3 items, down from 40")
        logging.getLogger("some_library").warning("not ours")
        return 1

    result = dg.materialize([counted], instance=instance)
    messages = [entry.user_message for entry in instance.all_logs(result.run_id) if not entry.is_dagster_event]
    assert messages == ["hub/agenda returned 3 items, down from 40"]
    assert type(instance.compute_log_manager).__name__ == "NoOpComputeLogManager"  # no tail processes per step


PLANNED = {dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED}


def _planned(instance: dg.DagsterInstance, run_id: str) -> list:
    return [e for e in instance.all_logs(run_id) if e.dagster_event_type in PLANNED]


def test_the_runner_lets_dagster_batch_planned_events_unless_the_environment_says_otherwise(monkeypatch) -> None:
    monkeypatch.delenv(EVENT_BATCH_VARIABLE, raising=False)
    batch_planned_events()
    assert int(os.environ[EVENT_BATCH_VARIABLE]) == EVENT_BATCH_SIZE
    monkeypatch.setenv(EVENT_BATCH_VARIABLE, "0")
    batch_planned_events()
    assert os.environ[EVENT_BATCH_VARIABLE] == "0"


def test_a_run_stores_its_planned_events_as_one_batch_readable_like_single_events(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(EVENT_BATCH_VARIABLE, "100")
    instance = dagster_instance(tmp_path / "dagster")
    storage = instance.event_log_storage
    batches: list[list] = []
    store_event_batch = storage.store_event_batch

    def recording(events):  # Dagster's call, recorded and passed on unchanged
        batches.append([e.dagster_event_type for e in events])
        store_event_batch(events)

    monkeypatch.setattr(storage, "store_event_batch", recording)
    result = dg.materialize([numbers], instance=instance)
    assert result.success
    assert batches == [[dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED]]
    assert {e.dagster_event_type for e in _planned(instance, result.run_id)} == PLANNED
    check = dg.AssetCheckKey(dg.AssetKey("numbers"), "positive")
    execution = storage.get_latest_asset_check_execution_by_key([check])[check]
    assert execution.run_id == result.run_id and execution.status.value == "SUCCEEDED"


def test_a_batch_that_fails_part_way_stores_none_of_its_events(tmp_path: Path) -> None:
    instance = dagster_instance(tmp_path / "dagster")
    result = dg.materialize([numbers], instance=instance)
    planned = _planned(instance, result.run_id)
    fresh = PooledSqliteEventLogStorage(str(tmp_path / "fresh"))
    with pytest.raises(Exception):
        fresh.store_event_batch([*planned, "not an event"])
    assert fresh.get_logs_for_run(result.run_id) == []
    with fresh.index_connection() as connection:  # the index database is not left locked either
        assert connection.execute(sqlalchemy.text("SELECT count(*) FROM asset_check_executions")).scalar() == 0
    fresh.store_event_batch(planned)
    assert [e.dagster_event_type for e in fresh.get_logs_for_run(result.run_id)] == [e.dagster_event_type for e in planned]
    fresh.dispose()
