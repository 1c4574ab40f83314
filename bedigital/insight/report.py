"""The ecosystem report rendered from the insight figures: a self-contained HTML page (charts inline) or JSON."""
from __future__ import annotations

import json
from typing import Any, Callable

import jinja2

from bedigital.api.labels import LANGUAGE_NAMES, long_date
from bedigital.insight import charts
from bedigital.insight.labels import (
    UI, category_label, month_label, municipality_label, name_in, share_text, theme_order,
)
from warehouse.documents import DISPLAY_TZ, parse_instant
from warehouse.insight import KINDS, NEXTTECH, RIP_DOMAINS

templates = jinja2.Environment(
    loader=jinja2.PackageLoader("bedigital.insight", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
KIND_WORDS = {"event": "events", "call": "calls", "news": "news"}


def _date_text(iso: str, lang: str) -> str:
    from datetime import date

    return long_date(date.fromisoformat(iso[:10]), lang)


def _instant_text(iso: str, lang: str) -> str:
    moment = parse_instant(iso).astimezone(DISPLAY_TZ)
    return f"{long_date(moment.date(), lang)}, {moment:%H:%M}"


def _activity(insight: dict[str, Any], lang: str) -> dict[str, Any]:
    """Items per month stacked by theme: the chart and, under it, the same figures as a table."""
    months = insight["months"]
    per_theme = insight["per_month"]["theme"]
    order = [s for s in theme_order() if s in per_theme] + sorted(s for s in per_theme if s not in theme_order())
    rows = [{"label": category_label("theme", slug, lang), "values": [per_theme[slug][m] for m in months]} for slug in order]
    columns = [month_label(m, lang) for m in months]
    return {
        "columns": columns, "rows": rows,
        "chart": charts.stacked_bars(columns, {r["label"]: r["values"] for r in rows}),
    }


def _trend(insight: dict[str, Any], lang: str) -> dict[str, Any]:
    months = insight["months"]
    t = UI[lang]
    rows = [{"label": t[KIND_WORDS[kind]], "values": [insight["per_month"]["kind"][kind][m] for m in months]}
            for kind in KINDS]
    columns = [month_label(m, lang) for m in months]
    totals = [sum(r["values"][i] for r in rows) for i in range(len(months))]
    return {"columns": columns, "rows": rows, "totals": totals,
            "chart": charts.trend_lines(columns, {r["label"]: r["values"] for r in rows})}


def _facet(insight: dict[str, Any], facet: str, lang: str) -> dict[str, Any]:
    entry = insight["facets"][facet]
    rows = [{**c, "label": category_label(facet, c["slug"], lang)} for c in entry["categories"]]
    chart = charts.horizontal_bars([r["label"] for r in rows], [r["items"] for r in rows]) if rows else None
    return {"rows": rows, "without": entry["without"], "chart": chart}


def _groups(insight: dict[str, Any], lang: str) -> dict[str, Any]:
    groups = insight["theme_groups"]
    t = UI[lang]
    return {
        "nexttech": [(category_label("theme", s, lang), groups["nexttech"]["sectors"][s]) for s in NEXTTECH],
        "nexttech_any": groups["nexttech"]["any"],
        "rip": [(t[f"rip_{d}"], groups["rip"][d], ", ".join(category_label("theme", s, lang) for s in RIP_DOMAINS[d]))
                for d in RIP_DOMAINS],
    }


def _municipalities(insight: dict[str, Any], lang: str) -> dict[str, Any]:
    places = insight["municipalities"]
    counts = places["municipalities"]
    names = {key: municipality_label(key, lang) for key in counts}
    rows = sorted(((names[k], v) for k, v in counts.items()), key=lambda r: (-r[1], r[0]))
    return {"rows": rows, "elsewhere": sorted(places["elsewhere"].items(), key=lambda r: (-r[1], r[0])),
            "without": places["without"], "chart": charts.tile_map(counts, names)}


def _partners(insight: dict[str, Any], lang: str) -> dict[str, Any]:
    rows = [{**p, "label": name_in(p["name"], lang)} for p in insight["partners"]]
    active = [r for r in rows if r["items"]]
    chart = charts.horizontal_bars([r["label"] for r in active], [r["items"] for r in active]) if active else None
    return {"rows": rows, "chart": chart}


def _calls(insight: dict[str, Any], lang: str) -> dict[str, Any]:
    calls = insight["calls"]
    partner_names = {p["id"]: name_in(p["name"], lang) for p in insight["partners"]}
    upcoming = [{"title": name_in(u["title"], lang), "title_lang": lang if u["title"].get(lang) else None,
                 "deadline": _instant_text(u["deadline"], lang), "deadline_iso": u["deadline"],
                 "partners": ", ".join(partner_names.get(p, p) for p in u["partners"])} for u in calls["upcoming"]]
    by = {facet: [{**r, "label": category_label(facet, r["slug"], lang)} for r in rows] for facet, rows in calls["by"].items()}
    return {**calls, "by": by, "upcoming": upcoming}


def _reach(insight: dict[str, Any], lang: str) -> dict[str, Any]:
    reach = insight["reach"]
    t = UI[lang]
    languages = [(t[code], v["items"], v["share"]) for code, v in reach["languages"].items()]
    attendance = [(t[mode], v["events"], v["share"]) for mode, v in reach["attendance"].items()]
    return {
        **reach, "language_rows": languages, "attendance_rows": attendance,
        "languages_chart": charts.horizontal_bars([r[0] for r in languages], [r[2] or 0 for r in languages], percent=True),
        "attendance_chart": charts.horizontal_bars([r[0] for r in attendance], [r[2] or 0 for r in attendance], percent=True),
    }


def report_context(insight: dict[str, Any], lang: str) -> dict[str, Any]:
    """Everything the template shows, in `lang`: labels, figures and charts."""
    period = insight["period"]
    return {
        "lang": lang, "t": UI[lang], "languages": LANGUAGE_NAMES,
        "period_text": f"{UI[lang]['from']} {_date_text(period['from'], lang)} {UI[lang]['to']} {_date_text(period['to'], lang)}",
        "period": period, "generated": _instant_text(insight["generated_at"], lang),
        "summary": insight["summary"], "activity": _activity(insight, lang), "trend": _trend(insight, lang),
        "themes": _facet(insight, "theme", lang), "formats": _facet(insight, "format", lang),
        "audiences": _facet(insight, "audience", lang), "groups": _groups(insight, lang),
        "places": _municipalities(insight, lang), "partners": _partners(insight, lang),
        "calls": _calls(insight, lang), "reach": _reach(insight, lang), "network": insight["network"],
        "share": lambda value: share_text(value, lang),
    }


def render_html(insight: dict[str, Any], lang: str, *, page_url: Callable[[dict[str, str]], str] | None = None) -> str:
    """The report as one HTML document; with `page_url`, the served page's period form and language links."""
    context = report_context(insight, lang)
    if page_url is not None:
        base = {"from": insight["period"]["from"], "to": insight["period"]["to"]}
        context["switch_urls"] = {code: page_url({**base, "lang": code}) for code in LANGUAGE_NAMES}
        context["other_formats"] = {name: page_url({**base, "lang": lang, "format": name}) for name in ("json", "pdf")}
    return templates.get_template("report.html").render(**context)


def render_json(insight: dict[str, Any]) -> str:
    return json.dumps(insight, ensure_ascii=False, indent=2, default=str)
