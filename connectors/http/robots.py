"""robots.txt checks, fetched once per origin per fetch_all call."""
from __future__ import annotations

import asyncio
import logging
from urllib.robotparser import RobotFileParser

import httpx

from .body import read_body
from .errors import FetchError
from .settings import HttpSettings

log = logging.getLogger(__name__)

# Google's limit; anything past it is ignored rather than failing the check.
_MAX_ROBOTS_BYTES = 500 * 1024


def robots_url(url: httpx.URL) -> str:
    return str(url.copy_with(path="/robots.txt", query=None, fragment=None))


class RobotsCache:
    """Answers "may we fetch this URL?"; a missing or unreachable robots.txt allows everything."""

    def __init__(self, client: httpx.AsyncClient, settings: HttpSettings) -> None:
        self._client = client
        self._settings = settings
        self._parsers: dict[str, asyncio.Task[RobotFileParser | None]] = {}

    async def check(self, url: httpx.URL) -> None:
        """Raise FetchError robots_disallowed when robots.txt forbids `url` to our user agent."""
        location = robots_url(url)
        task = self._parsers.get(location)
        if task is None:
            # One task per origin: concurrent requests to the same host await the same fetch.
            task = asyncio.ensure_future(self._load(location))
            self._parsers[location] = task
        parser = await asyncio.shield(task)
        if parser is not None and not parser.can_fetch(self._settings.user_agent, str(url)):
            raise FetchError(
                "robots_disallowed",
                f"{location} disallows {url} for our user agent "
                f"({self._settings.user_agent}); the page was not requested",
                final_url=str(url),
            )

    async def crawl_delay(self, url: httpx.URL) -> float | None:
        """The Crawl-delay (seconds) robots.txt sets for our user agent at `url`'s origin, if any."""
        location = robots_url(url)
        task = self._parsers.get(location)
        if task is None:
            task = asyncio.ensure_future(self._load(location))
            self._parsers[location] = task
        parser = await asyncio.shield(task)
        delay = parser.crawl_delay(self._settings.user_agent) if parser is not None else None
        return float(delay) if delay is not None else None

    async def _load(self, location: str) -> RobotFileParser | None:
        """The parsed robots.txt, or None (allow all) when it is missing or unreadable."""
        try:
            async with asyncio.timeout(self._settings.deadline_s):
                async with self._client.stream("GET", location, follow_redirects=True) as response:
                    if response.status_code != 200:
                        log.debug("robots.txt %s answered %s: allowing all", location, response.status_code)
                        return None
                    try:
                        body, _ = await read_body(response, _MAX_ROBOTS_BYTES)
                    except FetchError as exc:
                        log.info("robots.txt %s unreadable (%s): allowing all", location, exc.message)
                        return None
        except (httpx.HTTPError, TimeoutError) as exc:
            log.info("robots.txt %s unreachable (%s): allowing all", location, exc)
            return None
        parser = RobotFileParser(location)
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser
