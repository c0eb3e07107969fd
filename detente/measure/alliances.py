"""Alliance commitments: the collective-defense answer and the commitment graph, from the store's ATOP records.

The store returns the memberships in force on a date (:func:`detente.store.alliances.active_members`, typed
:class:`~detente.core.treaties.AllianceMember` records); :mod:`detente.core.commitments` decides who owes
what to whom; this module shapes the answer the API, the CLI and the brief show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from detente import reference
from detente.core.commitments import Commitment, allies_of, describe_conditions, graph
from detente.core.treaties import Obligation
from detente.errors import NotFound
from detente.store.alliances import ATOP_COVERAGE_END, active_members, alliance_names, has_members
from detente.store.warehouse import Store

__all__ = ["alliance_graph", "allies_answer"]


def _check(store: Store, actor: str, on: dt.date) -> str:
    reg = reference.actor_registry()
    aid = reg.by_code(actor) or reg.by_name(actor)
    if aid is None or aid not in reg.states:
        raise NotFound(f"Unknown state {actor!r}.", hint="Use an ISO3/detente id such as EST, or a country name.")
    if not has_members(store):
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
