from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.text import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    clean_title,
    collapse_whitespace,
    html_to_text,
    sanitise_html,
    summarise,
)

BASE = "https://hub.example/agenda/atelier"

HOSTILE = (
    '<p style="color:red" onclick="steal()">Bonjour <a href="javascript:alert(1)">clic</a></p>'
    '<img src="x.png" onerror="alert(1)"><img src="data:image/png;base64,AAA">'
    '<script>alert("xss")</script><iframe src="https://evil.example">cadre</iframe>'
    '<style>body{display:none}</style><a href="JAVASCRIPT:evil()">deux</a>'
)


def test_hostile_html_loses_scripts_handlers_frames_styles_and_javascript_urls() -> None:
    out = sanitise_html(HOSTILE, BASE)
    lowered = out.lower()
    for forbidden in ("<script", "alert(", "onerror", "onclick", "javascript:", "<iframe", "cadre", "style", "data:"):
        assert forbidden not in lowered, forbidden
    assert "Bonjour" in out and "clic" in out and "deux" in out
    assert '<img src="https://hub.example/agenda/x.png">' in out


def test_links_are_resolved_and_get_rel() -> None:
    out = sanitise_html('<p><a href="/contact" title="Contact" target="_blank">c</a> <a href="mailto:a@hub.example">m</a></p>', BASE)
    assert '<a href="https://hub.example/contact" title="Contact" rel="noopener noreferrer nofollow">c</a>' in out
    assert 'href="mailto:a@hub.example"' in out
    assert "target" not in out


def test_relative_links_without_base_are_dropped_but_text_kept() -> None:
    assert sanitise_html('<p><a href="/x">lien</a></p>', None) == "<p>lien</p>"


def test_allowed_structure_is_kept() -> None:
    html = "<h2>Programme</h2><ul><li><strong>18:30</strong> accueil</li></ul><blockquote><em>cité</em></blockquote>"
    assert sanitise_html(html, BASE) == html


def test_plain_text_is_escaped_and_blank_lines_become_paragraphs() -> None:
    text = "Tom & Jerry say 1 < 2\n\nSecond paragraph\nsecond line"
    assert sanitise_html(text, BASE) == "<p>Tom &amp; Jerry say 1 &lt; 2</p><p>Second paragraph<br>second line</p>"


def test_entity_encoded_plain_text_is_not_double_escaped() -> None:
    assert sanitise_html("Caf&eacute; &amp; croissants", None) == "<p>Café &amp; croissants</p>"


def test_html_to_text_decodes_entities_and_breaks_blocks() -> None:
    html = "<p>Caf&eacute;&nbsp;num&eacute;rique</p><ul><li>un</li><li>deux</li></ul>trois<br>quatre<script>x()</script>"
    assert html_to_text(html) == "Café numérique\nun\ndeux\ntrois\nquatre"


def test_html_to_text_collapses_whitespace() -> None:
    assert html_to_text("  a \n\t b   <b>c</b>  ") == "a b c"


def test_summarise_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    text = "Un atelier pratique sur l'intelligence artificielle pour les PME bruxelloises"
    result = summarise(text, 40)
    assert result == "Un atelier pratique sur l'intelligence…"
    assert len(result) <= 40


def test_summarise_leaves_short_text_alone() -> None:
    assert summarise("Court  texte\n", 280) == "Court texte"


def test_clean_title_strips_html_entities_and_site_name() -> None:
    assert clean_title("  Atelier &amp; <b>IA</b>\n | BeCentral ", ["BeCentral"]) == "Atelier & IA"
    assert clean_title("Hackathon – hub.brussels", ["Hub.Brussels"]) == "Hackathon"
    assert clean_title("Meetup - Café Numérique", ["cafe numerique"]) == "Meetup"


def test_clean_title_keeps_a_suffix_that_is_not_the_site_name() -> None:
    assert clean_title("Atelier - Niveau 2", ["BeCentral"]) == "Atelier - Niveau 2"
    assert clean_title("BeCentral", ["BeCentral"]) == "BeCentral"


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name == "rel" and tag == "a":
                continue
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self.problems.append(f"attribute {name} on {tag}")
            if name in ("href", "src") and not re.match(r"(https?:|mailto:)", value or "", re.IGNORECASE):
                self.problems.append(f"url {value!r}")


_fragments = st.lists(
    st.sampled_from(
        [
            "<script>", "</script>", "<a href='", "javascript:", "JaVaScRiPt:", "data:", "' onclick='x()'", "<img src=",
            " onerror=alert(1)", "<iframe>", "<style>", "<p>", "</p>", ">", "<", '"', "&lt;script&gt;", "<svg onload=x>",
            "<a href=\"/rel\">", "</a>", "<div style='x'>", "&#106;avascript:", "\n\n", "text ",
        ]
    )
    | st.text(max_size=8),
    max_size=25,
).map("".join)


@settings(max_examples=300)
@given(_fragments, st.sampled_from([None, BASE]))
def test_sanitised_output_never_carries_active_content(html: str, base: str | None) -> None:
    out = sanitise_html(html, base)
    assert "<script" not in out.lower()
    assert not re.search(r"<[^>]*\son\w+\s*=", out, re.IGNORECASE)
    audit = _Audit()
    audit.feed(out)
    assert audit.problems == []


@given(st.text(max_size=400), st.integers(min_value=5, max_value=300))
def test_summary_is_a_bounded_prefix(text: str, max_chars: int) -> None:
    flat = collapse_whitespace(text)
    result = summarise(text, max_chars)
    assert len(result) <= max_chars
    if result.endswith("…") and result != flat:
        assert flat.startswith(result[:-1])
    else:
        assert result == flat
