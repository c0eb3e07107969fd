"""Answers kept until the data changes: GET responses of the store's read routes, keyed by the store generation.

The key is (generation, path, query): the writer bumps the generation after every write
(:class:`detente.store.writer.Writer`), so an answer is reused only while the data it was computed from is
unchanged, and nothing has to know which answers a write touched. Only the read-only analytics routes are
kept (never the operations API, which answers per user, nor job status); at most ``MAX_ENTRIES`` answers
and ``MAX_BYTES`` in all, least recently used dropped first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from detente.store.writer import Writer

__all__ = ["CACHED_PREFIXES", "AnswerCache", "install"]

CACHED_PREFIXES = (
    "/api/dyads/", "/api/tension", "/api/alerts", "/api/events", "/api/actors", "/api/sources",
    "/api/engagements", "/api/allies", "/api/alliances",
)  # fmt: skip
MAX_ENTRIES = 2048
MAX_BYTES = 128 * 1024 * 1024

Key = tuple[int, str, str]


class AnswerCache:
    """A small thread-safe LRU of response bodies."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[Key, tuple[bytes, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Key) -> tuple[bytes, str] | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return hit

    def put(self, key: Key, body: bytes, media_type: str) -> None:
        if len(body) > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._items[key] = (body, media_type)
            self._bytes += len(body)
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (b, _m) = self._items.popitem(last=False)
                self._bytes -= len(b)


def _cacheable(request: Request) -> bool:
    return (
        request.method == "GET"
        and request.url.path.startswith(CACHED_PREFIXES)
        and "authorization" not in request.headers
    )


def install(app: FastAPI) -> AnswerCache:
    """Serve repeated reads from the cache; any write elsewhere than the ops API marks the data changed."""
    cache = AnswerCache()

    @app.middleware("http")
    async def answers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        writer: Writer = request.app.state.writer
        if not _cacheable(request):
            response = await call_next(request)
            path = request.url.path
            if request.method not in ("GET", "HEAD", "OPTIONS") and not path.startswith(("/api/ops", "/api/local")):
                writer.bump()  # a route that may have written to the store
            return response
        key = (writer.generation, request.url.path, request.url.query)
        hit = cache.get(key)
        if hit is not None:
            return Response(hit[0], media_type=hit[1], headers={"X-Detente-Cache": "hit"})
        response = await call_next(request)
        if response.status_code != 200:
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        media = response.headers.get("content-type", "application/json")
        cache.put(key, body, media)
        return Response(body, media_type=media, headers={"X-Detente-Cache": "miss"})

    return cache
