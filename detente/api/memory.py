"""The read routes' plain questions answered from the resident tables before FastAPI's routing, dependencies and
validation (about half of a computed answer's cost on the server's one busy core).

A plain ASGI middleware, inside the answer cache and the hardening headers. It takes a GET of the dyad timeline,
trust, tension map, alerts or a dyad's event search only when every parameter is one it knows, given once and well
formed (ISO dates, digits within the route's range, one of its resolutions), and only when memory answers
it (:mod:`detente.measure.pages`, the ``kept_`` functions of :mod:`detente.measure.report`). The parameters, their
defaults and bounds are read from the routes' own declarations (:func:`_specs`). Anything else, an error included,
goes on to the routes, which answer it as always (their OpenAPI schema and error shape stay the one truth): the
same bytes either way (tested against the routes for generated questions).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from detente.errors import DetenteError
from detente.store.warehouse import Store
from detente.store.writer import Writer

__all__ = ["MemoryAnswers", "install"]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DIGITS = re.compile(r"[0-9]{1,9}\Z")
_BOOL = {"true": True, "false": False, "1": True, "0": False}


class _Other(Exception):
    """Not a plain question: the routes answer it."""


def _date(v: str) -> dt.date:
    if not _DATE.match(v):
        raise _Other
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise _Other from None


def _int(lo: int, hi: int) -> Callable[[str], int]:
    def parse(v: str) -> int:
        if not _DIGITS.match(v) or not lo <= int(v) <= hi:
            raise _Other
        return int(v)

    return parse


def _bool(v: str) -> bool:
    if v not in _BOOL:
        raise _Other
    return _BOOL[v]


def _text(lo: int, hi: int, pattern: str | None) -> Callable[[str], str]:
    rx = re.compile(pattern) if pattern is not None else None

    def parse(v: str) -> str:
        if not lo <= len(v) <= hi or (rx is not None and not rx.fullmatch(v)):
            raise _Other
        return v

    return parse


Spec = dict[str, tuple[Callable[[str], Any], Any]]


def _parser(field: Any) -> tuple[Callable[[str], Any], Any]:
    """How memory reads one query parameter of a route (its type, bounds, length and pattern as the route declares
    them, narrower where the route's validation is lenient: plain digits, ISO dates, four spellings of a boolean)
    and its default (None when the route requires it)."""
    info = field.field_info
    bounds = {k: getattr(m, k) for m in info.metadata for k in ("ge", "le", "min_length", "max_length", "pattern")
              if getattr(m, k, None) is not None}  # fmt: skip
    kind = {a for a in getattr(info.annotation, "__args__", (info.annotation,)) if a is not type(None)}
    default = None if info.is_required() else info.default
    if kind == {int}:
        return _int(bounds.get("ge", 0), min(bounds.get("le", 999_999_999), 999_999_999)), default
    if kind == {bool}:
        return _bool, default
    if kind == {dt.date}:
        return _date, default
    if kind == {str}:
        return _text(bounds.get("min_length", 0), bounds.get("max_length", 1 << 30), bounds.get("pattern")), default
    raise TypeError(f"query parameter {field.name!r}: no plain reading of {info.annotation!r}")


@cache
def _specs() -> dict[str, Spec]:
    """The query parameters of the five read routes memory answers, from the routes themselves (one truth)."""
    from fastapi.routing import APIRoute

    from detente.api.routes import ROUTERS

    out: dict[str, Spec] = {}
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.path in _ROUTES and "GET" in (route.methods or ()):
                out[route.path] = {f.name: _parser(f) for f in route.dependant.query_params}
    assert set(out) == set(_ROUTES), set(_ROUTES) - set(out)
    return out


def _params(query: bytes, path: str) -> dict[str, Any]:
    """The parameters of the route at ``path`` from a query string; _Other on any other name, a name given twice
    or a value its route would not take as it is."""
    spec = _specs()[path]
    got = {k: d for k, (_, d) in spec.items()}
    seen = set()
    for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True):  # as Starlette reads them
        if k not in spec or k in seen:
            raise _Other
        seen.add(k)
        got[k] = spec[k][0](v)
    return got


_INDEX, _TRUST = "/api/dyads/{dyad}/index", "/api/dyads/{dyad}/trust"
_ROUTES = frozenset({_INDEX, _TRUST, "/api/tension", "/api/alerts", "/api/events"})
_PATHS = frozenset({"/api/tension", "/api/alerts", "/api/events"})


def _answer(store: Store, path: str, query: bytes) -> bytes | None:
    """The route's body from memory; None when memory cannot tell (raises _Other for anything not plain)."""
    from detente.api.routes.measure import DIGITS
    from detente.core.actors import parse_dyad
    from detente.measure import pages, report

    if path.startswith("/api/dyads/"):
        dyad, _, face = path[len("/api/dyads/") :].partition("/")
        if face not in ("index", "trust") or not dyad:
            raise _Other
        p = _params(query, _INDEX if face == "index" else _TRUST)
        a, b = parse_dyad(dyad)
        kept = pages.kept_dyad_index_json if face == "index" else pages.kept_trust_json
        return kept(store, a, b, p["res"], p["since"], p["until"], p["points"], DIGITS)
    if path == "/api/tension":
        p = _params(query, path)
        if p["actor"] is None:
            raise _Other
        got = report.kept_tension(store, p["actor"], p["on"])
        return None if got is None else orjson.dumps(got)
    if path == "/api/alerts":
        p = _params(query, path)
        rows = report.kept_alert_list(store, p["res"], top=p["top"], since=p["since"], n_events=p["events"])
        return None if rows is None else orjson.dumps({"res": p["res"], "alerts": rows})
    if path == "/api/events":
        p = _params(query, path)
        if p["dyad"] is None or p["actor"] is not None:
            raise _Other  # an actor's events with anyone (the engine's), or a question the route refuses
        a, b = parse_dyad(p["dyad"])
        limit, offset = p["limit"], p["offset"]
        found = report.kept_event_search(
            store, a, b, p["since"], p["until"], directed=p["directed"], limit=limit, offset=offset
        )
        if found is None:
            return None
        return orjson.dumps({"events": found, "count": len(found), "limit": limit, "offset": offset})
    raise _Other


class MemoryAnswers:
    """Whether the middleware answers (``enabled``) and how many it answered (``answered``)."""

    def __init__(self) -> None:
        self.enabled = True
        self.answered = 0


class _Middleware:
    def __init__(self, app: ASGIApp, answers: MemoryAnswers) -> None:
        self.app, self.answers = app, answers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and self.answers.enabled
            and (scope["path"].startswith("/api/dyads/") or scope["path"] in _PATHS)
        ):
            writer: Writer = scope["app"].state.writer
            with writer.read(behind=True) as cur:  # right after a write: the version before it until its tables load
                try:
                    body = _answer(cur, scope["path"], scope["query_string"])
                except (_Other, DetenteError):
                    body = None  # the routes answer it, an error in their one shape
            if body is not None:
                self.answers.answered += 1
                headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def install(app: Any) -> MemoryAnswers:
    """Answer plain read questions from memory in front of ``app``'s routes; returns the switch and count
    (``app.state.memory``). Add it before the other middleware: it is then the innermost."""
    answers = MemoryAnswers()
    app.add_middleware(_Middleware, answers=answers)
    return answers
