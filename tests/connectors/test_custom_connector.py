"""The python kind: a custom connector class, fetched by the crawler and parsed as a pure function of its pages."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime, timezone

from pytest_httpserver import HTTPServer

from connectors.crawl import crawl_job, fetch_everything_sync
from connectors.custom import Connector
from connectors.http import HttpSettings
from connectors.pages import Page, PageRequest
from connectors.parsers import parse_pages
from connectors.parsers.common import Origin, ParseResult
from connectors.registry import PythonSource
from transforms.model import RawItem

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)


class CsvAgenda(Connector):
    """An agenda published as CSV files, one per month, listed in an index file."""

    def follow(self, page: Page, listing_index: int) -> list[PageRequest]:
        if page.request.role == "detail":
            return []
        months = page.body.decode().split()
        return [PageRequest(f"{str(self.source.url).rsplit('/', 1)[0]}/{name}", role="detail") for name in months]

    def parse(self, pages: Sequence[Page], origin: Origin) -> ParseResult:
        result = ParseResult([], [])
        for page in pages:
            if page.request.role != "detail":
                continue
            for row in csv.DictReader(io.StringIO(page.body.decode("utf-8")), delimiter=self.options.get("delimiter", ";")):
                if not row.get("id"):
                    result.rejections.append(origin.reject("missing_key", "id", "a row has no id", excerpt=str(row)))
                    continue
                result.items.append(RawItem(origin.partner_id, origin.source_id, row["id"], title=row["titre"],
                                            start=row["debut"], url=row["lien"], excerpt=str(row)))
        return result


def test_a_custom_connector_reads_its_pages_through_the_crawler(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/agenda/index.txt").respond_with_data("2026-02.csv\n2026-03.csv\n")
    httpserver.expect_request("/agenda/2026-02.csv").respond_with_data(
        "id;titre;debut;lien\nf1;Atelier IA;2026-02-10T14:00:00+01:00;https://lab.example/f1\n;sans id;;\n")
    httpserver.expect_request("/agenda/2026-03.csv").respond_with_data(
        "id;titre;debut;lien\nm1;Hackathon;2026-03-07T09:00:00+01:00;https://lab.example/m1\n")
    source = PythonSource.model_validate({
        "id": "agenda", "kind": "python", "url": httpserver.url_for("/agenda/index.txt"), "content": "event",
        "language": "fr", "connector": "tests.connectors.test_custom_connector:CsvAgenda", "options": {"delimiter": ";"},
    })
    _, [crawl] = fetch_everything_sync([], [crawl_job("lab", source, now=NOW)], HttpSettings(retries=0))
    assert [page.request.role for page in crawl.pages] == ["listing", "detail", "detail"]
    parsed = parse_pages(source, crawl.pages, partner_id="lab", now=NOW)
    assert [item.key for item in parsed.items] == ["f1", "m1"]
    assert [r.reason for r in parsed.rejections] == ["missing_key"]
