"""The shared HTTP layer: concurrent, polite, bounded fetching of partner sources."""
from .client import fetch_all, fetch_all_sync
from .model import ErrorCode, FetchRequest, FetchResult, Outcome
from .settings import HttpSettings

__all__ = ["ErrorCode", "FetchRequest", "FetchResult", "HttpSettings", "Outcome", "fetch_all", "fetch_all_sync"]
