"""A fast path past FastAPI's per-parameter validation for the two hot endpoints (item lists and one item).

FastAPI validates each declared query parameter on every request, which costs several times what
answering a list from the index costs. A route whose endpoint carries a `fast_path` first offers the
request to it: the fast path accepts only requests whose every parameter is in a canonical form that
FastAPI would accept with the same value (a known name, given once when it takes one value, `true` or
`false` for a boolean, a literal from the list, a plain number in range, a string under its length
limit) and then calls the same code as the endpoint. Anything else (an unknown parameter, `limit=abc`,
`open=1`, ...) returns None and goes through FastAPI as before: same values, same 422 messages, same
OpenAPI description (which still comes from the endpoint's signature).
"""
from __future__ import annotations

import re
from typing import Any, Awaitable, Callable, Iterable

from fastapi import Request, Response
from fastapi.routing import APIRoute

FastPath = Callable[[Request], Awaitable[Response | None]]
BOOLEANS = {"true": True, "false": False}
_LIMIT = re.compile(r"[1-9][0-9]{0,2}")


def fast_path(handler: FastPath) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give an endpoint a fast path (apply below the @router.get decorator)."""
    def attach(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        endpoint.fast_path = handler  # type: ignore[attr-defined]
        return endpoint
    return attach


class FastPathRoute(APIRoute):
    """An APIRoute that offers each request to its endpoint's fast path, if it has one, before FastAPI's handler."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()
        fast = getattr(self.endpoint, "fast_path", None)
        if fast is None:
            return handler

        async def route_handler(request: Request) -> Response:
            response = await fast(request)
            return response if response is not None else await handler(request)

        return route_handler


def canonical(pairs: Iterable[tuple[str, str]], *, lists: frozenset[str], singles: dict[str, Any]) -> dict[str, Any] | None:
    """The parameters as the endpoint receives them, or None unless every one is in its canonical form.

    `lists` names the list parameters (any strings, repeatable); `singles` maps each one-value
    parameter to its check: a set of allowed literals, BOOLEANS, "limit" (1..200), an int (the maximum
    length of a string) or None (any string).
    """
    values: dict[str, Any] = {}
    for name, value in pairs:
        if name in lists:
            values.setdefault(name, []).append(value)
            continue
        check = singles.get(name, False)
        if check is False or name in values:
            return None
        if check is BOOLEANS:
            if value not in BOOLEANS:
                return None
            values[name] = BOOLEANS[value]
        elif check == "limit":
            if not _LIMIT.fullmatch(value) or int(value) > 200:
                return None
            values[name] = int(value)
        elif check is None:
            values[name] = value
        elif isinstance(check, int):
            if len(value) > check:
                return None
            values[name] = value
        else:
            if value not in check:
                return None
            values[name] = value
    return values
