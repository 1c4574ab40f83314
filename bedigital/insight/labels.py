"""The ecosystem report's words in French, Dutch and English, and its numbers written out in each."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from transforms.places import MUNICIPALITY_BY_KEY
from warehouse.snapshot import read_taxonomy

LANGS = ("fr", "nl", "en")

UI: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Rapport de l'écosystème numérique bruxellois", "period": "Période", "from": "du", "to": "au",
        "generated": "Établi le", "lead": "Ce que l'écosystème a annoncé sur la période, d'après l'entrepôt de bedigital.brussels, "
        "pour le comité de pilotage de la charte.",
        "summary": "En bref", "items": "Annonces", "events": "Événements", "calls": "Appels", "news": "Actualités",
        "cancelled": "Annulés (non comptés)", "activity": "Activité par mois et par thème",
        "activity_note": "Une annonce compte le jour de son début (événement), de son ouverture (appel) ou de sa publication (actualité), heure de Bruxelles.",
        "trend": "Évolution par type d'annonce", "month": "Mois", "total": "Total", "theme": "Thème",
        "themes": "Thèmes", "groups": "Secteurs NextTech et domaines du Plan régional d'innovation",
        "nexttech": "Secteurs NextTech", "nexttech_any": "Au moins un secteur NextTech", "rip": "Plan régional d'innovation",
        "rip_health": "Santé", "rip_environment": "Environnement", "rip_ict": "TIC",
        "format": "Format", "formats": "Formats", "audience": "Public", "audiences": "Publics", "without": "Sans catégorie",
        "municipalities": "Communes", "municipality": "Commune", "map_alt": "Carte schématique des 19 communes bruxelloises, "
        "plus la couleur est foncée plus il y a d'annonces", "map_note": "Carte schématique, pas à l'échelle.",
        "elsewhere": "Hors Région", "no_place": "Sans lieu (en ligne ou non précisé)",
        "partners": "Partenaires", "partner": "Partenaire",
        "calls_title": "Appels", "opened": "Ouverts", "closed": "Clôturés", "ahead": "Échéance à venir",
        "without_deadline": "Ouverts sans date limite", "call_type": "Type d'appel", "deadlines": "Prochaines échéances",
        "deadline": "Date limite", "none": "Aucun", "reach": "Portée des engagements de la charte",
        "languages": "Annonces lisibles en", "share": "Part", "price": "Événements gratuits", "free": "Gratuits",
        "paid": "Payants", "unknown": "Non précisé", "attendance": "Participation aux événements",
        "in-person": "Sur place", "online": "En ligne", "hybrid": "Hybride",
        "network": "Couverture et santé du réseau", "partners_registered": "Partenaires inscrits",
        "partners_active": "Partenaires actifs (au moins une annonce)", "partners_fetched": "Partenaires lus avec succès",
        "sources": "Sources", "sources_failing": "Sources en échec", "runs": "Exécutions du pipeline",
        "failed_fetches": "Lectures en échec", "rejected": "Enregistrements rejetés", "source": "Source",
        "streak": "Échecs consécutifs", "last_success": "Dernier succès", "error": "Erreur", "reason": "Motif",
        "records": "Enregistrements", "never": "jamais", "figures": "Les chiffres",
        "language": "Langue", "show": "Afficher", "formats_other": "Autres formats", "pdf": "PDF", "json": "JSON",
        "fr": "français", "nl": "néerlandais", "en": "anglais",
    },
    "nl": {
        "title": "Rapport over het Brusselse digitale ecosysteem", "period": "Periode", "from": "van", "to": "tot",
        "generated": "Opgesteld op", "lead": "Wat het ecosysteem in de periode aankondigde, volgens het datawarehouse van "
        "bedigital.brussels, voor het stuurcomité van het charter.",
        "summary": "In het kort", "items": "Aankondigingen", "events": "Evenementen", "calls": "Oproepen", "news": "Nieuws",
        "cancelled": "Geannuleerd (niet meegeteld)", "activity": "Activiteit per maand en per thema",
        "activity_note": "Een aankondiging telt op de dag van haar begin (evenement), opening (oproep) of publicatie (nieuws), Brusselse tijd.",
        "trend": "Verloop per soort aankondiging", "month": "Maand", "total": "Totaal", "theme": "Thema",
        "themes": "Thema's", "groups": "NextTech-sectoren en domeinen van het Gewestelijk Innovatieplan",
        "nexttech": "NextTech-sectoren", "nexttech_any": "Minstens één NextTech-sector", "rip": "Gewestelijk Innovatieplan",
        "rip_health": "Gezondheid", "rip_environment": "Milieu", "rip_ict": "ICT",
        "format": "Formaat", "formats": "Formaten", "audience": "Doelgroep", "audiences": "Doelgroepen",
        "without": "Zonder categorie", "municipalities": "Gemeenten", "municipality": "Gemeente",
        "map_alt": "Schematische kaart van de 19 Brusselse gemeenten, hoe donkerder hoe meer aankondigingen",
        "map_note": "Schematische kaart, niet op schaal.", "elsewhere": "Buiten het Gewest",
        "no_place": "Zonder plaats (online of niet vermeld)", "partners": "Partners", "partner": "Partner",
        "calls_title": "Oproepen", "opened": "Geopend", "closed": "Afgesloten", "ahead": "Deadline nog te komen",
        "without_deadline": "Geopend zonder deadline", "call_type": "Soort oproep", "deadlines": "Volgende deadlines",
        "deadline": "Deadline", "none": "Geen", "reach": "Bereik van de beloften van het charter",
        "languages": "Aankondigingen leesbaar in het", "share": "Aandeel", "price": "Gratis evenementen",
        "free": "Gratis", "paid": "Betalend", "unknown": "Niet vermeld", "attendance": "Deelname aan evenementen",
        "in-person": "Ter plaatse", "online": "Online", "hybrid": "Hybride",
        "network": "Dekking en gezondheid van het netwerk", "partners_registered": "Ingeschreven partners",
        "partners_active": "Actieve partners (minstens één aankondiging)", "partners_fetched": "Partners met succes gelezen",
        "sources": "Bronnen", "sources_failing": "Falende bronnen", "runs": "Uitvoeringen van de pipeline",
        "failed_fetches": "Mislukte lezingen", "rejected": "Geweigerde records", "source": "Bron",
        "streak": "Opeenvolgende mislukkingen", "last_success": "Laatste succes", "error": "Fout", "reason": "Reden",
        "records": "Records", "never": "nooit", "figures": "De cijfers",
        "language": "Taal", "show": "Tonen", "formats_other": "Andere formaten", "pdf": "PDF", "json": "JSON",
        "fr": "Frans", "nl": "Nederlands", "en": "Engels",
    },
    "en": {
        "title": "Brussels digital ecosystem report", "period": "Period", "from": "from", "to": "to",
        "generated": "Drawn up on", "lead": "What the ecosystem announced over the period, from the bedigital.brussels "
        "warehouse, for the charter's steering committee.",
        "summary": "At a glance", "items": "Announcements", "events": "Events", "calls": "Calls", "news": "News",
        "cancelled": "Cancelled (not counted)", "activity": "Activity per month and theme",
        "activity_note": "An announcement counts on the day it starts (event), opens (call) or is published (news), Brussels time.",
        "trend": "Trend per kind of announcement", "month": "Month", "total": "Total", "theme": "Theme",
        "themes": "Themes", "groups": "NextTech sectors and Regional Innovation Plan domains",
        "nexttech": "NextTech sectors", "nexttech_any": "At least one NextTech sector", "rip": "Regional Innovation Plan",
        "rip_health": "Health", "rip_environment": "Environment", "rip_ict": "ICT",
        "format": "Format", "formats": "Formats", "audience": "Audience", "audiences": "Audiences",
        "without": "Without a category", "municipalities": "Municipalities", "municipality": "Municipality",
        "map_alt": "Schematic map of the 19 Brussels municipalities, the darker the more announcements",
        "map_note": "Schematic map, not to scale.", "elsewhere": "Outside the Region",
        "no_place": "No place (online or not given)", "partners": "Partners", "partner": "Partner",
        "calls_title": "Calls", "opened": "Opened", "closed": "Closed", "ahead": "Deadline ahead",
        "without_deadline": "Opened without a deadline", "call_type": "Call type", "deadlines": "Next deadlines",
        "deadline": "Deadline", "none": "None", "reach": "Reach of the charter's promises",
        "languages": "Announcements readable in", "share": "Share", "price": "Free events", "free": "Free",
        "paid": "Paid", "unknown": "Not given", "attendance": "How events are attended",
        "in-person": "In person", "online": "Online", "hybrid": "Hybrid",
        "network": "Coverage and health of the partner network", "partners_registered": "Registered partners",
        "partners_active": "Active partners (at least one announcement)", "partners_fetched": "Partners read successfully",
        "sources": "Sources", "sources_failing": "Sources failing", "runs": "Pipeline runs",
        "failed_fetches": "Failed fetches", "rejected": "Records rejected", "source": "Source",
        "streak": "Failures in a row", "last_success": "Last success", "error": "Error", "reason": "Reason",
        "records": "Records", "never": "never", "figures": "The figures",
        "language": "Language", "show": "Show", "formats_other": "Other formats", "pdf": "PDF", "json": "JSON",
        "fr": "French", "nl": "Dutch", "en": "English",
    },
}

MONTHS_SHORT = {
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "nl": ["jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def month_label(month: str, lang: str) -> str:
    """'2026-03' -> 'mars 2026' / 'mrt. 2026' / 'Mar 2026'."""
    year, number = month.split("-")
    return f"{MONTHS_SHORT[lang][int(number) - 1]} {year}"


def share_text(share: float | None, lang: str) -> str:
    """0.667 -> '66,7 %' (fr, nl) or '66.7%' (en); '–' when there is nothing to divide."""
    if share is None:
        return "–"
    number = f"{share * 100:.1f}"
    return f"{number}%" if lang == "en" else f"{number.replace('.', ',')} %"


@lru_cache(maxsize=1)
def _taxonomy() -> dict[str, dict[str, dict[str, str]]]:
    return {facet["facet"]: {c["slug"]: c["label"] for c in facet["categories"]} for facet in read_taxonomy()}


def category_label(facet: str, slug: str, lang: str) -> str:
    """The taxonomy's label of a category, or its slug when the taxonomy does not know it."""
    return (_taxonomy().get(facet, {}).get(slug) or {}).get(lang) or slug


def theme_order() -> list[str]:
    """The themes in the taxonomy's order (for stable colours)."""
    return list(_taxonomy().get("theme", {}))


def municipality_label(key: str, lang: str) -> str:
    municipality = MUNICIPALITY_BY_KEY.get(key)
    if municipality is None:
        return key
    if lang == "nl":
        return municipality.nl
    if lang == "en" and key == "brussels":
        return "City of Brussels"
    return municipality.fr


def name_in(names: dict[str, Any], lang: str) -> str:
    return names.get(lang) or names.get("fr") or names.get("en") or names.get("nl") or ""
