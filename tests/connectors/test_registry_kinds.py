"""The json_api, html and python kinds in partner files: valid files load, mistakes name file, source and key."""
from __future__ import annotations

from pathlib import Path

import pytest

from connectors.registry import HtmlSource, JsonApiSource, load_registry

JSON_API = """\
id: lab
name: {fr: Lab, nl: Lab, en: Lab}
website: https://lab.example
sources:
  - id: events
    kind: json_api
    url: https://lab.example/api/events
    content: event
    language: fr
    headers: {Authorization: "Bearer ${LAB_TOKEN:-t0ken}"}
    records: "$.data[*]"
    fields:
      key: id
      title: name
      start: {path: starts, format: "%d/%m/%Y %H:%M", timezone: Europe/Brussels}
    pagination: {type: page_number, param: page, size_param: per_page, size: 50}
"""
HTML = """\
id: lab
name: {fr: Lab, nl: Lab, en: Lab}
website: https://lab.example
sources:
  - id: agenda
    kind: html
    url: https://lab.example/agenda
    content: event
    language: nl
    items: "li.activiteit"
    fields:
      title: h3
      url: {css: "h3 a", attr: href}
      start: {css: [".datum", ".uur"], join: " "}
    pagination: {next: a.volgende}
"""


def errors_of(tmp_path: Path, text: str):
    (tmp_path / "lab.yaml").write_text(text, encoding="utf-8")
    return load_registry(tmp_path).errors


def test_json_api_and_html_sources_load_with_their_shorthands(tmp_path: Path) -> None:
    (tmp_path / "lab.yaml").write_text(JSON_API, encoding="utf-8")
    [(_, source)] = load_registry(tmp_path).sources()
    assert isinstance(source, JsonApiSource)
    assert source.fields["title"].path == "name" and source.headers["Authorization"] == "Bearer t0ken"
    assert source.pagination.type == "page_number"
    (tmp_path / "lab.yaml").write_text(HTML, encoding="utf-8")
    [(_, source)] = load_registry(tmp_path).sources()
    assert isinstance(source, HtmlSource)
    assert source.fields["title"].css == "h3" and source.pagination.next.attr == "href"


@pytest.mark.parametrize(
    ("text", "change", "key", "words"),
    [
        (JSON_API, ('    records: "$.data[*]"\n', ""), "records", "required key is missing"),
        (JSON_API, ("      title: name", "      titel: name"), "fields.titel", "expected one of"),
        (JSON_API, ('records: "$.data[*]"', "records: \"$.data[?(@.status=='live')]\""), "records", "filters '[?(…)]' are not"),
        (JSON_API, ("      title: name", "      title: attributes..title"), "fields.title.path", "expected a path such as"),
        (JSON_API, ("      title: name", "      title: {css: h2}"), "fields.title.css", "a json_api field reads `path`"),
        (JSON_API, ("{path: starts, format:", "{path: starts, fromat:"), "fields.start.fromat", "did you mean `format`?"),
        (JSON_API, ("      title: name", "      title:"), "fields.title", "the key has no value"),
        (JSON_API, ('    records: "$.data[*]"', '    items: "$.data[*]"\n    records: data'), "items",
         "a json_api source finds its records with `records`"),
        (JSON_API, ("pagination: {type", "pagniation: {type"), "pagniation", "did you mean `pagination`?"),
        (HTML, ('items: "li.activiteit"', 'records: "li.activiteit"\n    items: li'), "records",
         "an html source selects its items with `items`"),
        (JSON_API, ('format: "%d/%m/%Y %H:%M"', "format: dd/mm/yyyy"), "fields.start.format", "strptime pattern"),
        (JSON_API, ("timezone: Europe/Brussels}", "timezone: Europe/Bruxelles}"), "fields.start.timezone", "unknown time zone"),
        (JSON_API, ("type: page_number, param: page,", "type: page_number,"), "pagination", "needs param"),
        (JSON_API, ('"Bearer ${LAB_TOKEN:-t0ken}"', '"Bearer s3cr3t"'), "headers.Authorization", "secret"),
        (JSON_API, ("      key: id\n", ""), "fields", "map `key`"),
        (HTML, ('items: "li.activiteit"', 'items: "li >> a"'), "items", "CSS selector"),
        (HTML, ("      title: h3", "      title: {attr: href}"), "fields.title", "set `css`"),
        (HTML, ("    kind: html", "    kind: htm"), "kind", "expected one of"),
        (HTML, ("    items: \"li.activiteit\"\n", "    items: \"li.activiteit\"\n    colour: red\n"), "colour", "unknown key"),
    ],
)
def test_each_mistake_names_file_source_and_key(tmp_path: Path, text: str, change, key: str, words: str) -> None:
    errors = errors_of(tmp_path, text.replace(*change))
    assert len(errors) == 1, errors
    [error] = errors
    assert error.file == str(tmp_path / "lab.yaml") and error.source in ("events", "agenda")
    assert error.key == key and words in error.message, str(error)


def test_a_python_connector_must_be_importable(tmp_path: Path) -> None:
    text = HTML.split("  - id:")[0] + (
        "  - id: custom\n    kind: python\n    url: https://lab.example/\n    content: event\n    language: fr\n"
        "    connector: no_such_package.site:Connector\n")
    [error] = errors_of(tmp_path, text)
    assert error.key == "connector" and "cannot import module 'no_such_package.site'" in error.message


def test_keys_of_another_kind_say_the_kind_may_be_wrong(tmp_path: Path) -> None:
    text = JSON_API.replace("kind: json_api", "kind: rss").replace('    headers: {Authorization: "Bearer ${LAB_TOKEN:-t0ken}"}\n', "")
    by_key = {error.key: error.message for error in errors_of(tmp_path, text)}
    assert set(by_key) == {"records", "fields", "pagination"}
    assert "`records` is a key of json_api sources, and this source's kind is rss (is the kind right?)" in by_key["records"]
    assert "`fields` is a key of json_api and html sources" in by_key["fields"]


RSS_BLOG = HTML.split("  - id:")[0] + """\
  - id: blog
    kind: rss
    url: https://lab.example/feed/
    content: mixed
    language: nl
    event_categories: [Agenda, Evenementen]
"""


def test_an_rss_source_may_name_the_categories_of_its_events(tmp_path: Path) -> None:
    (tmp_path / "lab.yaml").write_text(RSS_BLOG, encoding="utf-8")
    [source] = load_registry(tmp_path).partners[0].sources
    assert source.event_categories == ["Agenda", "Evenementen"]


@pytest.mark.parametrize(("change", "words"), [
    (("content: mixed", "content: news"), "event_categories needs content: mixed (got news)"),
    (("kind: rss", "kind: ical"), "only an rss source reads event_categories (this one is ical)"),
    (("[Agenda, Evenementen]", "[]"), "expected the names of the categories whose posts are events"),
    (("kind: rss", "kind: html\n    items: li\n    fields: {url: a}"),
     "`event_categories` is a key of rss sources, and this source's kind is html"),
])
def test_event_categories_belong_to_an_rss_source_of_mixed_content(tmp_path: Path, change, words: str) -> None:
    [error] = errors_of(tmp_path, RSS_BLOG.replace(*change))
    assert (error.source, error.key) == ("blog", "event_categories") and words in error.message, str(error)
