"""`bedigital dev`: Dagster's UI with the demo ecosystem, stopped with everything it started."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[3]
STARTUP_S = 120
STOP_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ignore_sigint() -> None:
    # What a shell does to a command it starts in the background (`bedigital dev &`, a supervisor's script).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is alive (its leader must have been reaped: a zombie counts)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for_ui(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        assert process.poll() is None, "bedigital dev exited while starting"
        with contextlib.suppress(httpx.HTTPError):  # not listening yet
            if httpx.get(f"http://127.0.0.1:{port}/server_info", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise AssertionError(f"the Dagster UI did not answer on port {port} within {STARTUP_S} s")


def test_a_sigterm_to_dev_stops_dagster_and_its_services(tmp_path: Path) -> None:
    """A supervisor stopping `bedigital dev` (SIGTERM to it alone) leaves no Dagster process running, even when
    it was started in the background (SIGINT ignored, which Dagster passed on to SIGTERM)."""
    ui_port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster"), "BEDIGITAL_WAREHOUSE": str(tmp_path / "w.duckdb"),
           "BEDIGITAL_OUT": str(tmp_path / "public")}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from bedigital.cli import main; sys.exit(main())", "dev", "--port", str(_free_port()), "--", "-p", str(ui_port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=_ignore_sigint,
    )
    try:
        _wait_for_ui(ui_port, process)
        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_S
        while (process.poll() is None or _group_alive(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert process.poll() is not None and not _group_alive(process.pid), \
            "Dagster processes outlived bedigital dev's SIGTERM"
        assert process.returncode == 0
    finally:
        if process.poll() is None or _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
