"""Places: venue and address fields, Brussels municipalities and the attendance mode of an item."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from transforms.model import RawLocation
from transforms.text import collapse_whitespace, fold
from transforms.urls import absolute_url


@dataclass(frozen=True, slots=True)
class Municipality:
    key: str
    fr: str
    nl: str
    postcodes: tuple[str, ...]
    aliases: tuple[str, ...] = ()  # other names readers write: former municipalities, short forms


# The 19 municipalities of the Brussels-Capital Region. Laeken (1020), Neder-Over-Heembeek
# (1120) and Haren (1130) were merged into the City of Brussels in 1921.
MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality("brussels", "Bruxelles", "Brussel", ("1000", "1020", "1120", "1130"),
                 ("Brussels", "Bruxelles-Ville", "Brussel-Stad", "Ville de Bruxelles", "Stad Brussel", "City of Brussels",
                  "Laeken", "Laken", "Neder-Over-Heembeek", "Haren")),
    Municipality("schaerbeek", "Schaerbeek", "Schaarbeek", ("1030",)),
    Municipality("etterbeek", "Etterbeek", "Etterbeek", ("1040",)),
    Municipality("ixelles", "Ixelles", "Elsene", ("1050",)),
    Municipality("saint-gilles", "Saint-Gilles", "Sint-Gillis", ("1060",)),
    Municipality("anderlecht", "Anderlecht", "Anderlecht", ("1070",)),
    Municipality("molenbeek", "Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek", ("1080",), ("Molenbeek",)),
    Municipality("koekelberg", "Koekelberg", "Koekelberg", ("1081",)),
    Municipality("berchem-sainte-agathe", "Berchem-Sainte-Agathe", "Sint-Agatha-Berchem", ("1082",),
                 ("Berchem-Ste-Agathe", "St-Agatha-Berchem")),
    Municipality("ganshoren", "Ganshoren", "Ganshoren", ("1083",)),
    Municipality("jette", "Jette", "Jette", ("1090",)),
    Municipality("evere", "Evere", "Evere", ("1140",)),
    Municipality("woluwe-saint-pierre", "Woluwe-Saint-Pierre", "Sint-Pieters-Woluwe", ("1150",),
                 ("Woluwe-St-Pierre", "St-Pieters-Woluwe")),
    Municipality("auderghem", "Auderghem", "Oudergem", ("1160",)),
    Municipality("watermael-boitsfort", "Watermael-Boitsfort", "Watermaal-Bosvoorde", ("1170",),
                 ("Boitsfort", "Bosvoorde", "Watermael")),
    Municipality("uccle", "Uccle", "Ukkel", ("1180",)),
    Municipality("forest", "Forest", "Vorst", ("1190",)),
    Municipality("woluwe-saint-lambert", "Woluwe-Saint-Lambert", "Sint-Lambrechts-Woluwe", ("1200",),
                 ("Woluwe-St-Lambert", "St-Lambrechts-Woluwe")),
    Municipality("saint-josse-ten-noode", "Saint-Josse-ten-Noode", "Sint-Joost-ten-Node", ("1210",),
                 ("Saint-Josse", "Sint-Joost", "St-Josse")),
)
MUNICIPALITY_BY_KEY = {m.key: m for m in MUNICIPALITIES}
MUNICIPALITY_BY_POSTCODE = {code: m.key for m in MUNICIPALITIES for code in m.postcodes}

# "Forest" is also an English word ("Sonian Forest"): trust it only in a locality field.
_AMBIGUOUS_IN_FREE_TEXT = frozenset({"forest"})
# Hyphens and spaces are interchangeable in these names ("Saint Gilles", "Saint-Gilles").
_NAMES: list[tuple[str, str]] = sorted(
    (
        (fold(name).replace("-", " "), m.key)
        for m in MUNICIPALITIES
        for name in (m.fr, m.nl, m.key, *m.aliases)
    ),
    key=lambda pair: -len(pair[0]),
)
_NAME_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    (name, key, re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")) for name, key in _NAMES
]
_DASHES_AND_SPACES = re.compile(r"[-\s]+")
_POSTCODE_BEFORE_NAME = re.compile(r"(?<![\d-])(?:B-?\s?)?(1[0-2]\d\d)(?!\d)(?=\s+[^\W\d_])", re.IGNORECASE)
_POSTCODE = re.compile(r"(?<![\d,.])(?:B-?\s?)?(1[0-2]\d\d)(?![\d,.])", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# Meeting platforms count as online words too: Outlook writes "Microsoft Teams Meeting" (or "Réunion Microsoft Teams",
# "Microsoft Teams-vergadering") as the LOCATION of a Teams call, which made a venue of it, and the event hybrid.
_ONLINE_WORDS = re.compile(r"\b(en ligne|online|webinaire|webinar|virtuel|virtual|livestream|live stream|visio"
                           r"|microsoft teams|google meet|zoom|webex|jitsi|skype)\b")
_WEBINAR_WORDS = re.compile(r"\b(webinaire|webinar|webinars|webinaires)\b")
MEETING_HOSTS = (
    "zoom.us", "zoom.com", "teams.microsoft.com", "teams.live.com", "meet.google.com", "webex.com",
    "gotomeeting.com", "gotowebinar.com", "meet.jit.si", "whereby.com", "livestorm.co", "bluejeans.com",
    "hopin.com", "streamyard.com", "youtube.com", "youtu.be", "vimeo.com",
)
MAP_HOSTS = ("maps.google.", "google.com/maps", "goo.gl/maps", "maps.app.goo.gl", "openstreetmap.org", "waze.com")
COUNTRIES = {
    "be": "BE", "bel": "BE", "belgium": "BE", "belgique": "BE", "belgie": "BE", "belgien": "BE",
    "fr": "FR", "france": "FR", "frankrijk": "FR",
    "nl": "NL", "netherlands": "NL", "the netherlands": "NL", "nederland": "NL", "pays-bas": "NL",
    "lu": "LU", "luxembourg": "LU", "luxemburg": "LU",
    "de": "DE", "germany": "DE", "allemagne": "DE", "duitsland": "DE", "deutschland": "DE",
    "gb": "GB", "uk": "GB", "united kingdom": "GB", "royaume-uni": "GB", "verenigd koninkrijk": "GB",
}


@dataclass(frozen=True, slots=True)
class Place:
    """Where an item happens, in the agenda model's terms."""

    venue: str | None = None
    street: str | None = None
    postcode: str | None = None
    municipality: str | None = None
    country: str | None = None
    attendance_mode: str | None = None  # in-person | online | hybrid
    online_url: str | None = None


def municipality_for_postcode(postcode: str | None) -> str | None:
    """The municipality key of a Brussels postcode ('1050', 'B-1050'); None outside the region's table."""
    if not postcode:
        return None
    found = _POSTCODE.search(postcode.strip())
    return MUNICIPALITY_BY_POSTCODE.get(found.group(1)) if found else None


def find_postcode(text: str | None) -> str | None:
    """A Brussels-region postcode (1000-1299) in free text; one followed by a place name is preferred."""
    if not text:
        return None
    found = _POSTCODE_BEFORE_NAME.search(text) or _POSTCODE.search(text)
    return found.group(1) if found else None


def municipality_from_text(text: str | None, *, is_locality: bool = False) -> str | None:
    """The municipality a text names in French, Dutch or English (case and accents ignored).

    When it names several, a specific one wins over "Bruxelles"/"Brussel", which often
    stands for the whole region ("Ixelles, Bruxelles").
    """
    if not text:
        return None
    haystack = " " + _DASHES_AND_SPACES.sub(" ", fold(text)) + " "
    matches: list[tuple[int, str]] = []
    for name, key, pattern in _NAME_PATTERNS:
        if key in _AMBIGUOUS_IN_FREE_TEXT and name == key and not is_locality:
            continue
        # The substring test is what the pattern needs first, and far cheaper than the search.
        found = pattern.search(haystack) if name in haystack else None
        if found:
            matches.append((found.start(), key))
    if not matches:
        return None
    specific = sorted(m for m in matches if m[1] != "brussels")
    return (specific or sorted(matches))[0][1]


def normalise_country(country: str | None) -> str | None:
    """ISO 3166 alpha-2 for the countries feeds here name; any other value as given."""
    if not country or not country.strip():
        return None
    cleaned = collapse_whitespace(country)
    return COUNTRIES.get(fold(cleaned), cleaned.upper() if len(cleaned) == 2 else cleaned)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_meeting_link(url: str) -> bool:
    host = _host(url)
    return any(host == h or host.endswith("." + h) for h in MEETING_HOSTS)


def is_map_link(url: str) -> bool:
    lowered = url.lower()
    return any(marker in lowered for marker in MAP_HOSTS)


def _says_online(text: str | None) -> bool:
    return bool(text) and bool(_ONLINE_WORDS.search(fold(text)))


def _is_only_url(text: str | None) -> bool:
    return bool(text) and bool(_URL.fullmatch(text.strip()))


def mode_from_schema(value: str | None) -> str | None:
    """in-person/online/hybrid from a schema.org eventAttendanceMode (URL or bare name) or our own slug."""
    if not value:
        return None
    lowered = value.strip().lower()
    if lowered in ("in-person", "online", "hybrid"):
        return lowered
    name = lowered.rstrip("/").rsplit("/", 1)[-1]
    if name.startswith("offline") or name in ("in person", "inperson", "presentiel", "fysiek"):
        return "in-person"
    if name.startswith("mixed"):
        return "hybrid"
    if name.startswith("online"):
        return "online"
    return None


def _no_place(attendance_mode: str | None, title: str | None) -> Place:
    """resolve_place for a record without a location: only the mode, from the schema or a webinar title."""
    mode = mode_from_schema(attendance_mode)
    if mode is None and title and _WEBINAR_WORDS.search(fold(title)):
        mode = "online"
    return Place(attendance_mode=mode)


def resolve_place(location: RawLocation | None, attendance_mode: str | None = None, *, title: str | None = None) -> Place:
    """The agenda's place fields and attendance mode from a source location.

    An explicit schema.org mode wins. Otherwise: a physical place and an online link make
    hybrid, a link or the words "online"/"en ligne"/"webinar" alone make online, a
    physical place alone makes in-person. Map links count as physical, not online.
    """
    if location is None:
        return _no_place(attendance_mode, title)
    loc = location
    name = collapse_whitespace(loc.name) if loc.name else None
    text = collapse_whitespace(loc.text) if loc.text else None
    street = collapse_whitespace(loc.street) if loc.street else None
    locality = collapse_whitespace(loc.locality) if loc.locality else None

    links = [u for u in _URL.findall(" ".join(filter(None, (loc.name, loc.text)))) if not is_map_link(u)]
    online_url = absolute_url(loc.online_url, None) if loc.online_url else None
    if online_url is None:
        meeting = [u for u in links if is_meeting_link(u)]
        chosen = meeting[0] if meeting else (links[0] if _is_only_url(text) or _is_only_url(name) else None)
        online_url = absolute_url(chosen.rstrip(".,;)"), None) if chosen else None

    def physical_text(value: str | None) -> str | None:
        if not value or _is_only_url(value):
            return None
        remainder = _URL.sub("", value).strip(" ,;:-–()")
        if not remainder or (_says_online(remainder) and not find_postcode(remainder)):
            return None
        return value

    venue = physical_text(name) or physical_text(text)
    if loc.postcode and loc.postcode.strip():
        # A postcode outside Brussels (e.g. Paris 75001) is kept as the source wrote it.
        postcode = find_postcode(loc.postcode) or collapse_whitespace(loc.postcode)
    else:
        postcode = find_postcode(" ".join(filter(None, (street, locality, text, name))))
    municipality = (
        municipality_for_postcode(postcode)
        or municipality_from_text(locality, is_locality=True)
        or municipality_from_text(" ".join(filter(None, (street, text, name))))
    )
    country = normalise_country(loc.country)
    if country is None and municipality is not None:
        country = "BE"

    physical = bool(venue or street or locality or (postcode and municipality))
    online = bool(online_url) or _says_online(loc.name) or _says_online(loc.text)
    if not online and not physical and title:
        online = bool(_WEBINAR_WORDS.search(fold(title)))

    mode = mode_from_schema(attendance_mode)
    if mode is None:
        if physical and online:
            mode = "hybrid"
        elif online:
            mode = "online"
        elif physical:
            mode = "in-person"
    return Place(
        venue=venue,
        street=street,
        postcode=postcode,
        municipality=municipality,
        country=country,
        attendance_mode=mode,
        online_url=online_url,
    )
