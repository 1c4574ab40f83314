"""URLs: resolving links against a base and reducing them to one canonical form for deduplication."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

WEB_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that say how a reader arrived, not what they read: dropping them lets the
# same page shared through a newsletter and a social post compare equal.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "li_fat_id",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "chash", "ref_src",
        "mkt_tok", "trk", "trkcampaign", "s_cid", "cmpid", "ocid", "vero_id", "oly_enc_id", "oly_anon_id",
        "rb_clickid", "wt.mc_id", "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "matomo_", "hsa_", "ga_")

# Browsers drop these from URLs before parsing them; feeds copy them in from pasted links.
_IGNORED_CHARS = re.compile(r"[\t\r\n\x00-\x1f]")
_SLASHES = re.compile(r"/{2,}")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def with_scheme(url: str) -> str:
    """`url` with https:// in front when it is a host name typed without its scheme ("www.site.be/agenda"), which
    resolving would make a path under the base ("https://feed-host/www.site.be/agenda"); unchanged otherwise."""
    stripped = url.strip()
    return f"https://{stripped}" if stripped[:4].lower() == "www." else url


def absolute_url(url: str | None, base: str | None) -> str | None:
    """`url` made absolute against `base`; None when it is empty or not an http(s) address.

    javascript:, data:, mailto: and other schemes give None, as does a relative URL
    without an http(s) base to resolve it against.
    """
    if url is None:
        return None
    cleaned = with_scheme(_IGNORED_CHARS.sub("", url).strip().replace(" ", "%20"))
    if not cleaned:
        return None
    try:
        parts = urlsplit(cleaned)
        if parts.scheme:
            resolved = cleaned
        else:
            if not base:
                return None
            base_parts = urlsplit(_IGNORED_CHARS.sub("", base).strip())
            if base_parts.scheme.lower() not in WEB_SCHEMES or not base_parts.hostname:
                return None
            resolved = urljoin(urlunsplit(base_parts), cleaned)
        final = urlsplit(resolved)
        if final.scheme.lower() not in WEB_SCHEMES or not final.hostname:
            return None
        _ = final.port  # raises ValueError on an out-of-range or non-numeric port
    except ValueError:
        return None
    return resolved


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, fragment or tracking
    parameters, sorted query parameters and no trailing slash (except for the root path)."""
    cleaned = _IGNORED_CHARS.sub("", url).strip()
    try:
        parts = urlsplit(cleaned)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return cleaned
    if not host:
        return cleaned
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = _SLASHES.sub("/", parts.path) if "//" in parts.path else parts.path
    path = path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = ""
    if parts.query:
        params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
        query = urlencode(sorted(params))
    return urlunsplit((scheme, netloc, path, query, ""))
