"""Web listings of the demo ecosystem, answered per request, for the html kind.

- `drupal_calls`: a Drupal-like listing of calls (views rows, `?page=N` from 0, a "next" pager link)
  whose items link to detail pages under the listing's path; French dates ("Date limite :
  15 février 2027 à 12h", "Ouverture : jeudi 12 mars 2026 à 14h"); an item may carry a wrong weekday.
- `nl_listing`: a Dutch activity listing (`?pagina=N` from 1, a "Volgende" link) with the date and
  the hour in separate elements: "donderdag 12 maart 2026" and "14u30", "14u", "20 uur" or
  "van 14u tot 16u30"; multi-day items read "van 12 tot 15 maart 2026".
"""
from __future__ import annotations

import html
from datetime import date, datetime
from typing import Any

from demo.loader import Feed, PartnerContent
from demo.render.common import Entry, Rendered, long_date

HTML = "text/html; charset=utf-8"
WEEKDAYS = {"fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
            "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]}
DRUPAL_PAGE_SIZE = 10
NL_PAGE_SIZE = 12


def _e(value: Any) -> str:
    return html.escape(str(value or ""), quote=True)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _page(title: str, lang: str, body: str) -> Rendered:
    document = (f"<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"ltr\"><head><meta charset=\"utf-8\">"
                f"<title>{_e(title)}</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">"
                "<link rel=\"stylesheet\" href=\"/themes/custom/site/css/style.css\"></head>\n"
                "<body class=\"path-node\"><a href=\"#main-content\" class=\"visually-hidden focusable skip-link\">"
                "Aller au contenu principal</a>\n<header role=\"banner\"><nav class=\"menu--main\"><ul><li><a href=\"/\">Accueil</a></li>"
                "<li><a href=\"/appels\">Appels</a></li><li><a href=\"/contact\">Contact</a></li></ul></nav></header>\n"
                f"<main id=\"main-content\" role=\"main\">\n{body}\n</main>\n<footer role=\"contentinfo\"><p>Contenu fictif de démonstration.</p>"
                "</footer></body></html>\n")
    return Rendered(document.encode("utf-8"), HTML)


def _not_found(lang: str) -> Rendered:
    rendered = _page("Page introuvable", lang, "<h1>Page introuvable</h1>")
    return Rendered(rendered.body, rendered.content_type, 404)


def _fr_hour(value: datetime) -> str:
    return f"{value.hour}h" + (f"{value.minute:02d}" if value.minute else "")


def _fr_moment(value: Any, weekday_shift: int = 0) -> str:
    day = _day(value)
    if day is None:
        return str(value)
    weekday = WEEKDAYS["fr"][(day.weekday() + weekday_shift) % 7]
    text = f"{weekday} {long_date(day, 'fr')}"
    return f"{text} à {_fr_hour(value)}" if isinstance(value, datetime) else text


def _deadline_day(entry: Entry) -> date:
    return _day(entry.deadline) or date.max


def render_drupal_calls(partner: PartnerContent, feed: Feed, entries: list[Entry], base_url: str, rest: str,
                        query: dict[str, str]) -> Rendered:
    calls = sorted(entries, key=lambda e: (_deadline_day(e), e.id))
    listing_path = f"/{partner.id}/{feed.path}"
    if rest:
        found = next((e for e in calls if e.id == rest), None)
        return _drupal_detail(found, feed) if found else _not_found(feed.language)
    try:
        page = int(query.get("page", 0))
    except ValueError:
        return _not_found(feed.language)
    chunk = calls[page * DRUPAL_PAGE_SIZE:(page + 1) * DRUPAL_PAGE_SIZE]
    if page < 0 or (page and not chunk):
        return _not_found(feed.language)
    rows = []
    for entry in chunk:
        deadline = f"Date limite : {long_date(_day(entry.deadline), 'fr')}" if entry.deadline else ""
        themes = "".join(f'<a href="/fr/thematique/{_e(c.lower())}" hreflang="fr">{_e(c)}</a>' for c in entry.categories[:1])
        rows.append(
            f'<div class="views-row"><article class="node node--type-appel node--view-mode-teaser" role="article">\n'
            f'  <h2 class="node__title"><a href="{listing_path}/{_e(entry.id)}" rel="bookmark">'
            f'<span class="field field--name-title">{_e(entry.title)}</span></a></h2>\n'
            f'  <div class="field field--name-field-date-limite">{_e(deadline)}</div>\n'
            f'  <div class="field field--name-field-thematique">{themes}</div>\n'
            f'  <div class="field field--name-body field--type-text-with-summary"><p>{_e(entry.summary)}</p></div>\n'
            f'</article></div>'
        )
    pager = [f'<li class="pager__item is-active"><a href="?page={page}" aria-current="page">Page {page + 1}</a></li>']
    if page > 0:
        pager.insert(0, f'<li class="pager__item pager__item--previous"><a href="?page={page - 1}" rel="prev">Page précédente</a></li>')
    if (page + 1) * DRUPAL_PAGE_SIZE < len(calls):
        pager.append(f'<li class="pager__item pager__item--next"><a href="?page={page + 1}" title="Aller à la page suivante" '
                     f'rel="next"><span class="visually-hidden">Page suivante</span><span aria-hidden="true">››</span></a></li>')
    body = (f'<h1 class="page-title">Appels à projets</h1>\n<div class="view view-appels view-id-appels">\n'
            f'<div class="view-content">\n{chr(10).join(rows)}\n</div>\n'
            f'<nav class="pager" role="navigation" aria-labelledby="pagination-heading"><ul class="pager__items js-pager__items">'
            f'{"".join(pager)}</ul></nav>\n</div>')
    return _page("Appels à projets", feed.language, body)


def _drupal_detail(entry: Entry, feed: Feed) -> Rendered:
    shift = int(entry.raw.get("weekday_shift", 0))  # deliberate mess: a weekday that disagrees with the date
    parts = [f'<article class="node node--type-appel node--view-mode-full">\n<h1 class="page-title"><span>{_e(entry.title)}</span></h1>']
    if entry.start is not None:
        parts.append(f'<div class="field field--name-field-ouverture">Ouverture : {_e(_fr_moment(entry.start, shift))}</div>')
    if entry.deadline is not None:
        parts.append(f'<div class="field field--name-field-date-limite">Date limite : {_e(_fr_moment(entry.deadline))}</div>')
    if entry.raw.get("budget"):
        parts.append(f'<div class="field field--name-field-budget">Budget : {_e(entry.raw["budget"])}</div>')
    parts.append(f'<div class="field field--name-body">{entry.description_html}</div>')
    if entry.registration_url:
        parts.append(f'<a class="button field--name-field-formulaire" href="{_e(entry.registration_url)}">Déposer un dossier</a>')
    tags = "".join(f'<li><a href="/fr/thematique/{_e(c.lower())}">{_e(c)}</a></li>' for c in entry.categories)
    parts.append(f'<ul class="field field--name-field-tags">{tags}</ul>\n</article>')
    return _page(entry.title or "", feed.language, "\n".join(parts))


def _nl_hour(value: datetime) -> str:
    if value.minute:
        return f"{value.hour}u{value.minute:02d}"
    return f"{value.hour} uur" if value.hour >= 19 else f"{value.hour}u"


def _nl_when(entry: Entry) -> tuple[str, str]:
    start, end = entry.start, entry.end
    day = _day(start)
    if day is None:
        return str(start or ""), ""
    last = _day(end)
    if not isinstance(start, datetime) and last and last != day:
        first = f"{day.day} {long_date(day, 'nl').split(' ', 1)[1]}" if day.month != last.month else str(day.day)
        return f"van {first} tot {long_date(last, 'nl')}", ""
    date_text = f"{WEEKDAYS['nl'][day.weekday()]} {long_date(day, 'nl')}"
    if not isinstance(start, datetime):
        return date_text, ""
    if isinstance(end, datetime) and end.date() == day and not entry.raw.get("hour_only"):
        return date_text, f"van {_nl_hour(start)} tot {_nl_hour(end)}"
    return date_text, _nl_hour(start)


def render_nl_listing(partner: PartnerContent, feed: Feed, entries: list[Entry], query: dict[str, str]) -> Rendered:
    events = sorted((e for e in entries if e.start is not None), key=lambda e: (str(_day(e.start)), e.id))
    try:
        page = int(query.get("pagina", 1))
    except ValueError:
        return _not_found(feed.language)
    chunk = events[(page - 1) * NL_PAGE_SIZE: page * NL_PAGE_SIZE]
    if page < 1 or (page > 1 and not chunk):
        return _not_found(feed.language)
    rows = []
    for entry in chunk:
        date_text, hour_text = _nl_when(entry)
        place = entry.place.line() if entry.place else ("Online" if entry.online_url else "")
        tags = "".join(f'<span class="tag">{_e(c)}</span>' for c in entry.categories)
        rows.append(
            f'<li class="activiteit">\n  <h3 class="titel"><a href="{_e(entry.url)}">{_e(entry.title)}</a></h3>\n'
            f'  <p class="datum">{_e(date_text)}</p>\n  <p class="uur">{_e(hour_text)}</p>\n'
            f'  <p class="locatie">{_e(place)}</p>\n  <p class="intro">{_e(entry.summary)}</p>\n'
            f'  <div class="tags">{tags}</div>\n</li>'
        )
    more = page * NL_PAGE_SIZE < len(events)
    pager = f'<a class="volgende" href="?pagina={page + 1}">Volgende pagina</a>' if more else ""
    body = (f'<h1>Activiteiten</h1>\n<ul class="activiteiten">\n{chr(10).join(rows)}\n</ul>\n'
            f'<div class="paginering">Pagina {page}{" " + pager if pager else ""}</div>')
    return _page("Activiteiten", feed.language, body)
