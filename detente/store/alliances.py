"""Alliance commitments from the store's ATOP tables: the collective-defense answer and the commitment graph.

Reads ``alliances`` and ``alliance_members`` (loaded by :mod:`detente.ingest.atop`) with Ibis, turns
the rows in force on a date into :class:`~detente.core.treaties.AllianceMember` records and lets
:mod:`detente.core.commitments` decide who owes what to whom.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from detente import reference
from detente.core.commitments import Commitment, allies_of, describe_conditions, graph
from detente.core.treaties import AllianceMember, Obligation
from detente.errors import NotFound
from detente.store.warehouse import Store

__all__ = [
    "ATOP_COVERAGE_END",
    "active_members",
    "alliance_graph",
    "alliance_names",
    "allies_answer",
    "defense_members",
]

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


def alliance_names(store: Store) -> dict[int, str]:
    t = store.ibis.table("alliances")
    rows = t.select("atopid", "name").to_pyarrow().to_pylist()
    return {int(r["atopid"]): str(r["name"]) for r in rows}


def _check(store: Store, actor: str, on: dt.date) -> str:
    reg = reference.actor_registry()
    aid = reg.by_code(actor) or reg.by_name(actor)
    if aid is None or aid not in reg.states:
        raise NotFound(f"Unknown state {actor!r}.", hint="Use an ISO3/detente id such as EST, or a country name.")
    if not store.ibis.table("alliance_members").limit(1).to_pyarrow().num_rows:
        raise NotFound("No ATOP alliance data in the store.", hint="Run `detente load atop` (or `detente fetch atop`).")
    return aid


def _row(c: Commitment, names: dict[int, str], side: str) -> dict[str, Any]:
    reg = reference.actor_registry()
    state = c.ally
    return {
        "state": state,
        "name": reg.name(state),
        "atopid": c.atopid,
        "alliance": names.get(c.atopid, f"ATOP {c.atopid}"),
        "obligation": c.strongest.value,
        "obligations": sorted(o.value for o in c.obligations),
        "conditions": c.conditions_text(),
        "condition_flags": dict(c.conditions),
        "toward": side,
    }


def allies_answer(store: Store, attacked: str, on: dt.date, attacker: str | None = None) -> dict[str, Any]:
    """Who must come to ``attacked``'s aid on ``on`` (and to ``attacker``'s), under which alliance and terms."""
    victim = _check(store, attacked, on)
    aggressor = _check(store, attacker, on) if attacker else None
    members = active_members(store, on)
    names = alliance_names(store)
    reg = reference.actor_registry()
    exclude = [aggressor] if aggressor else []
    defenders = [_row(c, names, victim) for c in allies_of(members, victim, on, exclude=exclude)]
    neutral = [
        _row(c, names, victim)
        for c in allies_of(members, victim, on, obligations=(Obligation.NEUTRALITY,), exclude=exclude)
        if Obligation.DEFENSE not in c.obligations
    ]
    answer: dict[str, Any] = {
        "on": on.isoformat(),
        "attacked": {"id": victim, "name": reg.name(victim)},
        "attacker": {"id": aggressor, "name": reg.name(aggressor)} if aggressor else None,
        "defenders": defenders,
        "neutral": neutral,
        "alliances": _group(defenders),
        "attacker_defenders": [],
        "shared_alliances": [],
        "source": "ATOP 5.1 (Leeds et al. 2002), alliance_members in force on the date",
        "note": ""
        if on <= ATOP_COVERAGE_END
        else f"ATOP 5.1 ends {ATOP_COVERAGE_END}; later dates use the last coded terms.",
    }
    if aggressor:
        adef = allies_of(members, aggressor, on, obligations=(Obligation.DEFENSE, Obligation.OFFENSE), exclude=[victim])
        answer["attacker_defenders"] = [_row(c, names, aggressor) for c in adef]
        answer["attacker_alliances"] = _group(answer["attacker_defenders"])
        mine = {m.atopid for m in members if m.state == victim}
        theirs = {m.atopid for m in members if m.state == aggressor}
        answer["shared_alliances"] = [
            {
                "atopid": a,
                "alliance": names.get(a, f"ATOP {a}"),
                "obligations": sorted(
                    {o.value for m in members if m.atopid == a and m.state == aggressor for o in m.obligations}
                ),
            }
            for a in sorted(mine & theirs)
        ]
    return answer


def _group(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by: dict[int, dict[str, Any]] = {}
    for r in rows:
        g = by.setdefault(
            r["atopid"],
            {
                "atopid": r["atopid"],
                "alliance": r["alliance"],
                "obligation": r["obligation"],
                "allies": [],
                "conditions": r["conditions"],
            },
        )
        g["allies"].append(r["state"])
    return sorted(by.values(), key=lambda g: (-len(g["allies"]), g["atopid"]))


def alliance_graph(store: Store, actor: str, on: dt.date, depth: int = 1) -> dict[str, Any]:
    """Nodes and edges (one per ally → protégé commitment, with its strongest obligation) around ``actor``."""
    aid = _check(store, actor, on)
    members = active_members(store, on)
    names = alliance_names(store)
    reg = reference.actor_registry()
    nodes, edges = graph(members, aid, on, depth=depth)
    return {
        "actor": aid,
        "on": on.isoformat(),
        "depth": depth,
        "nodes": [{"id": n, "name": reg.name(n), "center": n == aid} for n in sorted(nodes)],
        "edges": [
            {
                "source": c.ally,
                "target": c.protege,
                "atopid": c.atopid,
                "alliance": names.get(c.atopid, ""),
                "obligation": c.strongest.value,
                "obligations": sorted(o.value for o in c.obligations),
                "conditions": describe_conditions(c.conditions, c.obligations),
            }
            for c in edges
        ],
    }
