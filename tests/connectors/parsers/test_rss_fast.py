"""The lxml reader (xml_feed) against feedparser: the same ParseResult for every feed, real or generated."""
from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.parsers import rss, xml_feed
from connectors.parsers.common import Origin, ParseResult

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).parent / "fixtures" / "rss"
ORIGIN = Origin(partner_id="hub", source_id="news", base_url="https://hub.example.be/agenda/feed.xml")
CONTENT_TYPES = (None, "application/rss+xml", "text/xml; charset=utf-8", "text/html; charset=utf-8", "application/atom+xml")


def _outcome(result: ParseResult) -> tuple[object, ...]:
    return result.items, result.rejections, result.warnings, result.error


def assert_same_as_feedparser(body: bytes, content_type: str | None) -> None:
    fast = rss.parse(body, ORIGIN, content_type=content_type)
    reference = rss.parse(body, ORIGIN, content_type=content_type, fast=False)
    assert _outcome(fast) == _outcome(reference)


def _demo_feeds() -> Iterator[tuple[str, bytes, str]]:
    from demo.loader import CONTENT_DIR, load_partner, load_places, partner_files
    from demo.render import render_feed

    places = load_places(CONTENT_DIR)
    for path in partner_files(CONTENT_DIR):
        partner = load_partner(path, places)
        for feed in partner.feeds:
            if feed.format in ("rss2", "rss1", "atom"):
                for today in (date(2026, 1, 15), date(2026, 7, 1)):
                    rendered = render_feed(partner, feed, "http://127.0.0.1:8765", today)
                    yield f"demo/{partner.id}/{feed.path}@{today}", rendered.body, rendered.content_type


def _bench_feeds() -> Iterator[tuple[str, bytes, str]]:
    from bench.ecosystem import CONTENT_TYPES as BENCH_TYPES
    from bench.ecosystem import Spec, generate

    ecosystem = generate(Spec(sources=24, items=8), now=datetime(2026, 3, 1, tzinfo=UTC))
    for source in ecosystem.sources:
        if source.kind == "rss":
            yield f"bench/{source.source_id}", source.body, BENCH_TYPES["rss"]


def _corpus() -> list[tuple[str, bytes, str | None]]:
    files = sorted(FIXTURES.glob("*")) + sorted((ROOT / "partners" / "fixtures").rglob("*.xml"))
    feeds: list[tuple[str, bytes, str | None]] = [(str(p.relative_to(ROOT)), p.read_bytes(), None) for p in files]
    return feeds + list(_demo_feeds()) + list(_bench_feeds())


CORPUS = _corpus()


@pytest.mark.parametrize(("name", "body", "served_as"), CORPUS, ids=[c[0] for c in CORPUS])
def test_every_recorded_feed_reads_as_feedparser_reads_it(name: str, body: bytes, served_as: str | None) -> None:
    for content_type in {served_as, *CONTENT_TYPES}:
        assert_same_as_feedparser(body, content_type)


@pytest.mark.parametrize(
    "name",
    ["rss20_full.xml", "rss20_keys.xml", "rss20_duplicate_guid.xml", "rss20_unreadable_date.xml", "rss091.xml",
     "atom_xml_base.xml", "latin1_declared.xml", "empty_channel.xml"],
)
def test_plain_rss_and_atom_take_the_fast_reader(name: str) -> None:
    assert xml_feed.read((FIXTURES / name).read_bytes(), "application/rss+xml") is not None


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("rss10_event_module.rdf", None),  # RSS 1.0 is feedparser's
        ("bozo_recovered.xml", None),  # malformed: feedparser recovers what it can
        ("broken_no_entries.xml", None),
        ("not_a_feed.html", "text/html"),
        ("latin1_content_type_only.xml", None),  # not UTF-8 and nothing says so: feedparser guesses
    ],
)
def test_everything_else_falls_back_to_feedparser(name: str, content_type: str | None) -> None:
    assert xml_feed.read((FIXTURES / name).read_bytes(), content_type) is None


def test_the_bench_feeds_take_the_fast_reader() -> None:
    assert all(xml_feed.read(body, content_type) is not None for _, body, content_type in _bench_feeds())


@pytest.mark.parametrize(
    "body",
    [
        (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
         b"<rss><channel><item><title>&b;</title></item></channel></rss>"),
        b'<rss xmlns:x="http://example.com/x"><channel><item><title>t</title><x:title>u</x:title></item></channel></rss>',
        b"<rss><channel><item><title>a <b>bold</b> title</title></item></channel></rss>",
        b"<rss><channel><item><title>one</title><title>two</title></item></channel></rss>",
        b'<rss xmlns:dc="http://purl.org/rss/1.0/modules/content/"><channel><item><dc:encoded>x</dc:encoded></item></channel></rss>',
        (b'<rss><channel><item><title>t</title><ev:startdate xmlns:ev="http://purl.org/rss/1.0/modules/event/" a="1">x'
         b"</ev:startdate></item></channel></rss>"),
        b"\xef\xbb\xbf<rss><channel><item><title>caf\xe9</title></item></channel></rss>",
    ],
    ids=["entities", "unknown-namespace", "markup-in-text", "two-titles", "canonical-prefix-reused", "event-attributes",
         "bom-not-utf8"],
)
def test_documents_the_reader_does_not_fully_understand_go_to_feedparser(body: bytes) -> None:
    assert xml_feed.read(body, None) is None
    assert_same_as_feedparser(body, None)


# --- generated feeds -----------------------------------------------------------------------------------------

# Characters XML 1.0 allows, C1 controls and non-BMP included (feedparser maps C1 controls to cp1252).
_xml_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                  "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff"),
    max_size=30,
)
_words = st.sampled_from([
    "Atelier", "Café & co", "<b>gras</b>", "&amp;", "Ã©tÃ©", "\u0080\u0093", " spaced  out ", "", "\n\t", "nbsp\u00a0",
    "Conférence", "émoji 😀", "a]]b", "fish &lt;chips&gt;", "https://x.be/?a=1&b=2", "Q&amp;A",
])
_texts = st.lists(st.one_of(_words, _xml_text), max_size=4).map("".join)
_dates = st.one_of(
    st.builds(
        lambda day, month, year, hour, zone, weekday: f"{weekday}{day:02d} {month} {year} {hour:02d}:15:00{zone}",
        st.integers(1, 28), st.sampled_from(["Jan", "Mar", "Jul", "oct", "DEC"]), st.sampled_from([2026, 2030, 99, 26]),
        st.integers(0, 23), st.sampled_from(["", " GMT", " UT", " Z", " +0100", " -0530", " EST", " CEST", " XYZ", " +01:00"]),
        st.sampled_from(["", "Tue, ", "Sat,"]),
    ),
    st.sampled_from(["2026-03-10T18:30:00+01:00", "2026-03-10", "2026-03-10T18:30Z", "mardi prochain", "", "  "]),
)
_links = st.sampled_from([
    "https://hub.example.be/e/1", "  https://hub.example.be/e/2?a=1&b=2  ", "/relative/path", "relative",
    "https://hub.example.be/?q=a&amp;b=c", "https://hub.example.be/?x=1&y;=2", "javascript:alert(1)", "", "http:///triple",
])
_bases = st.sampled_from([None, "https://base.example.be/dir/", "/sub/", "other/", "javascript:alert(1)"])
_langs = st.sampled_from([None, "fr-BE", "nl", "en_GB", "", "de"])


def _escaped(text: str, cdata: bool) -> str:
    if cdata and "]]>" not in text:
        return f"<![CDATA[{text}]]>"
    return html.escape(text, quote=False)


def _attrs(**values: str | None) -> str:
    return "".join(f' {name.replace("__", ":")}="{html.escape(value)}"' for name, value in values.items() if value is not None)


@st.composite
def _rss_item(draw: st.DrawFn) -> str:
    cdata = draw(st.booleans())
    parts = []
    if draw(st.booleans()):
        parts.append(f"<title{_attrs(xml__lang=draw(_langs), xml__base=draw(_bases))}>{_escaped(draw(_texts), cdata)}</title>")
    if draw(st.booleans()):
        parts.append(f"<link{_attrs(xml__base=draw(_bases))}>{html.escape(draw(_links), quote=False)}</link>")
    if draw(st.booleans()):
        permalink = draw(st.sampled_from([None, "true", "false", "True"]))
        parts.append(f"<guid{_attrs(isPermaLink=permalink)}>{html.escape(draw(st.sampled_from(['g-1', 'https://hub.example.be/g', '/g/rel', ''])))}</guid>")
    if draw(st.booleans()):
        parts.append(f"<description>{_escaped(draw(_texts), cdata)}</description>")
    if draw(st.booleans()):
        parts.append(f"<content:encoded>{_escaped(draw(_texts), True)}</content:encoded>")
    if draw(st.booleans()):
        parts.append(f"<pubDate>{html.escape(draw(_dates))}</pubDate>")
    if draw(st.booleans()):
        parts.append(f"<dc:date>{html.escape(draw(_dates))}</dc:date>")
    for text, domain in draw(st.lists(st.tuples(_texts, st.sampled_from([None, "https://tags.example.be", ""])), max_size=3)):
        parts.append(f"<category{_attrs(domain=domain)}>{_escaped(text, False)}</category>")
    for url, kind in draw(st.lists(st.tuples(_links, st.sampled_from([None, "image/jpeg", "IMAGE/PNG", "audio/mpeg"])), max_size=2)):
        parts.append(f"<enclosure{_attrs(url=url, type=kind)} length=\"1\"/>")
    if draw(st.booleans()):
        url = draw(_links)
        parts.append(draw(st.sampled_from([f"<media:thumbnail{_attrs(url=url)}/>", f"<media:thumbnail>{html.escape(url)}</media:thumbnail>"])))
    if draw(st.booleans()):
        parts.append(f"<media:content{_attrs(url=draw(_links), medium=draw(st.sampled_from([None, 'image', 'video'])))}/>")
    for name in draw(st.lists(st.sampled_from(["ev:startdate", "ev:enddate", "ev:location"]), unique=True)):
        parts.append(f"<{name}>{html.escape(draw(_dates))}</{name}>")
    language = draw(st.sampled_from([None, "language", "dc:language"]))  # one of them: both would be two values
    if language:
        parts.append(f"<{language}>{draw(st.sampled_from(['fr', 'nl-BE', 'EN', 'xx', '']))}</{language}>")
    if draw(st.booleans()):
        parts.append("<author>info@hub.example.be (Hub)</author><comments>/c</comments><!-- a comment -->")
    if draw(st.booleans()):
        parts.append(f'<source url="https://other.example.be/rss">{_escaped(draw(_texts), False)}</source>')
    order = draw(st.permutations(parts))
    return f"<item{_attrs(xml__base=draw(_bases), xml__lang=draw(_langs))}>{''.join(order)}</item>"


@st.composite
def rss_feeds(draw: st.DrawFn) -> bytes:
    items = "\n".join(draw(st.lists(_rss_item(), max_size=4)))
    channel_title = draw(st.sampled_from(["", "<title>Hub</title>", "<title xml:base=\"/t/\">Hub</title>"]))
    language = draw(st.sampled_from(["", "<language>fr-BE</language>", "<dc:language>nl</dc:language>"]))
    root = _attrs(version="2.0", xml__lang=draw(_langs), xml__base=draw(_bases))
    namespaces = (' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
                  ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:ev="http://purl.org/rss/1.0/modules/event/"'
                  ' xmlns:atom="http://www.w3.org/2005/Atom"')
    declaration = draw(st.sampled_from(['<?xml version="1.0" encoding="utf-8"?>\n', "", '<?xml version="1.0"?>']))
    body = (f"{declaration}<rss{root}{namespaces}><channel>{channel_title}<link>https://hub.example.be/</link>"
            f'<atom:link href="https://hub.example.be/feed" rel="self"/>{language}'
            f"<image><url>/logo.png</url><title>Logo</title><link>/</link></image>\n{items}</channel></rss>\n")
    return body.encode("utf-8")


@st.composite
def _atom_entry(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        kind = draw(st.sampled_from([None, "text", "html"]))
        parts.append(f"<title{_attrs(type=kind, xml__lang=draw(_langs))}>{_escaped(draw(_texts), draw(st.booleans()))}</title>")
    if draw(st.booleans()):
        parts.append(f"<id>{html.escape(draw(st.sampled_from(['tag:hub.example.be,2026:1', 'urn:uuid:1', '/ids/1', 'https://hub.example.be/i'])))}</id>")
    for rel, kind in draw(st.lists(st.tuples(st.sampled_from([None, "alternate", "enclosure", "self", "related"]),
                                            st.sampled_from([None, "text/html", "image/jpeg", "application/xhtml+xml", "HTML"])),
                                  max_size=3)):
        parts.append(f"<link{_attrs(rel=rel, type=kind, href=draw(_links), xml__base=draw(_bases))}/>")
    if draw(st.booleans()):
        parts.append(f"<summary{_attrs(type=draw(st.sampled_from([None, 'text', 'html'])))}>{_escaped(draw(_texts), False)}</summary>")
    if draw(st.booleans()):
        parts.append(f"<content{_attrs(type=draw(st.sampled_from([None, 'text', 'html', 'text/plain'])))}>{_escaped(draw(_texts), True)}</content>")
    for name in draw(st.lists(st.sampled_from(["published", "updated"]), unique=True)):
        parts.append(f"<{name}>{html.escape(draw(_dates))}</{name}>")
    for term in draw(st.lists(st.sampled_from(["ai", "", "Données", "ai"]), max_size=3)):
        parts.append(f"<category{_attrs(term=term, scheme=draw(st.sampled_from([None, 'https://s.example.be'])))}/>")
    if draw(st.booleans()):
        parts.append("<author><name>Hub</name><email>info@hub.example.be</email><uri>/about</uri></author>")
    if draw(st.booleans()):
        parts.append(f'<media:thumbnail{_attrs(url=draw(_links))}/><ev:location>{_escaped(draw(_texts), False)}</ev:location>')
    if draw(st.booleans()):
        parts.append(f"<dc:subject>{_escaped(draw(_texts), False)}</dc:subject>")
    order = draw(st.permutations(parts))
    return f"<entry{_attrs(xml__base=draw(_bases), xml__lang=draw(_langs))}>{''.join(order)}</entry>"


@st.composite
def atom_feeds(draw: st.DrawFn) -> bytes:
    entries = "\n".join(draw(st.lists(_atom_entry(), max_size=4)))
    root = _attrs(xml__lang=draw(_langs), xml__base=draw(_bases))
    title = draw(st.sampled_from(["", "<title>Blog</title>", '<title type="html" xml:base="https://t.example.be/">Blog</title>']))
    language = draw(st.sampled_from(["", "<dc:language>nl-BE</dc:language>"]))
    namespaces = (' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"'
                  ' xmlns:ev="http://purl.org/rss/1.0/modules/event/"')
    body = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"{namespaces}{root}>{title}{language}'
            f'<id>urn:blog</id><updated>2026-03-02T12:00:00Z</updated><link rel="self" href="/feed.atom"/>'
            f"<author><name>Hub</name></author>\n{entries}</feed>\n")
    return body.encode("utf-8")


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


_FEEDS = st.one_of(rss_feeds().map(lambda body: ("application/rss+xml", body)),
                   atom_feeds().map(lambda body: ("application/atom+xml", body)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # 150 of each kind
@given(_FEEDS, st.sampled_from(CONTENT_TYPES))
def test_generated_rss_and_atom_read_as_feedparser_reads_them(feed: tuple[str, bytes], content_type: str | None) -> None:
    kind, body = feed
    assert xml_feed.read(body, kind) is not None  # the generators stay within the fast reader
    assert_same_as_feedparser(body, content_type)


@_SETTINGS
@given(rss_feeds(), st.sampled_from(["iso-8859-1", "windows-1252", "utf-8"]), st.sampled_from(CONTENT_TYPES))
def test_generated_rss_in_other_encodings(body: bytes, encoding: str, content_type: str | None) -> None:
    text = body.decode("utf-8").replace('encoding="utf-8"', f'encoding="{encoding}"')
    assert_same_as_feedparser(text.encode(encoding, errors="xmlcharrefreplace"), content_type)
