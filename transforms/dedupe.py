"""Duplicates: the same event or call announced by several sources, or by one partner in several languages.

Candidates are compared only within blocks (the same start within a tolerance, the same day for all-day
items, the same call deadline, the same URL), so the work grows with the number of items, not its square.
Each accepted match keeps its score, the rule that decided and the fields compared. Conservative: items at
different times, in different municipalities, or with different numbers in their titles are never merged,
nor are two items of one source (the partner listed them apart).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from itertools import combinations
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from transforms.model import item_id
from transforms.text import fold

START_TOLERANCE = timedelta(minutes=30)
BRUSSELS = ZoneInfo("Europe/Brussels")
# Within a block of at most this many items every pair is compared; larger blocks pair items only
# when they share a key (URL, venue, municipality, distinctive title word).
SMALL_BLOCK = 40
MAX_KEY_FANOUT = 200
SAME_TITLE = 0.90
SIMILAR_TITLE = 0.60
SHARED_TITLE_WORDS = 0.45
SAME_VENUE = 0.85
COGNATE = 80  # rapidfuzz ratio above which two words of different languages count as one
MIN_WORDS_WITHOUT_PLACE = 3  # a same title alone merges only when it says this much

STOPWORDS = frozenset(
    """
    a au aux avec ce ces dans de des du en et la le les leur lors nos notre par pour sur un une vos votre
    d l s qu est sont ou plus son sa ses
    aan als bij de den der des die dit door een en het in is met na naar of om onze op over te tot uit van
    voor wat wie zijn je jouw uw
    about an and are at be by for from how in into is it of on or our the their this to with your what
    edition editie session sessie brussels bruxelles brussel
    """.split()
)
_LANGUAGE_SEGMENTS = frozenset({"fr", "nl", "en", "fr-be", "nl-be", "en-gb", "en-us", "de"})
_LANGUAGE_PARAMS = frozenset({"lang", "language", "locale", "hl", "taal", "langue"})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the comparison reads of one source item."""

    id: str
    partner_id: str
    source_id: str
    kind: str
    titles: Mapping[str, str]
    start_utc: datetime | None = None
    start_date: date | None = None
    end_date: date | None = None
    deadline_utc: datetime | None = None
    venue: str | None = None
    municipality: str | None = None
    attendance_mode: str | None = None
    canonical_url: str | None = None
    registration_url: str | None = None
    first_seen: datetime | None = None
    concepts: frozenset[str] = frozenset()  # language-free words of the title (category slugs)
    # Precomputed by candidate(), so that comparing stays cheap:
    words: Mapping[str, frozenset[str]] = field(default_factory=dict)  # per language: distinctive words and concepts
    numbers: frozenset[str] = frozenset()
    page: str | None = None  # the canonical URL without its language
    slug: str | None = None  # host + last path segment + query: a partner's page in another language keeps it
    place: str | None = None  # the venue, folded


@dataclass(frozen=True, slots=True)
class Match:
    """Two items found to be the same, with the score, the deciding rule and the fields compared."""

    a: str
    b: str
    score: float
    rule: str
    fields: dict[str, Any]


@dataclass(slots=True)
class Group:
    """Items that are one thing, and the matches that joined them."""

    members: list[str]
    matches: list[Match] = field(default_factory=list)


def _instant(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def candidate(item_id: str, record: Mapping[str, Any], *, first_seen: datetime | None = None,
              concepts: Iterable[str] = ()) -> Candidate:
    """The Candidate of a normalised record (an Item as a dict, as the warehouse keeps it)."""
    titles = dict(record.get("title") or {})
    concept_words = frozenset(f"~{c}" for c in concepts)
    page = language_free_url(record.get("canonical_url"))
    return Candidate(
        words={lang: frozenset(title_words(t)) | concept_words for lang, t in titles.items()},
        numbers=title_numbers(titles.values()),
        page=page,
        slug=page_slug(page),
        place=fold(record["venue"]) if record.get("venue") else None,
        id=item_id,
        partner_id=record.get("partner_id") or "",
        source_id=record.get("source_id") or "",
        kind=record.get("kind") or "news",
        titles=titles,
        start_utc=_instant(record.get("start_utc")),
        start_date=_day(record.get("start_date")),
        end_date=_day(record.get("end_date")),
        deadline_utc=_instant(record.get("deadline_utc")),
        venue=record.get("venue"),
        municipality=record.get("municipality"),
        attendance_mode=record.get("attendance_mode"),
        canonical_url=record.get("canonical_url"),
        registration_url=record.get("registration_url"),
        first_seen=first_seen,
        concepts=frozenset(concepts),
    )


def language_free_url(url: str | None) -> str | None:
    """`url` without language path segments or parameters: /fr/agenda/x and /nl/agenda/x are one page."""
    if not url:
        return None
    parts = urlsplit(url)
    path = "/".join(s for s in parts.path.split("/") if s.lower() not in _LANGUAGE_SEGMENTS)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _LANGUAGE_PARAMS])
    return urlunsplit((parts.scheme, parts.netloc.lower(), path.rstrip("/"), query, ""))


def page_slug(page: str | None) -> str | None:
    """Host, last path segment and query of a URL without its language (language_free_url's): /fr/appels/call-x
    and /nl/oproepen/call-x of one site are the same page translated, sections and all."""
    if not page:
        return None
    parts = urlsplit(page)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.(html?|php|aspx?)$", "", last)
    if len(last) < 3 and not parts.query:
        return None
    return f"{parts.netloc}|{last}|{parts.query}"


def title_words(title: str) -> set[str]:
    """The distinctive words of a title: folded, elisions split (l'IA), no stop words, numbers kept."""
    text = re.sub(r"(?<=\w)-(?=\w)", "", fold(title).replace("’", "'").replace("'", " "))
    return {w for w in _WORD.findall(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())}


def title_numbers(titles: Iterable[str]) -> frozenset[str]:
    return frozenset(n.lstrip("0") or "0" for t in titles for n in _NUMBER.findall(t))


def _shared(a: set[str], b: set[str]) -> int:
    """Words of `a` found in `b`, counting cognates (intelligence/intelligentie) as shared."""
    count = 0
    for word in a:
        if word in b or (len(word) >= 5 and any(len(o) >= 5 and fuzz.ratio(word, o) >= COGNATE for o in b)):
            count += 1
    return count


def word_overlap(a: set[str], b: set[str]) -> float:
    """A Dice coefficient over words, cognates included: 1 when every word has its counterpart."""
    if not a or not b:
        return 0.0
    return (_shared(a, b) + _shared(b, a)) / (len(a) + len(b))


def title_similarity(a: Candidate, b: Candidate) -> tuple[float, str]:
    """(0..1, how): in one language, a fuzzy ratio averaged with the overlap of distinctive words (so that
    two workshops sharing only "Atelier :" stay apart); across languages, the overlap of words, numbers,
    names, cognates and concepts (category slugs) alone."""
    best, how = 0.0, "none"
    for la, ta in a.titles.items():
        for lb, tb in b.titles.items():
            overlap = word_overlap(set(a.words.get(la, ())), set(b.words.get(lb, ())))
            if la == lb:
                fa, fb = fold(ta), fold(tb)
                ratio = (fuzz.token_sort_ratio(fa, fb, processor=default_process)
                         + fuzz.token_set_ratio(fa, fb, processor=default_process)) / 200
                score, kind = (ratio + overlap) / 2, "same language"
            else:
                score, kind = overlap, "across languages"
            if score > best:
                best, how = score, kind
    return best, how


def _local_day(value: datetime) -> date:
    return value.astimezone(BRUSSELS).date()


def time_relation(a: Candidate, b: Candidate, tolerance: timedelta = START_TOLERANCE) -> str:
    """same | close | same-day | different | unknown: how the two items' times relate."""
    if a.kind == "call" or b.kind == "call":
        if a.deadline_utc and b.deadline_utc:
            return "same" if _local_day(a.deadline_utc) == _local_day(b.deadline_utc) else "different"
        return "unknown"
    if a.start_utc and b.start_utc:
        delta = abs(a.start_utc - b.start_utc)
        return "same" if delta == timedelta(0) else "close" if delta <= tolerance else "different"
    if a.start_date and b.start_date:
        same = a.start_date == b.start_date and (a.end_date or a.start_date) == (b.end_date or b.start_date)
        return "same" if same else "different"
    day_a = a.start_date or (_local_day(a.start_utc) if a.start_utc else None)
    day_b = b.start_date or (_local_day(b.start_utc) if b.start_utc else None)
    if day_a and day_b:
        return "same-day" if day_a == day_b else "different"
    return "unknown"


def _online_only(c: Candidate) -> bool:
    return c.attendance_mode == "online"


def _in_person_only(c: Candidate) -> bool:
    return c.attendance_mode == "in-person"


def compare(a: Candidate, b: Candidate, tolerance: timedelta = START_TOLERANCE) -> Match | None:
    """The Match when `a` and `b` are the same item, else None. Cheap tests first: most pairs of a
    block part on their time or place before any title is compared."""
    if a.kind != b.kind or (a.partner_id, a.source_id) == (b.partner_id, b.source_id):
        return None
    time = time_relation(a, b, tolerance)
    if time == "different":
        return None
    same_url = bool(a.page) and a.page == b.page
    translated_page = bool(a.slug) and a.slug == b.slug and a.partner_id == b.partner_id and not same_url
    same_registration = bool(a.registration_url) and a.registration_url == b.registration_url
    if time == "unknown" and not (same_url or same_registration or translated_page):
        return None
    if a.municipality and b.municipality and a.municipality != b.municipality:
        return None
    if (_online_only(a) and _in_person_only(b)) or (_in_person_only(a) and _online_only(b)):
        return None
    venue = fuzz.token_set_ratio(a.place, b.place, processor=default_process) / 100 if a.place and b.place else None
    fields: dict[str, Any] = {
        "time": time, "url": same_url, "registration_url": same_registration, "translated_page": translated_page,
        "venue": None if venue is None else round(venue, 3),
        "municipality": None if not (a.municipality and b.municipality) else a.municipality == b.municipality,
    }
    if same_url or same_registration or translated_page:
        title, title_how = title_similarity(a, b)
        fields.update(title=round(title, 3), title_compared=title_how)
        rule = "same page" if same_url else "same registration page" if same_registration else "same page in another language"
        return Match(a.id, b.id, 1.0, rule, fields)
    if a.numbers and b.numbers and a.numbers != b.numbers:
        return None  # "Meetup #14" and "Meetup #15", "2026" and "2027 edition"
    same_place = (venue is not None and venue >= SAME_VENUE) or (_online_only(a) and _online_only(b))
    place_unknown = venue is None and not (a.attendance_mode and b.attendance_mode)
    if not (same_place or place_unknown):
        return None
    title, title_how = title_similarity(a, b)
    fields.update(title=round(title, 3), title_compared=title_how)
    words = min((len(w) for w in (*a.words.values(), *b.words.values())), default=0)
    if time == "same-day":
        # An all-day listing and a timed one of the same day: only the same title at the same venue.
        if title_how == "same language" and title >= SAME_TITLE and venue is not None and venue >= SAME_VENUE:
            return Match(a.id, b.id, round(title, 3), "same title and venue, same day", fields)
        return None
    if title_how == "same language":
        if title >= SAME_TITLE and (same_place or words - len(a.concepts | b.concepts) >= MIN_WORDS_WITHOUT_PLACE):
            return Match(a.id, b.id, round(title, 3), "same title", fields)
        if title >= SIMILAR_TITLE and same_place:
            return Match(a.id, b.id, round((title + 1) / 2, 3), "similar title, same place", fields)
    elif title_how == "across languages" and title >= SHARED_TITLE_WORDS and same_place and time == "same":
        return Match(a.id, b.id, round((title + 1) / 2, 3), "translated title, same time and place", fields)
    return None


def _slot(value: datetime, tolerance: timedelta) -> int:
    return int(value.timestamp() // max(tolerance.total_seconds(), 60))


def blocks(candidates: Sequence[Candidate], tolerance: timedelta = START_TOLERANCE) -> Iterable[list[int]]:
    """Indexes of candidates that may be the same: by time slot (with the next slot), day, deadline and URL."""
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(candidates):
        if c.kind == "event" and c.start_utc:
            slot = _slot(c.start_utc, tolerance)
            by_key[("t", slot)].append(i)
            by_key[("t", slot - 1)].append(i)  # so that neighbours across a slot border meet
        elif c.kind == "call" and c.deadline_utc:
            by_key[("c", _local_day(c.deadline_utc))].append(i)
        if c.kind == "event" and (c.start_date or c.start_utc):
            # All-day listings meet the timed listings of their day (yielded only when one is all-day).
            by_key[("d", c.start_date or _local_day(c.start_utc))].append(i)
        for url in {c.page, c.registration_url} - {None}:
            by_key[("u", c.kind, url)].append(i)
        if c.slug:
            by_key[("s", c.kind, c.partner_id, c.slug)].append(i)
    for key, members in by_key.items():
        if len(members) > 1 and (key[0] != "d" or any(candidates[i].start_utc is None for i in members)):
            yield members


def _pair_keys(c: Candidate) -> set[str]:
    keys = {f"w:{w}" for words in c.words.values() for w in words}
    if c.place:
        keys.add(f"v:{c.place}")
    if c.municipality:
        keys.add(f"m:{c.municipality}")
    if c.attendance_mode == "online":
        keys.add("o:online")
    return keys


def _pairs_in_block(members: list[int], candidates: Sequence[Candidate]) -> Iterable[tuple[int, int]]:
    if len(members) <= SMALL_BLOCK:
        yield from combinations(members, 2)
        return
    index: dict[str, list[int]] = defaultdict(list)
    for i in members:
        for key in _pair_keys(candidates[i]):
            index[key].append(i)
    seen: set[tuple[int, int]] = set()
    for sharing in index.values():
        if len(sharing) > MAX_KEY_FANOUT:
            continue  # a word or place too common to tell items apart
        for pair in combinations(sharing, 2):
            if pair not in seen:
                seen.add(pair)
                yield pair


def without_generic_urls(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates with URLs that one source gives to several of its items (a ticket shop, an agenda
    page) removed: such a URL does not identify one event."""
    per_source: dict[tuple[str, str, str], int] = defaultdict(int)
    for c in candidates:
        for url in {c.canonical_url, c.registration_url, c.slug} - {None}:
            per_source[(c.partner_id, c.source_id, url)] += 1
    generic = {url for (_, _, url), n in per_source.items() if n > 1}
    if not generic:
        return list(candidates)
    return [
        replace(c, canonical_url=None if c.canonical_url in generic else c.canonical_url,
                page=None if c.canonical_url in generic else c.page,
                slug=None if c.slug in generic or c.canonical_url in generic else c.slug,
                registration_url=None if c.registration_url in generic else c.registration_url)
        if {c.canonical_url, c.registration_url, c.slug} & generic else c
        for c in candidates
    ]


def candidate_matches(candidates: Sequence[Candidate], tolerance: timedelta = START_TOLERANCE) -> list[Match]:
    """Every match found within the blocks, each pair compared once."""
    candidates = without_generic_urls(candidates)
    compared: set[tuple[int, int]] = set()
    matches = []
    for members in blocks(candidates, tolerance):
        for i, j in _pairs_in_block(sorted(set(members)), candidates):
            if (i, j) in compared:
                continue
            compared.add((i, j))
            match = compare(candidates[i], candidates[j], tolerance)
            if match:
                matches.append(match)
    return matches


@dataclass(frozen=True, slots=True)
class Overrides:
    """Staff decisions: pairs of source item ids never to merge, and pairs always to merge."""

    never: frozenset[frozenset[str]] = frozenset()
    always: tuple[tuple[str, str], ...] = ()


class _Sets:
    """Union-find that refuses unions staff forbade, and unions spreading over more than the tolerance."""

    def __init__(self, candidates: Sequence[Candidate], never: frozenset[frozenset[str]], tolerance: timedelta) -> None:
        self.parent = {c.id: c.id for c in candidates}
        self.members = {c.id: {c.id} for c in candidates}
        self.sources = {c.id: {(c.partner_id, c.source_id)} for c in candidates}
        starts = {c.id: c.start_utc for c in candidates}
        self.span = {i: (s, s) for i, s in starts.items() if s is not None}
        self.never: dict[str, set[str]] = defaultdict(set)
        for pair in never:
            x, y = tuple(pair) if len(pair) == 2 else (next(iter(pair)),) * 2
            self.never[x].add(y)
            self.never[y].add(x)
        self.tolerance = tolerance

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def allowed(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.sources[ra] & self.sources[rb]:
            return False
        if any(self.never[m] & self.members[rb] for m in self.members[ra]):
            return False
        if ra in self.span and rb in self.span:
            low = min(self.span[ra][0], self.span[rb][0])
            high = max(self.span[ra][1], self.span[rb][1])
            if high - low > self.tolerance:
                return False
        return True

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.sources[ra] |= self.sources.pop(rb)
        if rb in self.span:
            low, high = self.span.pop(rb)
            if ra in self.span:
                self.span[ra] = (min(low, self.span[ra][0]), max(high, self.span[ra][1]))
            else:
                self.span[ra] = (low, high)


def group_duplicates(
    candidates: Sequence[Candidate], overrides: Overrides = Overrides(), tolerance: timedelta = START_TOLERANCE
) -> list[Group]:
    """Every candidate in exactly one group; groups of several carry the matches that joined them.
    Strongest matches are applied first; staff overrides before and after the comparison."""
    known = {c.id for c in candidates}
    sets = _Sets(candidates, overrides.never, tolerance)
    accepted: list[Match] = []
    for a, b in overrides.always:
        if a in known and b in known:
            sets.union(a, b)
            accepted.append(Match(a, b, 1.0, "always merge (staff override)", {}))
    for match in sorted(candidate_matches(candidates, tolerance), key=lambda m: (-m.score, m.a, m.b)):
        if sets.allowed(match.a, match.b) and sets.find(match.a) != sets.find(match.b):
            sets.union(match.a, match.b)
            accepted.append(match)
    groups: dict[str, Group] = {}
    for c in candidates:
        root = sets.find(c.id)
        groups.setdefault(root, Group([])).members.append(c.id)
    for match in accepted:
        groups[sets.find(match.a)].matches.append(match)
    return list(groups.values())


def override_id(name: Any) -> str:
    """A source item id from an override entry: the id itself, or "partner/source/key"."""
    text = str(name).strip()
    if text.count("/") >= 2:
        partner_id, source_id, key = text.split("/", 2)
        return item_id(partner_id, source_id, key)
    return text


def parse_overrides(data: Mapping[str, Any] | None) -> Overrides:
    """Overrides from merge_overrides.yaml: `never`/`always` lists of [a, b] pairs, each a source item id
    or "partner/source/key"."""
    ident = override_id

    def pairs(key: str) -> list[tuple[str, str]]:
        found = []
        for entry in (data or {}).get(key) or []:
            if not isinstance(entry, (list, tuple)) or len(entry) != 2:
                raise ValueError(f"merge_overrides.yaml: {key} entries are pairs [a, b], got {entry!r}")
            found.append((ident(entry[0]), ident(entry[1])))
        return found

    return Overrides(never=frozenset(frozenset(p) for p in pairs("never")), always=tuple(pairs("always")))
