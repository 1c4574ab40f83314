"""The data files staff edit by hand (taxonomy, category rules and map, merge overrides) refuse a key written
twice, naming the file and the line: YAML keeps the last one silently, and the first was lost without a word."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from transforms.categorise import MAP_FILE, RULES_FILE, load_rules, parse_rules
from transforms.taxonomy import TAXONOMY_FILE, load_taxonomy, read_packaged_yaml
from transforms.yaml_files import YamlFileError, load_yaml_file
from warehouse.snapshot import SnapshotError, read_taxonomy

OVERRIDES_FILE = "merge_overrides.yaml"  # read by warehouse.items.load_overrides

# Each packaged file as staff would edit it: lines added below `after`, the first writing again a key the file has.
EDITS = {
    # a second `ai:` list at the end of the themes: every earlier AI keyword would be dropped
    RULES_FILE: ("    - immersief\n", "  ai:\n    - agents IA\n"),
    # a tag mapped again further down: its first mapping would be replaced
    MAP_FILE: ("  green: [theme:environment]\n", "  data: [audience:researchers]\n"),
    # a slug listed again with other labels
    TAXONOMY_FILE: ("      fintech: {fr: Fintech, nl: Fintech, en: Fintech}\n", "      ai: {fr: IA, nl: AI, en: AI}\n"),
    # a second `never:` list appended: the staff decisions of the first were lost
    OVERRIDES_FILE: ("always: []\n", "never:\n  - [hub/agenda/https://hub.example/e/1, lab/events/uid-42@lab.example]\n"),
}


def edited(tmp_path: Path, name: str) -> tuple[Path, str]:
    """The packaged file with its edit, written under tmp_path, and where the key is written again
    ('line L, column C: the key 'K' is written twice')."""
    after, added = EDITS[name]
    text = resources.files("transforms").joinpath(name).read_text(encoding="utf-8")
    assert text.count(after) == 1, f"{name} changed: update the test's edit"
    position = text.index(after) + len(after)
    first = added.split("\n", 1)[0]
    key = first.strip().split(":", 1)[0]
    column = len(first) - len(first.lstrip()) + 1
    path = tmp_path / name
    path.write_text(text[:position] + added + text[position:], encoding="utf-8")
    return path, f"line {text[:position].count(chr(10)) + 1}, column {column}: the key '{key}' is written twice"


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_key_written_twice_in_a_data_file_names_the_file_and_the_line(tmp_path: Path, name: str) -> None:
    path, where = edited(tmp_path, name)
    with pytest.raises(YamlFileError) as error:
        load_yaml_file(path.read_text(encoding="utf-8"), str(path))
    assert str(error.value) == f"{path}: invalid YAML at {where}"


def test_the_taxonomy_the_publication_reads_refuses_a_slug_written_twice(tmp_path: Path) -> None:
    path, where = edited(tmp_path, TAXONOMY_FILE)
    with pytest.raises(SnapshotError) as error:
        read_taxonomy(path)
    assert str(error.value) == f"{path}: invalid YAML at {where}"


def test_the_packaged_data_files_write_no_key_twice_and_load_as_before() -> None:
    for name in EDITS:
        assert read_packaged_yaml(name) is not None
    assert load_taxonomy().has("theme", "ai") and load_rules().matchers


def test_two_tags_of_the_map_that_are_one_once_folded_must_agree() -> None:
    # "data" and "Data" are two keys to YAML but one tag to the map (case and accents are ignored): the second
    # replaced the first silently. Written twice alike, it is harmless.
    text = resources.files("transforms").joinpath(MAP_FILE).read_text(encoding="utf-8")
    edited = text.replace("  data: [theme:data]\n", "  data: [theme:data]\n  Data: [audience:researchers]\n")
    with pytest.raises(ValueError, match=r"category_map.yaml: 'data' and 'Data' are the same tag .* write it once"):
        parse_rules(read_packaged_yaml(RULES_FILE), load_yaml_file(edited, MAP_FILE), load_taxonomy())
    agreeing = text.replace("  data: [theme:data]\n", "  data: [theme:data]\n  Data: [theme:data]\n")
    assert parse_rules(read_packaged_yaml(RULES_FILE), load_yaml_file(agreeing, MAP_FILE), load_taxonomy()).source_map
