"""Descriptions as partners really send them: HTML escaped once too often, hostile markup, gigantic fields."""
from __future__ import annotations

from transforms.normalise import SourceContext, normalise_all
from transforms.text import DESCRIPTION_MAX_CHARS
from tests.connectors.parsers.conftest import NOW, run


def test_html_escaped_json_ld_description_is_read_as_html_and_sanitised(normalised):
    _, items, rejections = normalised("jsonld", "escaped_description.html", language="nl")
    assert rejections == []
    item = items["https://kanaal.example.be/agenda/3d-printen"]
    assert item.title == {"nl": "Workshop 3D-printen & lasersnijden"}
    description = item.description["nl"]
    assert description.startswith("<p>Leer <strong>3D-printen</strong> in ons fablab.</p>")
    assert '<a href="https://kanaal.example.be/inschrijven" rel="noopener noreferrer nofollow">Inschrijven</a>' in description
    for forbidden in ("&lt;", "track()", "onclick", "<script"):
        assert forbidden not in description, forbidden
    assert item.summary["nl"] == "Leer 3D-printen in ons fablab. Inschrijven"


def test_a_gigantic_description_is_cut_and_the_feed_still_read():
    body = "".join((
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Hub</title>',
        "<link>https://hub.example.be/</link><description>d</description>",
        "<item><title>Gigantesque</title><link>https://hub.example.be/g</link><description><![CDATA[<p>",
        "Un texte <b>interminable</b> collé depuis un traitement de texte. " * 100_000,  # 6.6 MB
        "</p>]]></description></item>",
        "<item><title>Normal</title><link>https://hub.example.be/n</link><description>Court.</description></item>",
        "</channel></rss>",
    )).encode()
    result = run("rss", body)
    context = SourceContext(partner_id="hub", source_id="agenda", content="news", language="fr")
    items, rejections = normalise_all(result.items, context, now=NOW)
    assert rejections == [] and [i.title["fr"] for i in items] == ["Gigantesque", "Normal"]
    description = items[0].description["fr"]
    assert len(description) < 2 * DESCRIPTION_MAX_CHARS and description.endswith("<p>…</p>")
    assert description.count("<b>") == description.count("</b>")
    assert len(items[0].summary["fr"]) <= 280


def test_cdata_and_entity_encoded_descriptions_are_sanitised(normalised):
    _, items, rejections = normalised("rss", "rss20_hostile_descriptions.xml", content="news")
    assert rejections == []
    first, second = items["hub-1001"], items["hub-1002"]
    assert first.title == {"fr": "Atelier & rencontre : l’IA à Bruxelles"}
    assert second.title == {"fr": "Workshop data voor KMO's"}
    for item in (first, second):
        description = next(iter(item.description.values())).lower()
        for forbidden in ("<script", "alert(", "<iframe", "evil.example", "onclick", "onerror", "onmouseover",
                          "style=", "javascript:", "<object"):
            assert forbidden not in description, (item.source_key, forbidden)
    assert '<a href="https://hub.example.be/inscription" rel="noopener noreferrer nofollow">Inscription</a>' in \
        first.description["fr"]
    assert "<em>praktische</em>" in next(iter(second.description.values()))
