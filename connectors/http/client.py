"""fetch_all: concurrent, polite, bounded fetching of many source URLs with one httpx client."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx

from .body import ACCEPT_ENCODING, read_body
from .errors import FetchError
from .limits import HostLimiter
from .model import FetchRequest, FetchResult
from .retry import is_retryable_status, parse_retry_after, retry_delay
from .robots import RobotsCache
from .settings import HttpSettings

log = logging.getLogger(__name__)

_DEFAULT_SETTINGS = HttpSettings()


@dataclass
class _Context:
    client: httpx.AsyncClient
    settings: HttpSettings
    limiter: HostLimiter
    robots: RobotsCache


@dataclass
class _Exchange:
    """The last response of one successful attempt."""

    status: int
    final_url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    body_hash: str | None = None


async def fetch_all(
    requests: Sequence[FetchRequest], settings: HttpSettings = _DEFAULT_SETTINGS
) -> list[FetchResult]:
    """Fetch every request concurrently; results come back in request order and never raise."""
    requests = list(requests)
    for index, request in enumerate(requests):
        if not isinstance(request, FetchRequest):
            raise TypeError(f"fetch_all: item {index} is a {type(request).__name__}, not a FetchRequest")
    if not isinstance(settings, HttpSettings):
        raise TypeError(f"fetch_all: settings is a {type(settings).__name__}, not HttpSettings")
    if not requests:
        return []
    async with open_session(settings) as session:
        return list(await asyncio.gather(*(session.fetch(request) for request in requests)))


class HttpSession:
    """One client with its host limits and robots cache, for callers that fetch request by request (crawlers)."""

    def __init__(self, context: _Context) -> None:
        self._context = context

    @property
    def settings(self) -> HttpSettings:
        return self._context.settings

    async def fetch(self, request: FetchRequest) -> FetchResult:
        """One request with the same retries, limits, deadline and robots check as fetch_all; never raises."""
        return await _fetch_one(request, self._context)

    async def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay robots.txt asks of our user agent for `url`'s origin, if any."""
        try:
            return await self._context.robots.crawl_delay(httpx.URL(url))
        except (httpx.InvalidURL, TypeError):
            return None


@asynccontextmanager
async def open_session(settings: HttpSettings = _DEFAULT_SETTINGS) -> AsyncIterator[HttpSession]:
    """An HttpSession for the duration of the block (one httpx client, one robots cache)."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_s,
        read=settings.deadline_s,
        write=settings.deadline_s,
        pool=None,  # waiting for a pooled connection is bounded by the outer deadline
    )
    headers = {"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
    async with httpx.AsyncClient(
        headers=headers,
        timeout=timeout,
        follow_redirects=False,  # followed by hand, to count hops and check robots on each
        max_redirects=settings.max_redirects,
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=settings.total_concurrency),
    ) as client:
        yield HttpSession(_Context(
            client=client,
            settings=settings,
            limiter=HostLimiter(settings.per_host_concurrency, settings.total_concurrency),
            robots=RobotsCache(client, settings),
        ))


def fetch_all_sync(
    requests: Sequence[FetchRequest], settings: HttpSettings = _DEFAULT_SETTINGS
) -> list[FetchResult]:
    """fetch_all for synchronous callers; runs in a helper thread if this thread already has a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(fetch_all(requests, settings))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, fetch_all(requests, settings)).result()


async def _fetch_one(request: FetchRequest, context: _Context) -> FetchResult:
    started_at = datetime.now(timezone.utc)
    started = time.monotonic()
    settings = context.settings
    attempts = 0

    def finish(**values: object) -> FetchResult:
        defaults: dict[str, object] = {
            "partner_id": request.partner_id,
            "source_id": request.source_id,
            "url": request.url,
            "final_url": None,
            "status": None,
            "body": None,
            "body_hash": None,
            "headers": {},
            "content_type": None,
            "etag": request.etag,
            "last_modified": request.last_modified,
            "error_code": None,
            "error": None,
            "attempts": attempts,
            "started_at": started_at,
            "duration_s": time.monotonic() - started,
        }
        return FetchResult(**{**defaults, **values})  # type: ignore[arg-type]

    try:
        url = _parse_url(request.url)
        check_robots = request.check_robots and settings.respect_robots
        if check_robots:
            await context.robots.check(url)
        while True:
            attempts += 1
            try:
                exchange = await _attempt(request, url, context, check_robots)
                break
            except FetchError as exc:
                if not exc.retryable or attempts > settings.retries:
                    raise
                delay = retry_delay(attempts, settings.backoff_s, exc.retry_after_s, settings.max_retry_after_s)
                log.info("retrying %s in %.2fs after attempt %d: %s", request.url, delay, attempts, exc.message)
                await asyncio.sleep(delay)
    except FetchError as exc:
        message = exc.message if attempts <= 1 else f"{exc.message} after {attempts} attempts"
        return finish(
            outcome="error",
            final_url=exc.final_url,
            status=exc.status,
            headers=exc.headers,
            content_type=exc.headers.get("content-type"),
            error_code=exc.code,
            error=message,
        )
    except Exception as exc:  # a bug must cost one source, not the whole run
        log.exception("unexpected failure fetching %s", request.url)
        return finish(
            outcome="error",
            error_code="internal",
            error=f"Unexpected {type(exc).__name__} while fetching {request.url}: {exc}",
        )

    headers = exchange.headers
    common = {
        "final_url": exchange.final_url,
        "status": exchange.status,
        "headers": headers,
        "content_type": headers.get("content-type"),
        "etag": headers.get("etag", request.etag),
        "last_modified": headers.get("last-modified", request.last_modified),
    }
    if exchange.status == 304:
        return finish(outcome="not_modified", **common)
    if not request.force and request.previous_hash and exchange.body_hash == request.previous_hash:
        return finish(outcome="not_modified", body_hash=exchange.body_hash, **common)
    return finish(outcome="fetched", body=exchange.body, body_hash=exchange.body_hash, **common)


def _parse_url(raw: str) -> httpx.URL:
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchError("invalid_url", f"Invalid URL {raw!r}: {exc}") from exc
    _require_http(url, raw)
    return url


def _require_http(url: httpx.URL, raw: str) -> None:
    if url.scheme not in ("http", "https") or not url.host:
        raise FetchError("invalid_url", f"Invalid URL {raw!r}: only absolute http(s) URLs can be fetched")


async def _attempt(request: FetchRequest, url: httpx.URL, context: _Context, check_robots: bool) -> _Exchange:
    """One attempt under a host slot and the deadline, redirects included."""
    settings = context.settings
    try:
        async with context.limiter.slot(url.host):
            async with asyncio.timeout(settings.deadline_s):
                return await _exchange(request, url, context, check_robots)
    except TimeoutError as exc:
        raise FetchError(
            "timeout", f"No complete response from {request.url} within the {settings.deadline_s:g}s deadline"
        ) from exc


async def _exchange(request: FetchRequest, url: httpx.URL, context: _Context, check_robots: bool) -> _Exchange:
    client, settings = context.client, context.settings
    conditional: dict[str, str] = {}
    if not request.force:
        if request.etag:
            conditional["If-None-Match"] = request.etag
        if request.last_modified:
            conditional["If-Modified-Since"] = request.last_modified
    outgoing = client.build_request(
        request.method, url, headers={**dict(request.headers), **conditional}, json=request.json_body
    )
    redirects = 0
    while True:
        response = await _send(client, outgoing, settings)
        try:
            headers = {name.lower(): value for name, value in response.headers.items()}
            final_url = str(response.url)
            if response.next_request is not None:
                if redirects >= settings.max_redirects:
                    raise FetchError(
                        "too_many_redirects",
                        f"More than {settings.max_redirects} redirects starting from {request.url} "
                        f"(last one: {final_url} -> {response.headers.get('location')})",
                        status=response.status_code,
                        headers=headers,
                        final_url=final_url,
                    )
                redirects += 1
                outgoing = response.next_request
                _require_http(outgoing.url, str(outgoing.url))
                if check_robots:
                    await context.robots.check(outgoing.url)
                continue
            status = response.status_code
            if status == 304:
                return _Exchange(status=status, final_url=final_url, headers=headers)
            if not 200 <= status < 300:
                raise FetchError(
                    "http_status",
                    f"HTTP {status} {response.reason_phrase} from {final_url}".replace("  ", " "),
                    status=status,
                    headers=headers,
                    final_url=final_url,
                    retryable=is_retryable_status(status),
                    retry_after_s=parse_retry_after(headers.get("retry-after")),
                )
            try:
                body, body_hash = await read_body(response, settings.max_bytes)
            except httpx.TransportError as exc:
                raise _transport_error(exc, final_url, settings) from exc
            except FetchError as exc:
                exc.status, exc.headers, exc.final_url = status, headers, final_url
                raise
            return _Exchange(status=status, final_url=final_url, headers=headers, body=body, body_hash=body_hash)
        finally:
            await response.aclose()


async def _send(client: httpx.AsyncClient, outgoing: httpx.Request, settings: HttpSettings) -> httpx.Response:
    try:
        return await client.send(outgoing, stream=True, follow_redirects=False)
    except httpx.TransportError as exc:
        raise _transport_error(exc, str(outgoing.url), settings) from exc


def _transport_error(exc: httpx.TransportError, url: str, settings: HttpSettings) -> FetchError:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.UnsupportedProtocol):
        return FetchError("invalid_url", f"Invalid URL {url!r}: {detail}")
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError(
            "timeout", f"Connecting to {url} timed out after {settings.connect_timeout_s:g}s", retryable=True
        )
    if isinstance(exc, httpx.TimeoutException):
        return FetchError("timeout", f"{url} stopped answering for {settings.deadline_s:g}s ({detail})")
    return FetchError("connection", f"Connection to {url} failed: {detail}", retryable=True)
