"""The labelled sets: categorisation and duplicate detection meet their goals. The figures are printed in
pytest's warnings summary, so `make test` shows them without -s."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import yaml

from bedigital.commands.evaluate import evaluation_report
from transforms.evaluation import evaluate_categories, evaluate_duplicates
from transforms.yaml_files import YamlFileError

SETS = Path(__file__).parent / "eval"


def _items() -> list[dict]:
    return yaml.safe_load((SETS / "categories.yaml").read_text(encoding="utf-8"))["items"]


def _pairs() -> list[dict]:
    return yaml.safe_load((SETS / "duplicate_pairs.yaml").read_text(encoding="utf-8"))["pairs"]


def test_the_category_set_is_large_and_in_three_languages() -> None:
    items = _items()
    assert len(items) >= 60
    by_language = {lang: sum(1 for i in items if i["id"].startswith(lang)) for lang in ("fr", "nl", "en")}
    assert min(by_language.values()) >= 20, by_language


def test_categories_meet_their_goals() -> None:
    scores, misses = evaluate_categories(_items())
    assert scores["theme"].f1 >= 0.9, misses
    assert scores["format"].accuracy >= 0.9, misses
    assert scores["call_type"].accuracy >= 0.9, misses


def test_duplicates_meet_their_goals() -> None:
    score, wrong = evaluate_duplicates(_pairs())
    assert score.total >= 30
    assert score.precision >= 0.98, wrong
    assert score.recall >= 0.9, wrong


def test_the_figures_are_reported() -> None:
    text, failures = evaluation_report(SETS)
    warnings.warn(UserWarning("\n" + text))  # shown in the warnings summary of every run
    assert failures == []
    assert "theme" in text and "duplicates" in text


def test_a_label_written_twice_in_a_set_is_an_error_naming_the_file_and_the_line(tmp_path: Path) -> None:
    # A second `theme:` line added to an item replaced the first label without a word, and the figures with it.
    text = (SETS / "categories.yaml").read_text(encoding="utf-8")
    first = "    theme: [ai]\n    audience: [smes]\n    format: workshop\n"
    assert first in text
    position = text.index(first) + len(first)
    (tmp_path / "categories.yaml").write_text(text[:position] + "    theme: [data]\n" + text[position:], encoding="utf-8")
    (tmp_path / "duplicate_pairs.yaml").write_bytes((SETS / "duplicate_pairs.yaml").read_bytes())
    line = text[:position].count("\n") + 1
    with pytest.raises(YamlFileError, match=rf"categories.yaml: invalid YAML at line {line}, column 5: the key 'theme' "
                                            "is written twice"):
        evaluation_report(tmp_path)
