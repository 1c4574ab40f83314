"""Documents loaded for the publication share what they have in common, and are the documents stored."""
from __future__ import annotations

import copy
import json

from hypothesis import given, strategies as st

from warehouse.agenda import shared

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4),
    max_leaves=20,
)


@given(st.lists(JSON, max_size=5))
def test_sharing_changes_no_value_and_no_text(values: list) -> None:
    seen: dict = {}
    out = [shared(copy.deepcopy(v), seen) for v in values]
    assert json.dumps(out) == json.dumps(values)


def test_equal_values_are_one_object_and_values_equal_only_in_python_stay_apart() -> None:
    seen: dict = {}
    reasons = {"theme": {"ai": [{"field": "title", "rule": "keyword", "words": "IA"}]}}
    first, second = shared(copy.deepcopy(reasons), seen), shared(copy.deepcopy(reasons), seen)
    assert first is second
    other = shared({"theme": {"iot": [{"field": "title", "rule": "keyword", "words": "IA"}]}}, seen)
    assert other["theme"]["iot"][0] is first["theme"]["ai"][0]  # the same reason, in another category
    flags = [shared({"is_free": True}, seen), shared({"is_free": 1}, seen), shared({"is_free": 1.0}, seen)]
    zeros = [shared([0.0], seen), shared([-0.0], seen)]
    assert [json.dumps(v) for v in flags + zeros] == ['{"is_free": true}', '{"is_free": 1}', '{"is_free": 1.0}',
                                                       "[0.0]", "[-0.0]"]
