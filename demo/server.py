"""The demo ecosystem's HTTP server: every partner's feeds on 127.0.0.1, rendered on request.

    python -m demo.server --port 8765          # serves until Ctrl-C
    with DemoServer(port=0) as server: ...     # in tests; server.base_url

URLs are /{partner_id}/{feed path} as listed in demo/content/{partner_id}.yaml, plus / (an
index), /robots.txt (everything allowed except /private/) and /private/ itself.
Content files are re-read when their mtime changes. Responses carry a strong ETag (sha256
of the body) and a Last-Modified, answer 304 to If-None-Match / If-Modified-Since, and are
gzipped when the client accepts it.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import os
import re
import sys
import threading
import time as time_module
import traceback
from datetime import date, datetime, time, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit


from demo.loader import BRUSSELS, CONTENT_DIR, PLACES_FILE, ContentError, PartnerContent, brussels_today, load_places, load_partner, partner_files
from demo.render import Rendered, render_dynamic, render_feed

ROBOTS_TXT = "User-agent: *\nDisallow: /private/\nAllow: /\n"
PRIVATE_PAGE = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Drafts</title></head>\n"
                "<body><h1>Unpublished drafts</h1><p>Robots must not fetch this page.</p></body></html>\n")
_PARTNER_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
DEFAULT_PORT = 8765


class _Store:
    """Partner content, reloaded when a content file (or the shared places file) changes."""

    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir
        self._lock = threading.Lock()
        self._partners: dict[str, tuple[tuple[int, int], PartnerContent]] = {}
        self._rendered: dict[tuple[str, str, str, date, tuple[int, int]], Rendered] = {}

    def _stamp(self, path: Path) -> tuple[int, int]:
        places = self.content_dir / PLACES_FILE
        places_mtime = places.stat().st_mtime_ns if places.exists() else 0
        return (path.stat().st_mtime_ns, places_mtime)

    def partner(self, partner_id: str) -> tuple[PartnerContent, tuple[int, int]] | None:
        if not _PARTNER_ID.match(partner_id):
            return None
        path = self.content_dir / f"{partner_id}.yaml"
        if not path.is_file():
            return None
        stamp = self._stamp(path)
        with self._lock:
            cached = self._partners.get(partner_id)
            if cached and cached[0] == stamp:
                return cached[1], stamp
        content = load_partner(path, load_places(self.content_dir))
        with self._lock:
            self._partners[partner_id] = (stamp, content)
        return content, stamp

    def render(self, partner_id: str, feed_path: str, base_url: str, today: date) -> tuple[Rendered, float] | None:
        found = self.partner(partner_id)
        if found is None:
            return None
        partner, stamp = found
        feed = partner.feed(feed_path)
        if feed is None:
            return None
        key = (partner_id, feed_path, base_url, today, stamp)
        with self._lock:
            rendered = self._rendered.get(key)
        if rendered is None:
            rendered = render_feed(partner, feed, base_url, today)
            with self._lock:
                if len(self._rendered) > 512:
                    self._rendered.clear()
                self._rendered[key] = rendered
        midnight = datetime.combine(today, time(0, 0), tzinfo=BRUSSELS).timestamp()
        return rendered, max(max(stamp) / 1e9, midnight)

    def render_dynamic(self, partner_id: str, path: str, base_url: str, today: date, query: dict[str, str],
                       method: str, body: bytes) -> tuple[Rendered, float] | None:
        """A page answered per request (APIs, listings and their detail pages); None when no such feed."""
        found = self.partner(partner_id)
        if found is None:
            return None
        partner, stamp = found
        match = partner.dynamic_feed(path)
        if match is None:
            return None
        feed, rest = match
        rendered = render_dynamic(partner, feed, rest, base_url, today, query=query, method=method, body=body)
        midnight = datetime.combine(today, time(0, 0), tzinfo=BRUSSELS).timestamp()
        return rendered, max(max(stamp) / 1e9, midnight)

    def partners(self) -> list[PartnerContent]:
        return [found[0] for p in partner_files(self.content_dir) if (found := self.partner(p.stem))]


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            quality = re.search(r"q\s*=\s*([0-9.]+)", params)
            return not quality or float(quality.group(1)) > 0
    return False


def _etag_matches(header: str, etags: set[str]) -> bool:
    if header.strip() == "*":
        return True
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return bool(candidates & etags)


class _Handler(BaseHTTPRequestHandler):
    server_version = "bedigital-demo/1.0"
    protocol_version = "HTTP/1.1"
    demo: DemoServer  # set on the per-server subclass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        if self.demo.verbose:
            super().log_message(format, *args)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._respond(head=False)

    def do_POST(self) -> None:  # noqa: N802 - the search APIs
        length = int(self.headers.get("Content-Length") or 0)
        self._respond(head=False, method="POST", body=self.rfile.read(length) if length else b"")

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None, head: bool = False) -> None:
        headers = dict(headers or {})
        gzipped = status == 200 and _accepts_gzip(self.headers.get("Accept-Encoding")) and len(body) > 0
        if gzipped:
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
            if "ETag" in headers:
                headers["ETag"] = headers["ETag"][:-1] + '-gzip"'
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _respond(self, head: bool, method: str = "GET", body: bytes = b"") -> None:
        parts = urlsplit(self.path)
        path = parts.path
        if path == "/robots.txt":
            return self._send(200, ROBOTS_TXT.encode(), "text/plain; charset=utf-8", head=head)
        if path in ("/private", "/private/", "/private/index.html"):
            return self._send(200, PRIVATE_PAGE.encode(), "text/html; charset=utf-8", head=head)
        if path in ("/", "/index.html"):
            return self._send(200, self.demo.index_page().encode(), "text/html; charset=utf-8", head=head)
        partner_id, _, feed_path = path.lstrip("/").partition("/")
        try:
            found = self.demo._store.render_dynamic(
                partner_id, feed_path, self.demo.base_url, self.demo.today, dict(parse_qsl(parts.query)), method, body,
            ) or self.demo._store.render(partner_id, feed_path, self.demo.base_url, self.demo.today)
        except ContentError as exc:
            print(f"demo server: {exc}", file=sys.stderr)
            return self._send(500, f"demo content error: {exc}\n".encode(), "text/plain; charset=utf-8", head=head)
        except Exception:  # a bug in a renderer: answer 500 rather than drop the connection
            traceback.print_exc()
            return self._send(500, b"demo renderer error\n", "text/plain; charset=utf-8", head=head)
        if found is None:
            return self._send(404, b"Not Found\n", "text/plain; charset=utf-8", head=head)
        rendered, modified = found
        if rendered.status != 200:
            return self._send(rendered.status, rendered.body, rendered.content_type, {"Cache-Control": "no-store"}, head=head)
        digest = hashlib.sha256(rendered.body).hexdigest()
        etag = f'"{digest}"'
        last_modified = datetime.fromtimestamp(int(modified), tz=timezone.utc)
        headers = {"ETag": etag, "Last-Modified": format_datetime(last_modified, usegmt=True), "Cache-Control": "no-cache"}
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            not_modified = _etag_matches(if_none_match, {etag, f'"{digest}-gzip"'})
        else:
            not_modified = False
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    not_modified = parsedate_to_datetime(since) >= last_modified
                except (TypeError, ValueError):
                    not_modified = False
        if not_modified:
            if _accepts_gzip(self.headers.get("Accept-Encoding")):
                headers["ETag"] = f'"{digest}-gzip"'
            self.send_response(304)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None
        return self._send(200, rendered.body, rendered.content_type, headers, head=head)


class _QuietServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that takes a client hanging up as normal."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        # A client that resets its connection (a keep-alive connection dropped, a fetch given up) is
        # no server error; its traceback, printed in the middle of `make demo`'s report, looked like one.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
            return
        super().handle_error(request, client_address)


class DemoServer:
    """The demo ecosystem in a ThreadingHTTPServer running in a daemon thread."""

    def __init__(self, content_dir: Path | None = None, host: str = "127.0.0.1", port: int = 0,
                 today: date | None = None, verbose: bool = False) -> None:
        self.content_dir = Path(content_dir) if content_dir else CONTENT_DIR
        self.host = host
        self.requested_port = port
        self._today = today
        self.verbose = verbose
        self._store = _Store(self.content_dir)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def today(self) -> date:
        """The day dates are computed from: fixed when given, else today in Brussels."""
        return self._today or brussels_today()

    @today.setter
    def today(self, value: date | None) -> None:
        self._today = value

    def start(self) -> "DemoServer":
        if self._httpd is not None:
            return self
        handler = type("DemoHandler", (_Handler,), {"demo": self})
        httpd = _QuietServer((self.host, self.requested_port), handler)
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="demo-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the demo server is not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def partners(self) -> list[PartnerContent]:
        return self._store.partners()

    def urls(self) -> dict[tuple[str, str], str]:
        """(partner id, feed id) → URL, for every feed of every content file."""
        return {(p.id, f.id): f"{self.base_url}/{p.id}/{f.path}" for p in self.partners() for f in p.feeds}

    def index_page(self) -> str:
        rows = []
        for partner in self.partners():
            links = ", ".join(f'<a href="/{partner.id}/{html.escape(f.path)}">{html.escape(f.id)}</a> ({f.format}, {f.language})'
                              for f in partner.feeds)
            rows.append(f"<li><strong>{html.escape(partner.name.get('en', partner.id))}</strong>: {links}</li>")
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>bedigital demo ecosystem</title></head>\n"
                f"<body><h1>bedigital demo ecosystem</h1><p>Fictional content, dates relative to {self.today}.</p>\n"
                f"<ul>\n{chr(10).join(rows)}\n</ul></body></html>\n")

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.server", description="Serve the bedigital demo ecosystem.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BEDIGITAL_DEMO_PORT", DEFAULT_PORT)))
    parser.add_argument("--content", type=Path, default=None, help="content folder (default demo/content)")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="compute dates from this day (YYYY-MM-DD)")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args(argv)
    try:
        server = DemoServer(args.content, args.host, args.port, args.today, verbose=args.verbose).start()
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"Demo ecosystem serving on {server.base_url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time_module.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
