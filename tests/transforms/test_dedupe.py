"""Duplicate detection: blocks, conservative rules, staff overrides, and the record of every merge."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from transforms.dedupe import Overrides, candidate, group_duplicates, language_free_url, parse_overrides
from transforms.model import item_id

AT = datetime(2027, 3, 10, 17, 30, tzinfo=timezone.utc)


def event(i: str, title: dict, *, partner: str = "p", source: str = "s", start: datetime = AT, **fields):
    record = {"partner_id": partner, "source_id": source, "kind": "event", "title": title,
              "start_utc": start.isoformat(), **fields}
    return candidate(i, record, first_seen=AT)


def groups_of(candidates, overrides=Overrides()) -> list[list[str]]:
    return sorted(sorted(g.members) for g in group_duplicates(candidates, overrides))


def test_the_same_event_from_two_partners_is_one_group_with_its_score_and_fields() -> None:
    a = event("a", {"fr": "Atelier IA pour PME"}, partner="hub", venue="BeCentral")
    b = event("b", {"fr": "Atelier : l'IA pour les PME"}, partner="region", venue="BeCentral")
    [group] = [g for g in group_duplicates([a, b]) if len(g.members) == 2]
    [match] = group.matches
    assert match.rule in ("same title", "similar title, same place") and 0.5 < match.score <= 1
    assert match.fields["time"] == "same" and match.fields["venue"] == 1.0


def test_never_two_events_at_different_times_even_through_a_third() -> None:
    a = event("a", {"fr": "Apéro IA"}, partner="x", venue="Lab")
    b = event("b", {"fr": "Apéro IA"}, partner="y", venue="Lab", start=AT + timedelta(minutes=20))
    c = event("c", {"fr": "Apéro IA"}, partner="z", venue="Lab", start=AT + timedelta(minutes=40))
    d = event("d", {"fr": "Apéro IA"}, partner="w", venue="Lab", start=AT + timedelta(hours=1))
    groups = groups_of([a, b, c, d])
    assert ["a", "d"] not in groups and not any({"a", "c"} <= set(g) for g in groups)


def test_items_of_one_source_are_never_merged() -> None:
    assert groups_of([event("a", {"en": "AI Night"}, venue="Lab"), event("b", {"en": "AI Night"}, venue="Lab")]) == [["a"], ["b"]]


def test_a_url_shared_by_many_items_of_a_source_identifies_none() -> None:
    shop = "https://tickets.example/all"
    a = event("a", {"en": "Track A: AI"}, partner="conf", source="fr", registration_url=shop)
    a2 = event("a2", {"en": "Track C: IoT"}, partner="conf", source="fr", registration_url=shop, start=AT + timedelta(days=1))
    b = event("b", {"nl": "Track B: zorg"}, partner="conf", source="nl", registration_url=shop)
    assert ["a", "b"] not in groups_of([a, a2, b])


def test_overrides_forbid_and_force_merges() -> None:
    a = event("a", {"fr": "Atelier IA pour PME"}, partner="hub", venue="BeCentral")
    b = event("b", {"fr": "Atelier IA pour PME"}, partner="region", venue="BeCentral")
    c = event("c", {"fr": "Soirée de lancement"}, partner="other")
    overrides = Overrides(never=frozenset({frozenset({"a", "b"})}), always=(("a", "c"),))
    assert groups_of([a, b, c], overrides) == [["a", "c"], ["b"]]


def test_override_entries_name_items_by_partner_source_and_key() -> None:
    parsed = parse_overrides({"never": [["hub/agenda/https://hub.example/e/1", "abc"]], "always": []})
    assert parsed.never == frozenset({frozenset({item_id("hub", "agenda", "https://hub.example/e/1"), "abc"})})


def test_language_path_segments_and_parameters_do_not_make_pages_different() -> None:
    assert language_free_url("https://x.be/fr/agenda/7?lang=fr") == language_free_url("https://x.be/nl/agenda/7?lang=nl")
    assert language_free_url("https://x.be/fr/agenda/7") != language_free_url("https://x.be/fr/agenda/8")


def test_ten_thousand_items_are_grouped_without_comparing_every_pair() -> None:
    items = [event(f"i{n}", {"en": f"Session {n}"}, partner=f"p{n % 7}", start=AT + timedelta(hours=n)) for n in range(10_000)]
    groups = group_duplicates(items)
    assert len(groups) == 10_000


def test_a_partner_page_in_another_language_is_the_same_item_even_without_a_time() -> None:
    def news(i: str, title: dict, url: str, source: str):
        return candidate(i, {"partner_id": "innov", "source_id": source, "kind": "news", "title": title,
                             "canonical_url": url}, first_seen=AT)

    fr = news("fr", {"fr": "Chèque cybersécurité pour PME"}, "https://innov.example/fr/appels/call-cyber-pme", "fr")
    nl = news("nl", {"nl": "Cyberveiligheidscheque voor kmo's"}, "https://innov.example/nl/oproepen/call-cyber-pme", "nl")
    other = news("x", {"nl": "Andere oproep"}, "https://innov.example/nl/oproepen/call-green-data", "nl")
    assert groups_of([fr, nl, other]) == [["fr", "nl"], ["x"]]


def test_a_page_and_its_translation_have_one_slug_sections_and_all() -> None:
    french, dutch = (candidate("a", {"canonical_url": "https://x.be/fr/appels/call-x.html?lang=fr"}),
                     candidate("b", {"canonical_url": "https://X.be/nl/oproepen/call-x"}))
    assert french.slug == dutch.slug == "x.be|call-x|"
    assert candidate("c", {"canonical_url": "https://x.be/fr/a"}).slug is None  # too short to tell a page
    assert candidate("d", {}).slug is None and candidate("d", {}).page is None
