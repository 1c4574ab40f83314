"""The category taxonomy (taxonomy.yaml): facets, stable slugs and their FR/NL/EN labels."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from transforms.yaml_files import load_yaml_file

LANGUAGES = ("fr", "nl", "en")
FACETS = ("theme", "format", "call-type", "audience", "attendance", "price")
TAXONOMY_FILE = "taxonomy.yaml"


class TaxonomyError(ValueError):
    """The taxonomy data is not in the expected shape."""


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """Facet -> slug -> labels per language, in file order."""

    facets: Mapping[str, Mapping[str, Mapping[str, str]]]
    facet_labels: Mapping[str, Mapping[str, str]]

    def has(self, facet: str, slug: str) -> bool:
        return slug in self.facets.get(facet, {})

    def label(self, facet: str, slug: str, language: str) -> str:
        return self.facets[facet][slug][language]

    def unknown(self, categories: Mapping[str, Any]) -> list[str]:
        """The 'facet:slug' entries of `categories` ({facet: [slug]}) that the taxonomy does not know."""
        problems = []
        for facet, slugs in categories.items():
            if facet not in self.facets:
                problems.append(f"{facet} (unknown facet; known: {', '.join(self.facets)})")
                continue
            for slug in slugs or []:
                if not self.has(facet, str(slug)):
                    problems.append(f"{facet}:{slug} (unknown category of {facet})")
        return problems


def parse_taxonomy(data: Any) -> Taxonomy:
    """A Taxonomy from the parsed YAML `{facets: {facet: {label: {..}, categories: {slug: {fr, nl, en}}}}}`."""
    facets = data.get("facets") if isinstance(data, dict) else None
    if not isinstance(facets, dict):
        raise TaxonomyError("expected a mapping `facets: {facet: {label, categories}}`")
    parsed: dict[str, dict[str, dict[str, str]]] = {}
    facet_labels: dict[str, dict[str, str]] = {}
    for facet, spec in facets.items():
        categories = (spec or {}).get("categories")
        if not isinstance(categories, dict) or not categories:
            raise TaxonomyError(f"facets.{facet}.categories must be a non-empty mapping of slug to labels")
        facet_labels[str(facet)] = _labels((spec or {}).get("label"), f"facets.{facet}.label", str(facet))
        parsed[str(facet)] = {
            str(slug): _labels(labels, f"facets.{facet}.categories.{slug}", str(slug)) for slug, labels in categories.items()
        }
    return Taxonomy(parsed, facet_labels)


def _labels(value: Any, where: str, fallback: str) -> dict[str, str]:
    if value is None:
        return {lang: fallback for lang in LANGUAGES}
    if isinstance(value, str):
        return {lang: value for lang in LANGUAGES}
    if not isinstance(value, dict) or any(not value.get(lang) for lang in LANGUAGES):
        raise TaxonomyError(f"{where} needs a label in each of fr, nl and en")
    return {lang: str(value[lang]) for lang in LANGUAGES}


def read_packaged_yaml(name: str) -> Any:
    """A YAML data file shipped in the transforms package (taxonomy, rules, maps, overrides); YamlFileError
    naming the file and the line when it is not valid YAML or writes a key twice."""
    resource = resources.files("transforms").joinpath(name)
    return load_yaml_file(resource.read_text(encoding="utf-8"), str(resource))


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The packaged taxonomy.yaml."""
    return parse_taxonomy(read_packaged_yaml(TAXONOMY_FILE))
