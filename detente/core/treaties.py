"""Treaties and alliances with ATOP's obligation types and their conditions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Alliance", "AllianceMember", "Obligation"]


class Obligation(StrEnum):
    """ATOP 5.1 obligation types (Leeds et al.)."""

    DEFENSE = "defense"
    OFFENSE = "offense"
    NEUTRALITY = "neutrality"
    NONAGGRESSION = "nonaggression"
    CONSULTATION = "consultation"


@dataclass(frozen=True)
class Alliance:
    """One ATOP alliance (treaty), over all its phases."""

    atopid: int
    name: str
    begin: dt.date
    end: dt.date | None
    obligations: frozenset[Obligation]
    bilateral: bool = False
    conditional: bool = False
    conditions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AllianceMember:
    """A state's membership in one phase of an alliance, with what it owes."""

    atopid: int
    state: str
    cow: int
    joined: dt.date
    left: dt.date | None
    obligations: frozenset[Obligation]
    conditions: dict[str, str] = field(default_factory=dict)

    def active_on(self, day: dt.date) -> bool:
        return self.joined <= day and (self.left is None or day <= self.left)
