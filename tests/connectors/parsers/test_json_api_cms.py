"""json_api sources on headless CMSs and search APIs (Strapi v4, Directus, Contentful, the EU Funding & Tenders
portal), served over HTTP on 127.0.0.1 with their own paging parameters and read as a run reads them."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from connectors.crawl import crawl_job, fetch_everything_sync
from connectors.parsers import ParseResult, parse_pages
from tests.connectors.parsers.test_json_api_shapes import FAST, FIXTURES, NOW, api_source, read, serve
from transforms.normalise import SourceContext, normalise_all


def respond(server: HTTPServer, path: str, query: dict[str, str], name: str) -> None:
    server.expect_request(path, query_string=query).respond_with_data((FIXTURES / name).read_bytes(),
                                                                      content_type="application/json")


def read_strapi(server: HTTPServer, fields: dict[str, object], **params: str) -> ParseResult:
    """The Strapi v4 fixture's two pages (pagination[page], pagination[pageSize]=2), read with these fields."""
    for page in (1, 2):
        respond(server, "/api/events", {**params, "pagination[page]": str(page), "pagination[pageSize]": "2"},
                f"strapi_v4_page{page}.json")
    source = api_source(server.url_for("/api/events"), records="data", params=params, ignore=["attributes"],
                        fields={"key": "id", "title": "attributes.title", "start": "attributes.startDate", **fields},
                        pagination={"type": "page_number", "param": "pagination[page]",
                                    "size_param": "pagination[pageSize]", "size": 2, "total": "meta.pagination.total"})
    return read(source)[0]


def test_a_two_stage_call_is_due_at_its_next_cut_off_not_its_first(httpserver: HTTPServer) -> None:
    # The portal lists every cut-off of a call in metadata.deadlineDate; the first (10 February) is past on 1 March.
    source = api_source(serve(httpserver, "eu_ft_search_cutoffs.json", path="/search-api/prod/rest/search"),
                        content="call", language="en", records="results", ignore=["metadata", "summary", "content"],
                        fields={"key": "metadata.identifier[0]", "title": "title", "language": "language",
                                "start": "metadata.startDate[0]",
                                "deadline": {"path": "metadata.deadlineDate", "regex": r"^(\d{4}-\d{2}-\d{2})",
                                             "template": "{value} 17:00", "format": "%Y-%m-%d %H:%M",
                                             "timezone": "Europe/Brussels"}})
    result, _ = read(source)
    deadlines = {item.key: item.deadline for item in result.items}
    assert deadlines["HORIZON-CL4-2026-HUMAN-01-07"].isoformat() == "2026-09-16T17:00:00+02:00"
    assert deadlines["DIGITAL-2026-SKILLS-08-ACADEMY"].isoformat() == "2026-06-25T17:00:00+02:00"
    # a tender in French keeps its own language
    assert {item.key: item.language for item in result.items}["EC-CNECT/2026/OP/0012"] == "fr"


def test_every_cut_off_past_gives_the_last_and_a_plain_list_of_iso_dates_is_read_too(httpserver: HTTPServer) -> None:
    source = api_source(serve(httpserver, "eu_ft_search_cutoffs.json", path="/search-api/prod/rest/search"),
                        content="call", language="en", records="results", ignore=["metadata", "summary", "content", "language"],
                        fields={"key": "metadata.identifier[0]", "title": "title", "deadline": "metadata.deadlineDate"})
    _, [crawl] = fetch_everything_sync([], [crawl_job("lab", source, now=NOW, force=True)], FAST)
    later = parse_pages(source, crawl.pages, partner_id="lab", now=datetime(2026, 11, 30, tzinfo=UTC))
    assert {item.key: item.deadline for item in later.items}["HORIZON-CL4-2026-HUMAN-01-07"] == "2026-09-16T00:00:00.000+0200"


def test_strapi_pages_by_pagination_page_and_its_relative_uploads_are_files_of_the_api(httpserver: HTTPServer) -> None:
    result = read_strapi(httpserver, {"image_url": "attributes.cover.data.attributes.url",
                                      "categories": "attributes.category.data.attributes.name"}, populate="*")
    assert [item.key for item in result.items] == ["12", "15", "19"] and result.warnings == []
    # /uploads/… lives on the CMS (the API's host), not on the partner's website
    assert result.items[0].image_url == httpserver.url_for("/uploads/figma_3b2c.jpg")
    context = SourceContext(partner_id="lab", source_id="events", content="event", language="fr",
                            fallback_url="https://medialab.example.be/")
    items, _ = normalise_all(result.items, context, now=NOW)
    assert items[0].image_url == httpserver.url_for("/uploads/figma_3b2c.jpg")


def test_directus_pages_with_filter_count_and_its_assets_resolve_against_the_api(httpserver: HTTPServer) -> None:
    for page in (1, 2):
        respond(httpserver, "/items/events", {"meta": "filter_count", "page": str(page), "limit": "2"}, f"directus_page{page}.json")
    source = api_source(httpserver.url_for("/items/events"), records="data", params={"meta": "filter_count"},
                        fields={"key": "id", "title": "titre", "start": "date_debut",
                                "image_url": {"path": "image", "template": "/assets/{value}"}},
                        ignore=["status", "sort", "user_created", "date_created", "date_updated", "date_fin", "lieu",
                                "adresse", "texte", "lien_inscription", "gratuit", "thematiques"],
                        pagination={"type": "page_number", "param": "page", "size_param": "limit", "size": 2,
                                    "total": "meta.filter_count"})
    result, _ = read(source)
    assert len(result.items) == 3 and result.warnings == []
    assert result.items[0].image_url == httpserver.url_for("/assets/0c9e6a1d-2f3b-4e5c-8d7a-6b5c4d3e2f10")


def test_contentful_links_reach_the_assets_the_document_includes(httpserver: HTTPServer) -> None:
    path = "/spaces/x7kq2m9zb4/environments/master/entries"
    respond(httpserver, path, {"content_type": "event", "limit": "2", "skip": "0"}, "contentful_skip0.json")
    respond(httpserver, path, {"content_type": "event", "limit": "2", "skip": "2"}, "contentful_skip2.json")
    source = api_source(httpserver.url_for(path), language="en", records="items", params={"content_type": "event"},
                        fields={"key": "sys.id", "title": "fields.title", "start": "fields.startDate",
                                "image_url": "fields.heroImage.fields.file.url"},
                        ignore=["metadata", "sys", "fields"],
                        pagination={"type": "offset", "param": "skip", "size_param": "limit", "size": 2, "total": "total"})
    result, _ = read(source)
    images = {item.key: item.image_url for item in result.items}
    assert images == {
        "4BqrajvA8E6qwgkieoqmqO": "http://images.ctfassets.net/x7kq2m9zb4/6yQKx5bkZ2mIuWcQeSoaWc/0f3e9a/wit-spring.jpg",
        "1nDmbS2yAgaE2m8yQqGcQi": "http://images.ctfassets.net/x7kq2m9zb4/2Rf9yYh3QwKmW0iEoGkS8A/77aa01/a11y.png",
        "7cTQ0m3bYx1sKaG6uYwE2p": None,
    }


def test_a_markdown_description_is_published_as_html_when_the_field_says_so(httpserver: HTTPServer) -> None:
    # Strapi v4's rich text is Markdown: "## Au programme" and "**Figma**" were published as they are written.
    result = read_strapi(httpserver, {"description_html": {"path": "attributes.description", "format": "markdown"}})
    assert result.warnings == []
    figma = result.items[0].description_html
    assert figma.startswith("<h2>Au programme</h2>\n<ul>\n<li>Les bases de <strong>Figma</strong></li>")
    assert '<a href="https://medialab.example.be/modele">modèle gratuit</a>' in figma
    assert result.items[1].description_html == "<p>Entrée libre.</p>"


def test_format_markdown_is_for_texts_only() -> None:
    with pytest.raises(ValidationError, match="title: format markdown is for summary, description_html only"):
        api_source("https://lab.example/api", fields={"key": "id", "title": {"path": "title", "format": "markdown"},
                                                       "start": "start"})
    with pytest.raises(ValidationError, match=r"or markdown \(summary, description_html\)"):
        api_source("https://lab.example/api", fields={"key": "id", "title": "title", "start": {"path": "start", "format": "md"}})


def test_a_contentful_rich_text_description_is_published_as_html_not_rejected(httpserver: HTTPServer) -> None:
    # A Rich Text field is a document of nodes: the record was rejected, told to map nodeType, data or content.
    source = api_source(serve(httpserver, "contentful_rich_text.json", path="/spaces/x/entries"), language="en",
                        records="items", ignore=["sys", "metadata"],
                        fields={"key": "sys.id", "title": "fields.title", "start": "fields.startDate",
                                "description_html": "fields.body"})
    result, _ = read(source)
    assert result.rejections == []
    [item] = result.items
    assert item.description_html == (
        '<h2>What you will learn</h2><p>Three days to read, clean and <strong>visualise</strong> open data. See the '
        '<a href="https://opendata.example.brussels">Brussels portal</a> &amp; more.</p><ul><li><p><em>Spreadsheets</em>'
        '</p></li><li><p><code>Python &lt;basics&gt;</code></p></li></ul><hr><blockquote><p>Bring a laptop.</p></blockquote>')
    # on a field that is no long text, the document is still an object to name the paths of
    titled = api_source(source.url.unicode_string(), language="en", records="items", ignore=["sys", "metadata"],
                        fields={"key": "sys.id", "title": "fields.body", "start": "fields.startDate"})
    result, _ = read(titled)
    [rejection] = result.rejections
    assert "fields.body is an object, not a value" in rejection.message


def test_a_markdown_description_mapped_without_its_format_is_named_in_a_warning(httpserver: HTTPServer) -> None:
    result = read_strapi(httpserver, {"description_html": "attributes.description", "summary": "attributes.summary"})
    # record 12 only: "Entrée libre." and the plain texts of the others are no Markdown
    assert result.warnings == [
        "description_html of 1 record(s) (12) is Markdown (## headings, **bold**, [links](…)), which would show as "
        "written: set `description_html: {path: attributes.description, format: markdown}`"]
