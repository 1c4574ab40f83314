"""The embed's and the badge's words in French, Dutch and English."""
from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Agenda de l'écosystème numérique bruxellois", "events": "Événements à venir", "calls": "Appels ouverts",
        "news": "Actualités", "empty": "Rien pour l'instant.", "deadline": "Date limite", "no_deadline": "sans date limite",
        "full": "Voir tout l'agenda sur bedigital.brussels", "online": "En ligne", "free": "Gratuit",
        "featured": "Présent sur", "badge_alt": "Présent sur bedigital.brussels", "badge_heading": "Badge « Présent sur bedigital.brussels »",
        "badge_intro": "Copiez ce code dans votre site pour afficher le badge et renvoyer vers l'agenda commun.",
        "badge_code": "Code du badge", "embed_code": "Code de l'agenda intégré (vos annonces)",
        "frame_title": "Agenda bedigital.brussels", "opens_new": "(nouvel onglet)", "invalid": "Paramètre invalide",
    },
    "nl": {
        "title": "Agenda van het Brusselse digitale ecosysteem", "events": "Komende evenementen", "calls": "Open oproepen",
        "news": "Nieuws", "empty": "Voorlopig niets.", "deadline": "Deadline", "no_deadline": "geen deadline",
        "full": "Bekijk de volledige agenda op bedigital.brussels", "online": "Online", "free": "Gratis",
        "featured": "Te vinden op", "badge_alt": "Te vinden op bedigital.brussels", "badge_heading": "Badge 'Te vinden op bedigital.brussels'",
        "badge_intro": "Kopieer deze code in uw website om de badge te tonen en naar de gemeenschappelijke agenda te verwijzen.",
        "badge_code": "Code van de badge", "embed_code": "Code van de ingebedde agenda (uw aankondigingen)",
        "frame_title": "Agenda bedigital.brussels", "opens_new": "(nieuw tabblad)", "invalid": "Ongeldige parameter",
    },
    "en": {
        "title": "Brussels digital ecosystem agenda", "events": "Upcoming events", "calls": "Open calls", "news": "News",
        "empty": "Nothing yet.", "deadline": "Deadline", "no_deadline": "no deadline",
        "full": "See the full agenda on bedigital.brussels", "online": "Online", "free": "Free",
        "featured": "Featured on", "badge_alt": "Featured on bedigital.brussels", "badge_heading": "“Featured on bedigital.brussels” badge",
        "badge_intro": "Copy this code into your site to show the badge and link to the shared agenda.",
        "badge_code": "Badge code", "embed_code": "Embedded agenda code (your announcements)",
        "frame_title": "bedigital.brussels agenda", "opens_new": "(new tab)", "invalid": "Invalid parameter",
    },
}
