"""Selecting items from a snapshot's memory-mapped index (warehouse.snapshot_index) with NumPy, no query engine.

The same answers as the SQL of `queries.build_items_sql` (kept as the reference, and for callers that
hold a DuckDB cursor): the same filters, the same NULL handling, the same sort orders with the item id
as the tie-breaker, the same cursors. Lists without a search walk the precomputed sort order in chunks
and stop as soon as a page is full; a search intersects the postings of its words first.
"""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Sequence

import numpy as np

from bedigital.api.languages import localise
from warehouse.snapshot_index import SORT_COLUMNS, SortedStrings

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)
INT64_MIN, INT64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)
FIRST_CHUNK, LAST_CHUNK = 512, 65536
LOCALISED_CACHE = 200_000  # localised documents kept per snapshot (bytes; cleared when full)

Filter = Callable[[np.ndarray], np.ndarray]


class _Nothing(Exception):
    """A filter no item can pass (an unknown value): the answer is empty."""


def micros(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


class ItemIndex:
    """One snapshot's items as arrays by position (agenda order), the documents as stored JSON bytes."""

    def __init__(self, meta: dict[str, Any], arrays: dict[str, np.ndarray], blobs: dict[str, Any]) -> None:
        self.count = int(meta["count"])
        self.vocabularies: dict[str, list[str]] = meta["vocabularies"]
        self.municipality_labels: list[str] = meta["municipality_labels"]
        self._code = {column: {v: n for n, v in enumerate(values)} for column, values in self.vocabularies.items()}
        self.arrays = arrays
        self.ids = SortedStrings(blobs["ids"], arrays["ids_off"])
        self.terms = SortedStrings(blobs["terms"], arrays["terms_off"])
        self._documents = blobs["documents"]
        self._doc_off = arrays["doc_off"].tolist()
        self._post_off = arrays["post_off"]
        self.keys = {sort: arrays[column] for sort, column in SORT_COLUMNS.items()}
        self.orders = {sort: arrays[f"order_{sort}"] for sort in SORT_COLUMNS}
        self._sorted_keys: dict[str, np.ndarray] = {}
        self._ranks: dict[str, np.ndarray] = {}
        self._kind_spans: dict[str, dict[int, tuple[int, int]]] = {}
        self._localised: dict[tuple[int, str], bytes] = {}

    # --- documents ---------------------------------------------------------------------------------

    def position(self, item_id: str) -> int | None:
        at = bisect_left(self.ids, item_id)
        if at < len(self.ids) and self.ids[at] == item_id:
            return int(self.arrays["ids_pos"][at])
        return None

    def item_id(self, position: int) -> str:
        return self.ids[int(self.arrays["id_rank"][position])]

    def document_bytes(self, position: int) -> bytes:
        return bytes(self._documents[self._doc_off[position]:self._doc_off[position + 1]])

    def document_json(self, position: int, lang: str) -> bytes:
        """The document as the API shows it in `lang` (`all`: as stored), as JSON bytes."""
        if lang == "all":
            return self.document_bytes(position)
        key = (position, lang)
        body = self._localised.get(key)
        if body is None:
            shown = localise(json.loads(self.document_bytes(position)), lang)
            body = json.dumps(shown, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            if len(self._localised) >= LOCALISED_CACHE:
                self._localised.clear()
            self._localised[key] = body
        return body

    # --- filters -----------------------------------------------------------------------------------

    def _codes(self, column: str, values: Sequence[str]) -> Filter:
        known = sorted({self._code[column][v] for v in values if v in self._code[column]})
        if not known:
            raise _Nothing
        array = self.arrays[column]
        if len(known) == 1:
            code = known[0]
            return lambda p: array[p] == code
        codes = np.array(known, dtype=array.dtype)
        return lambda p: np.isin(array[p], codes)

    def _set(self, column: str, values: Sequence[str], *, match_all: bool) -> Filter:
        """list_has_any / list_has_all over the item's list, on its bitset."""
        code = self._code[column]
        wanted = set(values)
        known = [code[v] for v in wanted if v in code]
        if not known or (match_all and len(known) < len(wanted)):
            raise _Nothing
        bits = self.arrays[column]
        words: dict[int, int] = {}
        for bit in known:
            words[bit // 64] = words.get(bit // 64, 0) | (1 << (bit % 64))
        masks = [(word, np.uint64(mask)) for word, mask in sorted(words.items())]

        def test(p: np.ndarray) -> np.ndarray:
            result = None
            for word, mask in masks:
                hit = bits[p, word] & mask
                hit = hit == mask if match_all else hit != 0
                result = hit if result is None else (result & hit if match_all else result | hit)
            return result

        return test

    def _filters(self, query: Any, now: datetime) -> list[Filter]:
        a = self.arrays
        filters: list[Filter] = []
        if query.kinds:
            filters.append(self._codes("kind", query.kinds))
        if query.categories:
            filters.append(self._set("categories", query.categories, match_all=query.match_all))
        if query.partners:
            filters.append(self._set("partners", query.partners, match_all=False))
        if query.start is not None:
            start, span_end = micros(query.start), a["span_end"]
            filters.append(lambda p: span_end[p] >= start)
        if query.end is not None:
            end, span_start = micros(query.end), a["span_start"]
            filters.append(lambda p: span_start[p] <= end)
        if query.open_calls is not None:
            filters.append(self._codes("kind", ["call"]))
            instant, deadline = micros(now), a["deadline"]
            if query.open_calls:  # no deadline (stored as the highest value) is open
                filters.append(lambda p: deadline[p] >= instant)
            else:
                filters.append(lambda p: deadline[p] < instant)
        if query.deadline_before is not None:
            before, deadline = micros(query.deadline_before), a["deadline"]
            filters.append(lambda p: deadline[p] < before)
        if query.municipalities:
            filters.append(self._codes("municipality", query.municipalities))
        if query.attendance:
            filters.append(self._codes("attendance", query.attendance))
        if query.free is not None:
            free, is_free = int(bool(query.free)), a["is_free"]
            filters.append(lambda p: is_free[p] == free)
        if query.languages:
            filters.append(self._set("languages", query.languages, match_all=False))
        if query.updated_since is not None:
            since, changed = micros(query.updated_since), a["changed_at"]
            filters.append(lambda p: changed[p] > since)
        return filters

    @staticmethod
    def _keep(positions: np.ndarray, filters: list[Filter], extra: np.ndarray | None = None) -> np.ndarray:
        """The indexes into `positions` of those passing every filter."""
        kept = np.arange(len(positions)) if extra is None else extra
        for test in filters:
            if not len(kept):
                break
            kept = kept[test(positions[kept])]
        return kept

    # --- search ------------------------------------------------------------------------------------

    def _postings(self, term: str, prefix: bool) -> tuple[np.ndarray, np.ndarray]:
        """Positions (ascending) holding the term (as a prefix when `prefix`) and their best weight."""
        low = bisect_left(self.terms, term)
        if prefix:
            high = bisect_left(self.terms, term + "\uffff", low)
        else:
            high = low + 1 if low < len(self.terms) and self.terms[low] == term else low
        start, stop = int(self._post_off[low]), int(self._post_off[high])
        positions, weights = self.arrays["post_pos"][start:stop], self.arrays["post_weight"][start:stop]
        if high - low <= 1:
            return positions, weights
        best = np.zeros(self.count, dtype=np.int8)
        np.maximum.at(best, positions, weights)
        positions = np.flatnonzero(best)
        return positions, best[positions]

    def search(self, words: Sequence[str], prefix_min: int) -> tuple[np.ndarray, np.ndarray]:
        """Items holding every word, with their score (the sum of each word's best weight)."""
        lists = sorted((self._postings(w, len(w) >= prefix_min) for w in words), key=lambda pw: len(pw[0]))
        positions, scores = lists[0]
        scores = scores.astype(np.int64)
        for other, weights in lists[1:]:
            if not len(positions):
                break
            # Intersection through a dense array (weight + 1, so that 0 means absent): linear, no sort.
            # One byte per item (weights are TINYINT, 0..127): small enough not to fault in fresh pages.
            dense = np.zeros(self.count, dtype=np.uint8)
            dense[other] = weights + 1
            found = dense.take(positions)
            kept = np.flatnonzero(found != 0)
            positions, scores = positions.take(kept), scores.take(kept) + found.take(kept) - 1
        return positions, scores

    # --- sort orders and cursors -------------------------------------------------------------------

    def _rank(self, sort: str) -> np.ndarray:
        """Each position's place in the sort order."""
        rank = self._ranks.get(sort)
        if rank is None:
            rank = np.empty(self.count, dtype=np.int64)
            rank[self.orders[sort]] = np.arange(self.count)
            self._ranks[sort] = rank
        return rank

    def _kind_span(self, sort: str, kinds: Sequence[str]) -> tuple[int, int]:
        """The part of the sort order where items of these kinds are (events, calls and news are in blocks)."""
        spans = self._kind_spans.get(sort)
        if spans is None:
            in_order = self.arrays["kind"][self.orders[sort]]
            spans = {}
            for code in range(len(self.vocabularies["kind"])):
                where = np.flatnonzero(in_order == code)
                spans[code] = (int(where[0]), int(where[-1]) + 1) if len(where) else (0, 0)
            self._kind_spans[sort] = spans
        chosen = [spans[self._code["kind"][k]] for k in kinds if k in self._code["kind"]]
        chosen = [span for span in chosen if span[1] > span[0]]
        if not chosen:
            return 0, 0
        return min(low for low, _ in chosen), max(high for _, high in chosen)

    def _cursor_place(self, sort: str, key: int, item_id: str) -> int:
        """How many items come at or before (key, item_id) in the sort order: where the next page starts."""
        keys = self._sorted_keys.get(sort)
        order = self.orders[sort]
        if keys is None:
            keys = self._sorted_keys[sort] = self.keys[sort][order]
        key = min(max(key, INT64_MIN), INT64_MAX)
        low, high = int(np.searchsorted(keys, key, "left")), int(np.searchsorted(keys, key, "right"))
        if low == high:
            return low
        at_or_before = bisect_right(self.ids, item_id)  # ids ranked below this are <= item_id
        return low + int(np.searchsorted(self.arrays["id_rank"][order[low:high]], at_or_before, "left"))

    def select(self, query: Any, *, now: datetime, prefix_min: int) -> tuple[list[int], tuple[int, str] | None]:
        """The positions of one page and, when there is a next page, the (key, id) of its last item."""
        need = query.limit + 1
        try:
            filters = self._filters(query, now)
        except _Nothing:
            return [], None
        if query.text:
            positions, scores = self.search(query.text, prefix_min)
            kept = self._keep(positions, filters)
            positions, scores = positions[kept], scores[kept]
            ranks = self.arrays["id_rank"][positions].astype(np.int64)
            if query.sort == "relevance":
                keys = -scores
                if query.after is not None:
                    key, item_id = query.after
                    at_or_before = bisect_right(self.ids, item_id)
                    later = (keys > key) | ((keys == key) & (ranks >= at_or_before))
                    positions, keys, ranks = positions[later], keys[later], ranks[later]
                order_key = (keys + 1024) * (self.count + 1) + ranks  # scores are small: one exact integer key
            else:
                order_key = self._rank(query.sort)[positions]
                if query.after is not None:
                    later = order_key >= self._cursor_place(query.sort, *query.after)
                    positions, order_key = positions[later], order_key[later]
                keys = self.keys[query.sort][positions]
            if len(order_key) > need:
                chosen = np.argpartition(order_key, need - 1)[:need]
                chosen = chosen[np.argsort(order_key[chosen])]
            else:
                chosen = np.argsort(order_key)
            page = positions[chosen].tolist()
            page_keys = keys[chosen].tolist()
        else:
            order = self.orders[query.sort]
            start = self._cursor_place(query.sort, *query.after) if query.after is not None else 0
            stop = self.count
            if query.kinds or query.open_calls is not None:  # only the stretch of the order holding those kinds
                allowed = set(query.kinds) if query.kinds else {"call"}  # open= is about calls
                if query.open_calls is not None:
                    allowed &= {"call"}
                low, stop = self._kind_span(query.sort, sorted(allowed))
                start = max(start, low)
            found: list[np.ndarray] = []
            got, chunk = 0, FIRST_CHUNK
            while start < stop and got < need:
                candidates = order[start:min(start + chunk, stop)]
                passing = candidates[self._keep(candidates, filters)]
                found.append(passing)
                got += len(passing)
                start += chunk
                chunk = min(chunk * 4, LAST_CHUNK)
            page = np.concatenate(found)[:need].tolist() if found else []
            page_keys = self.keys[query.sort][page].tolist() if page else []
        more = len(page) > query.limit
        page = page[:query.limit]
        last = (int(page_keys[query.limit - 1]), self.item_id(page[-1])) if more and page else None
        return page, last
