"""The `bedigital` command line: the command groups of bedigital.commands, discovered."""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import Sequence

import bedigital.commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bedigital", description="The bedigital.brussels agenda pipeline.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in sorted(pkgutil.iter_modules(bedigital.commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"bedigital.commands.{module.name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader stopped early (`bedigital report hub | head`): it has what it wanted. What is still
        # buffered goes nowhere, or Python would fail again flushing it at exit (its documented recipe).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
