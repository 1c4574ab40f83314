from __future__ import annotations

import pytest

from transforms.model import RawLocation
from transforms.places import (
    MUNICIPALITIES,
    municipality_for_postcode,
    municipality_from_text,
    resolve_place,
)


def test_the_table_holds_the_nineteen_municipalities_with_unique_postcodes() -> None:
    assert len(MUNICIPALITIES) == 19
    codes = [code for m in MUNICIPALITIES for code in m.postcodes]
    assert len(codes) == len(set(codes))
    assert all(1000 <= int(code) <= 1299 for code in codes)


@pytest.mark.parametrize("postcode", ["1000", "1020", "1120", "1130", "B-1020"])
def test_city_of_brussels_postcodes(postcode: str) -> None:
    assert municipality_for_postcode(postcode) == "brussels"


@pytest.mark.parametrize(
    ("postcode", "key"),
    [("1050", "ixelles"), ("1030", "schaerbeek"), ("1080", "molenbeek"), ("1210", "saint-josse-ten-noode"), ("1170", "watermael-boitsfort")],
)
def test_other_postcodes(postcode: str, key: str) -> None:
    assert municipality_for_postcode(postcode) == key


def test_postcodes_outside_the_region_give_nothing() -> None:
    assert municipality_for_postcode("1300") is None
    assert municipality_for_postcode("9000") is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Schaarbeek", "schaerbeek"),
        ("ELSENE", "ixelles"),
        ("Sint Jans Molenbeek", "molenbeek"),
        ("Saint-Josse", "saint-josse-ten-noode"),
        ("Woluwé-Saint-Lambert", "woluwe-saint-lambert"),
        ("Ixelles, Bruxelles", "ixelles"),
        ("Brussel", "brussels"),
        ("Laeken", "brussels"),
    ],
)
def test_municipality_names_in_french_and_dutch(text: str, key: str) -> None:
    assert municipality_from_text(text) == key


def test_forest_is_trusted_only_as_a_locality() -> None:
    assert municipality_from_text("Balade en Forest de Soignes") is None
    assert municipality_from_text("Forest", is_locality=True) == "forest"


def test_postcode_in_an_address_text_gives_municipality_and_country() -> None:
    place = resolve_place(RawLocation(text="BeCentral, Cantersteen 12, 1000 Bruxelles"))
    assert place.postcode == "1000" and place.municipality == "brussels" and place.country == "BE"
    assert place.venue == "BeCentral, Cantersteen 12, 1000 Bruxelles"
    assert place.attendance_mode == "in-person"


def test_structured_location_fields_are_filled() -> None:
    place = resolve_place(RawLocation(name="ICAB", street="Rue des Pères Blancs 4", postcode="1040", locality="Etterbeek", country="Belgique"))
    assert (place.venue, place.street, place.postcode, place.municipality, place.country) == (
        "ICAB", "Rue des Pères Blancs 4", "1040", "etterbeek", "BE",
    )


def test_zoom_link_makes_an_online_event() -> None:
    place = resolve_place(RawLocation(text="https://us02web.zoom.us/j/123456"))
    assert place.attendance_mode == "online"
    assert place.online_url == "https://us02web.zoom.us/j/123456"
    assert place.venue is None


@pytest.mark.parametrize("text", ["En ligne", "Online", "Webinaire"])
def test_online_words_make_an_online_event(text: str) -> None:
    place = resolve_place(RawLocation(text=text))
    assert place.attendance_mode == "online" and place.venue is None


def test_place_and_meeting_link_make_a_hybrid_event() -> None:
    place = resolve_place(RawLocation(name="BeCentral", locality="Bruxelles", online_url="https://teams.microsoft.com/l/meetup/1"))
    assert place.attendance_mode == "hybrid"
    assert place.online_url == "https://teams.microsoft.com/l/meetup/1"


def test_a_map_link_is_not_an_online_place() -> None:
    place = resolve_place(RawLocation(text="Tour & Taxis https://maps.google.com/?q=tour+taxis"))
    assert place.attendance_mode == "in-person" and place.online_url is None


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("https://schema.org/OfflineEventAttendanceMode", "in-person"),
        ("OnlineEventAttendanceMode", "online"),
        ("http://schema.org/MixedEventAttendanceMode", "hybrid"),
    ],
)
def test_schema_org_attendance_mode_wins(mode: str, expected: str) -> None:
    assert resolve_place(RawLocation(name="BeCentral"), mode).attendance_mode == expected


def test_webinar_title_without_location_is_online_and_nothing_is_nothing() -> None:
    assert resolve_place(None, title="Webinar: AI Act for SMEs").attendance_mode == "online"
    assert resolve_place(None).attendance_mode is None
