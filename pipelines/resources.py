"""Dagster resources: the warehouse, the HTTP settings and the publication folder."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

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
