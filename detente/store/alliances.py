"""Alliance memberships from the store's ATOP tables, as typed records.

Reads ``alliances`` and ``alliance_members`` (loaded by :mod:`detente.ingest.atop`) with Ibis and turns
the rows in force on a date into :class:`~detente.core.treaties.AllianceMember` records;
:mod:`detente.measure.alliances` lets :mod:`detente.core.commitments` decide who owes what to whom.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from detente.core.treaties import AllianceMember, Obligation
from detente.store.warehouse import Store

__all__ = ["ATOP_COVERAGE_END", "active_members", "alliance_names", "defense_members", "has_members"]

ATOP_COVERAGE_END = dt.date(2018, 12, 31)
FLAGS = ("defense", "offense", "neutrality", "nonaggression", "consultation")


def active_members(store: Store, on: dt.date) -> list[AllianceMember]:
    """Every alliance membership (with a resolved actor id) in force on ``on``."""
    t = store.ibis.table("alliance_members")
    expr = t.filter(t.member.notnull() & (t.joined <= on) & (t.left.isnull() | (t.left >= on)))
    rows = expr.select("atopid", "member", "cow", "joined", "left", *FLAGS, "conditions").to_pyarrow().to_pylist()
    out = []
    for r in rows:
        obligations = frozenset(Obligation(f) for f in FLAGS if bool(r[f]))
        conds = {k: str(v) for k, v in json.loads(r["conditions"] or "{}").items()}
        left = r["left"]
        out.append(
            AllianceMember(
                atopid=int(r["atopid"]),
                state=str(r["member"]),
                cow=int(r["cow"]),
                joined=_d(r["joined"]),
                left=None if left is None else _d(left),
                obligations=obligations,
                conditions=conds,
            )
        )
    return out


def defense_members(store: Store, year: int) -> list[tuple[int, int]]:
    """(atopid, COW code) of every membership of a defence pact in force at some point of ``year``."""
    t = store.ibis.table("alliance_members")
    live = (
        t.defense.fill_null(False)
        & (t.joined.isnull() | (t.joined.year() <= year))
        & (t.left.isnull() | (t.left.year() >= year))
        & t.cow.notnull()
    )
    rows = t.filter(live).select("atopid", "cow").to_pyarrow().to_pylist()
    return [(int(r["atopid"]), int(r["cow"])) for r in rows]


def _d(v: Any) -> dt.date:
    return (
        v.date() if isinstance(v, dt.datetime) else v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10])
    )


def has_members(store: Store) -> bool:
    """Whether the store holds any ATOP alliance membership."""
    return bool(store.ibis.table("alliance_members").limit(1).to_pyarrow().num_rows)


def alliance_names(store: Store) -> dict[int, str]:
    t = store.ibis.table("alliances")
    rows = t.select("atopid", "name").to_pyarrow().to_pylist()
    return {int(r["atopid"]): str(r["name"]) for r in rows}
