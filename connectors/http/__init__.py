"""The shared HTTP layer: concurrent, polite, bounded fetching of partner sources."""
from .client import HttpSession, fetch_all, fetch_all_sync, open_session
from .model import ErrorCode, FetchRequest, FetchResult, Outcome
from .settings import HttpSettings

__all__ = [
    "ErrorCode", "FetchRequest", "FetchResult", "HttpSession", "HttpSettings", "Outcome", "fetch_all", "fetch_all_sync",
    "open_session",
]
