"""Write limits of the operations API: token buckets per session token and per party, kept in the ops database.

Every request that is not a read (POST, PUT, PATCH, DELETE) by a logged-in user, and every heavy read (one that
recomputes or exports a whole log: ``GET .../verify``, ``.../chain``, ``.../log``, ``.../risk``,
``/engagements.ics``), takes one token from the bucket of its session token and one from its party's. A bucket
holds a minute's allowance (``Settings.ops_token_writes_per_minute``, ``ops_party_writes_per_minute``; 0 turns a
limit off) and refills evenly, so a burst up to the allowance passes and a flood is refused with 429 and
``Retry-After``, in the one JSON error shape. Login has its own throttle (:mod:`detente.ops.auth`), and each
client address a bucket of login tries (``Settings.ops_logins_per_minute``), taken before any password is
hashed. The buckets are rows of the ops database taken by atomic upserts (:mod:`detente.ops.buckets`), so every
process serving the workspace (several API workers, the CLI beside the server) draws on the same allowance.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from detente.ops import buckets
from detente.ops.db import OpsDB

__all__ = ["WRITES", "WriteLimit"]

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORGET_EVERY = 1000  # every this many writes a process deletes the buckets idle (full) for a minute


class WriteLimit:
    """The write limits of one workspace (``clock``: wall-clock unix seconds, shared by every process; injected
    in tests)."""

    def __init__(
        self, per_token: int, per_party: int, clock: Callable[[], float] = time.time, per_login: int = 0
    ) -> None:
        self.per_token, self.per_party, self.per_login = per_token, per_party, per_login
        self.clock = clock
        self._takes = itertools.count(1)

    def take(self, db: OpsDB, token: str, party: int) -> None:
        """Take one write for ``token`` and its ``party``, or raise RateLimited (taking nothing)."""
        if self.per_token <= 0 and self.per_party <= 0:
            return
        now = self.clock()
        with db.session() as s:  # a refusal raises inside: the unit of work rolls back, nothing is taken
            buckets.take(
                s,
                [
                    buckets.Bucket(f"token:{token}", self.per_token, "writes and checks from this session"),
                    buckets.Bucket(f"party:{party}", self.per_party, "writes and checks from your party"),
                ],
                now,
            )
        self._housekeeping(db, now)

    def login(self, db: OpsDB, source: str) -> None:
        """Take one login try for the client address ``source`` before its password is hashed, or raise
        RateLimited: a flood of logins, right or wrong, from one address costs no argon2 work past the limit."""
        if self.per_login <= 0:
            return
        now = self.clock()
        with db.session() as s:
            buckets.take(s, [buckets.Bucket(f"login:{source}"[:100], self.per_login, "logins from your address")], now)
        self._housekeeping(db, now)

    def _housekeeping(self, db: OpsDB, now: float) -> None:
        if next(self._takes) % FORGET_EVERY == 0:
            with contextlib.suppress(SQLAlchemyError), db.session() as s:  # housekeeping: retried next time
                buckets.forget_full(s, now)
