"""Dagster resources: the warehouse, the HTTP settings, the publication folder, monitoring and alerts."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import dagster as dg
import duckdb

from bedigital.monitoring.locking import LOCK_WAIT_S, connect_waiting
from bedigital.monitoring.notify import Notifier, build_notifier, notifier_from_env
from bedigital.monitoring.state import monitoring_dir
from connectors.http import HttpSettings
from pipelines.checks import Thresholds
from warehouse.archive import PayloadArchive


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file and the raw payload archive beside it."""

    path: str
    archive_dir: str
    # Runs launched by sensors may overlap; DuckDB admits one writing process, so a step waits for the other.
    lock_wait_s: float = LOCK_WAIT_S * 3

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect_waiting(self.path, wait_s=self.lock_wait_s)
        try:
            yield con
        finally:
            con.close()

    def archive(self) -> PayloadArchive:
        return PayloadArchive(Path(self.archive_dir))

    def monitoring_dir(self) -> Path:
        """The poll state, ping queue and alert spool beside the warehouse."""
        return monitoring_dir(self.path)


class HttpResource(dg.ConfigurableResource):
    """How partner sources are fetched; unset fields keep connectors.http.HttpSettings' defaults."""

    user_agent: Optional[str] = None
    per_host_concurrency: Optional[int] = None
    total_concurrency: Optional[int] = None
    deadline_s: Optional[float] = None
    max_bytes: Optional[int] = None
    retries: Optional[int] = None
    backoff_s: Optional[float] = None

    def settings(self) -> HttpSettings:
        chosen = {name: value for name, value in self.model_dump().items() if value is not None}
        return HttpSettings(**chosen)


class PublicationResource(dg.ConfigurableResource):
    """The folder the agenda's files are published to."""

    out_dir: str


_DEFAULT_THRESHOLDS = Thresholds()


class MonitoringResource(dg.ConfigurableResource):
    """Thresholds of the per-source checks."""

    volume_drop: float = _DEFAULT_THRESHOLDS.volume_drop
    min_volume: int = _DEFAULT_THRESHOLDS.min_volume
    rejection_share: float = _DEFAULT_THRESHOLDS.rejection_share
    flag_streak: int = _DEFAULT_THRESHOLDS.flag_streak

    def thresholds(self) -> Thresholds:
        return Thresholds(self.volume_drop, self.min_volume, self.rejection_share, self.flag_streak)


class NotifierResource(dg.ConfigurableResource):
    """Where alerts go; with no field set, the BEDIGITAL_ALERT_* environment variables decide."""

    smtp_host: Optional[str] = None
    smtp_port: int = 25
    smtp_from: Optional[str] = None
    smtp_to: Optional[str] = None  # comma-separated
    smtp_user: Optional[str] = None
    smtp_password: Optional[str] = None
    smtp_starttls: bool = False
    webhook_url: Optional[str] = None
    webhook_token: Optional[str] = None

    def notifier(self) -> Notifier:
        if not self.smtp_host and not self.webhook_url:
            return notifier_from_env()
        return build_notifier(**self.model_dump())
