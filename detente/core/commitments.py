"""Who is bound to defend, consult or stay neutral toward whom on a date (pure; ATOP 5.1 semantics).

An :class:`~detente.core.treaties.AllianceMember` says what one state owes its partners under one
alliance phase. On a given day, two states are bound to each other under an alliance when both are
active members of it; the obligations a partner owes are its own flags (ATOP codes obligations per
member, so asymmetric treaties differ by member). :func:`allies_of` answers the collective-defense
question for an attacked state (and, separately, for the attacker); :func:`graph` builds the commitment
graph around an actor. Conditions are ATOP's flags, explained by :data:`CONDITION_LABELS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from detente.core.treaties import AllianceMember, Obligation

__all__ = ["CONDITION_LABELS", "Commitment", "allies_of", "commitments_between", "describe_conditions", "graph"]

CONDITION_LABELS: dict[str, str] = {
    "conditio": "some obligation is conditional",
    "defcon": "defense is conditional",
    "defcoadv": "defense only against a specific adversary",
    "defcoloc": "defense only if the attack is in a specific location",
    "defcocon": "defense only in a specific conflict",
    "defconum": "defense only if attacked by a specific number of states",
    "defcodem": "defense conditional on demands made of the attacker",
    "defconpr": "defense only if the ally did not provoke the attack",
    "offcon": "offense is conditional",
    "offcoadv": "offense only against a specific adversary",
    "offcoloc": "offense only in a specific location",
    "offcocon": "offense only in a specific conflict",
    "offconum": "offense conditional on the number of adversaries",
    "offcodem": "offense conditional on demands not met",
    "neucon": "neutrality is conditional",
    "neucoadv": "neutrality only toward a specific adversary",
    "neucoloc": "neutrality only for conflicts in a specific location",
    "neucocon": "neutrality only in a specific conflict",
    "neuconum": "neutrality conditional on the number of adversaries",
    "neucodem": "neutrality conditional on demands",
    "neuconpr": "neutrality only if the ally did not provoke",
    "neucoatt": "neutrality only if the ally is attacked",
    "concon": "consultation is conditional",
    "concoadv": "consultation only about a specific adversary",
    "concoloc": "consultation only about a specific location",
    "concocon": "consultation only in a specific conflict",
    "concoreq": "consultation on request",
    "asymm": "obligations differ among members",
    "obvary": "obligations vary among members",
}

# Obligations that bear on a war against the attacked state, strongest first.
AID_ORDER = (
    Obligation.DEFENSE,
    Obligation.OFFENSE,
    Obligation.NEUTRALITY,
    Obligation.NONAGGRESSION,
    Obligation.CONSULTATION,
)


@dataclass(frozen=True)
class Commitment:
    """``ally`` owes ``protege`` ``obligations`` under ``atopid`` on the day asked, with conditions."""

    ally: str
    protege: str
    atopid: int
    obligations: frozenset[Obligation]
    conditions: Mapping[str, int] = field(default_factory=dict)

    @property
    def strongest(self) -> Obligation:
        return next(o for o in AID_ORDER if o in self.obligations)

    def conditions_text(self) -> list[str]:
        return describe_conditions(self.conditions, self.obligations)


def describe_conditions(conditions: Mapping[str, int], obligations: Iterable[Obligation] = AID_ORDER) -> list[str]:
    """Readable conditions that apply to the given obligations (prefix def/off/neu/con)."""
    prefixes = {"defense": "def", "offense": "off", "neutrality": "neu", "consultation": "con"}
    wanted = {prefixes[o.value] for o in obligations if o.value in prefixes}
    out = []
    for key, value in sorted(conditions.items()):
        if (
            value
            and key in CONDITION_LABELS
            and key[:3] in wanted
            and key not in ("conditio", "defcon", "offcon", "neucon", "concon")
        ):
            out.append(CONDITION_LABELS[key])
    return out


def _ints(conditions: Mapping[str, str]) -> dict[str, int]:
    out = {}
    for k, v in conditions.items():
        try:
            out[k] = int(v)
        except (TypeError, ValueError):
            continue
    return out


def _active(members: Iterable[AllianceMember], day: dt.date) -> dict[int, list[AllianceMember]]:
    """Active members per alliance; a state in two phases that touch on ``day`` counts once (obligations merged)."""
    by: dict[int, dict[str, AllianceMember]] = {}
    for m in members:
        if not (m.obligations and m.active_on(day)):
            continue
        seen = by.setdefault(m.atopid, {})
        prev = seen.get(m.state)
        if prev is None:
            seen[m.state] = m
        else:
            seen[m.state] = AllianceMember(
                m.atopid,
                m.state,
                m.cow,
                min(prev.joined, m.joined),
                m.left,
                prev.obligations | m.obligations,
                {**prev.conditions, **m.conditions},
            )
    return {a: list(v.values()) for a, v in by.items()}


def commitments_between(members: Iterable[AllianceMember], day: dt.date) -> list[Commitment]:
    """Every directed commitment in force on ``day``: each active member toward each active partner."""
    out = []
    for atopid, ms in sorted(_active(members, day).items()):
        for a in ms:
            for b in ms:
                if a.state != b.state:
                    out.append(Commitment(a.state, b.state, atopid, a.obligations, _ints(a.conditions)))
    return out


def allies_of(
    members: Iterable[AllianceMember],
    attacked: str,
    day: dt.date,
    *,
    obligations: Iterable[Obligation] = (Obligation.DEFENSE,),
    exclude: Iterable[str] = (),
) -> list[Commitment]:
    """Partners that owe ``attacked`` one of ``obligations`` on ``day`` (sorted by alliance, then state).

    ``exclude`` drops states (e.g. the attacker, who may share an alliance with the attacked).
    """
    want = frozenset(obligations)
    skip = set(exclude)
    return sorted(
        (
            c
            for c in commitments_between(members, day)
            if c.protege == attacked and c.ally not in skip and c.obligations & want
        ),
        key=lambda c: (c.atopid, c.ally),
    )


def graph(
    members: Iterable[AllianceMember], actor: str, day: dt.date, depth: int = 1
) -> tuple[set[str], list[Commitment]]:
    """Nodes within ``depth`` commitment hops of ``actor`` and the commitments among them (any obligation)."""
    all_c = commitments_between(list(members), day)
    nodes = {actor}
    frontier = {actor}
    for _ in range(max(0, depth)):
        nxt = {c.ally for c in all_c if c.protege in frontier} | {c.protege for c in all_c if c.ally in frontier}
        frontier = nxt - nodes
        nodes |= nxt
        if not frontier:
            break
    return nodes, [
        c
        for c in all_c
        if c.ally in nodes and c.protege in nodes and (c.ally == actor or c.protege == actor or depth > 1)
    ]
