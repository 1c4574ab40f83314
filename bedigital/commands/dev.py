"""`bedigital dev`: the Dagster UI on the default warehouse, with the demo ecosystem running."""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from types import FrameType

from bedigital.commands.run import DEFAULT_DEMO_PORT, DEFAULT_OUT, DEFAULT_PARTNERS, DEFAULT_WAREHOUSE, DEMO_PORT_ENV

# How long `dagster dev` may take to stop its webserver, daemon and code servers once told to.
SHUTDOWN_GRACE_S = 60


def cmd_dev(args: argparse.Namespace) -> int:
    """`dagster dev` on the default warehouse, with the demo ecosystem running beside it."""
    from demo.server import DemoServer

    server = DemoServer(port=args.port).start()
    os.environ[DEMO_PORT_ENV] = str(server.port)
    os.environ.setdefault("BEDIGITAL_PARTNERS", str(DEFAULT_PARTNERS.resolve()))
    os.environ.setdefault("BEDIGITAL_WAREHOUSE", str(DEFAULT_WAREHOUSE.resolve()))
    os.environ.setdefault("BEDIGITAL_OUT", str(DEFAULT_OUT.resolve()))
    from bedigital.runner import dagster_instance

    dagster_instance(None)  # makes sure DAGSTER_HOME exists with its dagster.yaml
    print(f"Demo ecosystem serving on {server.base_url}; starting dagster dev", flush=True)
    # A shell that starts a command in the background makes it ignore SIGINT, and `dagster dev` gives SIGTERM
    # the handler SIGINT has: started so, it ignored both and outlived any supervisor's stop. With SIGINT
    # handled here, the child starts with it at its default, and SIGTERM stops it as Ctrl-C does.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        child = subprocess.Popen([sys.executable, "-m", "dagster", "dev", "-w", "workspace.yaml", *args.dagster_args])
        return _supervise(child)
    finally:
        server.stop()


def _supervise(child: subprocess.Popen) -> int:
    """Wait for `dagster dev`; once stopped (Ctrl-C, SIGTERM), give it time to stop its services, then kill it.

    Ctrl-C reaches the whole foreground group, `dagster dev` included. A SIGTERM may be aimed at this process
    alone (a supervisor's stop): it is passed on, or the child and its services would keep running, orphaned."""
    received: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt):  # stopped: on to stopping the child
        return child.wait()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the child is stopped once; a repeated signal changes nothing
    if signal.SIGTERM in received:
        child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=SHUTDOWN_GRACE_S)
    except (KeyboardInterrupt, subprocess.TimeoutExpired):  # a second Ctrl-C does not wait
        child.kill()
        child.wait()
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    dev = commands.add_parser("dev", help="dagster dev on the default warehouse, with the demo ecosystem")
    dev.add_argument("--port", type=int, default=DEFAULT_DEMO_PORT, help="demo server port")
    dev.add_argument("dagster_args", nargs="*", help="extra arguments for dagster dev (after --)")
    dev.set_defaults(func=cmd_dev)
