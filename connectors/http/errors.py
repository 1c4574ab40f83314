"""The exception that carries a classified failure up to the point where it becomes a FetchResult."""
from __future__ import annotations

from .model import ErrorCode


class FetchError(Exception):
    """A failure with a stable code and a sentence a partner can read."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        final_url: str | None = None,
        retryable: bool = False,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
        self.status = status
        self.headers = headers or {}
        self.final_url = final_url
        self.retryable = retryable
        self.retry_after_s = retry_after_s
