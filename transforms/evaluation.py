"""Measuring categorisation and duplicate detection against labelled sets (pure: data in, figures out)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from transforms.categorise import CategoryInput, CategoryRules, categorise

MULTI_VALUED_FACETS = ("theme", "audience")
SINGLE_VALUED_FACETS = {"format": "event", "call_type": "call"}


@dataclass(frozen=True, slots=True)
class Score:
    """Counts and ratios of one facet (or of duplicate pairs)."""

    name: str
    true_positives: int
    false_positives: int
    false_negatives: int
    correct: int = 0  # single-valued facets: items whose category is exactly right
    total: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass(frozen=True, slots=True)
class Miss:
    item_id: str
    facet: str
    expected: tuple[str, ...]
    found: tuple[str, ...]


def labelled_input(entry: Mapping[str, Any]) -> CategoryInput:
    """The CategoryInput of one labelled entry (kind, language, title, text, tags)."""
    language = entry.get("language") or entry["id"].split("-", 1)[0]
    return CategoryInput(
        kind=entry["kind"],
        title={language: entry["title"]},
        summary={language: entry.get("text") or ""} if entry.get("text") else {},
        source_categories=list(entry.get("tags") or []),
    )


def evaluate_categories(
    entries: Sequence[Mapping[str, Any]], rules: CategoryRules | None = None
) -> tuple[dict[str, Score], list[Miss]]:
    """Precision, recall and F1 per facet (micro-averaged over items), accuracy of format and call type."""
    counts: dict[str, list[int]] = {name: [0, 0, 0, 0, 0] for name in (*MULTI_VALUED_FACETS, *SINGLE_VALUED_FACETS)}
    misses: list[Miss] = []
    for entry in entries:
        found = categorise(labelled_input(entry), rules).categories
        for name in MULTI_VALUED_FACETS:
            expected, got = set(entry.get(name) or []), set(found.get(name) or [])
            c = counts[name]
            c[0] += len(expected & got)
            c[1] += len(got - expected)
            c[2] += len(expected - got)
            c[3] += expected == got
            c[4] += 1
            if expected != got:
                misses.append(Miss(entry["id"], name, tuple(sorted(expected)), tuple(sorted(got))))
        for name, kind in SINGLE_VALUED_FACETS.items():
            if entry["kind"] != kind:
                continue
            expected = {entry[name]} if entry.get(name) else set()
            got = set(found.get(name.replace("_", "-")) or [])
            c = counts[name]
            c[0] += len(expected & got)
            c[1] += len(got - expected)
            c[2] += len(expected - got)
            c[3] += expected == got
            c[4] += 1
            if expected != got:
                misses.append(Miss(entry["id"], name, tuple(sorted(expected)), tuple(sorted(got))))
    scores = {name: Score(name, *c) for name, c in counts.items()}
    return scores, misses


def evaluate_pairs(
    pairs: Iterable[tuple[bool, bool]], name: str = "duplicates"
) -> Score:
    """Precision and recall of duplicate detection from (expected same, found same) per labelled pair."""
    tp = fp = fn = correct = total = 0
    for expected, found in pairs:
        tp += expected and found
        fp += found and not expected
        fn += expected and not found
        correct += expected == found
        total += 1
    return Score(name, tp, fp, fn, correct, total)


def score_table(scores: Iterable[Score]) -> str:
    """The figures as a plain-text table."""
    lines = [f"{'facet':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'accuracy':>9} {'n':>4}"]
    for s in scores:
        lines.append(f"{s.name:<12} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.accuracy:9.3f} {s.total:4d}")
    return "\n".join(lines)


def check_goals(scores: Mapping[str, Score], goals: Mapping[str, Callable[[Score], float]], minimum: Mapping[str, float]) -> list[str]:
    """The goals not met, as readable lines."""
    failures = []
    for name, measure in goals.items():
        value = measure(scores[name])
        if value < minimum[name]:
            failures.append(f"{name}: {value:.3f} < {minimum[name]}")
    return failures


def pair_candidates(entry: Mapping[str, Any]) -> tuple[Any, Any]:
    """The two dedupe Candidates of one labelled pair."""
    from transforms.categorise import title_concepts
    from transforms.dedupe import candidate

    def one(name: str, spec: Mapping[str, Any]) -> Any:
        start = str(spec.get("start") or "")
        record = {
            "partner_id": spec["partner"], "source_id": spec["source"], "kind": spec.get("kind", "event"),
            "title": {spec["lang"]: spec["title"]},
            "start_utc": start if "T" in start else None,
            "start_date": start if start and "T" not in start else None,
            "end_date": spec.get("end_date"), "deadline_utc": spec.get("deadline"),
            "venue": spec.get("venue"), "municipality": spec.get("municipality"), "attendance_mode": spec.get("mode"),
            "canonical_url": spec.get("url"), "registration_url": spec.get("reg"),
        }
        return candidate(name, record, concepts=title_concepts([spec["title"]]))

    return one("a", entry["a"]), one("b", entry["b"])


def evaluate_duplicates(entries: Sequence[Mapping[str, Any]]) -> tuple[Score, list[tuple[int, bool, Any]]]:
    """Precision and recall of group_duplicates on labelled pairs; the misjudged pairs (index, expected, match)."""
    from transforms.dedupe import compare, group_duplicates

    outcomes, wrong = [], []
    for n, entry in enumerate(entries):
        a, b = pair_candidates(entry)
        merged = any(len(g.members) == 2 for g in group_duplicates([a, b]))
        outcomes.append((bool(entry["same"]), merged))
        if merged != bool(entry["same"]):
            wrong.append((n, bool(entry["same"]), compare(a, b)))
    return evaluate_pairs(outcomes), wrong
