"""Concurrency slots: a few requests at a time per host, and a global ceiling."""
from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostLimiter:
    """Per-host semaphores under one global semaphore; create one per event loop.

    A host is a hostname: two ports of one machine share its slots.
    """

    def __init__(self, per_host: int, total: int) -> None:
        self._total = asyncio.Semaphore(total)
        self._per_host: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        # Host first: a request queued behind a busy host must not hold a global slot.
        async with self._per_host[host.lower()]:
            async with self._total:
                yield
