"""Write limits of the operations API: token buckets per session token and per party, kept in memory.

Every request that is not a read (POST, PUT, PATCH, DELETE) by a logged-in user takes one token from the
bucket of its session token and one from its party's. A bucket holds a minute's allowance
(``Settings.ops_token_writes_per_minute``, ``ops_party_writes_per_minute``; 0 turns a limit off) and refills
evenly, so a burst up to the allowance passes and a flood is refused with 429 and ``Retry-After``, in the
one JSON error shape. Login has its own throttle (:mod:`detente.ops.auth`). The counts live in the serving
process: several processes serving one workspace each allow the full amount.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from detente.errors import RateLimited

__all__ = ["WRITES", "WriteLimit"]

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_BUCKETS = 10_000  # past this many, full (idle) buckets are forgotten


class WriteLimit:
    """Token buckets keyed by session token and by party (``clock``: seconds, monotonic; injected in tests)."""

    def __init__(self, per_token: int, per_party: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per = {"token": per_token, "party": per_party}
        self.clock = clock
        self._buckets: dict[tuple[str, object], tuple[float, float]] = {}  # key -> (tokens, as of)
        self._lock = threading.Lock()

    def take(self, token: str, party: int) -> None:
        """Take one write for ``token`` and its ``party``, or raise :class:`RateLimited` (taking nothing)."""
        now = self.clock()
        with self._lock:
            keys = [(("token", token), "this session"), (("party", party), "your party")]
            levels = {}
            for key, whose in keys:
                cap = self.per[key[0]]
                if cap <= 0:
                    continue
                tokens, then = self._buckets.get(key, (float(cap), now))
                tokens = min(float(cap), tokens + (now - then) * cap / 60.0)
                if tokens < 1.0:
                    wait = max(1, math.ceil((1.0 - tokens) * 60.0 / cap))
                    raise RateLimited(
                        f"Too many writes from {whose}: at most {cap} a minute; try again in {wait} s.",
                        hint="Slow down (batch the changes), or ask the operator to raise the limit.",
                        retry_after=wait,
                    )
                levels[key] = tokens
            for key, tokens in levels.items():
                self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > MAX_BUCKETS:
                self._forget_full(now)

    def _forget_full(self, now: float) -> None:
        for key, (tokens, then) in list(self._buckets.items()):
            cap = self.per[str(key[0])]
            if tokens + (now - then) * cap / 60.0 >= cap:
                del self._buckets[key]
