"""Texts: sanitising partner HTML, reducing it to plain text, summaries and clean titles."""
from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from functools import lru_cache
from html.parser import HTMLParser

import nh3

from transforms.urls import absolute_url

ALLOWED_TAGS = frozenset(
    {"p", "br", "a", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "img", "div", "span"}
)
# "*": on every tag. lang and title are what nh3 (ammonia) keeps on every tag unless told otherwise: written
# here, the policy says what the output holds.
ALLOWED_ATTRIBUTES = {"*": {"lang", "title"}, "a": {"href", "title"}, "img": {"src", "alt"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Dropped with everything inside them: their content is code or chrome, never reading text.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "select", "textarea", "head", "title"}
)
BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table",
        "section", "article", "header", "footer", "aside", "nav", "pre", "hr", "dd", "dt", "dl", "figure", "figcaption",
    }
)
ELLIPSIS = "…"
# The most partner HTML kept for one description: far more than any real description, small enough
# that a runaway CMS field (a whole page, a pasted base64 image) cannot bloat the warehouse and the exports.
DESCRIPTION_MAX_CHARS = 50_000

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|<!--")
_INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width spaces and joiners, BOM, soft hyphen
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARACTERS}]")
# Characters no export can carry: the C0 controls but tab and line breaks, DEL and U+FFFE/U+FFFF (XML 1.0 forbids
# them: one in one partner's title would make agenda.ics and feed.atom unreadable to every client) and lone
# surrogates (UTF-8 cannot encode them: a CMS that cuts an emoji's escape "\ud83d\ude00" in half in its JSON).
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_UNWRITABLE_AS_SPACE = frozenset("\x0b\x0c")  # vertical tab and form feed: line breaks in Word and Outlook exports
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br>|&nbsp;)*</p>")
# What nh3 leaves of an image or link whose URL it refused: an <img> without src, an <a> without href.
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
# An image 1 (or 0) pixel wide or high is a tracking pixel (Medium's stat, FeedBurner's ~r, HubSpot's __ptq.gif, which
# gives its width alone and its height in a style): the sanitiser drops the size attributes, so it is found before, by them.
_PIXEL_SIZE = r"""\s*=\s*["']?[01](?:px)?(?=["'\s/>])"""
_TRACKING_PIXEL = re.compile(rf"<img\b(?=[^>]*\s(?:width|height){_PIXEL_SIZE})[^>]*>", re.IGNORECASE)
_LINK_WITHOUT_HREF = re.compile(r'<a(?![^>]*\shref=)[^>]*>(.*?)</a>', re.DOTALL)
# After one unescaping, a closing tag or a <br> proves that a text without tags was HTML escaped once
# too often ("&lt;p&gt;Texte&lt;/p&gt;", as CMSs put HTML into JSON-LD or into an escaped RSS
# description); an escaped "<" alone ("1 &lt; 2") is plain text.
# re.ASCII: with IGNORECASE alone, [a-z] also matches letters that fold to ASCII ones ("ſ", "K").
_ESCAPED_MARKUP_PROOF = re.compile(r"</\s*[a-zA-Z][a-zA-Z0-9]*\s*>|<br\s*/?>", re.IGNORECASE | re.ASCII)
_TITLE_SEPARATORS = (" | ", "|", " - ", " – ", " — ", " · ", " • ", " :: ", " » ")


def _unwritable_replacement(match: re.Match[str]) -> str:
    return " " if match.group(0) in _UNWRITABLE_AS_SPACE else ""


def without_invisible(text: str) -> str:
    """`text` without zero-width characters and soft hyphens."""
    # Six substring tests cost less than one scan by a pattern, and most texts hold none of them.
    if any(character in text for character in _INVISIBLE_CHARACTERS):
        return _INVISIBLE.sub("", text)
    return text


def writable(text: str) -> str:
    """`text` without the characters no export can write (see _UNWRITABLE); vertical tabs and form feeds become spaces."""
    return _UNWRITABLE.sub(_unwritable_replacement, text) if _UNWRITABLE.search(text) else text


_UNWRITABLE_LATIN1 = bytes(code for code in range(0x100) if _UNWRITABLE.match(chr(code)))


def has_unwritable(text: str) -> bool:
    """True when `text` holds a character `writable` would remove."""
    # Searched without a pattern scan, which cost far more on long texts: the Latin-1 controls as bytes (a character
    # beyond Latin-1 encodes as "?"), U+FFFE and U+FFFF by substring, and a lone surrogate by UTF-8, which refuses it.
    encoded = text.encode("latin-1", "replace")
    if len(encoded.translate(None, _UNWRITABLE_LATIN1)) != len(encoded):
        return True
    if "\ufffe" in text or "\uffff" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def looks_like_html(text: str) -> bool:
    """True when `text` holds at least one tag or comment; entities alone do not make HTML."""
    return bool(_TAG.search(text))


def plain_text_to_html(text: str) -> str:
    """Plain text as HTML: escaped, blank lines start paragraphs, single line breaks stay line breaks."""
    decoded = html.unescape(text)  # feeds often entity-encode plain text once
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", decoded.replace("\r\n", "\n").replace("\r", "\n"))]
    rendered = []
    for paragraph in paragraphs:
        if not paragraph:
            continue
        lines = [_SPACES.sub(" ", line).strip() for line in paragraph.split("\n")]
        rendered.append("<p>" + "<br>".join(html.escape(line, quote=False) for line in lines if line) + "</p>")
    return "".join(rendered)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # nh3 already restricts schemes to URL_SCHEMES; an image must also be fetchable by a browser
    # (relative sources are resolved after this filter runs).
    if tag == "img" and attribute == "src":
        scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value)
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            return None
    return value


# The base URL of the fragment being sanitised, for _resolve_relative. The sanitiser is built once (building
# nh3's options on every call cost as much as the cleaning itself), so the per-call base travels this way;
# a ContextVar keeps concurrent threads from seeing each other's base.
_BASE_URL: ContextVar[str | None] = ContextVar("sanitise_base_url", default=None)


def _resolve_relative(url: str) -> str | None:
    return absolute_url(url, _BASE_URL.get())


_SANITISER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_keep_attribute,
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
    url_relative=_resolve_relative,
)


def _clean(source: str, base_url: str | None) -> str:
    """nh3's cleaning of `source` with relative URLs resolved against `base_url`."""
    token = _BASE_URL.set(base_url)
    try:
        return _SANITISER.clean(source)
    finally:
        _BASE_URL.reset(token)


def _as_html(text: str) -> str:
    """`text` as HTML to sanitise: HTML as it is, HTML escaped once too often unescaped, plain text as paragraphs."""
    if looks_like_html(text):
        return text
    unescaped = text
    for _ in range(2):  # escaped once too often, or twice ("&amp;lt;p&amp;gt;")
        if "&" not in unescaped:
            break
        unescaped = html.unescape(unescaped)
        if _ESCAPED_MARKUP_PROOF.search(unescaped):
            return unescaped
    return plain_text_to_html(text)


def _shortened(source: str, limit: int) -> str:
    """`source` cut to at most `limit` characters at a space outside any tag; the sanitiser closes what stays open."""
    cut = source.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    tag_start = source.rfind("<", 0, cut)
    if tag_start > source.rfind(">", 0, cut):
        cut = tag_start  # the cut fell inside a tag: drop the whole tag
    return source[:cut]


def sanitise_html(html_text: str, base_url: str | None, max_chars: int = DESCRIPTION_MAX_CHARS) -> str:
    """Partner HTML reduced to the allow-list: no scripts, styles, frames or event handlers; only
    http(s)/mailto URLs; relative links resolved against `base_url` (dropped without one);
    links get rel="noopener noreferrer nofollow". Plain text becomes escaped paragraphs, HTML
    escaped once too often is unescaped first. Longer than `max_chars`, it is cut and ends with "…"."""
    if not html_text or not html_text.strip():
        return ""
    source = _as_html(html_text)
    if "<img" in source and ("width" in source or "height" in source):
        source = _TRACKING_PIXEL.sub("", source)
    shortened = len(source) > max_chars
    if shortened:
        source = _shortened(source, max_chars)
    cleaned = _clean(without_invisible(source), base_url)
    if shortened:
        cleaned += f"<p>{ELLIPSIS}</p>"
    # Each clean-up pass only where its pattern can match at all: a substring test is far cheaper than a scan.
    if "<img" in cleaned:
        cleaned = _IMG_WITHOUT_SRC.sub("", cleaned)
    if "<a>" in cleaned or "<a title=" in cleaned or "<a rel=" in cleaned:
        # Only a link whose first attribute is no href can lack one: href, title and rel are all nh3 leaves on it.
        cleaned = _LINK_WITHOUT_HREF.sub(r"\1", cleaned)
    if "<p>" in cleaned:
        cleaned = _EMPTY_PARAGRAPH.sub("", cleaned)
    return cleaned.strip()


class _TextCollector(HTMLParser):
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
            # Line breaks in the source are spaces in HTML; only block elements break lines. Other
            # whitespace is collapsed line by line in html_to_text.
            self.parts.append(data.replace("\n", " "))


class _NotSimple(Exception):
    """The HTML holds markup that only HTMLParser reads right."""


# What html_to_text reads without HTMLParser: tags with plain names and simply written attributes,
# comments without "--" or ">" inside, whole script and style elements, and character references
# (html.unescape's own pattern, so each is decoded as unescape decodes it within its text). For these,
# HTMLParser's tolerant rules and the HTML standard agree. Any other "<" matches the empty `other`
# group and sends the text to HTMLParser. Every branch starts with "<" or "&" outside any group, so
# the regex engine skips to those characters.
_WS = r"[ \t\n\r\f]"
_ATTRIBUTES = rf"""(?:{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*
    (?:{_WS}*={_WS}*(?:"[^"]*"|'[^']*'|[-a-zA-Z0-9_:.\#%?;,+]+(?={_WS}|>)))?)*"""


def _any_case(name: str) -> str:
    """`name` in any mix of ASCII cases (re.IGNORECASE would also let in "ſ" for "s", "K" for "k")."""
    return "".join(f"[{c.lower()}{c.upper()}]" for c in name)


# HTMLParser reads the content of script and style as text up to the first end tag written
# </\s*name\s*> with an ASCII name; the collector drops all of it.
_RAW_TEXT_ELEMENTS = "|".join(
    rf"{_any_case(tag)}{_ATTRIBUTES}{_WS}*>[\s\S]*?</\s*{_any_case(tag)}\s*>"
    for tag in HTMLParser.CDATA_CONTENT_ELEMENTS
)
_SIMPLE_HTML = re.compile(
    rf"""<(?:
        {_RAW_TEXT_ELEMENTS}
      | (?P<start>[a-zA-Z][a-zA-Z0-9]*){_ATTRIBUTES}{_WS}*/?>
      | /(?P<end>[a-zA-Z][a-zA-Z0-9]*){_WS}*>
      | !--(?!-?>)[^<>-]*(?:-[^<>-]+)*-->
      | (?P<other>)
    )
    | &(?P<charref>\#[0-9]+;?|\#[xX][0-9a-fA-F]+;?|[^\t\n\f\ <&\#;]{{1,32}};?)""",
    re.VERBOSE,
)
# Elements whose content is dropped (or, for script and style, is not markup): the stack of open ones
# is HTMLParser's business.
_NOT_SIMPLE_TAGS = DROPPED_WITH_CONTENT | frozenset(HTMLParser.CDATA_CONTENT_ELEMENTS)


@lru_cache(maxsize=512)
def _tag_text(name: str) -> str | None:
    """What a start or end tag named `name` (as written) leaves in the text; None for one only HTMLParser reads."""
    tag = name.lower()
    if tag in _NOT_SIMPLE_TAGS:
        return None
    return "\n" if tag in BLOCK_TAGS else ""


def _simple_replacement(match: re.Match[str]) -> str:
    group = match.lastgroup  # the one named group that took part in the match, if any
    if group == "start" or group == "end":
        text = _tag_text(match[group])
        if text is None:
            raise _NotSimple
        return text
    if group == "charref":
        return html.unescape("&" + match[group]).replace("\n", " ")  # a decoded line break is a space, like a typed one
    if group == "other":
        raise _NotSimple
    return ""  # a comment, or a whole script or style element


def _simple_html_text(html_text: str) -> str | None:
    """What _TextCollector collects of `html_text` (joined), when all its markup is simple; else None."""
    try:
        # Line breaks in the source are spaces; only block elements break lines.
        return _SIMPLE_HTML.sub(_simple_replacement, html_text.replace("\n", " "))
    except _NotSimple:
        return None


def collapse_whitespace(text: str) -> str:
    """All runs of whitespace (line breaks included) as one space, trimmed."""
    return " ".join(without_invisible(text).split())


def _collected_text(html_text: str) -> str:
    """The text of an HTML fragment without its markup and invisible characters, a line break per block element."""
    text = _simple_html_text(html_text)
    if text is None:
        collector = _TextCollector()
        collector.feed(html_text)
        collector.close()
        text = "".join(collector.parts)
    return without_invisible(text)


def html_to_text(html_text: str) -> str:
    """The reading text of an HTML fragment: entities decoded, scripts and styles dropped,
    one line per block element, spaces collapsed within lines."""
    if not html_text:
        return ""
    # str.split() already removes every character of _SPACES (all are whitespace to Python).
    lines = [" ".join(line.split()) for line in _collected_text(html_text).split("\n")]
    return "\n".join(filter(None, lines))


def html_to_line(html_text: str) -> str:
    """html_to_text(html_text) on one line: its lines joined by spaces (without making the lines first)."""
    return " ".join(_collected_text(html_text).split()) if html_text else ""


def _flat_head(text: str, needed: int) -> str:
    """collapse_whitespace(text), or a prefix of it of at least `needed` characters: a summary reads only the
    start of a description, so only as much of it is collapsed as gives that many characters (whole words)."""
    size = needed + needed // 4 + 32
    while size < len(text):
        head = collapse_whitespace(text[:size])
        space = head.rfind(" ")  # the last word may be cut off by the slice: drop it
        if space >= needed:
            return head[:space]
        size *= 4
    return collapse_whitespace(text)


def summarise(text: str, max_chars: int = 280) -> str:
    """`text` on one line, cut at a word boundary to at most `max_chars` characters, ending in '…' when cut."""
    flat = _flat_head(text, max_chars + 1)
    if len(flat) <= max_chars:
        return flat
    if max_chars <= len(ELLIPSIS):
        return ELLIPSIS[:max_chars]
    room = flat[: max_chars - len(ELLIPSIS) + 1]  # one extra char tells whether the cut falls between words
    cut = room.rfind(" ")
    # A single very long word would leave almost nothing: cut inside it instead.
    head = room[:cut] if cut > max_chars // 2 else room[:-1]
    head = head.rstrip(" ,;:–—-([{\"'«")
    return head + ELLIPSIS


class CharacterTable(dict[int, str]):
    """A str.translate table that works out the replacement of each character the first time it is met."""

    def __init__(self, replace: Callable[[str], str]) -> None:
        super().__init__()
        self._replace = replace
        self._latin1: tuple[bytes, re.Pattern[str]] | None = None

    def __missing__(self, code: int) -> str:
        replacement = self[code] = self._replace(chr(code))
        return replacement

    @property
    def latin1(self) -> tuple[bytes, re.Pattern[str]]:
        """(a bytes.translate table, a pattern finding the characters it cannot translate): the table turns each
        Latin-1 character whose replacement is one Latin-1 character (é -> e) into it; every other non-ASCII
        character ("½" -> "1⁄2", "µ" -> "μ", "’") is for str.translate."""
        if self._latin1 is None:
            table, kept = bytearray(range(0x100)), ["\\x00-\\x7f"]
            for code in range(0x80, 0x100):
                replacement = self[code]
                if len(replacement) == 1 and ord(replacement) < 0x100:
                    table[code] = ord(replacement)
                    kept.append(re.escape(chr(code)))
            self._latin1 = bytes(table), re.compile("[^" + "".join(kept) + "]")
        return self._latin1


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def translate_non_ascii(text: str, table: CharacterTable) -> str:
    """`text.translate(table)` for a table that leaves ASCII characters alone.

    A text of Latin-1 characters that each become one Latin-1 character (French, Dutch, English without
    typographic punctuation) is translated as bytes, in C. Otherwise only the runs of non-ASCII characters are
    looked up: a mostly ASCII text goes about five times faster than through str.translate, which looks up
    every character."""
    if text.isascii():
        return text
    bytes_table, beyond = table.latin1
    if beyond.search(text) is None:
        return text.encode("latin-1").translate(bytes_table).decode("latin-1")
    return _NON_ASCII.sub(lambda run: run.group().translate(table), text)


def _without_accents(character: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))


# Decomposing character by character gives what decomposing the whole text gives once the combining
# marks are dropped: NFKD only reorders combining marks. ASCII characters are their own NFKD form.
_ACCENT_FREE = CharacterTable(_without_accents)


def strip_accents(text: str) -> str:
    """`text` in NFKD compatibility form without combining marks: "Café ﬁn" -> "Cafe fin"."""
    return translate_non_ascii(text, _ACCENT_FREE)


def fold(text: str) -> str:
    """`text` for comparisons: case, accents and spacing ignored."""
    return " ".join(strip_accents(text).casefold().split())


_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


def _title_text(title: str) -> str:
    return html_to_text(title) if looks_like_html(title) else html.unescape(title)


def clean_title(title: str, site_names: Sequence[str] = ()) -> str:
    """A title as plain text on one line, without a trailing ' | Site name' naming one of `site_names`."""
    text = _title_text(title)
    if ("&" in text or "<" in text) and (_ENTITY.search(text) or looks_like_html(text)):
        # Escaped once too often ("R&amp;amp;D", "&lt;b&gt;Atelier&lt;/b&gt;", WordPress's "&amp;#8211;"):
        # one reading left an entity or a tag, which the page would show as such.
        text = _title_text(text)
    text = collapse_whitespace(text)
    names = {fold(name) for name in site_names if name and name.strip()}
    changed = True
    while changed and names:
        changed = False
        for separator in _TITLE_SEPARATORS:
            head, found, tail = text.rpartition(separator)
            if found and head.strip() and fold(tail) in names:
                text = head.strip()
                changed = True
                break
    return text
