"""`bedigital evaluate`: precision and recall of categorisation and duplicate detection on the labelled
sets; with --coverage WAREHOUSE, the English coverage per partner and the source categories left unmapped."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from transforms.evaluation import evaluate_categories, evaluate_duplicates, score_table
from transforms.yaml_files import load_yaml_file

DEFAULT_SETS = Path("tests/transforms/eval")
GOALS = {"theme": ("f1", 0.9), "format": ("accuracy", 0.9), "call_type": ("accuracy", 0.9),
         "duplicates precision": ("precision", 0.98), "duplicates recall": ("recall", 0.9)}


def _load(path: Path, key: str) -> list[dict]:
    # A label written twice in an item (a second `theme:` line) would replace the first without a word.
    return list((load_yaml_file(path.read_text(encoding="utf-8"), str(path)) or {}).get(key) or [])


def evaluation_report(sets: Path) -> tuple[str, list[str]]:
    """The figures as text, and the goals not met."""
    scores, misses = evaluate_categories(_load(sets / "categories.yaml", "items"))
    duplicates, wrong = evaluate_duplicates(_load(sets / "duplicate_pairs.yaml", "pairs"))
    failures = []
    for name, (measure, minimum) in GOALS.items():
        score = duplicates if name.startswith("duplicates") else scores[name]
        value = getattr(score, measure)
        if value < minimum:
            failures.append(f"{name}: {measure} {value:.3f} < {minimum}")
    text = "\n".join([
        f"Categories ({scores['theme'].total} labelled items)", score_table(scores.values()), "",
        f"Duplicates ({duplicates.total} labelled pairs)", score_table([duplicates]), "",
        f"{len(misses)} category differences, {len(wrong)} pairs misjudged",
    ])
    return text, failures


def _coverage(path: Path) -> str:
    from warehouse.connection import connect
    from warehouse.coverage import coverage_table, english_coverage, unmapped_source_categories

    con = connect(path, read_only=True)
    try:
        unmapped = unmapped_source_categories(con)
        lines = [f"  {n:5d}  {tag}" for tag, n in unmapped.most_common()] or ["  (none)"]
        return "\n".join(["English coverage (items with an English title)", coverage_table(english_coverage(con)), "",
                          "Source categories left unmapped (add them to transforms/category_map.yaml)", *lines])
    finally:
        con.close()


def cmd_evaluate(args: argparse.Namespace) -> int:
    if args.coverage:
        print(_coverage(Path(args.coverage)))
        return 0
    text, failures = evaluation_report(Path(args.sets))
    print(text)
    for failure in failures:
        print(f"goal not met: {failure}", file=sys.stderr)
    return 1 if failures else 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("evaluate", help="precision and recall of categories and duplicates; English coverage")
    parser.add_argument("--sets", default=str(DEFAULT_SETS), help="folder of categories.yaml and duplicate_pairs.yaml")
    parser.add_argument("--coverage", metavar="WAREHOUSE", help="print the English coverage per partner of a warehouse")
    parser.set_defaults(func=cmd_evaluate)
