from __future__ import annotations

import pytest

from transforms.kinds import decide_kind
from transforms.model import RawItem


def raw(**fields: object) -> RawItem:
    return RawItem(partner_id="hub", source_id="mix", key="k", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("content", ["event", "call", "news"])
def test_a_single_kind_source_decides(content: str) -> None:
    assert decide_kind(raw(title="Appel à projets", kind="news", start="2026-03-10"), content) == (content, "source content")


def test_mixed_source_uses_the_records_own_kind_first() -> None:
    kind, reason = decide_kind(raw(title="Appel à projets", kind="https://schema.org/BusinessEvent"), "mixed")
    assert kind == "event" and "record kind" in reason


@pytest.mark.parametrize(
    "title",
    ["Appel à projets Smart City", "Call for proposals: AI", "Projectoproep digitale inclusie", "Nieuwe oproep",
     "Subsides pour la transition numérique", "Grant for start-ups", "Date limite : 30 avril", "Uiterste datum 30/04"],
)
def test_mixed_source_recognises_call_words(title: str) -> None:
    kind, reason = decide_kind(raw(title=title, start="2026-03-10T10:00"), "mixed")
    assert kind == "call" and "call word" in reason


def test_call_word_in_categories() -> None:
    assert decide_kind(raw(title="Innoviris", categories=["Subsidie"]), "mixed")[0] == "call"


def test_words_inside_other_words_do_not_count() -> None:
    assert decide_kind(raw(title="Appeltaart workshop", start="2026-03-10"), "mixed") == ("event", "has a start time")


def test_mixed_source_falls_back_to_start_time_then_news() -> None:
    assert decide_kind(raw(title="Atelier IA", start="2026-03-10T18:30"), "mixed") == ("event", "has a start time")
    assert decide_kind(raw(title="Nouveau site web"), "mixed") == ("news", "no start time")
