"""Categorisation: keyword rules in three languages, the map of partners' tags, defaults, and the reasons kept."""
from __future__ import annotations

import pytest

from transforms.categorise import CategoryInput, categorise, parse_rules, unmapped_tags
from transforms.taxonomy import TaxonomyError, load_taxonomy, parse_taxonomy

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
