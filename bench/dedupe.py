"""Benchmark of duplicate detection on 100,000 synthetic items: time to block, compare and group them.

    .venv/bin/python -m bench.dedupe [--items 100000] [--duplicates 0.1]

Items spread over two years of Brussels evenings and days, 40 partners, 60 venues, FR/NL/EN titles built
from a small vocabulary; a share of them is announced again by another partner (same time and venue,
retitled) or by the same partner in another language. Prints the time per stage and the number of groups
found against the number planted. Goal: 100,000 items in seconds on a 2-core machine.
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta, timezone

from transforms.categorise import load_rules, title_concepts
from transforms.dedupe import candidate, group_duplicates

WORDS = {
    "fr": ["Atelier", "Conférence", "Formation", "Meetup", "données", "cybersécurité", "santé", "climat", "PME", "startups",
           "intelligence artificielle", "inclusion numérique", "ville", "mobilité", "innovation", "design"],
    "nl": ["Workshop", "Congres", "Opleiding", "Meetup", "data", "cyberbeveiliging", "gezondheid", "klimaat", "kmo's",
           "startups", "artificiële intelligentie", "digitale inclusie", "stad", "mobiliteit", "innovatie", "ontwerp"],
    "en": ["Workshop", "Conference", "Training", "Meetup", "data", "cybersecurity", "health", "climate", "SMEs",
           "startups", "artificial intelligence", "digital inclusion", "city", "mobility", "innovation", "design"],
}
ORIGIN = datetime(2027, 1, 1, 8, 0, tzinfo=timezone.utc)


def synthetic(n: int, duplicate_share: float, seed: int = 7) -> tuple[list[dict], int]:
    rng = random.Random(seed)
    records, planted = [], 0
    for i in range(n):
        lang = rng.choice(("fr", "nl", "en"))
        picks = rng.sample(range(len(WORDS[lang])), 3)
        start = ORIGIN + timedelta(days=rng.randrange(730), minutes=30 * rng.randrange(28))
        record = {"partner_id": f"p{rng.randrange(40)}", "source_id": "agenda", "kind": "event",
                  "title": {lang: " ".join(WORDS[lang][k] for k in picks) + f" {i}"},
                  "start_utc": start.isoformat(), "venue": f"Venue {rng.randrange(60)}",
                  "canonical_url": f"https://p.example/e/{i}", "picks": picks}
        records.append(record)
        if rng.random() < duplicate_share:
            other = rng.choice([x for x in ("fr", "nl", "en") if x != lang])
            copy = dict(record, partner_id=f"q{rng.randrange(40)}", canonical_url=f"https://q.example/e/{i}",
                        title={other: " ".join(WORDS[other][k] for k in picks) + f" {i}"})
            records.append(copy)
            planted += 1
    return records, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--duplicates", type=float, default=0.1)
    args = parser.parse_args()
    records, planted = synthetic(args.items, args.duplicates)
    rules = load_rules()
    started = time.perf_counter()
    candidates = [candidate(f"i{n}", r, concepts=title_concepts(r["title"].values(), rules)) for n, r in enumerate(records)]
    built = time.perf_counter()
    groups = group_duplicates(candidates)
    grouped = time.perf_counter()
    merged = [g for g in groups if len(g.members) > 1]
    print(f"{len(candidates):,} items ({planted:,} duplicates planted)")
    print(f"candidates and title concepts: {built - started:6.2f} s")
    print(f"blocking, comparing, grouping: {grouped - built:6.2f} s")
    print(f"groups of several: {len(merged):,} (planted {planted:,}); largest {max((len(g.members) for g in merged), default=0)}")


if __name__ == "__main__":
    main()
