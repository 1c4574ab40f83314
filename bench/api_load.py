"""Load benchmark of the read API on a 100,000-item snapshot: p50/p99 latency and requests per second.

    .venv/bin/python -m bench.api_load [--items 100000] [--connections 32] [--seconds 10] [--workers 2]
                                        [--response-cache-seconds S]

The server (`bedigital serve`) and the load generator run in two separate processes. Typical portal
queries are measured one after another; then a new snapshot is published while the API is under
load: no request may fail, and /healthz must show the new snapshot as soon as `current` switches.
Goals on a 2-core machine: p99 <= 50 ms at 32 connections, >= 500 requests/s for a filtered list.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from warehouse.documents import agenda_document
from warehouse.snapshot import prune_snapshots, stage_snapshot, switch_current

THEMES = ["ai", "cybersecurity", "data", "fintech", "health", "smart-city", "skills", "startups"]
FORMATS = ["workshop", "conference", "meetup", "webinar", "hackathon"]
MUNICIPALITIES = ["Bruxelles", "Ixelles", "Schaerbeek", "Anderlecht", "Etterbeek", "Saint-Gilles", "Uccle", "Forest"]
WORDS = ["intelligence", "artificielle", "données", "startup", "cybersécurité", "financement", "innovation",
         "numérique", "atelier", "workshop", "subsidie", "onderzoek", "research", "cloud", "robotique", "santé"]
PARTNERS = [{"id": f"partner-{n:02d}", "name": {"fr": f"Partenaire {n}", "nl": f"Partner {n}", "en": f"Partner {n}"},
             "website": f"https://p{n}.example", "sources": []} for n in range(40)]
TAXONOMY = [{"facet": "theme", "label": {"fr": "Thème", "nl": "Thema", "en": "Theme"},
             "categories": [{"slug": s, "label": {"fr": s, "nl": s, "en": s}} for s in THEMES]},
            {"facet": "format", "label": {"fr": "Format", "nl": "Formaat", "en": "Format"},
             "categories": [{"slug": s, "label": {"fr": s, "nl": s, "en": s}} for s in FORMATS]}]


def synthetic_documents(count: int, now: datetime, seed: int = 1) -> list[dict[str, Any]]:
    """`count` plausible agenda documents: 60 % events, 25 % calls, 15 % news."""
    rng = random.Random(seed)
    documents = []
    for n in range(count):
        kind = rng.choices(["event", "call", "news"], weights=[60, 25, 15])[0]
        words = " ".join(rng.sample(WORDS, 4))
        start = now + timedelta(hours=rng.randint(1, 24 * 365))
        record = {
            "id": f"item{n:07d}", "kind": kind, "title": {"fr": f"{words.capitalize()} {n}", "nl": f"Evenement {words} {n}"},
            "summary": {"fr": f"Une rencontre sur {words} à Bruxelles.", "en": f"A meeting about {words} in Brussels."},
            "url": f"https://p{n % 40}.example/items/{n}", "languages": ["fr", "nl", "en"],
            "start_utc": start.isoformat() if kind == "event" else None,
            "end_utc": (start + timedelta(hours=2)).isoformat() if kind == "event" else None,
            "deadline_utc": (now + timedelta(days=rng.randint(-10, 200))).isoformat() if kind == "call" else None,
            "published_utc": (now - timedelta(days=rng.randint(0, 90))).isoformat() if kind == "news" else None,
            "municipality": rng.choice(MUNICIPALITIES), "attendance_mode": rng.choice(["in-person", "online", "hybrid"]),
            "is_free": rng.random() < 0.6,
            "categories": {"theme": rng.sample(THEMES, 2), **({"format": [rng.choice(FORMATS)]} if kind == "event" else {})},
        }
        partner = f"partner-{n % 40:02d}"
        documents.append(agenda_document(record, sources=[{"partner_id": partner, "source_id": "feed", "url": record["url"]}],
                                         first_seen=now, updated_at=now))
    return documents


def publish_snapshot(out: Path, documents: list[dict[str, Any]], generated_at: datetime) -> str:
    """A snapshot without the export files (rendering 100,000 items to every format is not what is measured)."""
    snapshot = stage_snapshot(out, documents, {}, generated_at=generated_at, partners=PARTNERS, taxonomy=TAXONOMY)
    switch_current(out, snapshot.name)
    prune_snapshots(out, keep=2)
    return snapshot.name


# --- the load generator (a second process) -------------------------------------------------------

async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return status


async def _load(port: int, paths: list[str], connections: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    failures: list[str] = []
    deadline = time.perf_counter() + seconds

    async def worker(seed: int) -> None:
        rng = random.Random(seed)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                path = rng.choice(paths)
                started = time.perf_counter()
                try:
                    status = await _request(reader, writer, path)
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    failures.append(f"{path}: {exc!r}")
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    failures.append(f"{path}: HTTP {status}")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies), "rps": len(latencies) / elapsed, "failures": failures[:10], "failed": len(failures),
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else None,
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else None,
    }


def _load_process(port: int, paths: list[str], connections: int, seconds: float, results: Any) -> None:
    try:  # the load generator's own overhead is kept low: it shares the machine with the server
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    cpu = time.process_time()
    result = asyncio.run(_load(port, paths, connections, seconds))
    result["client_cpu_s"] = time.process_time() - cpu
    results.put(result)


def run_load(port: int, paths: list[str], connections: int, seconds: float) -> multiprocessing.Process:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_load_process, args=(port, paths, connections, seconds, queue))
    process.start()
    process.queue = queue  # type: ignore[attr-defined]
    return process


def load_result(process: multiprocessing.Process) -> dict[str, Any]:
    result = process.queue.get()  # type: ignore[attr-defined]
    process.join()
    return result


# --- the benchmark -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the API did not start on port {port}")


def get_json(port: int, path: str) -> dict[str, Any]:
    import httpx

    return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=10).json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2: both cores)")
    parser.add_argument("--response-cache-seconds", type=float, default=None,
                        help="the server's response cache (default: its own, 10 s; 0 turns it off)")
    args = parser.parse_args(argv)

    now = datetime.now(timezone.utc).replace(microsecond=0)
    out = Path(tempfile.mkdtemp(prefix="bench-api-")) / "public"
    started = time.perf_counter()
    documents = synthetic_documents(args.items, now)
    publish_snapshot(out, documents, now)
    print(f"snapshot of {args.items} items written in {time.perf_counter() - started:.1f} s ({out})", flush=True)

    port = free_port()
    env = dict(os.environ)
    if args.response_cache_seconds is not None:
        env["BEDIGITAL_RESPONSE_CACHE_SECONDS"] = str(args.response_cache_seconds)
    print(f"server: bedigital serve --workers {args.workers}, response cache "
          f"{env.get('BEDIGITAL_RESPONSE_CACHE_SECONDS', 'default')} s; load: {args.connections} connections, "
          f"{args.seconds:g} s per query, from a second process", flush=True)
    server = subprocess.Popen([sys.executable, "-m", "bedigital.cli", "serve", "--out", str(out), "--port", str(port),
                               "--workers", str(args.workers)], stdout=subprocess.DEVNULL, env=env)
    try:
        wait_for(port)
        rng = random.Random(7)
        today = now.strftime("%Y-%m-%d")
        queries = {
            "upcoming events of a theme": [f"/v1/items?kind=event&category=theme:{t}&from={today}&sort=start&limit=20"
                                           for t in THEMES],
            "open calls": ["/v1/items?open=true&sort=deadline&limit=20",
                           *(f"/v1/items?open=true&category=theme:{t}&limit=20" for t in THEMES)],
            "text search": [f"/v1/items?q={quote(' '.join(rng.sample(WORDS, 2)))}&limit=20" for _ in range(50)],
            "item by id": [f"/v1/items/item{rng.randrange(args.items):07d}" for _ in range(500)],
        }
        print(f"\n{'query':<30}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}{'client CPU':>12}")
        for name, paths in queries.items():
            result = load_result(run_load(port, paths, args.connections, args.seconds))
            print(f"{name:<30}{result['requests']:>10}{result['rps']:>9.0f}{result['p50_ms']:>9.1f}"
                  f"{result['p99_ms']:>9.1f}{result['failed']:>8}{result['client_cpu_s'] / args.seconds:>11.0%}",
                  flush=True)

        # A publication under load: every request must succeed, and the new snapshot be served at once.
        mixed = [p for paths in queries.values() for p in paths[:20]]
        before = get_json(port, "/healthz")["snapshot"]
        load = run_load(port, mixed, args.connections, args.seconds)
        time.sleep(args.seconds / 3)
        new_id = publish_snapshot(out, synthetic_documents(args.items, now + timedelta(minutes=1), seed=2),
                                  now + timedelta(minutes=1))
        served = get_json(port, "/healthz")["snapshot"]
        result = load_result(load)
        print(f"\npublication under load: {result['requests']} requests, {result['failed']} failed "
              f"{result['failures'][:3]}, p99 {result['p99_ms']:.1f} ms; snapshot {before} -> {new_id}; "
              f"first /healthz after the switch served {'the new' if served == new_id else 'the OLD'} snapshot")
        return 0 if result["failed"] == 0 and served == new_id else 1
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(out.parent, ignore_errors=True)  # two 100,000-item snapshots: a few hundred MB


if __name__ == "__main__":
    sys.exit(main())
