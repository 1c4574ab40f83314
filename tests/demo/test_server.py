"""The demo server: every registry URL answers, conditional GET, gzip, reloads, dates move with `today`."""
from __future__ import annotations

import gzip
import shutil
import socket
import struct
import time
from datetime import date, timedelta
from pathlib import Path

from demo.loader import CONTENT_DIR
from demo.server import DemoServer, main  # noqa: F401 (main is part of the public API)
from tests.demo.conftest import FAILING, TODAY, get


def test_starts_on_a_free_port_and_stops(server: DemoServer) -> None:
    assert server.port > 0
    assert server.base_url == f"http://127.0.0.1:{server.port}"
    status, _, body = get(server.base_url + "/")
    assert status == 200 and b"hub" in body


def test_every_registry_source_answers(server: DemoServer, registry) -> None:
    assert len(registry.partners) >= 12
    for partner, source in registry.sources():
        if getattr(source, "method", "GET") == "POST":  # the search API: tests/demo/test_paged_partners.py
            continue
        status, headers, body = get(str(source.url))
        if (partner.id, source.id) in FAILING:
            assert status == 500, source.url
            continue
        assert status == 200, f"{source.url}: {status}"
        assert body and "charset=" in headers["Content-Type"]
        expected = {"rss": "xml", "ical": "text/calendar", "jsonld": "text/html", "html": "text/html",
                    "json_api": "application/json"}[source.kind]
        assert expected in headers["Content-Type"], (source.url, headers["Content-Type"])


def test_unknown_paths_are_404(server: DemoServer) -> None:
    for path in ("/nobody/rss.xml", "/hub/nothing.xml", "/hub/", "/../etc/passwd", "/HUB/fr/news.xml"):
        assert get(server.base_url + path)[0] == 404, path


def test_robots_txt_disallows_only_private(server: DemoServer) -> None:
    from urllib.robotparser import RobotFileParser

    status, headers, body = get(server.base_url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    robots = RobotFileParser()
    robots.parse(body.decode().splitlines())
    assert robots.can_fetch("bedigital-bot", server.base_url + "/hub/events/index.html")
    assert not robots.can_fetch("bedigital-bot", server.base_url + "/private/index.html")


def test_etag_and_if_none_match(server: DemoServer) -> None:
    url = server.base_url + "/innoviris/fr/rss.xml"
    status, headers, body = get(url)
    import hashlib

    assert headers["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    status, headers2, body2 = get(url, {"If-None-Match": headers["ETag"]})
    assert status == 304 and body2 == b"" and headers2["ETag"] == headers["ETag"]
    assert get(url, {"If-None-Match": '"something-else"'})[0] == 200


def test_last_modified_and_if_modified_since(server: DemoServer) -> None:
    url = server.base_url + "/paradigm/agenda.ics"
    _, headers, _ = get(url)
    assert get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_gzip_when_accepted(server: DemoServer) -> None:
    url = server.base_url + "/hub/events/index.html"
    _, plain_headers, plain = get(url)
    status, headers, body = get(url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == plain
    assert headers["ETag"] != plain_headers["ETag"]
    assert get(url, {"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})[0] == 304
    assert "Content-Encoding" not in get(url, {"Accept-Encoding": "gzip;q=0"})[1]


def test_editing_a_content_file_changes_the_feed(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    with DemoServer(content_dir=content, today=TODAY) as server:
        url = server.base_url + "/hub/fr/news.xml"
        _, before_headers, before = get(url)
        path = content / "hub.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Record de créations", "Nouveau record de créations"), encoding="utf-8")
        stamp = time.time() + 5
        import os

        os.utime(path, (stamp, stamp))
        status, after_headers, after = get(url, {"If-None-Match": before_headers["ETag"]})
        assert status == 200
        assert "Nouveau record de créations".encode() in after and after != before
        assert after_headers["ETag"] != before_headers["ETag"]


def test_dates_move_with_today(server: DemoServer) -> None:
    import icalendar

    with DemoServer(today=TODAY + timedelta(days=10)) as later:
        first = icalendar.Calendar.from_ical(get(server.base_url + "/innoviris/en/info-sessions.ics")[2])
        second = icalendar.Calendar.from_ical(get(later.base_url + "/innoviris/en/info-sessions.ics")[2])
    starts = [e.decoded("DTSTART") for e in first.walk("VEVENT")]
    moved = [e.decoded("DTSTART") for e in second.walk("VEVENT")]
    assert [b - a for a, b in zip(starts, moved)] == [timedelta(days=10)] * len(starts)


def test_the_same_day_gives_the_same_bytes(server: DemoServer) -> None:
    with DemoServer(today=TODAY) as other:
        for path in ("/hub/events/index.html", "/paradigm/agenda.ics", "/smartcity/events.rdf"):
            a = get(server.base_url + path)[2].replace(str(server.port).encode(), b"PORT")
            b = get(other.base_url + path)[2].replace(str(other.port).encode(), b"PORT")
            assert a == b, path


def test_default_today_is_brussels_today() -> None:
    from demo.loader import brussels_today

    with DemoServer() as server:
        assert server.today == brussels_today()
        assert abs((server.today - date.today()).days) <= 1


def test_a_client_resetting_its_connection_prints_no_traceback(server: DemoServer, capsys) -> None:
    """`make demo` printed `ConnectionResetError` tracebacks between its lines when a client hung up."""
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", server.port)) as client:
            client.sendall(b"GET / HTTP/1.1\r\n")  # half a request: the server is still reading it
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset
        time.sleep(0.2)
    assert get(server.base_url + "/")[0] == 200  # still serving
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "ConnectionResetError" not in captured.err
