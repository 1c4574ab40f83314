"""Stable JSON: the orjson path writes byte for byte what json.dumps wrote, so that stored hashes keep matching."""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum, IntEnum
from typing import Any, Callable, get_type_hints

from hypothesis import given, settings, strategies as st

from transforms.model import (
    Item, RawItem, RawLocation, item_id, record_json, stable_hash, stable_json, stable_json_bytes, text_and_hash,
)
from transforms.normalise import SourceContext, normalise


def old_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")


def old_json(value: Any) -> str:
    """stable_json as it was written before orjson: the reference."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=old_default, separators=(",", ":"))


def old_hash(value: Any) -> str:
    return hashlib.sha256(old_json(value).encode("utf-8")).hexdigest()


def outcome(function: Callable[[], Any]) -> Any:
    """What a call gives: its value, or the type of what it raised."""
    try:
        return function()
    except Exception as error:  # noqa: BLE001 - the kind of failure is what is compared
        return type(error)


def assert_written_as_before(value: Any) -> None:
    assert outcome(lambda: stable_json(value)) == outcome(lambda: old_json(value))
    assert outcome(lambda: stable_json_bytes(value)) == outcome(lambda: old_json(value).encode("utf-8"))
    assert outcome(lambda: stable_hash(value)) == outcome(lambda: old_hash(value))


def assert_record_written_as_before(record: Any) -> None:
    assert outcome(lambda: record_json(record)) == outcome(lambda: old_json(asdict(record)).encode("utf-8"))


SPECIAL_FLOATS = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1e16, 1e15, 1e22, 5e-324, 1e-4, 1e-5, 2.5e-7,
                  1.5e-9, 1e-10, 1.7976931348623157e308, 0.1, 1 / 3, 9007199254740993.0]
floats = st.floats() | st.sampled_from(SPECIAL_FLOATS) | st.floats(min_value=1e-10, max_value=1e-3)
integers = st.integers() | st.sampled_from([2**63 - 1, -2**63, 2**64 - 1, 2**64, -2**63 - 1, 10**30])
# Every code point: control characters, U+2028/2029, astral ones and lone surrogates (which json writes
# and UTF-8 cannot encode).
texts = (st.text(st.characters(exclude_categories=()), max_size=12)
         | st.sampled_from(["\u2028\u2029", "\x7f\x00\x1f", "\ud800"]))
offsets = st.timedeltas(min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59))
zones = st.none() | st.just(UTC) | st.builds(timezone, offsets) | st.timezones()
instants = st.datetimes(timezones=zones)


class Colour(Enum):
    RED = "red"


class Level(IntEnum):
    HIGH = 3


class Tag(str):
    """A str subclass: not a type the orjson path vouches for, so json.dumps writes it (as it always did)."""


@dataclass
class Point:
    x: float


# Values json writes otherwise than orjson would, or refuses: each must come out as json has it.
ODD = [Colour.RED, Level.HIGH, Tag("tag"), Point(1.0), object(), date.min, datetime.max.time(), b"bytes"]
leaves = (st.none() | st.booleans() | integers | floats | texts | instants | st.dates() | st.sampled_from(ODD)
          | st.frozensets(st.integers(), max_size=4) | st.sets(texts, max_size=4) | st.sets(floats, max_size=3))
keys = texts | st.sampled_from([1, None, 2.5, True, Tag("b")])
json_like = st.recursive(
    leaves,
    lambda children: (st.lists(children, max_size=5) | st.tuples(children, children)
                      | st.dictionaries(texts, children, max_size=5) | st.dictionaries(keys, children, max_size=3)),
    max_leaves=30,
)


@settings(max_examples=1000, deadline=None)
@given(json_like)
def test_any_json_like_value_is_written_as_json_dumps_wrote_it(value: Any) -> None:
    assert_written_as_before(value)


@given(json_like)
def test_one_serialisation_gives_the_stored_text_and_the_hash(value: Any) -> None:
    # The same text and hash, or the same refusal (values JSON cannot hold, keys that cannot be sorted).
    assert outcome(lambda: text_and_hash(stable_json_bytes(value))) == outcome(
        lambda: (stable_json(value), stable_hash(value)))


def test_floats_orjson_prints_otherwise_are_written_as_json_wrote_them() -> None:
    value = [math.nan, math.inf, -math.inf, 1e-5, 2.5e-7, 1e16, 5e-324, -0.0, 0.5]
    assert stable_json(value) == "[NaN,Infinity,-Infinity,1e-05,2.5e-07,1e+16,5e-324,-0.0,0.5]"
    assert_written_as_before({"price": value})


def test_big_integers_surrogates_and_deep_nesting_are_written_as_before() -> None:
    for value in [2**64, -(2**63) - 1, "\ud800", {"a": "\udfff"}, {1: "x", "2": "y"}, [[[[[[[0]]]]]]] * 3]:
        assert_written_as_before(value)
    deep: Any = "end"
    for _ in range(400):  # deeper than orjson goes
        deep = [deep]
    assert_written_as_before(deep)


def test_keys_are_sorted_by_code_point_as_json_sorts_them() -> None:
    value = {"\U0001f600": 1, "\uffff": 2, "\u00e9": 3, "z": 4, "Z": 5, "": 6}  # UTF-16 order would differ
    assert stable_json(value) == '{"":6,"Z":5,"z":4,"\u00e9":3,"\uffff":2,"\U0001f600":1}'
    assert_written_as_before(value)


def test_datetimes_are_written_with_isoformat() -> None:
    odd_offset = timezone(timedelta(hours=1, seconds=1))  # orjson itself would drop the second
    value = {"at": datetime(1880, 5, 1, 12, 0, 0, 5, tzinfo=odd_offset), "day": date(5, 1, 1)}
    assert stable_json(value) == '{"at":"1880-05-01T12:00:00.000005+01:00:01","day":"0005-01-01"}'


def test_a_dataclass_is_refused_by_stable_json_as_by_json() -> None:
    assert outcome(lambda: stable_json({"p": Point(1.0)})) is TypeError


def every_field(cls: type, **given: st.SearchStrategy) -> st.SearchStrategy:
    """Instances of the dataclass `cls` with every field drawn, from its type unless `given`."""
    hints = get_type_hints(cls)
    return st.builds(cls, **{f.name: given.get(f.name, st.from_type(hints[f.name])) for f in fields(cls)})


optional_instants = st.none() | instants
time_values = st.none() | instants | st.dates() | texts
raw_items = every_field(
    RawItem, price=st.none() | floats, start=time_values, end=time_values, deadline=time_values,
    published=time_values, updated=time_values,
    location=st.none() | every_field(RawLocation),
)
items = every_field(
    Item, price=st.none() | floats, start_utc=optional_instants, end_utc=optional_instants,
    deadline_utc=optional_instants, published_utc=optional_instants, updated_utc=optional_instants,
    category_reasons=st.dictionaries(
        texts, st.dictionaries(texts, st.lists(st.dictionaries(texts, json_like, max_size=3), max_size=2), max_size=2),
        max_size=2,
    ),
)


@settings(max_examples=300, deadline=None)
@given(raw_items | items)
def test_records_are_written_as_json_dumps_wrote_their_asdict(record: RawItem | Item) -> None:
    assert_record_written_as_before(record)
    hashed = record.raw_hash if isinstance(record, RawItem) else record.content_hash
    assert outcome(hashed) == outcome(lambda: old_hash(asdict(record)))


CTX = SourceContext(partner_id="hub", source_id="agenda", content="mixed", language="fr",
                    fallback_url="https://hub.example/", site_names=("Hub Brussels",))
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_normalised_items_and_their_raw_records_are_written_as_before() -> None:
    for price in [None, 0, 12.5, 1e-05, 7e-08, math.nan]:
        raw = RawItem(
            partner_id="hub", source_id="agenda", key=f"evt-{price}", title="Atelier « IA » \u2028 #1",
            description_html="<p>Venez <strong>découvrir</strong> l'IA.\x0b</p>", url="/agenda/atelier-ia",
            start="2026-03-10T18:30:00", end=datetime(2026, 3, 10, 20, 30, tzinfo=timezone(timedelta(hours=1))),
            deadline=date(2026, 3, 8), location=RawLocation(name="BeCentral", locality="Bruxelles"),
            price=price, categories=["IA", "Atelier"], excerpt="<item>…</item>",
        )
        item = normalise(raw, CTX, now=NOW)
        assert isinstance(item, Item)
        assert_record_written_as_before(raw)
        assert_record_written_as_before(item)


def test_an_item_keeps_the_hash_it_had_before_orjson() -> None:
    item = Item(id=item_id("hub", "agenda", "a"), partner_id="hub", source_id="agenda", source_key="a", kind="event",
                title={"fr": "Atelier « IA »", "nl": "Workshop"}, start_utc=datetime(2026, 3, 10, 17, 30, tzinfo=UTC),
                start_date=date(2026, 3, 10), price=12.5, languages=["fr", "nl"],
                category_reasons={"theme": {"ia": [{"rule": "keyword", "field": "title", "words": "IA"}]}})
    # Computed with json.dumps before orjson: a stored warehouse compares against this hash.
    assert item.content_hash() == "214171e8122e08c96c33ace5dca9c88c6793312b2dc468b96e6682c8f3e7cf78"
