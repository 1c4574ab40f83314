"""The embeddable agenda and the badge over HTTP: filters, languages, safety headers, size, escaping."""
from __future__ import annotations

import re
from html import unescape
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from bedigital.embed.badge import badge_code, badge_snippet
from bedigital.embed.routes import build_embed_router
from bedigital.embed.security import csp_hash, parse_origins

from .conftest import AI_TITLES, embed_app, serving

PARTNER_SITE = "https://partner.example"


class Titles(HTMLParser):
    """The text of each listed announcement's link, by section."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[str]] = {}
        self._section: str | None = None
        self._in_item_link = False
        self._in_li = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "section":
            self._section = attributes.get("id")
            self.sections[self._section] = []
        elif tag == "li":
            self._in_li = True
        elif tag == "a" and self._in_li:
            self._in_item_link = True
            self.sections[self._section].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_item_link = False
        elif tag == "li":
            self._in_li = False

    def handle_data(self, data: str) -> None:
        if self._in_item_link:
            self.sections[self._section][-1] += data


def titles(html: str) -> dict[str, list[str]]:
    parser = Titles()
    parser.feed(html)
    return parser.sections


@pytest.fixture(scope="module")
def client(published: Path) -> Iterator[httpx.Client]:
    with serving(embed_app(published, [PARTNER_SITE])) as url, httpx.Client(base_url=url, timeout=10) as http:
        yield http


def test_a_theme_shows_only_that_themes_items_with_the_mark_and_a_link_back(client) -> None:
    response = client.get("/embed", params={"theme": "ai", "lang": "en"})
    assert response.status_code == 200
    shown = titles(response.text)
    assert shown == {"events": ["Artificial intelligence workshop"], "calls": ["AI grant"], "news": []}
    assert set(shown["events"] + shown["calls"]) == AI_TITLES
    assert 'class="mark"' in response.text and "bedigital.brussels" in response.text
    back = unescape(re.search(r'<footer><a href="([^"]+)"', response.text).group(1))
    assert back == f"{str(client.base_url).rstrip('/')}/?theme=ai&lang=en"
    assert f'href="{client.base_url}/items/' in response.text  # every item links to its page on the agenda


def test_languages_partner_and_kind_filters(client) -> None:
    french = client.get("/embed", params={"theme": "ai", "lang": "fr"})
    assert '<html lang="fr">' in french.text
    assert titles(french.text)["events"] == ["Atelier intelligence artificielle"]
    assert "Voir tout l'agenda sur bedigital.brussels" in unescape(french.text)
    dutch = client.get("/embed", headers={"Accept-Language": "nl-BE,nl;q=0.9"}, params={"kind": "call"})
    assert '<html lang="nl">' in dutch.text and "Open oproepen" in dutch.text
    assert list(titles(dutch.text)) == ["calls"]
    only_innov = titles(client.get("/embed", params={"partner": "innov", "lang": "en"}).text)
    assert only_innov == {"events": [], "calls": ["AI grant"], "news": ["Ecosystem news"]}


def test_framing_is_allowed_only_to_the_configured_origins_and_nothing_else_loads(client) -> None:
    response = client.get("/embed", params={"lang": "en"})
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["frame-ancestors"] == f"'self' {PARTNER_SITE}"
    assert policy["default-src"] == "'none'"
    # The inline style and script are allowed by their hashes, no other.
    style = re.search(r"<style>(.*?)</style>", response.text, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", response.text, re.S).group(1)
    assert policy["style-src"] == csp_hash(style) and policy["script-src"] == csp_hash(script)
    assert "set-cookie" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert not re.search(r'(src|href)="//|<link|@import|url\(', response.text)  # no external asset
    assert len(response.content) < 50_000


def test_the_embed_stays_small_at_its_largest(client) -> None:
    response = client.get("/embed", params={"limit": 20, "lang": "fr"})
    assert response.status_code == 200
    assert len(response.content) < 50_000


def test_texts_are_escaped(client) -> None:
    response = client.get("/embed", params={"theme": "data", "lang": "en"})
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text
    assert response.text.count("<script>") == 1  # only our own resize script


def test_an_unknown_filter_is_a_422_naming_it(client) -> None:
    response = client.get("/embed", params={"theme": "astrology"})
    assert response.status_code == 422
    assert "theme: unknown theme &#39;astrology&#39;" in response.text
    assert client.get("/embed", params={"partner": "nobody"}).status_code == 422
    assert client.get("/embed", params={"limit": 500}).status_code == 422


def test_the_badge_and_the_script(client) -> None:
    badge = client.get("/embed/badge.svg", params={"lang": "nl"})
    assert badge.status_code == 200 and badge.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(badge.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Te vinden op bedigital.brussels"
    assert "set-cookie" not in badge.headers
    script = client.get("/embed/embed.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "/embed?" in script.text


def test_the_badge_snippet_shows_the_badge_and_the_code_to_copy() -> None:
    html = badge_snippet("hub", "https://bedigital.brussels/", "en")
    assert '<img src="https://bedigital.brussels/embed/badge.svg?lang=en"' in html
    # The code to copy is shown as text, escaped, in a labelled read-only field.
    assert '<label for="badge-hub-code">Badge code</label>' in html
    fields = {m.group(1): unescape(m.group(2)) for m in re.finditer(r'<textarea id="([^"]+)"[^>]*>(.*?)</textarea>', html)}
    assert fields["badge-hub-code"] == badge_code("hub", "https://bedigital.brussels", "en")
    assert fields["badge-hub-code"].startswith('<a href="https://bedigital.brussels/?lang=en&amp;ref=hub"><img ')
    assert fields["badge-hub-embed"].startswith('<iframe src="https://bedigital.brussels/embed?partner=hub&amp;lang=en"')
    evil = badge_snippet('x"><script>alert(1)</script>', "https://bedigital.brussels", "fr")
    assert "<script>" not in evil


def test_origins_are_checked_when_the_routes_are_built() -> None:
    assert parse_origins([" https://Partner.example/ ", "", "http://127.0.0.1:8080", "https://*.city.brussels"]) == [
        "https://partner.example", "http://127.0.0.1:8080", "https://*.city.brussels"]
    with pytest.raises(ValueError, match="not an origin"):
        build_embed_router(["https://ok.example; script-src *"])
    with pytest.raises(ValueError, match="not an origin"):
        parse_origins(["partner.example"])



def test_serve_refuses_a_wrong_origin_with_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`BEDIGITAL_EMBED_ORIGINS=partner.example bedigital serve` ended in a 20-line traceback."""
    from bedigital.cli import main

    monkeypatch.setenv("BEDIGITAL_EMBED_ORIGINS", "https://ok.example,partner.example")
    assert main(["serve", "--out", str(tmp_path), "--port", "9"]) == 2  # returns before listening
    err = capsys.readouterr().err
    assert "'partner.example' is not an origin" in err and "BEDIGITAL_EMBED_ORIGINS" in err


def test_without_a_publication_the_embed_answers_503(tmp_path: Path) -> None:
    with serving(embed_app(tmp_path / "nothing", [])) as url:
        assert httpx.get(f"{url}/embed", timeout=10).status_code == 503
