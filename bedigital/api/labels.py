"""The agenda page's words in French, Dutch and English, and dates written out in each."""
from __future__ import annotations

from datetime import date

LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}

UI: dict[str, dict[str, str]] = {
    "fr": {
        "site": "Agenda de l'écosystème numérique bruxellois", "skip": "Aller au contenu",
        "language": "Langue", "filters": "Filtrer", "apply": "Appliquer", "reset": "Tout afficher",
        "theme": "Thème", "format": "Format", "audience": "Public", "municipality": "Commune",
        "free": "Gratuit", "online": "En ligne", "any": "Tous",
        "events": "Événements à venir", "calls": "Appels ouverts", "news": "Actualités",
        "no_events": "Aucun événement ne correspond.", "no_calls": "Aucun appel ouvert ne correspond.",
        "no_news": "Aucune actualité ne correspond.",
        "deadline": "Date limite", "announced_by": "Annoncé par", "categories": "Catégories",
        "add_to_calendar": "Ajouter à mon agenda", "original": "Voir l'annonce d'origine",
        "register": "S'inscrire", "report": "rapport d'ingestion", "back": "Retour à l'agenda",
        "where": "Lieu", "when": "Quand", "price": "Prix", "cancelled": "Annulé", "postponed": "Reporté",
        "rescheduled": "Nouvelle date",
        "all_day": "toute la journée", "no_deadline": "sans date limite", "published": "Publié le",
        "event": "Événement", "call": "Appel", "news_item": "Actualité", "subscribe": "S'abonner (iCalendar)",
        "exports": "Données ouvertes", "api": "API", "until": "au",
    },
    "nl": {
        "site": "Agenda van het Brusselse digitale ecosysteem", "skip": "Naar de inhoud",
        "language": "Taal", "filters": "Filteren", "apply": "Toepassen", "reset": "Alles tonen",
        "theme": "Thema", "format": "Formaat", "audience": "Doelpubliek", "municipality": "Gemeente",
        "free": "Gratis", "online": "Online", "any": "Alle",
        "events": "Komende evenementen", "calls": "Open oproepen", "news": "Nieuws",
        "no_events": "Geen evenementen gevonden.", "no_calls": "Geen open oproepen gevonden.",
        "no_news": "Geen nieuws gevonden.",
        "deadline": "Deadline", "announced_by": "Aangekondigd door", "categories": "Categorieën",
        "add_to_calendar": "Toevoegen aan mijn agenda", "original": "Bekijk de oorspronkelijke aankondiging",
        "register": "Inschrijven", "report": "ingestierapport", "back": "Terug naar de agenda",
        "where": "Waar", "when": "Wanneer", "price": "Prijs", "cancelled": "Geannuleerd", "postponed": "Uitgesteld",
        "rescheduled": "Nieuwe datum",
        "all_day": "de hele dag", "no_deadline": "geen deadline", "published": "Gepubliceerd op",
        "event": "Evenement", "call": "Oproep", "news_item": "Nieuws", "subscribe": "Abonneren (iCalendar)",
        "exports": "Open data", "api": "API", "until": "tot",
    },
    "en": {
        "site": "Brussels digital ecosystem agenda", "skip": "Skip to content",
        "language": "Language", "filters": "Filter", "apply": "Apply", "reset": "Show all",
        "theme": "Theme", "format": "Format", "audience": "Audience", "municipality": "Municipality",
        "free": "Free", "online": "Online", "any": "All",
        "events": "Upcoming events", "calls": "Open calls", "news": "News",
        "no_events": "No event matches.", "no_calls": "No open call matches.", "no_news": "No news matches.",
        "deadline": "Deadline", "announced_by": "Announced by", "categories": "Categories",
        "add_to_calendar": "Add to my calendar", "original": "See the original announcement",
        "register": "Register", "report": "ingestion report", "back": "Back to the agenda",
        "where": "Where", "when": "When", "price": "Price", "cancelled": "Cancelled", "postponed": "Postponed",
        "rescheduled": "Rescheduled",
        "all_day": "all day", "no_deadline": "no deadline", "published": "Published on",
        "event": "Event", "call": "Call", "news_item": "News", "subscribe": "Subscribe (iCalendar)",
        "exports": "Open data", "api": "API", "until": "to",
    },
}

WEEKDAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
# The facets the page offers as filters, besides municipality, free and online.
PAGE_FACETS = ("theme", "format", "audience")


def long_date(day: date, lang: str) -> str:
    """`mardi 10 mars 2026`, `dinsdag 10 maart 2026`, `Tuesday 10 March 2026`."""
    return f"{WEEKDAYS[lang][day.weekday()]} {day.day} {MONTHS[lang][day.month - 1]} {day.year}"
