"""Dagster resources: the warehouse, the HTTP settings and the publication folder."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from connectors.http import HttpSettings
from warehouse.archive import PayloadArchive
from warehouse.connection import connect


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file and the raw payload archive beside it."""

    path: str
    archive_dir: str

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(self.path)
        try:
            yield con
        finally:
            con.close()

    def archive(self) -> PayloadArchive:
        return PayloadArchive(Path(self.archive_dir))


class HttpResource(dg.ConfigurableResource):
    """How partner sources are fetched (see connectors.http.HttpSettings)."""

    user_agent: str = HttpSettings.user_agent
    per_host_concurrency: int = HttpSettings.per_host_concurrency
    total_concurrency: int = HttpSettings.total_concurrency
    deadline_s: float = HttpSettings.deadline_s
    max_bytes: int = HttpSettings.max_bytes
    retries: int = HttpSettings.retries
    backoff_s: float = HttpSettings.backoff_s

    def settings(self) -> HttpSettings:
        return HttpSettings(
            user_agent=self.user_agent,
            per_host_concurrency=self.per_host_concurrency,
            total_concurrency=self.total_concurrency,
            deadline_s=self.deadline_s,
            max_bytes=self.max_bytes,
            retries=self.retries,
            backoff_s=self.backoff_s,
        )


class PublicationResource(dg.ConfigurableResource):
    """The folder the agenda's files are published to."""

    out_dir: str
