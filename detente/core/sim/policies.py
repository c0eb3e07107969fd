"""Policies: which mechanisms of military diplomacy are in force, and how strongly (0..1 each).

Built-in policies register in :data:`POLICIES` exactly as a plug-in's would. A *variant* is a
policy name or a mix written ``a+b`` (each mechanism at the highest level any part gives it).

>>> variant("hotline+mediation").levels["hotline"]
1.0
>>> variant("none").active()
()
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from detente.errors import SimulationError
from detente.registry import Registry

__all__ = ["MECHANISMS", "POLICIES", "Policy", "variant"]

#: The mechanisms the model implements (docs/simulation.md has one section per mechanism).
MECHANISMS: tuple[str, ...] = (
    "transparency",
    "exercises",
    "hotline",
    "mediation",
    "collective_defense",
    "peacekeeping",
    "corridors",
)


@dataclass(frozen=True)
class Policy:
    """A named set of mechanism levels in [0, 1]; mechanisms not named are off."""

    name: str
    levels: Mapping[str, float] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        bad = sorted(set(self.levels) - set(MECHANISMS))
        if bad:
            raise SimulationError(
                f"Policy {self.name!r} names unknown mechanism(s): {', '.join(bad)}.",
                hint=f"Mechanisms: {', '.join(MECHANISMS)}.",
            )
        for k, v in self.levels.items():
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= float(v) <= 1.0:
                raise SimulationError(f"Policy {self.name!r}: level of {k} must be in 0..1, not {v!r}.")
        full = {m: float(self.levels.get(m, 0.0)) for m in MECHANISMS}
        object.__setattr__(self, "levels", full)

    def level(self, mechanism: str) -> float:
        return float(self.levels[mechanism])

    def active(self) -> tuple[str, ...]:
        return tuple(m for m in MECHANISMS if self.levels[m] > 0)


POLICIES: Registry[Policy] = Registry("policy")


def _builtin(name: str, description: str, **levels: float) -> None:
    POLICIES.add(name, Policy(name, levels, description))


_builtin("none", "No mechanism: the calibrated baseline world.")
_builtin(
    "transparency",
    "CBM notifications and data exchanges: less misperception of capability and intent.",
    transparency=1.0,
)
_builtin("exercises", "Joint exercises and military exchanges between rivals: trust gain at a cost.", exercises=1.0)
_builtin("hotline", "A dedicated crisis communication channel: fewer accidental escalations.", hotline=1.0)
_builtin(
    "mediation", "Third-party mediation by the state most trusted by both sides and allied to neither.", mediation=1.0
)
_builtin(
    "collective_defense",
    "Alliance obligations made credible: deterrence, but entrapment of allies.",
    collective_defense=1.0,
)
_builtin("peacekeeping", "Peacekeepers after every ceasefire: lower recurrence.", peacekeeping=1.0)
_builtin("corridors", "Humanitarian corridors in war: less civilian harm.", corridors=1.0)
_builtin("dialogue", "Transparency and a hotline: the classic CBM package.", transparency=1.0, hotline=1.0)
_builtin(
    "track3",
    "Military diplomacy as peacebuilding: exercises, exchanges, mediation and peacekeeping.",
    exercises=1.0,
    mediation=1.0,
    peacekeeping=1.0,
)
_builtin("full", "Every mechanism at full level.", **dict.fromkeys(MECHANISMS, 1.0))

_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


def variant(spec: str) -> Policy:
    """The policy named ``spec``, or the mix of policies ``a+b+c``."""
    if not isinstance(spec, str) or not spec.strip():
        raise SimulationError("Empty policy name.", hint=f"Choose from: {', '.join(POLICIES.names())}.")
    parts = [p.strip() for p in spec.split("+")]
    if len(parts) > len(MECHANISMS) + 4 or any(not _NAME.match(p) for p in parts):
        raise SimulationError(f"Bad policy {spec[:60]!r}.", hint="Write a policy name or a mix like hotline+mediation.")
    known = POLICIES.names()
    for p in parts:
        if p not in known:
            raise SimulationError(f"Unknown policy {p!r}.", hint=f"Choose from: {', '.join(known)}.")
    pols = [POLICIES.get(p) for p in parts]
    if len(pols) == 1:
        return pols[0]
    levels = {m: max(p.level(m) for p in pols) for m in MECHANISMS}
    return Policy("+".join(parts), levels, " + ".join(p.description.split(":")[0] for p in pols))
