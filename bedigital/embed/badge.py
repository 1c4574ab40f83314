"""The "Featured on bedigital.brussels" badge (SVG) and the snippet a partner copies from its report page."""
from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

from bedigital.embed.labels import UI

BADGE_WIDTH, BADGE_HEIGHT = 200, 44
ACCENT = "#0b4f8a"  # white on it is 8.6:1 (WCAG AAA)


def badge_svg(lang: str) -> str:
    """A self-contained SVG: no external font, image or script."""
    words = UI[lang]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}" '
        f'viewBox="0 0 {BADGE_WIDTH} {BADGE_HEIGHT}" role="img" aria-labelledby="t" lang="{lang}">'
        f'<title id="t">{escape(words["badge_alt"])}</title>'
        f'<rect width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}" rx="6" fill="{ACCENT}"/>'
        '<rect x="10" y="12" width="20" height="20" rx="3" fill="#ffffff"/>'
        f'<path d="M15 17h6a4 4 0 0 1 0 8h-6z" fill="{ACCENT}"/>'
        '<g fill="#ffffff" font-family="system-ui,-apple-system,Segoe UI,Roboto,DejaVu Sans,sans-serif">'
        f'<text x="40" y="19" font-size="10">{escape(words["featured"])}</text>'
        '<text x="40" y="34" font-size="14" font-weight="700">bedigital.brussels</text>'
        '</g></svg>'
    )


def badge_code(partner_id: str, base_url: str, lang: str = "fr") -> str:
    """The HTML a partner pastes: the badge, linking to the agenda."""
    base = base_url.rstrip("/")
    words = UI[lang]
    link = f"{base}/?{urlencode({'lang': lang, 'ref': partner_id})}"
    return (f'<a href="{escape(link)}"><img src="{escape(base)}/embed/badge.svg?lang={lang}" '
            f'width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}" alt="{escape(words["badge_alt"])}"></a>')


def embed_code(partner_id: str, base_url: str, lang: str = "fr") -> str:
    """The HTML a partner pastes to show its own announcements from the agenda in an iframe."""
    base = base_url.rstrip("/")
    src = f"{base}/embed?{urlencode({'partner': partner_id, 'lang': lang})}"
    return (f'<iframe src="{escape(src)}" title="{escape(UI[lang]["frame_title"])}" width="100%" height="480" '
            'style="border:0" referrerpolicy="strict-origin-when-cross-origin"></iframe>')


def badge_snippet(partner_id: str, base_url: str, lang: str = "fr") -> str:
    """A fragment for the partner's report page: the badge, and the badge and embed codes to copy."""
    words = UI[lang]
    anchor = "badge-" + quote(partner_id, safe="")
    badge = badge_code(partner_id, base_url, lang)
    embed = embed_code(partner_id, base_url, lang)
    return (
        f'<section class="bedigital-badge" aria-labelledby="{escape(anchor)}-h">'
        f'<h2 id="{escape(anchor)}-h">{escape(words["badge_heading"])}</h2>'
        f'<p>{escape(words["badge_intro"])}</p>'
        f'<p>{badge}</p>'
        f'<p><label for="{escape(anchor)}-code">{escape(words["badge_code"])}</label><br>'
        f'<textarea id="{escape(anchor)}-code" readonly rows="3" cols="80" spellcheck="false">{escape(badge)}</textarea></p>'
        f'<p><label for="{escape(anchor)}-embed">{escape(words["embed_code"])}</label><br>'
        f'<textarea id="{escape(anchor)}-embed" readonly rows="3" cols="80" spellcheck="false">{escape(embed)}</textarea></p>'
        '</section>'
    )
