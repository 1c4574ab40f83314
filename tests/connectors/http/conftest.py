"""Servers on 127.0.0.1 for the HTTP layer tests: pytest-httpserver plus a raw socket trickler."""
from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.http import HttpSettings


@pytest.fixture
def fast() -> HttpSettings:
    """Settings with tiny backoffs so retry tests stay fast."""
    return HttpSettings(backoff_s=0.01, retries=2, deadline_s=5.0, connect_timeout_s=2.0)


@pytest.fixture
def threaded_server() -> Iterator[HTTPServer]:
    """An httpserver that answers requests in parallel (the default one is sequential)."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@dataclass
class ConcurrencyProbe:
    """A handler that sleeps and records how many requests were in flight, per host and overall."""

    sleep_s: float = 0.2
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: dict[str, int] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)
    total: int = 0
    peak_total: int = 0

    def __call__(self, request: Request) -> Response:
        host = request.host.split(":")[0]
        with self.lock:
            self.in_flight[host] = self.in_flight.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), self.in_flight[host])
            self.total += 1
            self.peak_total = max(self.peak_total, self.total)
        time.sleep(self.sleep_s)
        with self.lock:
            self.in_flight[host] -= 1
            self.total -= 1
        return Response(request.path, content_type="text/plain")


@pytest.fixture
def probe() -> ConcurrencyProbe:
    return ConcurrencyProbe()


class _Trickler(socketserver.BaseRequestHandler):
    """Sends headers promptly, then the body one byte every 0.1 s."""

    def handle(self) -> None:
        self.request.recv(65536)
        stop: threading.Event = self.server.stop_event  # type: ignore[attr-defined]
        try:
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(1000):
                if stop.wait(0.1):
                    return
                self.request.sendall(b"x")
        except OSError:
            pass  # the client gave up, which is what the test wants


@pytest.fixture
def trickle_url() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Trickler)
    server.daemon_threads = True
    server.stop_event = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slow"
    server.stop_event.set()  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """A URL on a loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed"
