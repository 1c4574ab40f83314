"""Latency of the event-driven pipeline: from a change in a demo partner's feed to the published agenda.

Starts the demo ecosystem and `dagster dev` (sensors, automation and run queue in its daemon) on a
temporary DAGSTER_HOME, warehouse and publication folder, with every demo source polled every 10 s;
waits for the first publication; adds an item to one demo content file; and measures the time until
that item's title is in the published agenda.json. Gives up after 180 s at each stage.

    .venv/bin/python bench/latency.py [--poll-every 10s] [--feed actiris/actualites] [--daemon-only] [--keep]

The change is a plain news item, published today, appended to the `items` of one demo feed (see
demo/README.md): the demo server renders it at once, and news of the last 90 days is in the agenda.
The Dagster instance gets the dagster.yaml that `bedigital dev` writes (one run at a time).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GIVE_UP_S = 180.0
DEFAULT_FEED = "actiris/actualites"  # a plain RSS 2.0 news feed, none of the demo's deliberate mess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def registry_polled_every(source: Path, target: Path, poll_every: str) -> None:
    """Copy the partner registry, every partner polled at `poll_every`."""
    target.mkdir(parents=True)
    for path in sorted([*source.glob("*.yaml"), *source.glob("*.yml")]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["poll_every"] = poll_every
        for src in data.get("sources", []):
            src.pop("poll_every", None)
        (target / path.name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_item(content_dir: Path, feed: str, title: str) -> Path:
    """Append a news item published today to the hand-written `items` of `feed` ("partner/feed id")."""
    partner_id, _, feed_id = feed.partition("/")
    path = content_dir / f"{partner_id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    target = next((f for f in data.get("feeds") or [] if f.get("id") == feed_id), None)
    if target is None or target.get("format") == "error":
        raise SystemExit(f"{path}: no rendered feed {feed_id!r}")
    token = uuid.uuid4().hex[:8]
    # Not a copy of an existing record: series templates, `same_as` and feed definitions all look like
    # lists of records, and a copied feed definition with the same path is never served.
    target.setdefault("items", []).append({
        "id": f"latency-probe-{token}", "kind": "news", "title": title,
        "summary": "An item added by bench/latency.py to measure how fast a change is published.",
        "published": {"days": 0, "time": "00:00"},
    })
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tmp.replace(path)  # the demo server re-reads a content file when it changes
    return path


def published_titles(agenda: Path) -> set[str]:
    try:
        body = json.loads(agenda.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {text for item in body.get("items", []) for text in (item.get("title") or {}).values()}


def wait_for(predicate, what: str, deadline_s: float = GIVE_UP_S) -> float:
    started = time.monotonic()
    while time.monotonic() - started < deadline_s:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.25)
    raise TimeoutError(f"gave up after {deadline_s:.0f} s waiting for {what}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poll-every", default="10s", help="polling interval given to every demo partner (default 10s)")
    parser.add_argument("--feed", default=DEFAULT_FEED, help=f"the demo feed that gets the new item (default {DEFAULT_FEED})")
    parser.add_argument("--daemon-only", action="store_true", help="run dagster-daemon instead of dagster dev")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from bedigital.runner import DAGSTER_YAML
    from demo.server import DemoServer

    work = Path(tempfile.mkdtemp(prefix="bedigital-latency-"))
    home, partners, content = work / "dagster", work / "partners", work / "content"
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML, encoding="utf-8")
    registry_polled_every(ROOT / "partners", partners, args.poll_every)
    shutil.copytree(ROOT / "demo" / "content", content)
    server = DemoServer(content_dir=content, port=0).start()
    out = work / "public"
    env = {**os.environ, "DAGSTER_HOME": str(home), "BEDIGITAL_PARTNERS": str(partners),
           "BEDIGITAL_WAREHOUSE": str(work / "data" / "warehouse.duckdb"), "BEDIGITAL_OUT": str(out),
           "BEDIGITAL_DEMO_PORT": str(server.port)}
    command = ([sys.executable, "-m", "dagster", "dev", "-w", "workspace.yaml", "-p", str(free_port())]
               if not args.daemon_only else [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-w", "workspace.yaml"])
    log = open(work / "dagster.log", "w", encoding="utf-8")
    dagster = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    agenda = out / "agenda.json"
    try:
        first = wait_for(agenda.exists, "the first publication")
        print(f"first publication after {first:.1f} s ({len(published_titles(agenda))} titles)", flush=True)
        title = f"Latency probe {uuid.uuid4().hex[:6]}"
        changed = add_item(content, args.feed, title)
        started = time.monotonic()
        print(f"added '{title}' to {changed.relative_to(work)}", flush=True)
        wait_for(lambda: title in published_titles(agenda), f"'{title}' in {agenda}")
        latency = time.monotonic() - started
        print(f"latency from feed change to published agenda: {latency:.1f} s "
              f"(poll every {args.poll_every}; {'within' if latency <= 60 else 'OVER'} the 60 s target)")
        return 0 if latency <= 60 else 1
    except TimeoutError as exc:
        print(f"{exc}; see {work / 'dagster.log'}", file=sys.stderr)
        return 2
    finally:
        os.killpg(dagster.pid, signal.SIGTERM)  # our own process group only (start_new_session above)
        try:
            dagster.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(dagster.pid, signal.SIGKILL)
        server.stop()
        log.close()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
