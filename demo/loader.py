"""Partner content files: YAML with dates relative to "today", expanded into plain items.

A content file (demo/content/<partner_id>.yaml) holds the partner's names, its website and
its feeds. Each feed lists hand-written `items` and/or `series` (one template combined with a
list of values), or reuses another feed's items with `same_as` (a FR and a NL version of the
same feed). Dates are written relative to the day the feed is rendered:

    start: {days: 12, time: "18:30"}     # 12 days after today, 18:30 Brussels time
    start: {weeks: 3}                    # an all-day date three weeks after today
    start: {next: "03-10", time: "18:30"}  # the next 10 March after today (winter time)
    start: {raw: "32/13/2026 25h61"}     # written as is (a deliberately invalid date)
    duration: "1h30"                      # instead of an end

Texts are a string or a mapping {fr, nl, en}; a feed renders the text of its language.
`demo/content/_places.yaml` holds the shared places that items name with `place: <key>`.
"""
from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

BRUSSELS = ZoneInfo("Europe/Brussels")
LANGS = ("fr", "nl", "en")
PLACES_FILE = "_places.yaml"
CONTENT_DIR = Path(__file__).resolve().parent / "content"
FORMATS = ("rss2", "rss1", "atom", "ical", "jsonld", "error", "wp_events", "eu_search", "drupal_calls", "nl_listing")
KIND_OF_FORMAT = {"rss2": "rss", "rss1": "rss", "atom": "rss", "ical": "ical", "jsonld": "jsonld", "error": "rss",
                  "wp_events": "json_api", "eu_search": "json_api", "drupal_calls": "html", "nl_listing": "html"}
# Formats answered per request (query string, POST body, detail pages under the feed's path).
DYNAMIC_FORMATS = frozenset({"wp_events", "eu_search", "drupal_calls", "nl_listing"})
_DURATION = re.compile(r"^\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m?)?\s*$")


class ContentError(ValueError):
    """A content file that cannot be rendered; the message names the file and the item."""


def brussels_today() -> date:
    return datetime.now(BRUSSELS).date()


def text(value: Any, lang: str) -> str | None:
    """The text of `value` in `lang` (falling back to fr, nl, en in that order)."""
    if value is None:
        return None
    if isinstance(value, dict):
        for candidate in (lang, *LANGS):
            if value.get(candidate) is not None:
                return str(value[candidate])
        return None
    return str(value)


def parse_duration(value: Any) -> timedelta:
    if isinstance(value, (int, float)):
        return timedelta(minutes=value)
    match = _DURATION.match(str(value))
    if not match or not any(match.groups()):
        raise ContentError(f"bad duration {value!r} (expected e.g. 45m, 1h30, 2d)")
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def resolve_when(spec: Any, today: date) -> datetime | date | str | None:
    """A date spec → an aware Brussels datetime (with a time), a date (without), or a raw string."""
    if spec is None:
        return None
    if isinstance(spec, int):
        spec = {"days": spec}
    if not isinstance(spec, dict):
        raise ContentError(f"bad date {spec!r} (expected e.g. {{days: 12, time: '18:30'}})")
    if "raw" in spec:
        return str(spec["raw"])
    if "next" in spec:
        month, day = (int(p) for p in str(spec["next"]).split("-"))
        day_ = date(today.year, month, day)
        if day_ <= today:
            day_ = date(today.year + 1, month, day)
    else:
        day_ = today + timedelta(days=int(spec.get("days", 0)) + 7 * int(spec.get("weeks", 0)))
    if spec.get("time") is None:
        return day_
    hour, minute = (int(p) for p in str(spec["time"]).split(":"))
    return datetime.combine(day_, time(hour, minute), tzinfo=BRUSSELS)


def _format_vars(template: Any, variables: dict[str, Any], lang: str) -> Any:
    if isinstance(template, str):
        local = {k: (text(v, lang) if isinstance(v, dict) else v) for k, v in variables.items()}
        return template.format_map(local)
    if isinstance(template, list):
        return [_format_vars(v, variables, lang) for v in template]
    return template


def _localise_template(value: Any, variables: dict[str, Any]) -> Any:
    """Substitute {placeholders}; a text becomes {fr, nl, en} when any variable is localised."""
    if isinstance(value, dict) and set(value) <= set(LANGS):
        return {lang: _format_vars(v, variables, lang) for lang, v in value.items()}
    if isinstance(value, str):
        if any(isinstance(v, dict) for v in variables.values()) and "{" in value:
            return {lang: _format_vars(value, variables, lang) for lang in LANGS}
        return _format_vars(value, variables, "fr")
    if isinstance(value, list):
        return [_localise_template(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: _localise_template(v, variables) for k, v in value.items()}
    return value


def expand_series(series: dict[str, Any]) -> list[dict[str, Any]]:
    """One item per value: the template with its {placeholders} filled and its date stepped."""
    items = []
    base_id = series["id"]
    first, every = int(series.get("first", 1)), int(series.get("every", 7))
    for index, values in enumerate(series["values"]):
        values = dict(values)
        overrides = values.pop("set", {}) or {}
        item = _localise_template(copy.deepcopy(series["template"]), values)
        item["id"] = values.get("id") or f"{base_id}-{index + 1}"
        offset = first + index * every
        if "start" not in item and "start" not in overrides and series.get("dated", True):
            item["start"] = {"days": offset, **({"time": series["time"]} if series.get("time") else {})}
        if "published" not in item and "published" not in overrides and series.get("published_every"):
            step = int(series["published_every"])
            item["published"] = {"days": -(int(series.get("published_first", 1)) + index * step), "time": "09:00"}
        item.update(overrides)
        items.append(item)
    return items


@dataclass
class Feed:
    id: str
    path: str
    format: str
    content: str
    language: str
    title: Any
    description: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return KIND_OF_FORMAT[self.format]


@dataclass
class PartnerContent:
    id: str
    name: dict[str, str]
    website: str
    description: str
    feeds: list[Feed]
    places: dict[str, dict[str, Any]]
    path: Path

    def feed(self, path: str) -> Feed | None:
        for feed in self.feeds:
            if feed.path == path:
                return feed
        return None

    def dynamic_feed(self, path: str) -> tuple[Feed, str] | None:
        """The dynamic feed serving `path` and the rest of the path below it ('' for the feed itself)."""
        for feed in self.feeds:
            if feed.format in DYNAMIC_FORMATS and (path == feed.path or path.startswith(feed.path + "/")):
                return feed, path[len(feed.path):].strip("/")
        return None

    def place(self, key: str) -> dict[str, Any]:
        try:
            return self.places[key]
        except KeyError:
            raise ContentError(f"{self.path}: unknown place {key!r} (see {PLACES_FILE})") from None


def load_places(content_dir: Path) -> dict[str, dict[str, Any]]:
    path = content_dir / PLACES_FILE
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_partner(path: Path, places: dict[str, dict[str, Any]]) -> PartnerContent:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: invalid YAML: {exc}") from exc
    partner_id = path.stem
    feeds: list[Feed] = []
    by_id: dict[str, Feed] = {}
    for raw in data.get("feeds") or []:
        raw = dict(raw)
        if raw.get("format") not in FORMATS:
            raise ContentError(f"{path}: feed {raw.get('id')}: format must be one of {FORMATS}")
        items = [dict(i) for i in raw.pop("items", None) or []]
        for series in raw.pop("series", None) or []:
            items.extend(expand_series(series))
        same_as = raw.pop("same_as", None)
        if same_as:
            items = by_id[same_as].items + items
        seen: set[str] = set()
        for item in items:
            if "id" not in item:
                raise ContentError(f"{path}: feed {raw['id']}: an item has no id")
            if item["id"] in seen:
                raise ContentError(f"{path}: feed {raw['id']}: duplicate item id {item['id']!r}")
            seen.add(item["id"])
        known = {"id", "path", "format", "content", "language", "title", "description"}
        feed = Feed(
            id=raw["id"], path=raw["path"], format=raw["format"], content=raw["content"], language=raw["language"],
            title=raw.get("title") or data["name"], description=raw.get("description"),
            options={k: v for k, v in raw.items() if k not in known}, items=items,
        )
        feeds.append(feed)
        by_id[feed.id] = feed
    return PartnerContent(
        id=partner_id, name=data["name"], website=data["website"].rstrip("/"),
        description=data.get("description", ""), feeds=feeds, places=places, path=path,
    )


def partner_files(content_dir: Path) -> list[Path]:
    return sorted(p for p in content_dir.glob("*.yaml") if not p.name.startswith("_"))


def load_all(content_dir: Path) -> list[PartnerContent]:
    places = load_places(content_dir)
    return [load_partner(p, places) for p in partner_files(content_dir)]


def stable_number(*parts: str, digits: int = 10) -> str:
    """Deterministic digits (fake meeting ids and the like)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return str(int(digest, 16))[:digits]
