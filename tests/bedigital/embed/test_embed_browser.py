"""The embed in a real browser, inside an iframe of a page on another origin (another port), and by script tag."""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import AI_TITLES, embed_app, host_site, serving



@pytest.fixture
def sites(published: Path):
    """A partner site allowed to frame the embed, one that is not, and the agenda server configured so."""
    with host_site() as allowed, host_site() as other:
        with serving(embed_app(published, [allowed.origin])) as api:
            yield api, allowed, other


def test_the_embed_renders_in_an_iframe_of_an_allowed_origin_and_not_elsewhere(browser, sites) -> None:
    api, allowed, other = sites
    frame_tag = f'<iframe id="agenda" title="Agenda" src="{api}/embed?theme=ai&amp;lang=en" width="360" height="500"></iframe>'
    allowed.pages["/"] = f"<!doctype html><title>Partner</title><h1>Our partner site</h1>{frame_tag}"
    other.pages["/"] = f"<!doctype html><title>Other</title>{frame_tag}"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(allowed.origin + "/")
        frame = page.frame_locator("#agenda")
        frame.locator("h1").wait_for()
        titles = frame.locator("li > a").all_inner_texts()
        assert set(titles) == AI_TITLES
        assert frame.locator("a.mark").inner_text() == "bedigital.brussels"
        assert frame.get_by_role("link", name="See the full agenda on bedigital.brussels").get_attribute(
            "href") == f"{api}/?theme=ai&lang=en"
        assert context.cookies() == []

        # Framed by a site that is not configured, the browser refuses to show it.
        page.goto(other.origin + "/")
        page.wait_for_load_state("load")
        embedded = next(f for f in page.frames if f != page.main_frame)
        assert embedded.locator("a.mark").count() == 0
        assert "bedigital.brussels" not in (embedded.content() or "")
    finally:
        context.close()


def test_the_script_tag_inserts_a_sized_iframe(browser, sites) -> None:
    api, allowed, _ = sites
    allowed.pages["/"] = (f'<!doctype html><title>Partner</title><h1>Agenda</h1>'
                          f'<script src="{api}/embed/embed.js" data-theme="ai" data-lang="fr" data-title="Agenda IA"></script>'
                          '<p id="after">after</p>')
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    try:
        page = context.new_page()
        page.goto(allowed.origin + "/")
        iframe = page.locator('iframe[title="Agenda IA"]')
        assert iframe.get_attribute("src") == f"{api}/embed?theme=ai&lang=fr"
        frame = page.frame_locator('iframe[title="Agenda IA"]')
        assert set(frame.locator("li > a").all_inner_texts()) == {"Atelier intelligence artificielle", "AI grant"}
        # The embed reports its height and embed.js sizes the iframe to it (no scroll bar inside).
        page.wait_for_function("document.querySelector('iframe').style.height !== '480px'")
        inner = frame.locator("html").evaluate("e => Math.ceil(e.getBoundingClientRect().height)")
        assert iframe.evaluate("e => e.getBoundingClientRect().height") == pytest.approx(max(inner, 120), abs=1)
    finally:
        context.close()
