"""When to retry and how long to wait: exponential backoff with jitter, and Retry-After."""
from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset({429}) | frozenset(range(500, 600))


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT; parsedate gives naive for "-0000"
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(attempt: int, base_s: float) -> float:
    """Delay before attempt number `attempt + 1`: base * 2^(attempt-1), jittered by ±50 %."""
    return base_s * (2 ** (attempt - 1)) * random.uniform(0.5, 1.5)


def retry_delay(attempt: int, base_s: float, retry_after_s: float | None, cap_s: float) -> float:
    """The server's Retry-After (capped) when it gave one, else our backoff."""
    if retry_after_s is not None:
        return min(retry_after_s, cap_s)
    return backoff_delay(attempt, base_s)
