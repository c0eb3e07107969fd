"""Token buckets kept in the ops database, so every process serving a workspace draws on one allowance.

A bucket holds at most ``cap`` writes and refills evenly by ``cap`` a minute. :func:`take` takes one write from
each bucket it is given with one atomic upsert per bucket (``INSERT … ON CONFLICT DO UPDATE … WHERE`` the
bucket, refilled, holds a write; ``RETURNING`` says whether it did), on SQLite and PostgreSQL alike: the
row's lock (PostgreSQL) or the database's write lock (SQLite) is held from the upsert to the commit, so two
processes can never both take the last write. The caller runs it in its own unit of work and lets a refusal
roll it back, so a refused write takes nothing from any bucket.

Times are wall-clock unix seconds (a monotonic clock means nothing to another process).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, case, delete, select
from sqlalchemy.orm import Session

from detente.errors import RateLimited
from detente.ops.db import upsert
from detente.ops.models import WriteBucket

__all__ = ["Bucket", "forget_full", "take"]

_T = cast(Table, WriteBucket.__table__)


@dataclass(frozen=True)
class Bucket:
    key: str  # "token:<nonce>", "party:<id>"
    cap: int  # writes a minute (0 or less: no limit)
    what: str  # for the message: "writes from this session", "logins from your address"


def _level(cap: float, now: float) -> Any:
    """The bucket's writes as of ``now``, refilled since its ``at`` (SQL; a clock behind ``at`` refills nothing)."""
    refilled = _T.c.tokens + case((_T.c.at < now, now - _T.c.at), else_=0.0) * (cap / 60.0)
    return case((refilled > cap, cap), else_=refilled)


def _take_one(s: Session, b: Bucket, now: float) -> bool:
    cap = float(b.cap)
    level = _level(cap, now)
    stmt = (
        upsert(s, _T)
        .values(key=b.key, tokens=cap - 1.0, at=now)
        .on_conflict_do_update(
            index_elements=[_T.c.key],
            set_={"tokens": level - 1.0, "at": case((_T.c.at < now, now), else_=_T.c.at)},
            where=level >= 1.0,
        )
        .returning(_T.c.tokens)
    )
    return s.execute(stmt).first() is not None


def take(s: Session, buckets: Sequence[Bucket], now: float) -> None:
    """Take one write from every bucket, or raise :class:`RateLimited` naming the first empty one (the caller
    rolls the unit of work back: a refused write takes nothing)."""
    for b in buckets:
        if b.cap <= 0 or _take_one(s, b, now):
            continue
        left = s.scalar(select(_level(float(b.cap), now)).where(_T.c.key == b.key)) or 0.0
        wait = max(1, math.ceil((1.0 - float(left)) * 60.0 / b.cap))
        raise RateLimited(
            f"Too many {b.what}: at most {b.cap} a minute; try again in {wait} s.",
            hint="Slow down (batch the changes), or ask the operator to raise the limit.",
            retry_after=wait,
        )


def forget_full(s: Session, now: float) -> int:
    """Delete the buckets untouched for a minute (full again, so the same as absent); rows another unit of work
    holds are skipped, so this never waits for, nor deadlocks with, a write being counted."""
    idle = select(_T.c.key).where(_T.c.at < now - 60.0).with_for_update(skip_locked=True)
    done: Any = s.execute(delete(_T).where(_T.c.key.in_(idle)))  # a CursorResult
    return int(done.rowcount or 0)
