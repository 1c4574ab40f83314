"""The report rendered from the figures: charts inline, the same figures under them, in FR, NL and EN."""
from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET

from bedigital.insight.report import render_html, render_json

from .figures import charts, figure, table_rows


def test_the_report_has_its_charts_each_a_valid_svg_with_no_external_reference(insight) -> None:
    html = render_html(insight, "fr")
    images = charts(html)
    # activity, trend, themes, formats, audiences, municipalities map, partners, languages, attendance
    assert len(images) == 9
    for uri in images:
        svg = base64.b64decode(uri.split(",", 1)[1])
        assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"
        assert not re.search(rb'href="(?!#)', svg)  # links only to its own elements: nothing to fetch
    assert "<script" not in html and "<link" not in html  # a file that travels alone
    assert charts(render_html(insight, "fr")) == images  # the same figures draw the same pictures


def test_the_figures_under_the_charts_are_the_warehouse_figures(insight) -> None:
    html = render_html(insight, "en")
    assert [figure(html, k) for k in ("items", "events", "calls", "news", "cancelled")] == [12, 5, 4, 3, 1]
    assert table_rows(html, "activity-table")[0] == ["Artificial intelligence", "2", "0", "2", "4"]
    assert table_rows(html, "trend-table") == [["Events", "2", "2", "1", "5"], ["Calls", "1", "1", "2", "4"],
                                               ["News", "1", "0", "2", "3"]]
    assert table_rows(html, "partners-table") == [["Hub EN", "5", "5", "0", "0"], ["Innov EN", "4", "0", "4", "0"],
                                                  ["Media EN", "3", "0", "0", "3"], ["Quiet EN", "0", "0", "0", "0"]]
    assert table_rows(html, "groups-table") == [["Internet of Things", "1"], ["Virtual and augmented reality", "0"],
                                                ["Big data and data", "1"], ["Artificial intelligence", "4"]]
    municipalities = table_rows(html, "municipalities-table")
    assert municipalities[:3] == [["City of Brussels", "1"], ["Ixelles", "1"], ["Schaerbeek", "1"]]
    assert municipalities[-2:] == [["Leuven (Outside the Region)", "1"], ["No place (online or not given)", "8"]]
    assert [figure(html, k) for k in ("opened", "closed", "ahead", "opened_without_deadline")] == [4, 2, 3, 1]
    assert table_rows(html, "languages-table") == [["French", "8", "66.7%"], ["Dutch", "6", "50.0%"],
                                                   ["English", "6", "50.0%"]]
    assert table_rows(html, "price-table")[0] == ["Free", "3", "60.0%"]
    assert [figure(html, k) for k in ("sources_failing", "rejected", "runs")] == [1, 2, 1]
    assert table_rows(html, "failing-table") == [["quiet / feed", "2", "never", "HTTP 503"]]


def test_labels_in_each_language(insight) -> None:
    french, dutch = render_html(insight, "fr"), render_html(insight, "nl")
    assert '<html lang="fr">' in french and "Rapport de l&#39;écosystème numérique bruxellois" in french
    assert "du jeudi 1 janvier 2026 au mardi 31 mars 2026" in french
    assert table_rows(french, "languages-table")[0] == ["français", "8", "66,7 %"]
    assert '<html lang="nl">' in dutch and "Gewestelijk Innovatieplan" in dutch
    assert table_rows(dutch, "activity-table")[0][0] == "Artificiële intelligentie"
    assert "Elsene" in [row[0] for row in table_rows(dutch, "municipalities-table")]


def test_json_is_the_figures_themselves(insight) -> None:
    assert json.loads(render_json(insight)) == json.loads(json.dumps(insight, default=str))
