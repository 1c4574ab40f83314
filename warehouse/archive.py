"""The raw payload archive: every body fetched, stored once under its sha256.

Any item can be traced to the bytes it came from, and normalisation can be
replayed without fetching again.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class PayloadArchive:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path_for(self, body_hash: str) -> Path:
        return self.root / body_hash[:2] / body_hash

    def put(self, body: bytes) -> tuple[str, Path]:
        """Store a body (once) and return its hash and path."""
        body_hash = body_sha256(body)
        path = self.path_for(body_hash)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(body)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return body_hash, path

    def get(self, body_hash: str) -> bytes:
        return self.path_for(body_hash).read_bytes()
