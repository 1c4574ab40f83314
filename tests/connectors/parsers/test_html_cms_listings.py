"""html listings as CMSs generate them (TYPO3's news list, a Drupal View), served over HTTP on 127.0.0.1."""
from __future__ import annotations

from datetime import date, datetime

from pytest_httpserver import HTTPServer

from tests.connectors.parsers.test_html_shapes import html_source, read, serve


def typo3_source(url: str):
    return html_source(url, language="nl", items="div.news-list-view div.article", fields={
        "key": {"css": "h3 a", "attr": "href", "regex": "/detail/([^/?#]+)"},
        "title": "h3 [itemprop=headline]", "url": "h3 a", "start": ".news-list-event-date",
        "image_url": ".news-img-wrap img", "categories": {"css": ".news-list-category", "all": True}},
        pagination={"next": "li.next a", "max_pages": 1})


def test_a_typo3_page_s_links_and_images_resolve_against_its_base_href(httpserver: HTTPServer) -> None:
    # TYPO3 writes <base href="https://www.digitaalhuis.example.be/"> and relative image paths (fileadmin/…):
    # they were resolved against the address read, an image link that leads nowhere.
    result, warnings = read(typo3_source(serve(httpserver, "typo3_news_list.html", path="/nl/agenda")))
    workshop = next(item for item in result.items if item.key == "workshop-ai-voor-vzws")
    assert workshop.url == "https://www.digitaalhuis.example.be/nl/agenda/detail/workshop-ai-voor-vzws"
    assert workshop.image_url == ("https://www.digitaalhuis.example.be/fileadmin/_processed_/3/a/"
                                  "csm_ai-workshop_6f1e2d9b4c.jpg")
    # the pager's next link too
    assert any("https://www.digitaalhuis.example.be/nl/agenda?tx_news_pi1%5BcurrentPage%5D=2" in w for w in warnings)


def test_typo3_dutch_dates_with_abbreviated_days_and_months_and_dotted_dates(httpserver: HTTPServer) -> None:
    result, _ = read(typo3_source(serve(httpserver, "typo3_news_list.html", path="/nl/agenda")))
    starts = {item.key: (item.start, item.end) for item in result.items}
    assert starts == {
        "workshop-ai-voor-vzws": (datetime(2027, 3, 3, 19, 0), None),           # wo 3 mrt. 2027 - 19:00
        "infosessie-digitale-cheques": (date(2027, 3, 3), None),                # 03.03.2027
        "repair-cafe-maart": (datetime(2027, 3, 13, 14, 0), datetime(2027, 3, 13, 17, 0)),  # za 13 mrt. 2027 - 14:00 - 17:00
    }
    assert result.warnings == []


def test_a_price_field_free_for_some_gives_the_price_of_the_others(httpserver: HTTPServer) -> None:
    # A Drupal View's tariff field: "10 € (membres : gratuit)" was read as free.
    url = serve(httpserver, "drupal_views_list.html")
    result, _ = read(html_source(url, items="div.view-content div.views-row", fields={
        "title": ".views-field-title a", "url": ".views-field-title a", "start": ".views-field-field-dates .field-content",
        "price": ".views-field-field-tarif .field-content"}))
    prices = {item.title: (item.price, item.is_free) for item in result.items}
    assert prices["Matinée e-commerce"] == (10.0, None)
    assert prices["Hackathon open data"] == (0.0, None)  # "Gratuit"
    assert prices["Formation WordPress"] == (45.0, None)
    dates = {item.title: (item.start, item.end) for item in result.items}
    assert dates["Hackathon open data"] == (date(2027, 3, 3), date(2027, 3, 5))  # du mercredi 3 au vendredi 5 mars 2027
    assert dates["Matinée e-commerce"] == (datetime(2027, 3, 12, 9, 0), datetime(2027, 3, 12, 12, 30))
