"""`bedigital serve --warehouse`: the partner reports, /staff and /insight of the warehouse the run wrote."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.bedigital.monitoring.conftest import build_warehouse


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wait_until_listening(port: int, server: subprocess.Popen, deadline_s: float = 60) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if server.poll() is not None:
            raise AssertionError(f"bedigital serve exited: {server.communicate()[1]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("bedigital serve did not start listening")


def test_serve_reads_the_warehouse_it_is_given(tmp_path: Path, partners_dir: Path) -> None:
    """A run with `--warehouse W --out O` served with `--out O` listed its partners under /v1/partners, but
    their report_url answered 404: the reports read data/warehouse.duckdb, another pipeline's."""
    warehouse = build_warehouse(tmp_path / "elsewhere" / "w.duckdb", partners_dir)
    work = tmp_path / "work"  # no data/warehouse.duckdb there: the default would not exist
    work.mkdir()
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "BEDIGITAL_WAREHOUSE"}
    command = [sys.executable, "-m", "bedigital.cli", "serve", "--port", str(port), "--out", str(tmp_path / "out"),
               "--warehouse", str(warehouse)]
    server = subprocess.Popen(command, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_listening(port, server)
        base = f"http://127.0.0.1:{port}"
        status, body = _get(f"{base}/partners/hub?format=json")
        assert status == 200, body
        assert json.loads(body)["partner"]["id"] == "hub"
        status, body = _get(f"{base}/staff")
        assert status == 200 and b"hub" in body
        status, body = _get(f"{base}/insight?format=json")
        assert status == 200, body
    finally:
        server.terminate()
        server.wait(timeout=20)
