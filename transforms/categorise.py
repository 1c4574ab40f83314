"""Categories: the taxonomy's categories of an item, each with the reasons it was given.

Three kinds of evidence, combined: the defaults of the partner and source (partner file), the
source's own categories mapped through category_map.yaml, and the multilingual keyword rules of
category_rules.yaml over title, texts and tags. Pure: the rule tables come in as data.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from transforms.taxonomy import Taxonomy, load_taxonomy, read_packaged_yaml
from transforms.text import CharacterTable, fold, html_to_text, strip_accents, translate_non_ascii

RULES_FILE = "category_rules.yaml"
MAP_FILE = "category_map.yaml"
# One category per item in these facets: the first keyword found wins, title first.
SINGLE_VALUED = frozenset({"format", "call-type"})
# Which facets apply to which kinds of item.
FACETS_BY_KIND: dict[str, tuple[str, ...]] = {
    "event": ("theme", "format", "audience", "attendance", "price"),
    "call": ("theme", "call-type", "audience"),
    "news": ("theme", "audience"),
}
_PLURAL = r"(?:s|x|es|en|n|'s)?"
_WORD_CHARACTER = re.compile(r"\w")
# Besides whitespace: whitespace is collapsed by str.split, which is faster than a regex.
_SEPARATORS = re.compile(r"[\-_/·•|]+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})
# Non-ASCII characters as the rules read them: apostrophes straight, then accents removed.
_RULE_CHARACTERS = CharacterTable(lambda c: strip_accents(c.translate(_APOSTROPHES)))
# The non-ASCII letters re.IGNORECASE matches with an ASCII letter that str.lower() does not turn into it
# (tests check every code point; KELVIN SIGN, say, str.lower() turns into "k"). CAPITAL I WITH DOT ABOVE
# is also the one character whose lower case is two characters long.
_IGNORECASE_VARIANTS = {"\u0130": "i", "\u0131": "i", "\u017f": "s"}  # İ, dotless ı, long ſ

Reason = dict[str, Any]


def match_text(text: str) -> str:
    """`text` as the rules read it: accents removed, apostrophes straight, hyphens and slashes as spaces; case kept."""
    stripped = translate_non_ascii(text.replace("`", "'"), _RULE_CHARACTERS)  # "`": the one ASCII apostrophe
    return " " + " ".join(_SEPARATORS.sub(" ", stripped).split()) + " "


def _lowered(prepared: str) -> str:
    """`prepared` in lower case character for character, with every letter that re.IGNORECASE matches
    with an ASCII letter as that letter: ASCII keywords in lower case match it case-sensitively exactly
    where they match `prepared` case-insensitively (tests check every code point), only faster."""
    if prepared.isascii():
        return prepared.lower()
    for variant, letter in _IGNORECASE_VARIANTS.items():
        if variant in prepared:
            prepared = prepared.replace(variant, letter)
    return prepared.lower()


@dataclass(frozen=True, slots=True)
class PreparedText:
    """A text as the keyword matchers read it, worked out once for the matchers of every facet."""

    text: str  # match_text() of the text
    lowered: str  # _lowered(text), what the case-insensitive keywords are searched in


def prepare_text(text: str) -> PreparedText:
    """`text` ready for KeywordMatcher.find_prepared."""
    prepared = match_text(text)
    return PreparedText(prepared, _lowered(prepared))


def _is_acronym(keyword: str) -> bool:
    return sum(1 for c in keyword if c.isupper()) >= 2


def _pattern(keywords: Iterable[str], ignore_case: bool = False, lower: bool = False) -> str:
    """One regex finding any of `keywords` in a text prepared by match_text: the longest first, as whole
    words, plural endings allowed. Group 1 is the keyword as written. `ignore_case`: the regex is to be
    compiled with re.IGNORECASE; `lower`: the keywords are written in lower case, to search _lowered texts."""
    parts, word_first = [], True
    for keyword in sorted(set(keywords), key=lambda k: (-len(k), k)):
        # A star at either end lets a keyword match inside a compound word ("*premie": innovatiepremie).
        head, tail = (r"\w*" if keyword.startswith("*") else ""), (r"\w*" if keyword.endswith("*") else _PLURAL)
        words = match_text(keyword.strip("*")).split()
        if lower:
            words = [w.lower() for w in words]
        word_first = word_first and bool(_WORD_CHARACTER.match(words[0]))
        parts.append(head + r"[\s']+".join(re.escape(w) + (tail if i == len(words) - 1 else _PLURAL) for i, w in enumerate(words)))
    # Keywords start after a non-word character. Consuming that character rather than looking behind
    # for it lets the regex engine skip the inside of words at C speed. Both find the same keywords in
    # a prepared text (it starts with a space) when every keyword starts with a word character: then no
    # keyword can start right where the previous one ended, on the character the new form consumes.
    start = r"\W" if word_first else r"(?<![\w])"
    return start + "(" + _alternation(parts, ignore_case) + r")(?![\w])"


def _alternation(parts: Sequence[str], ignore_case: bool) -> str:
    """`parts` as one regex alternation that matches exactly what "|".join(parts) matches, factored as a
    prefix tree so that the regex engine tries one branch per letter instead of every keyword.

    Runs of parts that start with an ASCII letter or digit are grouped by that character (its lower case
    when `ignore_case`), keeping their order within the group. No text character matches two different
    groups (not even case-insensitively: tests check every code point), so at any position of a text only
    one group can match and the first part that matches is the same as in the plain alternation. Any
    other part (a starred prefix, an escape, a non-ASCII letter, the empty remainder) stays in its place
    and ends the run, so no part is ever moved past it.
    """
    out: list[str] = []
    run: dict[str, list[str]] = {}

    def close_run() -> None:
        for first, rests in run.items():
            out.append(first + ("(?:" + _alternation(rests, ignore_case) + ")" if rests != [""] else ""))
        run.clear()

    for part in parts:
        first = part[:1]
        if first.isascii() and first.isalnum():
            run.setdefault(first.lower() if ignore_case else first, []).append(part[1:])
        else:
            close_run()
            out.append(part)
    close_run()
    return "|".join(out)


@dataclass(frozen=True)
class KeywordMatcher:
    """Finds the keywords of one facet in a text: which category, which words, where."""

    by_keyword: Mapping[str, tuple[str, ...]]  # _key(keyword) -> slugs
    affixed: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]  # starred keywords
    insensitive: re.Pattern[str] | None
    sensitive: re.Pattern[str] | None
    insensitive_reads_lowered: bool = False  # `insensitive` is case-sensitive and searches PreparedText.lowered
    # Words as found -> their slugs: the same few keywords are found again and again.
    _slugs_of: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def find(self, text: str) -> list[tuple[int, str, str]]:
        """(position, slug, words as written) of every keyword in `text`, in text order."""
        return self.find_prepared(prepare_text(text))

    def find_prepared(self, prepared: PreparedText) -> list[tuple[int, str, str]]:
        """find() of a text prepared once for the matchers of every facet."""
        found: list[tuple[int, str, str]] = []
        if self.insensitive is not None:
            searched = prepared.lowered if self.insensitive_reads_lowered else prepared.text
            self._collect(self.insensitive, searched, prepared.text, found)
        if self.sensitive is not None:
            self._collect(self.sensitive, prepared.text, prepared.text, found)
        found.sort()
        return found

    def _collect(
        self, pattern: re.Pattern[str], searched: str, text: str, found: list[tuple[int, str, str]]
    ) -> None:
        """Adds to `found` the keywords `pattern` finds in `searched`: `text` or its lowered copy (same positions)."""
        for match in pattern.finditer(searched):
            start, end = match.span(1)
            words = text[start:end]  # as written, not lowered
            slugs = self._slugs_of.get(words)
            if slugs is None:
                slugs = self._slugs_of[words] = self._slugs(words)
            for slug in slugs:
                found.append((start, slug, words.strip()))

    def _slugs(self, words: str) -> tuple[str, ...]:
        key = _key(words)
        if key in self.by_keyword:
            return self.by_keyword[key]
        # The plural ending made it differ: strip one from each word until it is known.
        stripped = " ".join(_singular(w) for w in key.split())
        if stripped in self.by_keyword:
            return self.by_keyword[stripped]
        for keyword, slugs in self.by_keyword.items():
            if _plural_of(key, keyword):
                return slugs
        for pattern, slugs in self.affixed:
            if pattern.fullmatch(key):
                return slugs
        return ()


def _key(words: str) -> str:
    return " ".join(fold(match_text(words)).replace("'", " ' ").split()).replace(" ' ", "'")


def _singular(word: str) -> str:
    for ending in ("'s", "es", "en", "s", "x", "n"):
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)]
    return word


def _plural_of(key: str, keyword: str) -> bool:
    words, bases = key.split(), keyword.split()
    if len(words) != len(bases):
        return False
    return all(_plural_pattern(b).fullmatch(w) for w, b in zip(words, bases))


@cache
def _plural_pattern(base: str) -> re.Pattern[str]:
    """`base` and its plurals (bounded by the words of the rules)."""
    return re.compile(re.escape(base) + _PLURAL)


def build_matcher(keywords_by_slug: Mapping[str, Sequence[str]]) -> KeywordMatcher:
    by_keyword: dict[str, tuple[str, ...]] = {}
    affixed: dict[str, tuple[str, ...]] = {}
    insensitive, sensitive = [], []
    for slug, keywords in keywords_by_slug.items():
        for keyword in keywords or []:
            keyword = str(keyword)
            target = affixed if "*" in keyword else by_keyword
            key = _key(keyword.strip("*"))
            key = ("*" if keyword.startswith("*") else "") + key + ("*" if keyword.endswith("*") else "")
            if slug not in target.get(key, ()):
                target[key] = (*target.get(key, ()), slug)
            (sensitive if _is_acronym(keyword) else insensitive).append(keyword)
    insensitive_pattern, reads_lowered = _insensitive_pattern(insensitive)
    return KeywordMatcher(
        by_keyword=by_keyword,
        affixed=tuple(
            (re.compile(("\\w*" if k.startswith("*") else "") + re.escape(k.strip("*")) + ("\\w*" if k.endswith("*") else _PLURAL)), s)
            for k, s in affixed.items()
        ),
        insensitive=insensitive_pattern,
        sensitive=re.compile(_pattern(sensitive)) if sensitive else None,
        insensitive_reads_lowered=reads_lowered,
    )


def _insensitive_pattern(keywords: Sequence[str]) -> tuple[re.Pattern[str] | None, bool]:
    """The regex of the keywords that match in any case, and whether it searches PreparedText.lowered."""
    if not keywords:
        return None, False
    # ASCII keywords (all of the packaged rules) are written in lower case to search lowered texts: a
    # case-sensitive regex runs about twice as fast as the same regex with re.IGNORECASE.
    if all(match_text(k.strip("*")).isascii() for k in keywords):
        return re.compile(_pattern(keywords, lower=True)), True
    return re.compile(_pattern(keywords, ignore_case=True), re.IGNORECASE), False


@dataclass(frozen=True)
class CategoryRules:
    """The keyword matchers per facet and the map of source categories."""

    matchers: Mapping[str, KeywordMatcher]
    source_map: Mapping[str, tuple[tuple[str, str], ...]]  # folded tag -> ((facet, slug), ...)


def parse_rules(rules: Mapping[str, Any], category_map: Mapping[str, Any], taxonomy: Taxonomy) -> CategoryRules:
    """CategoryRules from the parsed YAML of the rules and the map; unknown slugs are errors."""
    matchers = {}
    for facet, by_slug in (rules or {}).items():
        unknown = taxonomy.unknown({facet: list(by_slug or {})})
        if unknown:
            raise ValueError(f"{RULES_FILE}: {', '.join(unknown)}")
        matchers[facet] = build_matcher(by_slug or {})
    source_map: dict[str, tuple[tuple[str, str], ...]] = {}
    written: dict[str, str] = {}  # folded tag -> the tag as the file writes it
    for tag, targets in ((category_map or {}).get("map") or {}).items():
        pairs = []
        for target in targets or []:
            facet, _, slug = str(target).partition(":")
            if not taxonomy.has(facet, slug):
                raise ValueError(f"{MAP_FILE}: {tag!r} maps to {target!r}, which is not facet:slug of the taxonomy")
            pairs.append((facet, slug))
        key = _tag_key(str(tag))
        if key in source_map and source_map[key] != tuple(pairs):
            # Different keys to YAML, one tag to the map: the last would replace the first without a word.
            raise ValueError(f"{MAP_FILE}: {written[key]!r} and {tag!r} are the same tag (compared ignoring case, "
                             "accents, spacing and a plural ending) but map to different categories: write it once")
        source_map[key], written[key] = tuple(pairs), str(tag)
    return CategoryRules(matchers, source_map)


def _tag_key(tag: str) -> str:
    return fold(match_text(tag))


@lru_cache(maxsize=1)
def load_rules() -> CategoryRules:
    """The packaged category_rules.yaml and category_map.yaml."""
    return parse_rules(read_packaged_yaml(RULES_FILE), read_packaged_yaml(MAP_FILE), load_taxonomy())


def mapped_tag(tag: str, rules: CategoryRules) -> tuple[tuple[str, str], ...] | None:
    """The (facet, slug) pairs category_map.yaml gives a source category; None when it is not listed."""
    key = _tag_key(tag)
    targets = rules.source_map.get(key)
    if targets is None:
        targets = rules.source_map.get(" ".join(_singular(w) for w in key.split()))
    return targets


def _understood_by_a_rule(tag: str, rules: CategoryRules) -> bool:
    prepared = prepare_text(tag)
    return any(m.find_prepared(prepared) for m in rules.matchers.values())


def unmapped_tags(tags: Iterable[str], rules: CategoryRules | None = None) -> list[str]:
    """The source categories that neither the map nor a keyword rule understands."""
    rules = rules or load_rules()
    return [t for t in tags if mapped_tag(t, rules) is None and not _understood_by_a_rule(t, rules)]


@dataclass
class CategoryInput:
    """What categorisation reads of an item (a merged one: texts of every language and source)."""

    kind: str
    title: Mapping[str, str]
    summary: Mapping[str, str] = field(default_factory=dict)
    description: Mapping[str, str] = field(default_factory=dict)  # HTML
    source_categories: Sequence[str] = ()
    attendance_mode: str | None = None
    is_free: bool | None = None
    price: float | None = None
    defaults: Sequence[tuple[str, Mapping[str, Sequence[str]]]] = ()  # (origin, {facet: [slug]})


@dataclass
class Categorised:
    categories: dict[str, list[str]]
    reasons: dict[str, dict[str, list[Reason]]]
    unmapped: list[str]  # source categories that neither the map nor a rule understood


class _Collector:
    def __init__(self, facets: Sequence[str]) -> None:
        self.facets = facets
        self.reasons: dict[str, dict[str, list[Reason]]] = {}

    def add(self, facet: str, slug: str, reason: Reason) -> None:
        if facet not in self.facets:
            return
        found = self.reasons.setdefault(facet, {}).setdefault(slug, [])
        if reason not in found:
            found.append(reason)

    def result(self, unmapped: list[str]) -> Categorised:
        categories = {facet: list(slugs) for facet, slugs in self.reasons.items() if slugs}
        return Categorised(categories, {f: dict(s) for f, s in self.reasons.items()}, unmapped)


def _keyword_hits(
    matcher: KeywordMatcher, prepared_texts: Iterable[tuple[str, PreparedText]]
) -> list[tuple[str, str, str]]:
    """(slug, field, words) for every keyword found, field by field in the order given."""
    hits = []
    for field_name, prepared in prepared_texts:
        for _, slug, words in matcher.find_prepared(prepared):
            hits.append((slug, field_name, words))
    return hits


def categorise(item: CategoryInput, rules: CategoryRules | None = None) -> Categorised:
    """The item's categories per facet, the reasons of each, and the source categories nobody understood."""
    rules = rules or load_rules()
    facets = FACETS_BY_KIND.get(item.kind, ("theme", "audience"))
    out = _Collector(facets)
    for origin, defaults in item.defaults:
        for facet, slugs in defaults.items():
            for slug in slugs:
                out.add(facet, slug, {"rule": "default", "origin": origin})

    mapped_tags, unmapped = [], []
    for tag in item.source_categories:
        targets = mapped_tag(tag, rules)
        if targets is not None:
            mapped_tags.append(tag)
            for facet, slug in targets:
                out.add(facet, slug, {"rule": "category map", "field": "source category", "words": tag})
        elif not _understood_by_a_rule(tag, rules):
            unmapped.append(tag)

    title_texts = [("title", t) for t in item.title.values()]
    tag_texts = [("source category", t) for t in item.source_categories if t not in mapped_tags]
    body_texts = [("summary", t) for t in item.summary.values()] + [
        ("description", html_to_text(t)) for t in item.description.values()
    ]
    # Prepared once for all the facets' matchers.
    prepared_texts = [(name, prepare_text(text)) for name, text in [*title_texts, *tag_texts, *body_texts]]
    for facet, matcher in rules.matchers.items():
        if facet not in facets:
            continue
        hits = _keyword_hits(matcher, prepared_texts)
        if facet in SINGLE_VALUED:
            if out.reasons.get(facet):
                continue  # the partner's own mapped category decides
            hits = hits[:1]
        for slug, field_name, words in hits:
            out.add(facet, slug, {"rule": "keyword", "field": field_name, "words": words})

    if item.attendance_mode in ("in-person", "online", "hybrid"):
        out.add("attendance", item.attendance_mode, {"rule": "attendance mode", "words": item.attendance_mode})
    if item.is_free is True:
        out.add("price", "free", {"rule": "price", "words": "free"})
    elif item.is_free is False or (item.price or 0) > 0:
        out.add("price", "paid", {"rule": "price", "words": f"{item.price:g}" if item.price else "paid"})
    for facet in SINGLE_VALUED:
        if facet in out.reasons and len(out.reasons[facet]) > 1:
            first = next(iter(out.reasons[facet]))  # several mapped tags: keep the first, deterministically
            out.reasons[facet] = {first: out.reasons[facet][first]}
    return out.result(unmapped)


_CONCEPT_FACETS = ("theme", "format", "audience", "call-type")
_concept_tables: dict[int, dict[str, frozenset[str]]] = {}


def _concept_table(rules: CategoryRules) -> dict[str, frozenset[str]]:
    """Every keyword (and its singular) of the concept facets -> the facet:slug it names."""
    table = _concept_tables.get(id(rules))
    if table is None:
        found: dict[str, set[str]] = {}
        for facet in _CONCEPT_FACETS:
            matcher = rules.matchers.get(facet)
            for keyword, slugs in (matcher.by_keyword.items() if matcher else ()):
                found.setdefault(keyword, set()).update(f"{facet}:{slug}" for slug in slugs)
        table = _concept_tables[id(rules)] = {k: frozenset(v) for k, v in found.items()}
    return table


def title_concepts(titles: Iterable[str], rules: CategoryRules | None = None) -> frozenset[str]:
    """The theme, format, audience and call-type slugs a title's words name: what titles in different
    languages share. A dictionary look-up of its words and word pairs (fast enough for every item of
    every run), without the capitals rule of the full matcher."""
    table = _concept_table(rules or load_rules())
    found: set[str] = set()
    for title in titles:
        words = _key(title).split()
        singular = [_singular(w) for w in words]
        for sequence in (words, singular):
            for n in (1, 2, 3):
                for i in range(len(sequence) - n + 1):
                    hit = table.get(" ".join(sequence[i:i + n]))
                    if hit:
                        found |= hit
    return frozenset(found)
