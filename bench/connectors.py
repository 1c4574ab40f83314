"""Speed of the connector kit: the html kind on a large listing, and the French/Dutch date fast path.

    .venv/bin/python -m bench.connectors [--rounds 20]

Targets: a 200 KB listing of 100 items parses in at most 10 ms per page; the common French and
Dutch date forms parse at 100,000 strings per second or more on the fast path, with the same
results as dateparser on the forms dateparser reads correctly (it misreads "14u30" and "20 uur").
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, datetime, timedelta, timezone

from connectors.dates import parse_fast, parse_slow
from connectors.pages import Page, PageRequest
from connectors.parsers import parse_pages
from connectors.registry import HtmlSource

FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
NL_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]
FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
NL_DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
PADDING = "Un paragraphe de présentation assez long, comme en écrivent les sites d'associations et d'agences. " * 15

SOURCE = HtmlSource.model_validate({
    "id": "bench", "kind": "html", "url": "https://bench.example/agenda", "content": "event", "language": "fr",
    "items": "div.view-content article",
    "fields": {
        "title": "h2", "url": {"css": "h2 a", "attr": "href"}, "start": {"css": [".date", ".heure"], "join": " "},
        "address": ".lieu", "summary": ".resume", "categories": {"css": ".tags a", "all": True},
        "image_url": {"css": "img", "attr": "src"},
    },
})


def listing(items: int = 100) -> bytes:
    """A Drupal-like listing of `items` events, with the boilerplate real pages carry (about 200 KB)."""
    rows = []
    for n in range(items):
        day = date(2026, 2, 1) + timedelta(days=n)
        rows.append(
            f'<div class="views-row"><article class="node node--type-event" data-id="{n}">'
            f'<img src="/img/{n}.jpg" alt=""><h2 class="node__title"><a href="/agenda/event-{n}">Atelier numérique n°{n}</a></h2>'
            f'<p class="date">{FR_DAYS[day.weekday()]} {day.day} {FR_MONTHS[day.month - 1]} {day.year}</p>'
            f'<p class="heure">à {9 + n % 9}h{"30" if n % 2 else ""}</p><p class="lieu">BeCentral, Cantersteen 12, 1000 Bruxelles</p>'
            f'<div class="resume"><p>{PADDING}</p></div><ul class="tags"><li><a href="/t/ia">IA</a></li><li><a href="/t/pme">PME</a></li></ul>'
            f'</article></div>'
        )
    nav = "".join(f'<li><a href="/section/{i}">Rubrique {i}</a></li>' for i in range(60))
    page = (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Agenda</title></head><body>'
            f'<header><nav><ul>{nav}</ul></nav></header><main><div class="view-content">{"".join(rows)}</div></main>'
            f'<footer>{nav}</footer></body></html>')
    return page.encode("utf-8")


def bench_html(rounds: int) -> tuple[int, int, float, float]:
    body = listing()
    page = Page(PageRequest(str(SOURCE.url)), body, content_type="text/html; charset=utf-8")
    result = parse_pages(SOURCE, [page], partner_id="bench", now=NOW)
    assert len(result.items) == 100 and not result.rejections, (len(result.items), result.rejections[:1])
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        parse_pages(SOURCE, [page], partner_id="bench", now=NOW)
        timings.append(time.perf_counter() - started)
    return len(body), len(result.items), statistics.median(timings) * 1000, min(timings) * 1000


def date_strings(count: int, seed: int = 7) -> tuple[list[tuple[str, str]], list[str]]:
    """((text, language) of forms dateparser also reads, forms only the fast path reads), French and Dutch."""
    rng = random.Random(seed)
    common, ours = [], []
    for _ in range(count):
        day = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 700))
        hour, minute = rng.randrange(8, 22), rng.choice([0, 15, 30, 45])
        fr, nl = FR_MONTHS[day.month - 1], NL_MONTHS[day.month - 1]
        common += [
            (f"{day.day} {fr} {day.year}", "fr"),
            (f"{FR_DAYS[day.weekday()]} {day.day} {fr} {day.year} à {hour}h{minute:02d}", "fr"),
            (f"{day.day} {nl} {day.year}", "nl"),
            (f"{day.day} {nl} {day.year} om {hour}:{minute:02d}", "nl"),
            (f"{day.day:02d}/{day.month:02d}/{day.year} {hour}:{minute:02d}", "fr"),  # day first, as in Belgium
        ]
        ours += [
            f"{NL_DAYS[day.weekday()]} {day.day} {nl} {day.year} om {hour}u{minute:02d}",
            f"{day.day} {nl} {day.year} {hour} uur",
            f"Date limite : {day.day} {fr} {day.year}",
        ]
    return common, ours


def bench_dates(count: int) -> dict[str, float]:
    common, ours = date_strings(count)
    strings = [text for text, _ in common] + ours
    started = time.perf_counter()
    for text in strings:
        parse_fast(text)
    rate = len(strings) / (time.perf_counter() - started)
    sample = common[:600]
    same = sum(1 for text, language in sample
               if (fast := parse_fast(text)) and (slow := parse_slow(text, language=language)) and fast.start == slow.start)
    slow_started = time.perf_counter()
    for text, language in sample[:200]:
        parse_slow(text, language=language)
    slow_ms = (time.perf_counter() - slow_started) / 200 * 1000
    misread = sum(1 for text in ours[:300] if (slow := parse_slow(text)) is None or slow.start != parse_fast(text).start)
    return {"strings": len(strings), "rate": rate, "agree": same, "sample": len(sample), "slow_ms": slow_ms,
            "misread": misread, "ours": min(300, len(ours))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.connectors", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--dates", type=int, default=25_000, help="date samples (×8 strings)")
    args = parser.parse_args(argv)
    size, items, median_ms, best_ms = bench_html(args.rounds)
    print(f"html kind: {size / 1024:.0f} KB listing, {items} items: median {median_ms:.1f} ms per page, best {best_ms:.1f} ms "
          f"(target ≤ 10 ms) {'OK' if median_ms <= 10 else 'MISSED'}")
    dates = bench_dates(args.dates)
    print(f"dates fast path: {dates['strings']:,} strings at {dates['rate']:,.0f} per second "
          f"(target ≥ 100,000) {'OK' if dates['rate'] >= 100_000 else 'MISSED'}")
    print(f"same result as dateparser on {dates['agree']} of {dates['sample']} forms it reads "
          f"(dateparser: {dates['slow_ms']:.2f} ms a string); dateparser misreads or cannot read "
          f"{dates['misread']} of {dates['ours']} '14u30' / '20 uur' / 'Date limite :' strings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
