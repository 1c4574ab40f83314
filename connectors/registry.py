"""The partner registry: one YAML file per partner, validated with pydantic.

Every error names the file, the source and the key, and says what was expected,
so that a data engineer can fix a partner file without reading this code.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import (
    BaseModel, ConfigDict, Field, HttpUrl, ValidationError, ValidationInfo, field_validator, model_validator,
)

from connectors.field_mapping import (
    LANGUAGE_TARGETS, HtmlDetail, HtmlField, HtmlPagination, Incremental, JsonField, JsonPagination, Target, check_path,
    check_selector, check_text_formats, shorthand,
)
from transforms.yaml_files import load_yaml, yaml_problem

SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
FeedKind = Literal["rss", "ical", "jsonld"]  # one URL, read whole
SourceKind = Literal["rss", "ical", "jsonld", "json_api", "html", "python"]
PAGED_KINDS = frozenset({"json_api", "html", "python"})  # read as a sequence of pages by connectors.crawl
SOURCE_KINDS: tuple[str, ...] = ("rss", "ical", "jsonld", "json_api", "html", "python")
# Header and parameter names that carry credentials: their values must come from the environment.
_SECRET_NAME = re.compile(r"auth|token|secret|key|password|passwd|signature", re.I)
ContentKind = Literal["event", "call", "news", "mixed"]
Language = Literal["fr", "nl", "en"]
_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
DEFAULT_POLL_EVERY = timedelta(minutes=15)
MIN_POLL_EVERY = timedelta(seconds=5)  # below this a partner's server would be hammered
_DURATION = re.compile(r"^\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$")
ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


def check_categories(value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
    """Default categories ({facet: [slug]}) must name facets and slugs of transforms/taxonomy.yaml."""
    if value is None:
        return None
    from transforms.taxonomy import load_taxonomy

    unknown = load_taxonomy().unknown(value)
    if unknown:
        raise ValueError(f"unknown categories: {'; '.join(unknown)}")
    return value


def parse_duration(value: object) -> timedelta:
    """A duration written like 30s, 15m, 1h, 1h30m or 2d."""
    if isinstance(value, timedelta):
        return value
    text = str(value).strip().lower()
    match = _DURATION.match(text) if text else None
    if not match or not any(match.groups()):
        raise ValueError(f"got {value!r}, expected a duration such as 30s, 15m, 1h, 1h30m or 1d")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    duration = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    if duration < MIN_POLL_EVERY:
        raise ValueError(f"got {value!r}, a polling interval must be at least {int(MIN_POLL_EVERY.total_seconds())}s")
    return duration


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalisedName(_Strict):
    fr: str = Field(min_length=1)
    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)


class SourceBase(_Strict):
    """What every source declares, whatever its kind."""

    id: str = Field(pattern=SLUG)
    url: HttpUrl
    content: ContentKind
    language: Language
    timezone: str = "Europe/Brussels"  # for floating times in the source
    enabled: bool = True
    poll_every: timedelta | None = None  # how often the poll sensor checks it; default: the partner's, else 15m
    categories: dict[str, list[str]] | None = None  # default categories of its items, e.g. {theme: [fintech]}

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        return check_categories(value)

    @field_validator("poll_every", mode="before")
    @classmethod
    def _duration(cls, value: object) -> timedelta | None:
        return None if value is None else parse_duration(value)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(value)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError on odd strings
            raise ValueError(f"unknown time zone {value!r} (expected an IANA name such as Europe/Brussels)") from exc
        return value


class FeedSource(SourceBase):
    """A feed, calendar or page read whole in one request: rss, ical or jsonld."""

    kind: FeedKind
    # An rss source of content mixed: its posts filed under one of these categories are events, dated by what their
    # title or text writes (a blog announcing its events among its news, in one feed).
    event_categories: list[str] | None = None

    @field_validator("event_categories")
    @classmethod
    def _events_among_posts(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        if value is None:
            return None
        if info.data.get("kind") != "rss":
            raise ValueError(f"only an rss source reads event_categories (this one is {info.data.get('kind')})")
        if info.data.get("content") != "mixed":
            raise ValueError(f"event_categories needs content: mixed (got {info.data.get('content')}): the posts of "
                             "those categories are events, the others news")
        names = [name.strip() for name in value if name and name.strip()]
        if not names:
            raise ValueError("expected the names of the categories whose posts are events, such as [Agenda]")
        return names


class PagedSource(SourceBase):
    """A source read page by page (connectors.crawl), politely."""

    min_delay_s: float = Field(0.0, ge=0)  # at least this long between two requests to its host (robots Crawl-delay wins if longer)
    max_requests: int = Field(200, ge=1)  # pages read per run at most, listing and detail pages together


class JsonApiSource(PagedSource):
    """A JSON API: records selected by a path, fields mapped onto the model, optional pagination."""

    kind: Literal["json_api"]
    method: Literal["GET", "POST"] = "GET"
    params: dict[str, str | int | float | bool] = Field(default_factory=dict)  # {today}, {today+30d}, {now} are filled in
    headers: dict[str, str] = Field(default_factory=dict)  # secrets as ${ENV_VAR}, never written here
    body: dict[str, Any] | None = None  # the JSON document a POST search sends
    records: str  # where the records are: $.events[*], results, data.items
    fields: dict[Target, JsonField] = Field(min_length=1)
    ignore: list[str] = Field(default_factory=list)  # record fields deliberately left unmapped (no warning)
    # A list in the record whose elements are the event's dates (OpenAgenda's timings): one item each.
    occurrences: str | None = None
    pagination: JsonPagination | None = None
    incremental: Incremental | None = None

    @field_validator("fields", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return shorthand(value, "path")

    @field_validator("records")
    @classmethod
    def _records_path(cls, value: str) -> str:
        return check_path(value)

    @field_validator("occurrences")
    @classmethod
    def _occurrences_path(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*", value.strip()):
            raise ValueError(f"got {value!r}, expected the dotted path of a list in the record, such as timings")
        return value.strip() if value is not None else None

    @field_validator("fields")
    @classmethod
    def _identity(cls, value: dict[str, JsonField]) -> dict[str, JsonField]:
        if "key" not in value and "url" not in value:
            raise ValueError("map `key` (the record's id) or `url`, so that a record keeps its identity across runs")
        for target, spec in value.items():
            if spec.languages and target not in LANGUAGE_TARGETS:
                raise ValueError(f"{target}: `languages` gives a text per language, for {', '.join(LANGUAGE_TARGETS)} "
                                 "only; map one path")
        return check_text_formats(value)

    @model_validator(mode="after")
    def _body_only_with_post(self) -> "JsonApiSource":
        if self.body is not None and self.method != "POST":
            raise ValueError("`body` is sent with method: POST only")
        return self


class HtmlSource(PagedSource):
    """A listing page read with CSS selectors, optionally its items' detail pages and its next pages."""

    kind: Literal["html"]
    items: str  # the CSS selector of one item of the listing
    fields: dict[Target, HtmlField] = Field(min_length=1)
    detail: HtmlDetail | None = None
    pagination: HtmlPagination | None = None

    @field_validator("items")
    @classmethod
    def _selector(cls, value: str) -> str:
        return check_selector(value)

    @field_validator("fields", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return shorthand(value, "css")

    @field_validator("fields")
    @classmethod
    def _identity(cls, value: dict[str, HtmlField]) -> dict[str, HtmlField]:
        if "key" not in value and "url" not in value:
            raise ValueError("map `url` (the item's link) or `key`, so that an item keeps its identity across runs")
        return check_text_formats(value)


class PythonSource(PagedSource):
    """A custom connector class (connectors.custom.Connector) for a site no declarative kind fits."""

    kind: Literal["python"]
    connector: str  # dotted path: package.module:ClassName
    options: dict[str, Any] = Field(default_factory=dict)  # handed to the connector as is

    @field_validator("connector")
    @classmethod
    def _importable(cls, value: str) -> str:
        from connectors.custom import load_connector_class

        load_connector_class(value)  # raises ValueError naming what is wrong
        return value


Source = Annotated[Union[FeedSource, JsonApiSource, HtmlSource, PythonSource], Field(discriminator="kind")]


class Partner(_Strict):
    id: str = Field(pattern=SLUG)
    name: LocalisedName
    website: HttpUrl
    sources: list[Source] = Field(min_length=1)
    poll_every: timedelta | None = None  # default polling interval of its sources
    ping_token_env: str | None = None  # the environment variable holding its ping token
    categories: dict[str, list[str]] | None = None  # default categories of all its items, e.g. {audience: [startups]}

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        return check_categories(value)

    @field_validator("ping_token_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not re.match(ENV_NAME, value):
            raise ValueError(f"got {value!r}, expected an environment variable name such as PING_TOKEN_INNOVIRIS")
        return value

    @field_validator("poll_every", mode="before")
    @classmethod
    def _duration(cls, value: object) -> timedelta | None:
        return None if value is None else parse_duration(value)

    def poll_interval(self, source: Source) -> timedelta:
        """How often the poll sensor checks `source`."""
        return source.poll_every or self.poll_every or DEFAULT_POLL_EVERY

    @field_validator("sources")
    @classmethod
    def _unique_source_ids(cls, sources: list[Source]) -> list[Source]:
        seen: set[str] = set()
        for source in sources:
            if source.id in seen:
                raise ValueError(f"duplicate source id {source.id!r} (source ids must be unique within a partner)")
            seen.add(source.id)
        return sources


@dataclass(frozen=True, slots=True)
class RegistryError:
    """One problem in one partner file."""

    file: str
    message: str
    source: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.source:
            where += f" › source {self.source}"
        if self.key:
            where += f" › {self.key}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Registry:
    partners: tuple[Partner, ...]
    errors: tuple[RegistryError, ...]
    files: dict[str, str]  # partner id -> file path

    def sources(self) -> list[tuple[Partner, Source]]:
        return [(p, s) for p in self.partners for s in p.sources if s.enabled]

    def partner(self, partner_id: str) -> Partner:
        for partner in self.partners:
            if partner.id == partner_id:
                return partner
        raise KeyError(partner_id)


class RegistryInvalid(Exception):
    def __init__(self, errors: list[RegistryError] | tuple[RegistryError, ...]):
        self.errors = tuple(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def _interpolate(value: Any, missing: list[str]) -> Any:
    """Expand ${VAR} and ${VAR:-default} in strings (URLs per environment, secrets)."""
    if isinstance(value, str):
        def repl(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in os.environ:
                return os.environ[name]
            if default is not None:
                return default
            missing.append(name)
            return match.group(0)

        return _ENV_VAR.sub(repl, value)
    if isinstance(value, list):
        return [_interpolate(v, missing) for v in value]
    if isinstance(value, dict):
        return {k: _interpolate(v, missing) for k, v in value.items()}
    return value


def _locate(data: Any, loc: tuple[Any, ...]) -> tuple[str | None, str]:
    """Turn a pydantic error location into (source id, dotted key)."""
    source_id: str | None = None
    if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
        try:
            source_id = str(data["sources"][loc[1]].get("id") or f"#{loc[1] + 1}")
        except (KeyError, IndexError, TypeError, AttributeError):
            source_id = f"#{loc[1] + 1}"
        rest = loc[2:]
        if rest and rest[0] in SOURCE_KINDS:  # the discriminated union's tag, not a key of the file
            rest = rest[1:]
    else:
        rest = loc
    # pydantic names a bad dictionary key "[key]" (fields.titel.[key]): the key itself is what the file says.
    key = ".".join(str(part) for part in rest if part != "[key]") or None
    return source_id, key or ""


# Keys that belong to some source kinds only: an unknown key that is one of them usually means a wrong kind.
_KIND_KEYS: dict[str, str] = {
    "records": "json_api", "method": "json_api", "params": "json_api", "headers": "json_api", "body": "json_api",
    "ignore": "json_api", "incremental": "json_api", "items": "html", "detail": "html", "fields": "json_api and html",
    "pagination": "json_api and html", "min_delay_s": "json_api, html and python", "max_requests": "json_api, html and python",
    "connector": "python", "options": "python", "event_categories": "rss",
}
_FIELD_KEYS = {"css": ("html", "path"), "attr": ("html", "path"), "html": ("html", "path"), "all": ("html", "path"),
               "path": ("json_api", "css")}


_SELECTION_KEYS = {("html", "records"): ": an html source selects its items with `items` (a CSS selector)",
                   ("json_api", "items"): ": a json_api source finds its records with `records` (a path such as $.data[*])"}


def _kind_hint(loc: tuple[Any, ...]) -> str:
    """Why a key is unknown when it is a key of another kind of source, or of another kind's fields; '' otherwise."""
    if len(loc) < 4 or loc[0] != "sources" or loc[2] not in SOURCE_KINDS:
        return ""
    kind, rest = loc[2], loc[3:]
    if len(rest) == 1 and (kind, rest[0]) in _SELECTION_KEYS:
        return _SELECTION_KEYS[(kind, rest[0])]
    if len(rest) == 1 and rest[0] in _KIND_KEYS:
        return f": `{rest[0]}` is a key of {_KIND_KEYS[rest[0]]} sources, and this source's kind is {kind} (is the kind right?)"
    if len(rest) >= 3 and rest[0] in ("fields", "detail") and rest[-1] in _FIELD_KEYS:
        owner, instead = _FIELD_KEYS[str(rest[-1])]
        if owner != kind:
            return f": `{rest[-1]}` is for {owner} fields; a {kind} field reads `{instead}`"
    return ""


def _known_keys() -> frozenset[str]:
    """Every key the partner file format knows, whatever the place: what a misspelt key is compared with."""
    from connectors import field_mapping

    models = (Partner, LocalisedName, FeedSource, JsonApiSource, HtmlSource, PythonSource, field_mapping.JsonField,
              field_mapping.HtmlField, field_mapping.JsonPagination, field_mapping.HtmlPagination,
              field_mapping.HtmlDetail, field_mapping.Incremental)
    return frozenset(name for model in models for name in model.model_fields)


def _spelling_hint(key: str) -> str:
    """'; did you mean `format`?' for 'fromat'; '' when no known key is close."""
    import difflib

    close = difflib.get_close_matches(key, sorted(_known_keys()), n=1, cutoff=0.75)
    return f"; did you mean `{close[0]}`?" if close else ""


def _describe(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "union_tag_invalid":
        return f"got {error.get('ctx', {}).get('tag')!r}, expected one of {', '.join(map(repr, SOURCE_KINDS))}"
    if kind == "union_tag_not_found":
        return f"required key is missing (one of {', '.join(map(repr, SOURCE_KINDS))})"
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        loc = tuple(error.get("loc", ()))
        hint = _kind_hint(loc) or _spelling_hint(str(loc[-1]) if loc else "")
        if hint:
            return f"unknown key (value {error.get('input')!r}){hint}"
        return f"unknown key (value {error.get('input')!r}); check its spelling against the partner file format"
    if error.get("input", "") is None and kind in ("model_type", "dict_type", "string_type", "list_type"):
        # "Input should be a valid dictionary or instance of JsonField": the key was written with nothing after it.
        return "the key has no value (nothing after the colon); write one, or remove the key"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"got {error.get('input')!r}, expected one of {expected}"
    if kind == "string_pattern_mismatch":
        return f"got {error.get('input')!r}, expected a slug (lowercase letters, digits and hyphens)"
    if kind.startswith("url"):
        return f"got {error.get('input')!r}, expected an absolute http(s) URL ({error.get('msg')})"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def _written_secrets(name: str, data: dict[str, Any]) -> list[RegistryError]:
    """Credentials written in the file (before ${VAR} expansion): a header or parameter named like a secret."""
    errors: list[RegistryError] = []
    for source in data.get("sources") or []:
        if not isinstance(source, dict):
            continue
        for section in ("headers", "params"):
            values = source.get(section)
            for key, value in (values.items() if isinstance(values, dict) else ()):
                if _SECRET_NAME.search(str(key)) and isinstance(value, str) and "${" not in value:
                    errors.append(RegistryError(
                        name, "a secret must not be written in a partner file: write ${ENV_VAR} and set that variable",
                        str(source.get("id") or "?"), f"{section}.{key}",
                    ))
    return errors


def _repeated_source_ids(data: dict[str, Any]) -> list[str]:
    """The source ids written more than once in a partner file, as written (before validation)."""
    ids = [str(source.get("id")) for source in data.get("sources") or [] if isinstance(source, dict) and source.get("id")]
    return sorted({source_id for source_id in ids if ids.count(source_id) > 1})


def load_partner_file(path: Path) -> tuple[Partner | None, list[RegistryError]]:
    """Read and validate one partner file; never raises for bad content."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [RegistryError(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [RegistryError(name, f"cannot be read ({exc.strerror})")]
    try:
        data = load_yaml(text)  # a key written twice is an error: YAML would keep the last one silently
    except yaml.YAMLError as exc:
        return None, [RegistryError(name, yaml_problem(exc))]
    if data is None:
        return None, [RegistryError(name, "the file is empty: expected the keys id, name, website and sources")]
    if not isinstance(data, dict):
        return None, [RegistryError(name, "expected a mapping of keys (id, name, website, sources)")]
    errors = _written_secrets(name, data)
    missing: list[str] = []
    data = _interpolate(data, missing)
    errors += [RegistryError(name, f"environment variable {var} is not set") for var in missing]
    try:
        partner = Partner.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            source_id, key = _locate(data, tuple(err["loc"]))
            if err.get("type", "").startswith("union_tag"):
                key = "kind"
            errors.append(RegistryError(name, _describe(err), source_id, key or None))
        # The model checks ids are unique only once every source is valid: said now, not after the other fixes.
        errors += [RegistryError(name, f"duplicate source id {source_id!r} (source ids must be unique within a partner)",
                                 source_id, "id")
                   for source_id in _repeated_source_ids(data)
                   if not any("duplicate source id" in e.message for e in errors)]
        return None, errors
    if path.stem != partner.id:
        errors.append(RegistryError(name, f"file name must be the partner id ({partner.id}.yaml)", key="id"))
    return (partner if not errors else None), errors


def load_registry(directory: Path | str) -> Registry:
    """Load every *.yaml / *.yml file of a registry folder, collecting all errors."""
    folder = Path(directory)
    if not folder.is_dir():
        return Registry((), (RegistryError(str(folder), "registry folder does not exist"),), {})
    partners: list[Partner] = []
    errors: list[RegistryError] = []
    files: dict[str, str] = {}
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    for path in paths:
        partner, file_errors = load_partner_file(path)
        errors.extend(file_errors)
        if partner is None:
            continue
        if partner.id in files:
            errors.append(RegistryError(str(path), f"duplicate partner id {partner.id!r} (also in {files[partner.id]})", key="id"))
            continue
        files[partner.id] = str(path)
        partners.append(partner)
    if not paths:
        errors.append(RegistryError(str(folder), "no partner files (*.yaml) in the registry folder"))
    return Registry(tuple(partners), tuple(errors), files)
