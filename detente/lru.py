"""A small thread-safe least-recently-used map bounded by the bytes of what it holds.

One mechanism for the server's kept answers (:mod:`detente.api.cache`), the dyad series computed once per data
version (:func:`detente.measure.resident.kept_series`), their encoded pages (:mod:`detente.measure.pages`) and the
ranked alerts (:func:`detente.measure.alerts.alerts`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["LRU"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most ``max_bytes`` of values (as ``size`` measures them) and ``max_entries`` entries, least recently
    used dropped first; a value larger than ``max_item`` (default: ``max_bytes``) is not kept at all. Putting a
    key again replaces its value."""

    def __init__(
        self,
        max_bytes: int,
        size: Callable[[V], int],
        *,
        max_entries: int | None = None,
        max_item: int | None = None,
    ) -> None:
        self.max_bytes, self.size = max_bytes, size
        self.max_entries = max_entries
        self.max_item = max_bytes if max_item is None else max_item
        self.bytes = 0
        self.items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self.items.get(key)
            if hit is None:
                return None
            self.items.move_to_end(key)
            return hit[0]

    def entries(self) -> list[tuple[K, V]]:
        """Every key and value held, least recently used first (a copy: safe while others use the map)."""
        with self._lock:
            return [(k, v) for k, (v, _) in self.items.items()]

    def put(self, key: K, value: V) -> None:
        n = self.size(value)
        if n > self.max_item:
            return
        with self._lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self.items[key] = (value, n)
            self.bytes += n
            while self.bytes > self.max_bytes or (self.max_entries is not None and len(self.items) > self.max_entries):
                _, (_, gone) = self.items.popitem(last=False)
                self.bytes -= gone
