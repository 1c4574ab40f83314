"""The partner registry: valid files load; every error names the file, the source and the key."""
from __future__ import annotations

from pathlib import Path

import pytest

from connectors.registry import load_registry

VALID = """\
id: innoviris
name: {fr: Innoviris, nl: Innoviris, en: Innoviris}
website: https://innoviris.brussels
sources:
  - id: news
    kind: rss
    url: https://innoviris.brussels/fr/rss
    content: news
    language: fr
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_partner_file_loads(tmp_path: Path) -> None:
    write(tmp_path, "innoviris.yaml", VALID)
    registry = load_registry(tmp_path)
    assert registry.errors == ()
    [(partner, source)] = registry.sources()
    assert partner.id == "innoviris" and source.kind == "rss" and source.timezone == "Europe/Brussels"


@pytest.mark.parametrize(
    ("change", "source", "key", "words"),
    [
        (("kind: rss", "kind: rsss"), "news", "kind", "expected one of"),
        (("    language: fr\n", "    language: fr\n    colour: red\n"), "news", "colour", "unknown key"),
        (("url: https://innoviris.brussels/fr/rss", "url: not a url"), "news", "url", "absolute http(s) URL"),
        (("    content: news\n", ""), "news", "content", "required key is missing"),
        (("website: https://innoviris.brussels", "website: ftp//x"), None, "website", "URL"),
    ],
)
def test_each_error_names_file_source_and_key(tmp_path: Path, change, source, key, words) -> None:
    path = write(tmp_path, "innoviris.yaml", VALID.replace(*change))
    [error] = load_registry(tmp_path).errors
    assert error.file == str(path)
    assert error.source == source
    assert error.key == key
    assert words in error.message
    assert str(path) in str(error) and key in str(error)


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "innoviris.yaml", VALID + "  - id: [unclosed\n")
    [error] = load_registry(tmp_path).errors
    assert "invalid YAML at line" in error.message


@pytest.mark.parametrize(("change", "line", "key"), [
    (("content: news\n", "content: news\n    url: https://innoviris.brussels/nl/rss\n"), 9, "url"),
    (("website:", "id: innoviris-bis\nwebsite:"), 3, "id"),
])
def test_a_key_written_twice_is_an_error_not_the_last_one_silently(tmp_path: Path, change, line: int, key: str) -> None:
    write(tmp_path, "innoviris.yaml", VALID.replace(*change))
    [error] = load_registry(tmp_path).errors
    assert error.message == f"invalid YAML at line {line}, column {5 if key == 'url' else 1}: the key '{key}' is written twice"


def test_a_merge_key_may_bring_keys_a_source_overrides(tmp_path: Path) -> None:
    write(tmp_path, "innoviris.yaml", VALID + """\
  - &nl {id: news-nl, kind: rss, url: "https://innoviris.brussels/nl/rss", content: news, language: nl}
  - <<: *nl
    id: calls-nl
    content: call
""")
    registry = load_registry(tmp_path)
    assert registry.errors == ()
    assert [(s.id, s.content, s.language) for _, s in registry.sources()] == [
        ("news", "news", "fr"), ("news-nl", "news", "nl"), ("calls-nl", "call", "nl")]


def test_an_empty_file_says_so(tmp_path: Path) -> None:
    write(tmp_path, "innoviris.yaml", "# to do\n")
    [error] = load_registry(tmp_path).errors
    assert error.message.startswith("the file is empty")


def test_duplicate_source_ids_are_refused(tmp_path: Path) -> None:
    second = VALID.split("sources:\n")[1]
    write(tmp_path, "innoviris.yaml", VALID + second)
    [error] = load_registry(tmp_path).errors
    assert "duplicate source id 'news'" in error.message


def test_duplicate_partner_ids_across_files_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "innoviris.yaml", VALID)
    write(tmp_path, "other.yml", VALID)
    messages = [e.message for e in load_registry(tmp_path).errors]
    assert any("file name must be the partner id" in m for m in messages)


def test_environment_variables_are_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PORT_FOR_TEST", "9999")
    text = VALID.replace("https://innoviris.brussels/fr/rss", "http://127.0.0.1:${DEMO_PORT_FOR_TEST}/x/${MISSING_VAR:-feed}.xml")
    write(tmp_path, "innoviris.yaml", text)
    [(_, source)] = load_registry(tmp_path).sources()
    assert str(source.url) == "http://127.0.0.1:9999/x/feed.xml"


def test_an_unset_variable_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "innoviris.yaml", VALID.replace("/fr/rss", "/${SURELY_NOT_SET_12345}"))
    errors = load_registry(tmp_path).errors
    assert any("SURELY_NOT_SET_12345 is not set" in e.message for e in errors)


def test_an_unknown_time_zone_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "innoviris.yaml", VALID + "    timezone: Europe/Bruxelles\n")
    [error] = load_registry(tmp_path).errors
    assert error.key == "timezone" and "unknown time zone" in error.message


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    [error] = load_registry(tmp_path / "nope").errors
    assert "does not exist" in error.message


def test_default_categories_must_exist_in_the_taxonomy(tmp_path: Path) -> None:
    write(tmp_path, "innoviris.yaml", VALID + "    categories: {theme: [fintech, quantum-knitting]}\n")
    [error] = load_registry(tmp_path).errors
    assert error.source == "news" and error.key == "categories"
    assert "quantum-knitting" in error.message


def test_known_default_categories_are_kept(tmp_path: Path) -> None:
    write(tmp_path, "innoviris.yaml", VALID.replace("sources:", "categories: {audience: [researchers]}\nsources:")
          + "    categories: {theme: [fintech]}\n")
    registry = load_registry(tmp_path)
    assert registry.errors == ()
    [(partner, source)] = registry.sources()
    assert partner.categories == {"audience": ["researchers"]} and source.categories == {"theme": ["fintech"]}


def test_a_repeated_source_id_is_reported_with_the_other_errors_of_the_file(tmp_path: Path) -> None:
    """It was only said once every other error of the file was fixed: a second round of fixes for nothing."""
    second = VALID.split("sources:\n")[1].replace("content: news", "content: newz")
    write(tmp_path, "innoviris.yaml", VALID + second)
    messages = [error.message for error in load_registry(tmp_path).errors]
    assert any("newz" in message for message in messages)
    assert "duplicate source id 'news' (source ids must be unique within a partner)" in messages
