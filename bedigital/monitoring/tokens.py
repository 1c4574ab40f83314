"""Partner ping tokens: from environment variables or a secrets file, compared in constant time.

Lookup order for a partner:
1. the variable named by `ping_token_env` in its partner file;
2. BEDIGITAL_PING_TOKEN_<PARTNER ID in capitals, hyphens as underscores>;
3. the secrets file named by BEDIGITAL_PING_SECRETS (YAML or JSON mapping partner id -> token).
A partner without a token cannot ping.
"""
from __future__ import annotations

import hmac
import json
import os
from pathlib import Path
from typing import Mapping

import yaml

from connectors.registry import Partner
from transforms.yaml_files import load_yaml, yaml_problem

SECRETS_ENV = "BEDIGITAL_PING_SECRETS"
MIN_TOKEN_LENGTH = 16  # a short token is guessable within the rate limit's patience


class SecretsError(Exception):
    """The secrets file cannot be read."""


def default_env_name(partner_id: str) -> str:
    return "BEDIGITAL_PING_TOKEN_" + partner_id.upper().replace("-", "_")


def _unique_pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object refusing a key written twice (json keeps the last one)."""
    data: dict[str, object] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key {key!r} is written twice")
        data[key] = value
    return data


def _secrets_file(path: str) -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text, object_pairs_hook=_unique_pairs) if path.endswith(".json") else load_yaml(text)
    except yaml.YAMLError as exc:
        # A partner written twice has two tokens: which one is meant cannot be guessed, so neither is taken.
        raise SecretsError(f"{SECRETS_ENV}={path}: {yaml_problem(exc)}") from exc
    except (OSError, ValueError) as exc:
        raise SecretsError(f"{SECRETS_ENV}={path}: cannot be read as a mapping of partner id to token ({exc})") from exc
    if not isinstance(data, dict):
        raise SecretsError(f"{SECRETS_ENV}={path}: expected a mapping of partner id to token")
    return {str(k): str(v) for k, v in data.items() if v}


def check_secrets_file(env: Mapping[str, str] | None = None) -> None:
    """Raises SecretsError when BEDIGITAL_PING_SECRETS names a file that cannot be read (checked at start-up)."""
    env = os.environ if env is None else env
    if env.get(SECRETS_ENV):
        _secrets_file(env[SECRETS_ENV])


def expected_token(partner: Partner, env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    for name in (partner.ping_token_env, default_env_name(partner.id)):
        if name and env.get(name):
            return env[name]
    if env.get(SECRETS_ENV):
        return _secrets_file(env[SECRETS_ENV]).get(partner.id)
    return None


def token_matches(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; no token, or a too-short configured one, never matches."""
    if not given or not expected or len(expected) < MIN_TOKEN_LENGTH:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
