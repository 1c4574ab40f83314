"""Response shapes, for the OpenAPI document (the handlers write JSON directly, for speed)."""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, Field


class Labels(BaseModel):
    fr: str
    nl: str
    en: str


class Tombstone(BaseModel):
    id: str
    removed_at: str = Field(description="UTC instant the item left the agenda.")


class ItemsPage(BaseModel):
    snapshot: str = Field(description="Id of the published snapshot the page was read from.")
    generated_at: str
    lang: Literal["fr", "nl", "en", "all"]
    items: list[dict[str, Any]] = Field(description="Agenda items as in agenda.schema.json; with lang=fr|nl|en the "
                                                    "texts are strings and `text_languages` says which language each is in.")
    next_cursor: Optional[str] = Field(None, description="Pass it as `cursor` for the next page; null on the last page.")
    removed: Optional[list[Tombstone]] = Field(None, description="With updated_since, on the first page: items removed since.")


class Category(BaseModel):
    facet: str
    slug: str
    id: str = Field(description="facet:slug, as the category filter takes it.")
    label: Labels
    item_count: int


class Facet(BaseModel):
    facet: str
    label: Labels
    categories: list[Category]


class Categories(BaseModel):
    facets: list[Facet]


class Source(BaseModel):
    id: str
    kind: str
    url: str
    content: str
    language: str
    last_success_at: Optional[str] = None


class Partner(BaseModel):
    id: str
    name: Labels
    website: str
    item_count: int
    report_url: str = Field(description="The partner's ingestion report page.")
    sources: Optional[list[Source]] = None


class Partners(BaseModel):
    partners: list[Partner]


class Health(BaseModel):
    status: Literal["ok"]
    snapshot: str
    generated_at: str
    age_seconds: float
    item_count: int


class ExportFile(BaseModel):
    name: str
    url: str
    media_type: str
    size: int


class Exports(BaseModel):
    snapshot: str
    files: list[ExportFile]


class Problem(BaseModel):
    detail: Any
