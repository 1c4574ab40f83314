"""YAML as this project's hand-edited files are read: a key written twice in one mapping is an error.

YAML itself keeps the last of two equal keys without a word, so a second `url:` left in a partner file, a
category slug listed twice in taxonomy.yaml or a second `never:` list appended to merge_overrides.yaml would
replace the first silently. The loader lives here, in transforms, because transforms reads its own data files
(taxonomy, category rules and map, merge overrides) and imports none of the other packages, which all import
transforms: the partner registry (connectors) and the snapshot's taxonomy (warehouse) use it as well.
"""
from __future__ import annotations

from typing import Any

import yaml


class UniqueKeyLoader(yaml.SafeLoader):
    """yaml.safe_load's loader refusing a key written twice in one mapping (a `<<: *defaults` merge may still
    bring keys that the mapping then overrides)."""


def _mapping_with_unique_keys(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *defaults` brings keys that may be overridden
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key: construct_mapping names it
            break
        if duplicate:
            raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} is written twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_unique_keys)


class YamlFileError(ValueError):
    """A YAML file that cannot be read: the message names the file, the line and the problem."""


def yaml_problem(exc: yaml.YAMLError) -> str:
    """'invalid YAML at line 3, column 1: the key 'ai' is written twice' (the line and column when known)."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return f"invalid YAML{where}: {getattr(exc, 'problem', None) or exc}"


def load_yaml(text: str) -> Any:
    """The YAML document of `text` (yaml.safe_load), refusing a key written twice; raises yaml.YAMLError."""
    return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader


def load_yaml_file(text: str, origin: str) -> Any:
    """load_yaml of a file's `text`; YamlFileError naming `origin` (the file) and the line when it is not valid."""
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise YamlFileError(f"{origin}: {yaml_problem(exc)}") from exc
