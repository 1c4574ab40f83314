"""`bedigital dev`: the Dagster UI on the default warehouse, with the demo ecosystem running."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

from bedigital.commands.run import DEFAULT_DEMO_PORT, DEFAULT_OUT, DEFAULT_PARTNERS, DEFAULT_WAREHOUSE, DEMO_PORT_ENV


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
    try:
        return subprocess.call([sys.executable, "-m", "dagster", "dev", "-w", "workspace.yaml", *args.dagster_args])
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


def register(commands: argparse._SubParsersAction) -> None:
    dev = commands.add_parser("dev", help="dagster dev on the default warehouse, with the demo ecosystem")
    dev.add_argument("--port", type=int, default=DEFAULT_DEMO_PORT, help="demo server port")
    dev.add_argument("dagster_args", nargs="*", help="extra arguments for dagster dev (after --)")
    dev.set_defaults(func=cmd_dev)
