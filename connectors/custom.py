"""The python kind: a custom connector class for a site that no declarative kind fits.

A partner file names the class by dotted path (`connector: package.module:ClassName`). The class
follows the same contract as the declarative kinds: fetching goes through the shared HTTP layer
(the crawler asks it for requests, page by page), and parsing is a pure function of the pages.

    class MyConnector(Connector):
        def follow(self, page, listing_index):        # optional: the pages this page leads to
            return []
        def parse(self, pages, origin):               # required: pages -> ParseResult
            ...
"""
from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from connectors.pages import Page, PageRequest
from connectors.parsers.common import Origin, ParseResult


class Connector:
    """Base class of python-kind connectors; `source` is the validated PythonSource."""

    def __init__(self, source: Any, *, now: datetime) -> None:
        self.source = source
        self.options: dict[str, Any] = dict(source.options)
        self.now = now

    def first(self) -> list[PageRequest]:
        """The first requests; by default the source's URL."""
        return [PageRequest(str(self.source.url))]

    def follow(self, page: Page, listing_index: int) -> list[PageRequest]:
        """The requests `page` leads to; by default none (a single page)."""
        return []

    def parse(self, pages: Sequence[Page], origin: Origin) -> ParseResult:
        """The records of the pages read; a pure function of their bytes."""
        raise NotImplementedError(f"{type(self).__name__} must implement parse(pages, origin)")


def load_connector_class(path: str) -> type[Connector]:
    """The Connector subclass named `package.module:ClassName` (or package.module.ClassName)."""
    module_name, sep, class_name = path.partition(":")
    if not sep:
        module_name, _, class_name = path.rpartition(".")
    if not module_name or not class_name:
        raise ValueError(f"got {path!r}, expected a dotted path such as partners_code.mysite:MySiteConnector")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import module {module_name!r} ({exc})") from exc
    found = getattr(module, class_name, None)
    if not isinstance(found, type) or not issubclass(found, Connector):
        raise ValueError(f"{path!r} is not a subclass of connectors.custom.Connector")
    return found
