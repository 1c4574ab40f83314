from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.text import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    BLOCK_TAGS,
    DESCRIPTION_MAX_CHARS,
    DROPPED_WITH_CONTENT,
    CharacterTable,
    _simple_html_text,
    clean_title,
    collapse_whitespace,
    fold,
    has_unwritable,
    html_to_line,
    html_to_text,
    sanitise_html,
    strip_accents,
    summarise,
    writable,
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


@pytest.mark.parametrize("escaped", [
    "&lt;p&gt;Un &lt;strong&gt;atelier&lt;/strong&gt;&lt;script&gt;steal()&lt;/script&gt;&lt;/p&gt;",  # once too often
    "&amp;lt;p&amp;gt;Un &amp;lt;strong&amp;gt;atelier&amp;lt;/strong&amp;gt;&amp;lt;script&amp;gt;steal()"
    "&amp;lt;/script&amp;gt;&amp;lt;/p&amp;gt;",  # twice
    "&#60;p&#62;Un &#60;strong&#62;atelier&#60;/strong&#62;&#60;script&#62;steal()&#60;/script&#62;&#60;/p&#62;",
])
def test_html_escaped_once_too_often_is_read_as_html_and_sanitised(escaped: str) -> None:
    assert sanitise_html(escaped, None) == "<p>Un <strong>atelier</strong></p>"


@pytest.mark.parametrize(("text", "expected"), [
    ("Apprenez la balise &lt;div&gt; en HTML", "<p>Apprenez la balise &lt;div&gt; en HTML</p>"),  # no closing tag
    ("1 &lt; 2 &amp;&amp; 3 &gt; 2", "<p>1 &lt; 2 &amp;&amp; 3 &gt; 2</p>"),
    ("&lt;/ſcript&gt;&amp;", "<p>&lt;/ſcript&gt;&amp;</p>"),  # "ſ" is no ASCII letter, so no closing tag
])
def test_escaped_characters_in_plain_text_stay_text(text: str, expected: str) -> None:
    assert sanitise_html(text, None) == expected


def test_gigantic_descriptions_are_cut_at_a_word_and_stay_well_formed() -> None:
    paragraph = '<p>Lorem <a href="/lien">ipsum</a> dolor sit amet, <b>consectetur</b> adipiscing elit.</p>'
    huge = paragraph * 100_000  # 8.5 MB, a CMS pasting a whole page
    out = sanitise_html(huge, BASE)
    assert len(out) < 2 * DESCRIPTION_MAX_CHARS  # the limit counts the partner's HTML; links gain a rel
    assert out.endswith("<p>…</p>")
    assert out.count("<a ") == out.count("</a>") and out.count("<b>") == out.count("</b>")
    assert sanitise_html(paragraph * 10, BASE).count("<p>") == 10  # below the limit nothing is cut


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
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]:
                self.problems.append(f"attribute {name} on {tag}")
            if name in ("href", "src") and not re.match(r"(https?:|mailto:)", value or "", re.IGNORECASE):
                self.problems.append(f"url {value!r}")


_fragments = st.lists(
    st.sampled_from(
        [
            "<script>", "</script>", "<a href='", "javascript:", "JaVaScRiPt:", "data:", "' onclick='x()'", "<img src=",
            " onerror=alert(1)", "<iframe>", "<style>", "<p>", "</p>", ">", "<", '"', "&lt;script&gt;", "<svg onload=x>",
            "<a href=\"/rel\">", "</a>", "<div style='x'>", "&#106;avascript:", "\n\n", "text ",
            "<a title='t'>", "<a name=n>", "<a title=\"t\" href=\"https://e.example/\">", "<a rel=x>", "<a>", "\u200b", "\u00ad",
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


def test_only_the_allowed_attributes_stay() -> None:
    # lang and title stay on any tag (nh3 keeps them unless told otherwise; ALLOWED_ATTRIBUTES["*"] says so).
    out = sanitise_html('<p lang="nl" class="x" style="c" id="i" title="t">a</p>'
                        '<p><img src="https://e.example/x.png" alt="a" title="t" width="3" onerror="x()"></p>', None)
    assert out == '<p lang="nl" title="t">a</p><p><img src="https://e.example/x.png" alt="a" title="t"></p>'


@given(st.text(max_size=400), st.integers(min_value=5, max_value=300))
def test_summary_is_a_bounded_prefix(text: str, max_chars: int) -> None:
    flat = collapse_whitespace(text)
    result = summarise(text, max_chars)
    assert len(result) <= max_chars
    if result.endswith("…") and result != flat:
        assert flat.startswith(result[:-1])
    else:
        assert result == flat


def _reference_summarise(text: str, max_chars: int) -> str:
    """summarise as it was, collapsing the whole text first."""
    flat = collapse_whitespace(text)
    if len(flat) <= max_chars:
        return flat
    if max_chars <= 1:
        return "…"[:max_chars]
    room = flat[: max_chars - 1 + 1]
    cut = room.rfind(" ")
    head = room[:cut] if cut > max_chars // 2 else room[:-1]
    return head.rstrip(" ,;:–—-([{\"'«") + "…"


# Only the head of a long text is collapsed; long runs of spaces, invisible characters and long words test the
# widening of that head.
_words = st.lists(st.sampled_from(["a", "mot", "Atelier", "x" * 70, " " * 90, "\n\t ", "\u200b", "é,", "«"]) | st.text(max_size=8),
                  max_size=120).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(_words, st.integers(min_value=0, max_value=300))
def test_summarising_the_head_gives_what_summarising_the_whole_text_gave(text: str, max_chars: int) -> None:
    assert summarise(text, max_chars) == _reference_summarise(text, max_chars)


# ---------------------------------------------------------------- the fast paths give what the plain code gave
# html_to_text used to run every text through HTMLParser, and fold decomposed whole texts with NFKD. The
# references below are that code, verbatim: the fast paths must give exactly the same text.

_REFERENCE_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_REFERENCE_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


class _ReferenceCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self._skipping.append(tag)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and tag == self._skipping[-1]:
            self._skipping.pop()
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def _reference_html_to_text(html_text: str) -> str:
    if not html_text:
        return ""
    collector = _ReferenceCollector()
    collector.feed(html_text)
    collector.close()
    text = _REFERENCE_INVISIBLE.sub("", "".join(collector.parts))
    lines = (_REFERENCE_SPACES.sub(" ", " ".join(line.split())).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _reference_strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _reference_fold(text: str) -> str:
    return " ".join(_reference_strip_accents(text).casefold().split())


# Pieces of HTML, well and badly formed: the fast reader must read the former and hand the latter over.
_HTML_PIECES = [
    "<p>", "</p>", "<P class='x'>", "<br>", "<br/>", "<BR />", "<br / >", "<div\nid=a>", "</div >", "</ p>", "</>",
    "<script>", "</script>", "</SCRIPT >", "</\u017fcript>", "</SCRIPT\u00a0>", "</scripts>", "<script type=\"t\">",
    "<script/>", "<style type=text/css>", "<STYLE>p{}</style>", "</style>", "<style/>", "<noscript>", "</noscript>",
    "<iframe>", "</iframe>", "<svg onload=x>", "</svg>", "<title>", "</title>", "<textarea>", "</textarea>",
    "<!-- c -->", "<!---->", "<!-->", "<!--->", "<!-- a -- b -->", "<!--", "-->", "<!-- a\nb -->", "<!--x--!>",
    "<!-- a -- >", "-- >",
    "<![CDATA[x]]>", "<!DOCTYPE html>", "<?php x ?>", "<p/x>", "<a b='1'c>", "<a href=x/>", "<a href=x>",
    "<a href=/x/>",
    "<img src='a>b'>", "<a title=\"x<y\">", "<a href=\"&amp;\">", "<p\nclass=\"a\nb\">", "<a\u00a0b>", "<p\vx>",
    "<x-y>", "</x-y>", "<\x00>", "<li>", "</li>", "<ul>", "</ul>", "<h2>", "</h2>",
    "<table><tr><td>", "</td></tr></table>",
    "<span>", "</span>", "<b>", "</B>", "<hr/>", "<hr>", "</br>", "<", ">", "<3", "a<b", "&amp;", "&eacute;", "&nbsp;",
    "&#233;", "&#xE9;", "&#10;", "&NewLine;", "&#13;", "&am", "&", "&amp", "&ampxyz", "&#", "&#x;", "&lt;p&gt;",
    "\n", " ", "\t", "\r\n", "\u00a0", "\u200b", "\u2028", "\x00", "Café", "x", "yz ",
]
_html = st.lists(st.sampled_from(_HTML_PIECES) | st.text(max_size=6), max_size=25).map("".join)


@pytest.mark.parametrize("html_text", [
    "<p>Caf&eacute;&nbsp;num&eacute;rique</p><ul><li>un</li><li>deux</li></ul>trois<br>quatre<script>x()</script>",
    "<div><p>nested <b>blocks</b></p><div>deeper<br/>line</div></div>tail",
    "<p>a</p><script type=\"x\">if (a < b) {}</script><STYLE>p{}</style  >b",
    "<script>a</\u017fcript>still script</script>after",  # an end tag with a non-ASCII name ends nothing
    "<script>a</\u017fcript>never closed",
    "<p>x<!-- a -- >y--></p>", "<p>x<!-- a --\n>y--></p>",  # "--", spaces, ">" end a comment
    "<noscript><p>hidden</p></noscript>shown", "<p>unclosed <b>bold", "<p>1 < 2 &amp; 3 > 2</p>",
    "<!-- comment --><p>x</p><!-- a -- b -->y<!-->z", "line\none&#10;two&NewLine;three", "&ampxyz &notit; &#x110000;",
    "<a href=x/>link</a><img src='a>b'>", "<!DOCTYPE html><html><head><title>T</title></head><body>B</body></html>",
])
def test_html_to_text_gives_what_htmlparser_gave(html_text: str) -> None:
    assert html_to_text(html_text) == _reference_html_to_text(html_text)


@settings(max_examples=1000, deadline=None)
@given(_html)
def test_any_html_reads_as_htmlparser_read_it(html_text: str) -> None:
    assert html_to_text(html_text) == _reference_html_to_text(html_text)


@settings(max_examples=500, deadline=None)
@given(_html)
def test_html_on_one_line_is_its_text_with_the_lines_joined(html_text: str) -> None:
    assert html_to_line(html_text) == " ".join(_reference_html_to_text(html_text).split())


@settings(max_examples=300, deadline=None)
@given(_html)
def test_sanitised_html_is_read_without_htmlparser(html_text: str) -> None:
    # Descriptions are stored sanitised: their markup is always simple enough for the fast reader.
    sanitised = sanitise_html(html_text, BASE)
    assert _simple_html_text(sanitised) is not None
    assert html_to_text(sanitised) == _reference_html_to_text(sanitised)


_accented = st.text(alphabet=st.sampled_from(
    "aeiouAEIOU çéèêëïôœßÆØÅ\u0300\u0301\u0308\u0327\u0338\u0345ﬁﬀ²½Ⅻ㎏İıſKΣ한글ｶﾞ‐’\u200b\t\n"
))


@settings(max_examples=500, deadline=None)
@given(st.text() | _accented)
def test_accents_are_stripped_as_whole_text_nfkd_stripped_them(text: str) -> None:
    assert strip_accents(text) == _reference_strip_accents(text)
    assert fold(text) == _reference_fold(text)


# Latin-1 texts (French, Dutch, English without typographic punctuation) are translated as bytes: ½, ¼, ¾ and µ,
# whose replacements are no single Latin-1 character, and any character beyond Latin-1 send a text the other way.
_latin1 = st.text(alphabet=st.characters(max_codepoint=0xFF)) | st.text(alphabet=st.sampled_from("aeéèêëÉçÇïôœ’½µ €"))


@settings(max_examples=500, deadline=None)
@given(_latin1)
def test_latin1_texts_are_stripped_as_whole_text_nfkd_stripped_them(text: str) -> None:
    assert strip_accents(text) == _reference_strip_accents(text)
    assert fold(text) == _reference_fold(text)


def test_latin1_characters_with_longer_replacements_are_not_translated_as_bytes() -> None:
    table, beyond = CharacterTable(_reference_strip_accents).latin1
    assert [chr(code) for code in range(0x80, 0x100) if beyond.match(chr(code))] == ["µ", "¼", "½", "¾"]
    assert bytes([0xE9, 0xC7, 0xFF]).translate(table) == b"eCy"
    assert strip_accents("Élève ½ µ") == "Eleve 1\u20442 \u03bc"


# --- the sanitiser is built once; the base URL of each call still resolves that call's links ---------------


def _per_call_nh3(html_text: str, base_url: str | None) -> str:
    """What sanitise_html gave when it passed its options (and base) to nh3.clean on every call."""
    import nh3

    from transforms.text import (
        _EMPTY_PARAGRAPH, _IMG_WITHOUT_SRC, _INVISIBLE, _LINK_WITHOUT_HREF, DROPPED_WITH_CONTENT, LINK_REL, URL_SCHEMES,
        _as_html, _keep_attribute,
    )
    from transforms.urls import absolute_url

    if not html_text or not html_text.strip():
        return ""
    source = _as_html(html_text)  # what the fragment is read as (HTML, HTML escaped too often, plain text)
    cleaned = nh3.clean(
        _INVISIBLE.sub("", source), tags=set(ALLOWED_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}, attribute_filter=_keep_attribute,
        url_schemes=set(URL_SCHEMES), link_rel=LINK_REL, strip_comments=True,
        url_relative=lambda url: absolute_url(url, base_url),
    )
    cleaned = _LINK_WITHOUT_HREF.sub(r"\1", _IMG_WITHOUT_SRC.sub("", cleaned))
    return _EMPTY_PARAGRAPH.sub("", cleaned).strip()


_BASES = st.sampled_from([None, BASE, "https://other.example/a/b/", "http://127.0.1.2:8080/fr/x?y=1", "ftp://files.example/"])


@settings(max_examples=500, deadline=None)
@given(_fragments | _html, _BASES)
def test_sanitised_html_is_what_per_call_options_gave(html_text: str, base: str | None) -> None:
    assert sanitise_html(html_text, base) == _per_call_nh3(html_text, base)


def test_each_call_resolves_relative_links_against_its_own_base() -> None:
    html_text = '<p><a href="/contact">c</a><img src="img/x.png" alt="x"></p>'
    first = sanitise_html(html_text, "https://one.example/a/")
    assert 'href="https://one.example/contact"' in first and 'src="https://one.example/a/img/x.png"' in first
    assert sanitise_html(html_text, None) == '<p>c</p>'  # no base: the relative link and image are dropped
    assert 'href="https://two.example/contact"' in sanitise_html(html_text, "https://two.example/b")


def test_concurrent_calls_keep_their_own_base() -> None:
    from concurrent.futures import ThreadPoolExecutor

    bases = [f"https://host{n}.example/page/" for n in range(40)] * 5
    html_text = "".join(f'<p><a href="rel/{n}">link {n}</a></p>' for n in range(30))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda base: sanitise_html(html_text, base), bases))
    for base, out in zip(bases, results):
        assert out == _per_call_nh3(html_text, base)
        assert out.count(f'href="{base}rel/') == 30


@pytest.mark.parametrize(("text", "expected"), [
    ("Atelier\x01 IA", "Atelier IA"),
    ("ligne 1\x0bligne 2\x0cfin", "ligne 1 ligne 2 fin"),  # Word's line break and form feed become spaces
    ("coupé \ud83d", "coupé "),  # half an emoji
    ("fête 🎉\ufffe", "fête 🎉"),
    ("tab\tand\nnewline\r", "tab\tand\nnewline\r"),  # allowed in XML: kept
    ("déjà propre", "déjà propre"),
])
def test_writable_removes_what_no_export_can_carry(text: str, expected: str) -> None:
    assert writable(text) == expected
    writable(text).encode("utf-8")
    assert has_unwritable(text) == (expected != text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xFF)) | st.text()
       | st.text(alphabet=st.characters(blacklist_categories=())) | st.text(alphabet="a\x01…\ufffe\uffff\ud83d\ude00é"))
def test_unwritable_characters_are_found_in_any_text(text: str) -> None:
    # Searched without the pattern (Latin-1 controls as bytes, U+FFFE/U+FFFF, lone surrogates by UTF-8): found
    # exactly where `writable` removes something. A record's excerpt ends in "…", so no feed's text is all Latin-1.
    assert has_unwritable(text) == (writable(text) != text)
