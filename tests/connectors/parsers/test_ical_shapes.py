"""iCalendar shapes real calendar tools export, one fixture each under fixtures/ical/: what comes out, in the
agenda's terms (instants in UTC, all-day items as dates), and the reason a partner reads when it does not."""
from __future__ import annotations

from datetime import UTC, date, datetime


def test_a_utf8_calendar_with_a_byte_order_mark_labelled_utf8_is_read(parse):
    # Windows tools write a BOM; with "charset=utf-8" in the header the BOM stayed in the first line,
    # and the whole calendar failed as "not a readable iCalendar file".
    result = parse("ical", "utf8_bom.ics", content_type="text/calendar; charset=utf-8")
    assert result.error is None and [item.title for item in result.items] == ["Journée de l'emploi numérique"]
    assert parse("ical", "utf8_bom.ics").error is None  # without a charset, as before


def test_private_and_confidential_events_are_rejected_not_published(normalised):
    result, items, rejections = normalised("ical", "private_events.ics", content="event")
    assert list(items) == ["public@hub.example.be"]
    assert sorted((r.key, r.reason, r.field, r.stage) for r in rejections) == [
        ("confidential@hub.example.be", "private_event", "CLASS", "parse"),
        ("private@hub.example.be", "private_event", "CLASS", "parse"),
    ]
    private = next(r for r in rejections if r.key == "private@hub.example.be")
    assert "CLASS:PRIVATE" in private.message and "Réunion interne budget" not in private.message
    assert len(items) + len(rejections) == 3  # nothing dropped silently


def test_an_outlook_all_day_event_written_midnight_to_midnight_stays_a_run_of_days(normalised):
    # Exchange writes all-day events as TZID times from 00:00 to 00:00, flagged X-MICROSOFT-CDO-ALLDAYEVENT.
    _, items, rejections = normalised("ical", "outlook_all_day.ics", content="event")
    assert rejections == []
    open_days = items["open-days@hub.example.be"]
    assert (open_days.all_day, open_days.start_date, open_days.end_date) == (True, date(2026, 3, 10), date(2026, 3, 11))
    assert open_days.start_utc is None
    timed = items["jobbeurs@hub.example.be"]  # FALSE: a timed event, as written
    assert not timed.all_day and timed.start_utc == datetime(2026, 3, 18, 8, 30, tzinfo=UTC)


def test_the_language_parameter_of_the_summary_is_the_record_language(normalised):
    _, items, _ = normalised("ical", "outlook_all_day.ics", content="event", language="fr")
    assert items["jobbeurs@hub.example.be"].title == {"nl": "Jobbeurs ICT"}  # a short title: detection cannot tell
    assert items["open-days@hub.example.be"].title == {"fr": "Journées portes ouvertes"}


def test_the_events_calendar_export_gives_its_image_from_attach(normalised):
    # WordPress's The Events Calendar puts the featured image in ATTACH;FMTTYPE=image/…: it was left out.
    _, items, rejections = normalised("ical", "events_calendar_wordpress.ics", content="event")
    assert rejections == []
    [item] = items.values()
    assert item.image_url == "https://maisondunumerique.example.be/wp-content/uploads/2026/02/wp.jpg"  # not the PDF
    assert item.title == {"fr": "Atelier – Créer son site avec WordPress"}
    assert item.description["fr"].startswith("<p>Un atelier <strong>pratique</strong>")  # X-ALT-DESC
    assert item.start_utc == datetime(2026, 3, 11, 13, 0, tzinfo=UTC)
    assert item.url == "https://maisondunumerique.example.be/evenement/atelier-wordpress/"


def test_google_meet_and_teams_blocks_give_the_online_link_and_leave_the_description(normalised):
    # Google Calendar and Outlook append their conference block to DESCRIPTION ("-::~:~::~…::-" lines, or a line
    # of underscores around "Microsoft Teams"): it ended every summary, and the meeting link was not the online one.
    _, items, rejections = normalised("ical", "conference_blocks.ics", content="event")
    assert rejections == []
    meet, teams = items["meet@hub.example.be"], items["teams@hub.example.be"]
    assert meet.summary == {"fr": "Webinaire sur la cybersécurité pour les PME. Inscription gratuite."}
    assert meet.online_url == "https://meet.google.com/abc-defg-hij" and meet.attendance_mode == "online"
    assert "::~" not in meet.description["fr"] and "Google Meet" not in meet.description["fr"]
    assert teams.summary["nl"] == "Toelichting bij de nieuwe oproep."
    assert teams.online_url.startswith("https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/")
    assert teams.attendance_mode == "online"


def test_events_without_an_occurrence_in_the_window_are_counted_in_a_warning(parse):
    # A calendar of past events gave "FAILED: the source yields no item" and not a word about its events.
    result = parse("ical", "past_events.ics")
    assert [item.key for item in result.items] == ["next@hub.example.be"] and result.rejections == []
    assert result.warnings == ["2 of 3 events have no occurrence between 2026-02-28 and 2027-03-01 (past, or further "
                               "ahead than the window): they are left out"]


def test_of_two_revisions_of_one_event_the_later_sequence_is_kept(parse):
    # A CMS appending the edited event kept both: the first (old day) was published, the revision rejected.
    result = parse("ical", "revised_uid_sequence.ics")
    by_key = {item.key: item for item in result.items}
    assert by_key["seq@hub.example.be"].title == "Café numérique (déplacé au vendredi)"
    assert by_key["seq@hub.example.be"].start.date() == datetime(2026, 3, 13).date()
    [rejection] = result.rejections
    assert (rejection.reason, rejection.key) == ("duplicate_key", "seq@hub.example.be")
    assert "SEQUENCE 2" in rejection.message and "(jeudi)" in rejection.excerpt


def test_a_deadline_written_as_an_event_is_the_call_s_deadline(normalised):
    # "Date limite : appel à projets …" on a day: a call whose date is its deadline. It was published as a call
    # opening that day ("forthcoming") without any deadline.
    _, items, rejections = normalised("ical", "deadline_events.ics", content="mixed")
    assert rejections == []
    innovation = items["deadline-innovation@hub.example.be"]
    assert innovation.kind == "call" and innovation.deadline_from == "field"
    assert innovation.deadline_utc == datetime(2026, 4, 15, 21, 59, 59, tzinfo=UTC)  # the end of that day in Brussels
    assert (innovation.start_utc, innovation.start_date, innovation.all_day) == (None, None, False)
    smart_city = items["deadline-smartcity@hub.example.be"]
    assert (smart_city.kind, smart_city.deadline_utc, smart_city.start_utc) == (
        "call", datetime(2026, 5, 1, 10, 0, tzinfo=UTC), None)
    # an information session about a call is a call by its words, but its date is no deadline: it keeps its start
    session = items["info-session@hub.example.be"]
    assert session.start_utc == datetime(2026, 3, 20, 9, 0, tzinfo=UTC) and session.deadline_utc is None


EXCHANGE_UID = "040000008200E00074C5B7101A82E00800000000"


def test_windows_zone_names_without_vtimezone_are_their_iana_zones(normalised):
    # An Exchange calendar published without VTIMEZONE blocks names its zones the Windows way; any such name is
    # read (CLDR's table, as icalendar ships it), and Romance Standard Time is Brussels, the Belgian zone CLDR names.
    result, items, rejections = normalised("ical", "windows_zones_without_vtimezone.ics", content="event")
    assert rejections == [] and result.warnings == []
    workshop = items[EXCHANGE_UID + "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6"]
    assert workshop.timezone == "Europe/Brussels" and workshop.start_utc == datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    webinar = items[EXCHANGE_UID + "B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7"]
    assert webinar.timezone == "Europe/Bucharest" and webinar.start_utc == datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    berlin = items[EXCHANGE_UID + "C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8"]
    assert berlin.timezone == "Europe/Berlin" and berlin.start_utc == datetime(2026, 7, 2, 12, 0, tzinfo=UTC)


def test_a_tzid_naming_no_zone_is_read_in_the_source_s_zone_with_a_warning(normalised):
    # Outlook's "Customized Time Zone" exported without its VTIMEZONE: icalendar leaves the times floating, and
    # they were read in the source's zone without a word.
    result, items, rejections = normalised("ical", "unknown_tzid_without_vtimezone.ics", content="event",
                                           default_timezone="Europe/Brussels")
    assert rejections == [] and len(items) == 2
    first = items[EXCHANGE_UID + "D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9"]
    assert first.start_utc == datetime(2026, 3, 17, 13, 0, tzinfo=UTC)  # 14:00 in Brussels
    [warning] = result.warnings
    assert warning.startswith("hub/agenda: DTSTART and DTEND of 2 event(s) (")
    assert f"'{EXCHANGE_UID}D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9'" in warning
    assert "give TZID 'Customized Time Zone', which names no time zone" in warning
    assert "read in the source's zone, Europe/Brussels" in warning
