"""Keyset pagination of the operations lists: a stable order, an opaque cursor, a bounded page.

A list is ordered by columns that end in the primary key (so the order is total
and stable under concurrent writes); a cursor is the last row's key, and the
next page holds the rows strictly after it. Rows added while a client pages
are seen once or not at all, never twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, or_
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from detente.errors import InputError

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Page", "every", "paginate"]

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_INT = 2**31 - 1  # the key columns are 32-bit integers on PostgreSQL
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the cursor of the next (None on the last page)."""

    items: list[T]
    next: str | None


def _encode(values: Sequence[Any]) -> str:
    out = [v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(out, separators=(",", ":")).encode()).rstrip(b"=").decode()


def _decode(cursor: str, kinds: Sequence[type]) -> list[Any]:
    bad = InputError("The cursor is not one this list gave out.", hint="Pass the next cursor of the previous page.")
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise bad
        out: list[Any] = []
        for v, kind in zip(raw, kinds, strict=True):
            if kind is dt.datetime:
                out.append(dt.datetime.fromisoformat(str(v)))
            elif kind is dt.date:
                out.append(dt.date.fromisoformat(str(v)))
            elif isinstance(v, kind) and not isinstance(v, bool):
                if isinstance(v, int) and not -MAX_INT <= v <= MAX_INT:
                    raise bad  # no key column holds it (SQLite overflows, PostgreSQL is out of range)
                out.append(v)
            else:
                raise bad
        return out
    except (ValueError, TypeError, UnicodeError):
        raise bad from None


def paginate(
    s: Session,
    q: Select[Any],
    keys: Sequence[tuple[Any, type]],
    cursor: str | None,
    limit: int | None,
    *,
    descending: bool = False,
) -> Page[Any]:
    """Run ``q`` (a select of one entity) ordered by ``keys`` (``(column, python type)``, the last one unique),
    from after ``cursor``, at most ``limit`` rows (default ``DEFAULT_LIMIT``, at most ``MAX_LIMIT``)."""
    n = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= n <= MAX_LIMIT:
        raise InputError(f"limit {n} is outside 1–{MAX_LIMIT}.", hint="Page through with the next cursor.")
    cols = [c for c, _ in keys]
    if cursor:
        vals = _decode(cursor, [k for _, k in keys])
        after = []
        for i, (col, val) in enumerate(zip(cols, vals, strict=True)):
            same = [cols[j] == vals[j] for j in range(i)]
            after.append(and_(*same, col < val if descending else col > val))
        q = q.where(or_(*after))
    q = q.order_by(*[c.desc() if descending else c.asc() for c in cols]).limit(n + 1)
    rows = list(s.scalars(q))
    more = len(rows) > n
    rows = rows[:n]
    nxt = None
    if more and rows:
        last = rows[-1]
        nxt = _encode([getattr(last, c.key) for c in cols])
    return Page(rows, nxt)


def every(fetch: Callable[[str | None], Page[T]]) -> list[T]:
    """All items of a paginated list, following its cursors (``fetch(cursor)`` returns one page)."""
    out: list[T] = []
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        out.extend(page.items)
        if page.next is None:
            return out
        cursor = page.next
