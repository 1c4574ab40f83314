"""What makes the embed safe to frame: the origins allowed to frame it, and its Content-Security-Policy."""
from __future__ import annotations

import base64
import hashlib
import os
import re
from typing import Iterable, Sequence

EMBED_ORIGINS_ENV = "BEDIGITAL_EMBED_ORIGINS"
# A CSP source expression for a site: scheme, host (optionally *.host) and port; nothing that could add a directive.
_ORIGIN = re.compile(r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$")


def parse_origins(values: Iterable[str]) -> list[str]:
    """Origins as CSP frame-ancestors sources; ValueError naming the first that is not an origin."""
    origins = []
    for raw in values:
        value = raw.strip().rstrip("/").lower()
        if not value:
            continue
        if value != "*" and not _ORIGIN.match(value):
            raise ValueError(f"{EMBED_ORIGINS_ENV}: {raw!r} is not an origin (scheme://host[:port], e.g. https://partner.example)")
        origins.append(value)
    return list(dict.fromkeys(origins))


def origins_from_env() -> list[str]:
    return parse_origins(os.environ.get(EMBED_ORIGINS_ENV, "").split(","))


def csp_hash(text: str) -> str:
    """The CSP source allowing exactly this inline <script> or <style> text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def embed_policy(frame_ancestors: Sequence[str], *, style: str, script: str) -> str:
    """Nothing loads but our inline style and script (by hash) and our own images; framing by `frame_ancestors` only."""
    ancestors = " ".join(["'self'", *frame_ancestors])
    return "; ".join([
        "default-src 'none'", f"style-src {csp_hash(style)}", f"script-src {csp_hash(script)}", "img-src 'self' data:",
        "base-uri 'none'", "form-action 'none'", f"frame-ancestors {ancestors}",
    ])


def badge_policy() -> str:
    return "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"
