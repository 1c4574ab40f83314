"""English coverage: per partner, the share of its canonical items with an English title (and how many by machine)."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import duckdb

from transforms.categorise import unmapped_tags


@dataclass(frozen=True, slots=True)
class Coverage:
    partner_id: str
    items: int
    english: int  # with an English title, written or translated
    machine: int  # whose English title a machine translated

    @property
    def share(self) -> float:
        return self.english / self.items if self.items else 0.0


def english_coverage(con: duckdb.DuckDBPyConnection) -> list[Coverage]:
    """One row per partner (every partner of the registry, with or without items), by partner id."""
    rows = con.execute(
        """
        SELECT p.partner_id, i.record
        FROM partners p
        LEFT JOIN (SELECT DISTINCT item_id, partner_id FROM item_sources) s ON s.partner_id = p.partner_id
        LEFT JOIN items i ON i.item_id = s.item_id
        UNION ALL
        SELECT DISTINCT s.partner_id, i.record
        FROM item_sources s JOIN items i USING (item_id)
        WHERE s.partner_id NOT IN (SELECT partner_id FROM partners)
        """
    ).fetchall()
    counts: dict[str, list[int]] = {}
    for partner_id, record in rows:
        row = counts.setdefault(partner_id, [0, 0, 0])
        if record is None:
            continue
        item = json.loads(record)
        row[0] += 1
        if (item.get("title") or {}).get("en"):
            row[1] += 1
            if "title" in ((item.get("machine_translated") or {}).get("en") or []):
                row[2] += 1
    return [Coverage(p, *c) for p, c in sorted(counts.items())]


def coverage_table(rows: list[Coverage]) -> str:
    lines = [f"{'partner':<24} {'items':>6} {'english':>8} {'machine':>8} {'share':>7}"]
    for r in rows:
        lines.append(f"{r.partner_id:<24} {r.items:6d} {r.english:8d} {r.machine:8d} {r.share:7.1%}")
    total = sum(r.items for r in rows)
    english = sum(r.english for r in rows)
    lines.append(f"{'all partners':<24} {total:6d} {english:8d} {sum(r.machine for r in rows):8d} "
                 f"{(english / total if total else 0):7.1%}")
    return "\n".join(lines)


def unmapped_source_categories(con: duckdb.DuckDBPyConnection) -> Counter[str]:
    """The partners' own categories that category_map.yaml and the keyword rules leave unmapped, with counts."""
    tags = [
        tag
        for (record,) in con.execute("SELECT record FROM source_items").fetchall()
        for tag in (json.loads(record).get("source_categories") or [])
    ]
    unknown = set(unmapped_tags(sorted(set(tags))))
    return Counter(t for t in tags if t in unknown)
