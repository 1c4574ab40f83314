"""The agenda page in a real browser: headless Chromium (Debian's) driven by Playwright, against the running server."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import serving

SCREENSHOTS = Path(os.environ.get("BEDIGITAL_SCREENSHOTS", "data/screenshots"))



@pytest.fixture
def page(browser, published: Path):
    with serving(published) as url:
        context = browser.new_context(base_url=url, locale="fr-BE", extra_http_headers={"Accept-Language": "fr-BE,fr;q=0.9"},
                                      viewport={"width": 390, "height": 844})  # a phone
        yield context.new_page()
        context.close()


def event_titles(page) -> list[str]:
    return page.locator("#events h4").all_inner_texts()


def test_filters_language_and_item_page_in_a_browser(page) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#h-events").inner_text() == "Événements à venir"
    assert event_titles(page) == ["Atelier intelligence artificielle", "Cybersecurity webinar for start-ups",
                                  "Salon numérique", "Conférence annulée"]

    # Filters, by keyboard and by label, change the list.
    page.get_by_label("Thème").select_option("ai")
    page.get_by_label("Gratuit").check()
    page.get_by_role("button", name="Appliquer").press("Enter")
    page.wait_for_url("**free=true**")
    assert event_titles(page) == ["Atelier intelligence artificielle", "Salon numérique"]
    assert page.locator("#calls h4").all_inner_texts() == []  # the grant is not said to be free
    page.get_by_label("En ligne").check()
    page.get_by_label("Gratuit").uncheck()
    page.get_by_label("Thème").select_option("")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url("**online=true**")
    assert event_titles(page) == ["Cybersecurity webinar for start-ups"]

    # The language switch changes the labels and keeps the filters.
    page.get_by_role("link", name="Nederlands").click()
    page.wait_for_url("**lang=nl**")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("#h-events").inner_text() == "Komende evenementen"
    assert page.get_by_label("Online").is_checked()
    page.get_by_role("link", name="Alles tonen").click()
    page.wait_for_url("**/?lang=nl")
    assert event_titles(page)[0] == "Workshop artificiële intelligentie"

    # An item page opens, with its partners, categories and a calendar link.
    page.get_by_role("link", name="Workshop artificiële intelligentie").click()
    page.wait_for_url("**/items/**")
    assert page.locator("h1").inner_text() == "Workshop artificiële intelligentie"
    assert page.get_by_role("link", name="ingestierapport").get_attribute("href") == "/partners/hub"
    assert "Artificiële intelligentie" in page.locator(".facts").inner_text()
    assert page.get_by_role("link", name="Toevoegen aan mijn agenda").get_attribute("href").endswith("/calendar.ics?lang=nl")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "item-nl.png"), full_page=True)
    page.goto("/?lang=en")
    page.screenshot(path=str(SCREENSHOTS / "agenda-en.png"), full_page=True)
    assert (SCREENSHOTS / "agenda-en.png").stat().st_size > 10_000
