"""Categorisation: keyword rules in three languages, the map of partners' tags, defaults, and the reasons kept."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.categorise import (
    RULES_FILE,
    CategoryInput,
    _is_acronym,
    _lowered,
    build_matcher,
    categorise,
    load_rules,
    match_text,
    parse_rules,
    prepare_text,
    unmapped_tags,
)
from transforms.taxonomy import TaxonomyError, load_taxonomy, parse_taxonomy, read_packaged_yaml

REQUIRED = {
    "theme": {"ai", "iot", "vr-ar", "data", "cybersecurity", "smart-city", "ehealth", "environment", "fintech",
              "digital-inclusion", "digital-skills", "entrepreneurship"},
    "format": {"conference", "workshop", "training", "meetup", "hackathon", "webinar", "networking", "trade-fair", "open-day"},
    "call-type": {"call-for-projects", "grant", "financing", "competition", "tender"},
    "audience": {"startups", "smes", "citizens", "public-sector", "researchers", "students", "job-seekers", "non-profits", "investors"},
    "attendance": {"in-person", "online", "hybrid"},
    "price": {"free", "paid"},
}


def test_the_taxonomy_has_every_required_slug_labelled_in_three_languages() -> None:
    taxonomy = load_taxonomy()
    assert {f: set(c) for f, c in taxonomy.facets.items()} == REQUIRED
    assert taxonomy.label("theme", "ai", "nl") == "Artificiële intelligentie"
    assert taxonomy.label("audience", "smes", "nl") == "Kmo's"


def test_a_taxonomy_without_a_language_is_refused() -> None:
    with pytest.raises(TaxonomyError, match="fr, nl and en"):
        parse_taxonomy({"facets": {"theme": {"categories": {"ai": {"fr": "IA", "en": "AI"}}}}})


def test_keywords_ignore_case_accents_and_plurals_and_keep_their_reason() -> None:
    result = categorise(CategoryInput(kind="event", title={"fr": "ATELIERS CYBERSÉCURITÉ pour les PME"}))
    assert result.categories["theme"] == ["cybersecurity"]
    assert result.categories["format"] == ["workshop"]
    assert result.categories["audience"] == ["smes"]
    assert result.reasons["format"]["workshop"] == [{"rule": "keyword", "field": "title", "words": "ATELIERS"}]


def test_acronyms_match_only_in_capitals() -> None:
    # The French "ai" (j'ai) is not artificial intelligence; "AI" is.
    assert "theme" not in categorise(CategoryInput(kind="news", title={"fr": "J'ai testé le nouveau tram"})).categories
    assert categorise(CategoryInput(kind="news", title={"en": "AI in schools"})).categories["theme"] == ["ai"]


def test_partner_tags_are_mapped_and_the_unknown_ones_reported() -> None:
    result = categorise(CategoryInput(kind="news", title={"fr": "Une nouvelle"}, source_categories=["IA", "Zwanze"]))
    assert result.categories["theme"] == ["ai"]
    assert result.reasons["theme"]["ai"][0]["rule"] == "category map"
    assert result.unmapped == ["Zwanze"]
    assert unmapped_tags(["Zwanze", "Startups", "events"]) == ["Zwanze"]


def test_defaults_attendance_and_price_are_categories_with_their_reasons() -> None:
    result = categorise(CategoryInput(
        kind="event", title={"nl": "Infoavond"}, attendance_mode="online", is_free=True,
        defaults=[("partner fin", {"theme": ["fintech"]})],
    ))
    assert result.categories == {"theme": ["fintech"], "attendance": ["online"], "price": ["free"]}
    assert result.reasons["theme"]["fintech"] == [{"rule": "default", "origin": "partner fin"}]


def test_one_format_per_event_the_title_first() -> None:
    result = categorise(CategoryInput(kind="event", title={"en": "Hackathon weekend"},
                                      summary={"en": "Opening conference on Friday, workshops on Saturday."}))
    assert result.categories["format"] == ["hackathon"]


def test_rules_naming_an_unknown_category_are_refused() -> None:
    with pytest.raises(ValueError, match="theme:quantum"):
        parse_rules({"theme": {"quantum": ["qubit"]}}, {}, load_taxonomy())


# ---------------------------------------------------------------- the fast matcher finds what the plain one found
# The matcher used to search match_text() of every text, once per facet, with one plain alternation of
# all keywords compiled with re.IGNORECASE. The references below are that code, verbatim: the fast
# matcher (prefix tree, lowered texts, texts prepared once) must find exactly the same keywords.

_REFERENCE_PLURAL = r"(?:s|x|es|en|n|'s)?"
_REFERENCE_SEPARATORS = re.compile(r"[\s\-_/·•|]+")
_REFERENCE_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})


def _reference_match_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_REFERENCE_APOSTROPHES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + _REFERENCE_SEPARATORS.sub(" ", stripped).strip() + " "


def _reference_pattern(keywords: list[str]) -> str:
    parts = []
    for keyword in sorted(set(keywords), key=lambda k: (-len(k), k)):
        head = r"\w*" if keyword.startswith("*") else ""
        tail = r"\w*" if keyword.endswith("*") else _REFERENCE_PLURAL
        words = _reference_match_text(keyword.strip("*")).split()
        endings = [_REFERENCE_PLURAL] * (len(words) - 1) + [tail]
        parts.append(head + r"[\s']+".join(re.escape(w) + ending for w, ending in zip(words, endings)))
    return r"(?<![\w])(" + "|".join(parts) + r")(?![\w])"


class _ReferenceMatcher:
    """The previous KeywordMatcher.find over the same keywords (the slug look-up itself did not change)."""

    def __init__(self, keywords_by_slug: dict[str, list[str]]) -> None:
        keywords = [str(k) for ks in keywords_by_slug.values() for k in ks or []]
        insensitive = [k for k in keywords if not _is_acronym(k)]
        sensitive = [k for k in keywords if _is_acronym(k)]
        self.patterns = [
            *([re.compile(_reference_pattern(insensitive), re.IGNORECASE)] if insensitive else []),
            *([re.compile(_reference_pattern(sensitive))] if sensitive else []),
        ]
        self.slugs_of = build_matcher(keywords_by_slug)._slugs

    def find(self, text: str) -> list[tuple[int, str, str]]:
        prepared = _reference_match_text(text)
        found = []
        for pattern in self.patterns:
            for match in pattern.finditer(prepared):
                for slug in self.slugs_of(match.group(1)):
                    found.append((match.start(1), slug, match.group(1).strip()))
        found.sort()
        return found


_RULES = read_packaged_yaml(RULES_FILE)
_REFERENCES = {facet: _ReferenceMatcher(by_slug) for facet, by_slug in _RULES.items()}
_KEYWORDS = sorted({str(k).strip("*") for by_slug in _RULES.values() for ks in by_slug.values() for k in ks or []})
# Rules the packaged ones lack: keywords that are not ASCII once accents are removed (searched with
# re.IGNORECASE), keywords starting with a symbol (found with a look-behind), starred ones.
_ODD_RULES = {
    "non-ascii": {
        "ai": ["œuvre d'art", "Straße", "data", "*premie", "AI"],
        "vr": ["premie lab"],  # longer than "*premie": found first
        "iot": ["Data lab", "ıot", "Ωmega"],
    },
    "symbols": {
        "ai": ["+plus", "#hashtag", "C++", "C++ dev", "data", "klimaat*", "IoT", "*premie", "premie lab"],
        "iot": ["sensor", "3D print"],
    },
}
_ODD_KEYWORDS = sorted({k.strip("*") for rules in _ODD_RULES.values() for ks in rules.values() for k in ks})
# Characters where lower case, re.IGNORECASE and NFKD disagree, and separators of every kind.
_TRICKY = [
    "İstanbul", "ıi", "ſmart", "KI", "ΑΣ", "ß", "ﬁnance", "Ⅻ", "j'ai", "l’IA", "‘AI’", "data/AI", "IoT-hub", "e‑santé",
    "PME's", "kmo’s", "3D", "#AI", "+plus", "C++", "C+++plus", "ÉCOLE", "Œuvre", "a\u0301\u0327", "\u200b",
]
_SEPARATORS_USED = [" ", "  ", "-", "/", "’", "'", "\n", ", ", ". ", "", "·", "_", " | ", "\u00a0"]


_VARIANTS = {
    "as is": lambda k: k, "upper": str.upper, "lower": str.lower, "title": str.title,
    "plural": lambda k: k + "s", "plural es": lambda k: k + "es", "genitive": lambda k: k + "'s",
    "hyphens": lambda k: k.replace(" ", "-"), "compound": lambda k: "innovatie" + k,
    "accented": lambda k: k.replace("e", "é").replace("a", "à"),
}


def _texts(keywords: list[str]) -> st.SearchStrategy[str]:
    """Texts made of the keywords in every case, plural and spelling, tricky characters and odd separators."""
    piece = (
        st.builds(lambda k, how: _VARIANTS[how](k), st.sampled_from(keywords), st.sampled_from(sorted(_VARIANTS)))
        | st.sampled_from(_TRICKY)
        | st.text(max_size=5)
    )
    return st.lists(st.tuples(piece, st.sampled_from(_SEPARATORS_USED)), max_size=12).map(
        lambda pairs: "".join(p + s for p, s in pairs)
    )


@settings(max_examples=300, deadline=None)
@given(st.text() | _texts(_KEYWORDS))
def test_match_text_is_unchanged(text: str) -> None:
    assert match_text(text) == _reference_match_text(text)


@settings(max_examples=400, deadline=None)
@given(_texts(_KEYWORDS))
def test_every_facet_finds_what_the_plain_regex_found(text: str) -> None:
    rules = load_rules()
    for facet, reference in _REFERENCES.items():
        assert rules.matchers[facet].find(text) == reference.find(text), facet


@settings(max_examples=300, deadline=None)
@given(_texts(_ODD_KEYWORDS), st.sampled_from(sorted(_ODD_RULES)))
def test_unusual_keywords_are_found_as_the_plain_regex_found_them(text: str, rules_name: str) -> None:
    rules = _ODD_RULES[rules_name]
    assert build_matcher(rules).find(text) == _ReferenceMatcher(rules).find(text)


def test_only_ascii_keywords_are_searched_in_lowered_texts() -> None:
    assert all(m.insensitive_reads_lowered for m in load_rules().matchers.values())
    assert not build_matcher(_ODD_RULES["non-ascii"]).insensitive_reads_lowered
    assert build_matcher(_ODD_RULES["symbols"]).insensitive_reads_lowered


def test_the_labelled_texts_give_the_same_keywords() -> None:
    entries = yaml.safe_load((Path(__file__).parent / "eval" / "categories.yaml").read_text(encoding="utf-8"))["items"]
    texts = [text for e in entries for text in (e["title"], e.get("text") or "", *(e.get("tags") or []))]
    rules = load_rules()
    for text in texts:
        prepared = prepare_text(text)
        for facet, reference in _REFERENCES.items():
            assert rules.matchers[facet].find_prepared(prepared) == reference.find(text), (facet, text)


def test_a_lowered_text_holds_an_ascii_character_exactly_where_ignorecase_matches_it() -> None:
    """What lets lowercase keywords search lowered texts case-sensitively, checked on every code point: a
    code point lowers to an ASCII character c exactly when re.IGNORECASE matches it with c (so no code point
    matches two ASCII letters, which also lets the prefix tree group keywords by their first letter);
    lowering keeps positions, word characters and whitespace."""
    everything = "".join(map(chr, range(0x110000)))
    lowered = _lowered(everything)
    assert len(lowered) == len(everything)
    lowered_to: dict[str, set[int]] = {}
    for match in re.finditer(r"[\x00-\x7f]", lowered):
        lowered_to.setdefault(match.group(), set()).add(match.start())
    for code in range(128):
        character = chr(code)
        matched = {m.start() for m in re.compile(re.escape(character), re.IGNORECASE).finditer(everything)}
        assert matched == lowered_to.get(character.lower(), set()), repr(character)
    for category in (r"\w", r"\s"):
        positions = [m.start() for m in re.finditer(category, everything)]
        assert positions == [m.start() for m in re.finditer(category, lowered)], category
    assert _lowered("ΑΣ Σ") == "ας σ" and re.fullmatch(r"\w", "ς")  # the final sigma, lowered in context
