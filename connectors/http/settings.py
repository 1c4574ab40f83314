"""Settings of the shared HTTP layer: politeness, timeouts, size caps and retries."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class HttpSettings(BaseModel):
    """How we fetch: one instance is shared by every request of a fetch_all call."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_agent: str = Field("bedigital-agenda/0.1 (+https://bedigital.brussels/bot)", min_length=1)
    per_host_concurrency: int = Field(2, ge=1)
    total_concurrency: int = Field(32, ge=1)
    # Wall-clock deadline of one attempt (connect, headers, redirects and body). httpx's own
    # timeouts apply per socket operation, so a server trickling a byte a second never trips them.
    deadline_s: float = Field(30.0, gt=0)
    connect_timeout_s: float = Field(10.0, gt=0)
    # Cap on the decoded body, enforced while streaming so a gzip bomb is never inflated in full.
    max_bytes: int = Field(15 * 1024 * 1024, ge=1)
    max_redirects: int = Field(5, ge=0)
    retries: int = Field(3, ge=0)  # extra attempts on connection errors, 429 and 5xx
    backoff_s: float = Field(0.5, ge=0)  # exponential backoff base, jittered
    max_retry_after_s: float = Field(60.0, ge=0)
    respect_robots: bool = True
