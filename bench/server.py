"""The synthetic ecosystem's web server: asyncio, keep-alive, an artificial delay, on many loopback addresses.

It runs in its own process (`python -m bench.server MANIFEST --latency 0.05`) so that serving does not
share the measured process's interpreter lock. It listens on every host of the manifest (127.0.x.y,
never a public address) on one port, answers ETag / If-None-Match with 304, and delays every answer
by the latency, robots.txt included (404, as most partner sites have none worth reading).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bench.ecosystem import etag

REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found"}
READY = "READY"


class Payloads:
    """The manifest with the bodies loaded in memory."""

    def __init__(self, manifest: Path) -> None:
        self.manifest = manifest
        self.loaded_ns = -1
        self.by_host: dict[str, dict[str, tuple[bytes, int, str, str]]] = {}
        self._load_if_changed()

    def _load_if_changed(self) -> None:
        """(Re)load the bodies when the manifest was written since (the bench changes a partner's feed so)."""
        written_ns = self.manifest.stat().st_mtime_ns
        if written_ns == self.loaded_ns:
            return
        entries = json.loads(self.manifest.read_text(encoding="utf-8"))
        by_host: dict[str, dict[str, tuple[bytes, int, str, str]]] = {}
        for host, paths in entries.items():
            for path, (name, status, content_type) in paths.items():
                body = (self.manifest.parent / name).read_bytes()
                by_host.setdefault(host, {})[path] = (body, status, content_type, etag(body))
        self.by_host, self.loaded_ns = by_host, written_ns

    def answer(self, host: str, path: str, headers: dict[str, str]) -> tuple[int, str, bytes, str | None]:
        self._load_if_changed()
        found = self.by_host.get(host, {}).get(path.split("?", 1)[0])
        if found is None:
            return 404, "text/plain", b"not found", None
        body, status, content_type, tag = found
        if status != 200:
            return status, "text/plain", body, None
        if headers.get("if-none-match") == tag:
            return 304, content_type, b"", tag
        return 200, content_type, body, tag


def _response(status: int, content_type: str, body: bytes, tag: str | None) -> bytes:
    head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}", f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}", "Connection: keep-alive"]
    if tag:
        head.append(f"ETag: {tag}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str]] | None:
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return (parts[1] if len(parts) > 1 else "/"), headers


def handler(payloads: Payloads, host: str, latency_s: float):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (request := await _read_request(reader)) is not None:
                path, headers = request
                await asyncio.sleep(latency_s)
                writer.write(_response(*payloads.answer(host, path, headers)))
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    return handle


async def serve(manifest: Path, latency_s: float, port: int) -> None:
    payloads = Payloads(manifest)
    servers = []
    for host in sorted(payloads.by_host):
        servers.append(await asyncio.start_server(handler(payloads, host, latency_s), host, port, backlog=512))
    print(f"{READY} {port}", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@contextmanager
def running(manifest: Path, latency_s: float, first_host: str, give_up_s: float = 60.0) -> Iterator[int]:
    """Start the server process, yield its port once it listens, stop it (by its pid) at the end."""
    port = free_port(first_host)
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.server", str(manifest), "--latency", str(latency_s), "--port", str(port)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1],
    )
    try:
        started = time.monotonic()
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith(READY) or time.monotonic() - started > give_up_s:
            raise RuntimeError(f"the synthetic server did not start (exit code {process.poll()})")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.manifest, args.latency, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
