from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.model import Item, RawItem, RawLocation, Rejection, item_id
from transforms.normalise import SourceContext, normalise, normalise_all

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CTX = SourceContext(
    partner_id="hub", source_id="agenda", content="mixed", language="fr",
    fallback_url="https://hub.example/", site_names=("Hub Brussels",),
)


def raw(**fields: object) -> RawItem:
    values: dict[str, object] = {"partner_id": "hub", "source_id": "agenda", "key": "evt-1", "title": "Atelier IA"}
    values.update(fields)
    return RawItem(**values)  # type: ignore[arg-type]


def item(**fields: object) -> Item:
    result = normalise(raw(**fields), CTX, now=NOW)
    assert isinstance(result, Item), result
    return result


def rejection(ctx: SourceContext = CTX, **fields: object) -> Rejection:
    result = normalise(raw(**fields), ctx, now=NOW)
    assert isinstance(result, Rejection), result
    return result


def test_a_full_record_becomes_an_item() -> None:
    result = item(
        key="evt-42",
        title="Atelier &amp; IA | Hub Brussels",
        description_html='<p>Venez <strong>découvrir</strong> l\'IA.</p><script>x()</script><a href="/inscription">S\'inscrire</a>',
        url="/agenda/atelier-ia?utm_source=newsletter#top",
        language="fr-BE",
        start="2026-03-10T18:30:00",
        end="2026-03-10T20:30:00",
        location=RawLocation(name="BeCentral", street="Cantersteen 12", postcode="1000", locality="Bruxelles"),
        attendance_mode="https://schema.org/OfflineEventAttendanceMode",
        status="https://schema.org/EventScheduled",
        price=0,
        registration_url="inscription",
        image_url="/img/atelier.png",
        categories=["IA", "Atelier", "ia"],
        published="Sun, 01 Feb 2026 10:00:00 +0100",
    )
    assert result.id == item_id("hub", "agenda", "evt-42") and result.source_key == "evt-42"
    assert result.kind == "event"
    assert result.title == {"fr": "Atelier & IA"}
    assert result.languages == ["fr"]
    assert result.url == "https://hub.example/agenda/atelier-ia?utm_source=newsletter#top"
    assert result.canonical_url == "https://hub.example/agenda/atelier-ia"
    assert result.description["fr"] == (
        '<p>Venez <strong>découvrir</strong> l\'IA.</p>'
        '<a href="https://hub.example/inscription" rel="noopener noreferrer nofollow">S\'inscrire</a>'
    )
    assert result.summary == {"fr": "Venez découvrir l'IA. S'inscrire"}
    assert result.start_utc == datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    assert result.end_utc == datetime(2026, 3, 10, 19, 30, tzinfo=UTC)
    assert result.all_day is False and result.start_date is None and result.timezone == "Europe/Brussels"
    assert (result.venue, result.postcode, result.municipality, result.country) == ("BeCentral", "1000", "brussels", "BE")
    assert result.attendance_mode == "in-person" and result.status == "scheduled"
    assert result.is_free is True and result.price == 0.0
    assert result.registration_url == "https://hub.example/agenda/inscription"
    assert result.image_url == "https://hub.example/img/atelier.png"
    assert result.source_categories == ["IA", "Atelier"]
    assert result.published_utc == datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def test_language_falls_back_to_the_source_language() -> None:
    assert item(language="de", start="2026-03-10").title == {"fr": "Atelier IA"}
    assert item(language="NL", start="2026-03-10").languages == ["nl"]


def test_all_day_record_keeps_dates() -> None:
    result = item(start=date(2026, 3, 10), end="2026-03-12", all_day=True)
    assert (result.start_date, result.end_date, result.all_day) == (date(2026, 3, 10), date(2026, 3, 12), True)
    assert result.start_utc is None and result.end_utc is None


def test_record_timezone_is_used_and_kept() -> None:
    result = item(start="2026-03-10T18:30", timezone="Europe/London")
    assert result.start_utc == datetime(2026, 3, 10, 18, 30, tzinfo=UTC) and result.timezone == "Europe/London"


def test_missing_url_uses_the_partner_website_without_a_canonical_url() -> None:
    result = item(start="2026-03-10")
    assert result.url == "https://hub.example/" and result.canonical_url is None


def test_a_call_keeps_its_deadline_at_the_end_of_the_day() -> None:
    result = item(title="Appel à projets numérique", deadline="2026-04-30")
    assert result.kind == "call"
    assert result.deadline_utc == datetime(2026, 4, 30, 21, 59, 59, tzinfo=UTC)


def test_plain_summary_is_preferred_and_capped() -> None:
    result = item(start="2026-03-10", summary="<p>Court résumé</p>", description_html="x " * 400)
    assert result.summary == {"fr": "Court résumé"}
    long = item(start="2026-03-10", description_html="mot " * 400)
    assert len(long.summary["fr"]) <= 280 and long.summary["fr"].endswith("…")


@pytest.mark.parametrize(
    ("status", "title", "expected"),
    [
        ("https://schema.org/EventCancelled", "Atelier", "cancelled"),
        ("CANCELLED", "Atelier", "cancelled"),
        ("EventPostponed", "Atelier", "postponed"),
        ("https://schema.org/EventRescheduled", "Atelier", "rescheduled"),
        (None, "ANNULÉ – Atelier IA", "cancelled"),
        (None, "Workshop geannuleerd", "cancelled"),
        (None, "Atelier IA (reporté)", "postponed"),
        (None, "Uitgesteld: hackathon", "postponed"),
        (None, "Hackathon Open Data – NOUVELLE DATE", "rescheduled"),
        (None, "Codeclub (nieuwe datum)", "rescheduled"),
        (None, "Atelier IA reprogrammé", "rescheduled"),
        ("CONFIRMED", "Atelier", "scheduled"),
    ],
)
def test_status(status: str | None, title: str, expected: str) -> None:
    assert item(status=status, title=title, start="2026-03-10").status == expected


def test_price_makes_an_item_paying() -> None:
    result = item(start="2026-03-10", price=15, currency="eur")
    assert (result.is_free, result.price, result.currency) == (False, 15.0, "EUR")


def test_bad_image_and_registration_urls_are_dropped_not_fatal() -> None:
    result = item(start="2026-03-10", image_url="javascript:alert(1)", registration_url="data:text/html,x")
    assert result.image_url is None and result.registration_url is None


@pytest.mark.parametrize("title", [None, "", "   ", "<p> </p>", "&nbsp;"])
def test_missing_title(title: str | None) -> None:
    result = rejection(title=title, start="2026-03-10")
    assert (result.reason, result.field, result.stage, result.key) == ("missing_title", "title", "normalise", "evt-1")


@pytest.mark.parametrize("field", ["start", "end", "deadline", "published"])
def test_unreadable_dates_are_invalid_date_naming_field_and_value(field: str) -> None:
    fields: dict[str, object] = {"start": "2026-03-10T10:00", field: "le 10 mars prochain"}
    result = rejection(**fields)
    assert (result.reason, result.field) == ("invalid_date", field)
    assert result.message.startswith(f"{field} ('le 10 mars prochain')")


def test_implausible_dates_are_invalid_date() -> None:
    early = rejection(start="1999-12-31T10:00")
    assert (early.reason, early.field) == ("invalid_date", "start") and "1999-12-31" in early.message
    late = rejection(start="2026-03-10", deadline="2040-01-01")
    assert (late.reason, late.field) == ("invalid_date", "deadline") and "2040-01-01" in late.message


def test_event_without_start_is_missing_start() -> None:
    ctx = SourceContext(partner_id="hub", source_id="agenda", content="event", language="fr")
    result = rejection(ctx)
    assert (result.reason, result.field) == ("missing_start", "start")


def test_end_before_start() -> None:
    result = rejection(start="2026-03-10T18:00", end="2026-03-10T16:00")
    assert (result.reason, result.field) == ("end_before_start", "end")
    assert result.message == "end (2026-03-10 16:00) is before start (2026-03-10 18:00)"
    all_day = rejection(start=date(2026, 3, 10), end=date(2026, 3, 9))
    assert all_day.reason == "end_before_start"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://hub.example/x"])
def test_invalid_url(url: str) -> None:
    result = rejection(url=url, start="2026-03-10")
    assert (result.reason, result.field) == ("invalid_url", "url") and url[:10] in result.message


def test_hostile_description_is_defused() -> None:
    hostile = (
        '<p onclick="x()" style="position:fixed">Texte</p><script>alert(1)</script>'
        '<img src="a.png" onerror="alert(1)"><a href="javascript:alert(1)">lien</a>'
        '<iframe src="https://evil.example"></iframe><style>*{}</style>'
    )
    html = item(start="2026-03-10", url="https://hub.example/e/1", description_html=hostile).description["fr"]
    assert html == '<p>Texte</p><img src="https://hub.example/e/a.png">lien'


def test_normalise_all_splits_items_and_rejections_and_rejects_repeated_keys() -> None:
    raws = [raw(key="a", start="2026-03-10"), raw(key="b", title=None), raw(key="a", title="Autre", start="2026-03-11")]
    items, rejections = normalise_all(raws, CTX, now=NOW)
    assert [i.source_key for i in items] == ["a"] and items[0].title == {"fr": "Atelier IA"}
    assert [(r.key, r.reason) for r in rejections] == [("b", "missing_title"), ("a", "duplicate_key")]


_time_values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["2026-03-10", "2026-03-10T18:30", "Tue, 10 Mar 2026 18:30:00 GMT", "1900-01-01", "9999-12-31T23:59:59-12:00"]),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, UTC])),
)
_raw_items = st.builds(
    RawItem,
    partner_id=st.just("hub"),
    source_id=st.just("agenda"),
    key=st.text(max_size=10),
    title=st.one_of(st.none(), st.text(max_size=40)),
    description_html=st.one_of(st.none(), st.text(max_size=200)),
    summary=st.one_of(st.none(), st.text(max_size=50)),
    url=st.one_of(st.none(), st.text(max_size=30), st.just("javascript:alert(1)")),
    language=st.one_of(st.none(), st.text(max_size=5)),
    kind=st.one_of(st.none(), st.text(max_size=10)),
    start=_time_values,
    end=_time_values,
    all_day=st.booleans(),
    timezone=st.one_of(st.none(), st.text(max_size=20), st.just("Europe/Brussels")),
    deadline=_time_values,
    location=st.one_of(st.none(), st.builds(RawLocation, name=st.one_of(st.none(), st.text(max_size=20)),
                                           postcode=st.one_of(st.none(), st.text(max_size=6)),
                                           text=st.one_of(st.none(), st.text(max_size=40)))),
    attendance_mode=st.one_of(st.none(), st.text(max_size=10)),
    status=st.one_of(st.none(), st.text(max_size=10)),
    price=st.one_of(st.none(), st.floats(allow_nan=True)),
    categories=st.lists(st.text(max_size=10), max_size=3),
    published=_time_values,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_raw_items, st.sampled_from(["event", "call", "news", "mixed"]))
def test_normalise_never_raises_and_items_respect_the_model(record: RawItem, content: str) -> None:
    ctx = SourceContext(partner_id="hub", source_id="agenda", content=content, language="en", fallback_url="https://hub.example/")
    result = normalise(record, ctx, now=NOW)
    if isinstance(result, Rejection):
        assert result.reason != "normalise_error", result.message
        assert result.field and result.message
        return
    assert result.kind in ("event", "call", "news")
    assert set(result.title) == set(result.languages) and all(result.title.values())
    for instant in (result.start_utc, result.end_utc, result.deadline_utc, result.published_utc):
        assert instant is None or instant.utcoffset().total_seconds() == 0
    if result.start_utc and result.end_utc:
        assert result.end_utc >= result.start_utc
    assert result.url is None or result.url.startswith(("http://", "https://"))
    assert all("<script" not in text.lower() for text in result.description.values())


# --- fast paths: each must give what the general path gives --------------------------------------------------

_html_like = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(["<a href='https://x.be/r'>S'inscrire</a>", "<A HREF=\"https://x.be/t\">Tickets</A>", "< a href=x>",
                         "&lt;a&gt;", "<p>", "</p>", "&amp;", "&#233;", "<br/>", "\u200b", "\u00a0", "\n\t", "<b>register</b>",
                         "<a>no href</a>", "<abbr>a</abbr>", "Inschrijven"]),
    ),
    max_size=6,
).map("".join)


@given(_html_like)
def test_plain_text_is_the_html_reader_then_collapsed(value: str) -> None:
    from transforms.normalise import plain_text
    from transforms.text import collapse_whitespace, html_to_text

    assert plain_text(value) == collapse_whitespace(html_to_text(value))


@given(_html_like)
def test_registration_link_guard_changes_nothing(value: str) -> None:
    from transforms.normalise import _registration_link
    from transforms.prices import registration_link

    assert _registration_link(value) == registration_link(value)


@given(st.one_of(st.none(), st.sampled_from(["online", "OfflineEventAttendanceMode", "https://schema.org/MixedEventAttendanceMode", "x"])),
       st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["Webinaire IA", "Webinar: data", "Atelier"])))
def test_a_missing_location_reads_as_an_empty_one(mode: str | None, title: str | None) -> None:
    from transforms.places import resolve_place

    assert resolve_place(None, mode, title=title) == resolve_place(RawLocation(), mode, title=title)


def _municipality_reference(text: str | None, *, is_locality: bool = False) -> str | None:
    """places.municipality_from_text as it was written first: one regular expression per name and call."""
    import re

    from transforms.places import _AMBIGUOUS_IN_FREE_TEXT, _NAMES
    from transforms.text import fold

    if not text:
        return None
    haystack = " " + re.sub(r"[-\s]+", " ", fold(text)) + " "
    matches = []
    for name, key in _NAMES:
        if key in _AMBIGUOUS_IN_FREE_TEXT and name == key and not is_locality:
            continue
        found = re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", haystack)
        if found:
            matches.append((found.start(), key))
    if not matches:
        return None
    specific = sorted(m for m in matches if m[1] != "brussels")
    return (specific or sorted(matches))[0][1]


@given(st.lists(st.one_of(st.text(max_size=8), st.sampled_from(
    ["Ixelles", "Bruxelles", "Forest", "forest", "Saint-Gilles", "Saint Gilles", "St-Josse", "Sint-Jans-Molenbeek",
     "Woluwe-St-Lambert", "Elsene", "Laeken", "1050", ", ", "-", "Watermael"])), max_size=5).map(" ".join), st.booleans())
def test_municipality_from_text_matches_its_first_writing(text: str, is_locality: bool) -> None:
    from transforms.places import municipality_from_text

    assert municipality_from_text(text, is_locality=is_locality) == _municipality_reference(text, is_locality=is_locality)


@given(st.text(max_size=80))
def test_language_detection_thresholds_are_unchanged(text: str) -> None:
    from transforms.language import MIN_LETTERS, MIN_WORDS, _has_letters

    assert _has_letters(text, MIN_LETTERS) == (sum(1 for c in text if c.isalpha()) >= MIN_LETTERS)
    assert (len(text.split(None, MIN_WORDS - 1)) < MIN_WORDS) == (len(text.split()) < MIN_WORDS)


def _canonical_reference(url: str) -> str:
    """urls.canonical_url as it was written first (query parsed even when empty)."""
    import re
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    from transforms.urls import _IGNORED_CHARS, DEFAULT_PORTS, _is_tracking

    cleaned = _IGNORED_CHARS.sub("", url).strip()
    try:
        parts = urlsplit(cleaned)
        scheme, host, port = parts.scheme.lower(), (parts.hostname or "").rstrip("."), parts.port
    except ValueError:
        return cleaned
    if not host:
        return cleaned
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params)), ""))


@given(st.builds(lambda scheme, host, path, query, fragment: f"{scheme}{host}{path}{query}{fragment}",
                 st.sampled_from(["https://", "HTTP://", "", "mailto:"]),
                 st.sampled_from(["hub.example", "Hub.Example:443", "[::1]:80", "", "h.example:99999"]),
                 st.text("/a.b-_%~", max_size=12), st.sampled_from(["", "?", "?utm_source=x&b=1", "?&", "?a=1&a=0"]),
                 st.sampled_from(["", "#x"])))
def test_canonical_url_matches_its_first_writing(url: str) -> None:
    from transforms.urls import canonical_url

    assert canonical_url(url) == _canonical_reference(url)


def test_a_gigantic_title_is_cut_at_a_word() -> None:
    from transforms.normalise import TITLE_MAX_CHARS

    title = next(iter(item(title="Atelier numérique " * 10_000).title.values()))
    assert len(title) <= TITLE_MAX_CHARS and title.endswith("…") and title.startswith("Atelier numérique Atelier")
    assert item(title="Atelier IA").title == {"fr": "Atelier IA"}


def test_a_news_item_published_in_the_future_falls_back_on_a_plausible_update_time() -> None:
    news = item(published="2027-02-27T10:00:00Z", updated="2026-02-27T10:00:00Z", url="https://hub.example/n")
    assert news.kind == "news" and news.published_utc == datetime(2026, 2, 27, 10, 0, tzinfo=UTC)


def test_an_event_keeps_a_publication_time_in_the_future() -> None:
    # Only news is ordered by when it was published: an event announced with a future date in its feed is untouched.
    event = item(start="2027-03-10T18:00:00+01:00", published="2027-02-27T10:00:00Z")
    assert event.kind == "event" and event.published_utc == datetime(2027, 2, 27, 10, 0, tzinfo=UTC)


def test_future_news_is_named_in_one_warning_per_source() -> None:
    raws = [raw(key=f"n{i}", title=f"Nouvelle {i}", published="2027-01-01T10:00:00Z") for i in range(7)]
    warnings: list[str] = []
    items, rejections = normalise_all(raws, CTX, now=NOW, warnings=warnings)
    assert len(items) == 7 and rejections == [] and all(i.published_utc is None for i in items)
    [warning] = warnings
    assert warning.startswith("hub/agenda: 7 news item(s) dated more than a day after this fetch (2026-03-01 10:00")
    assert "'n4' (2027-01-01 11:00) and 2 more" in warning
