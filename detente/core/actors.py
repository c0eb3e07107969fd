"""Actors: states, international organisations, sectors and non-state actors.

States carry every code a dataset may use for them (COW, ISO3, CAMEO,
Gleditsch–Ward) and the period they existed. detente's own actor id for a state
is its ISO3 code where one exists (XKX for Kosovo, CSK, YUG, SUN, DDR... for
states that ended); for an organisation it is its usual acronym (NATO, AU, ...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from detente.errors import InputError

__all__ = [
    "Actor",
    "ActorKind",
    "ActorRegistry",
    "Membership",
    "Organisation",
    "Sector",
    "State",
    "normalise_name",
    "parse_dyad",
]


class ActorKind(StrEnum):
    STATE = "state"
    ORGANISATION = "organisation"
    SECTOR = "sector"
    NON_STATE = "non_state"


class Sector(StrEnum):
    """Sub-state sectors, named by their CAMEO actor-type codes."""

    MILITARY = "MIL"
    GOVERNMENT = "GOV"
    POLICE = "COP"
    REBELS = "REB"
    OPPOSITION = "OPP"
    INSURGENTS = "INS"
    CIVILIANS = "CVL"
    NGO = "NGO"
    IGO = "IGO"
    MEDIA = "MED"
    BUSINESS = "BUS"
    JUDICIARY = "JUD"
    LEGISLATURE = "LEG"
    REFUGEES = "REF"
    MEDIATORS = "MED_"  # CAMEO has no mediator type; detente's own for Track II/III facilitators


@dataclass(frozen=True)
class State:
    """A state as the COW state system and its crosswalks know it."""

    id: str
    name: str
    cow: int | None = None
    iso3: str | None = None
    cameo: str | None = None
    gw: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    note: str = ""

    def exists_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: str  # alliance, regional, universal, economic
    founded: dt.date | None = None
    cameo: str | None = None


@dataclass(frozen=True)
class Membership:
    organisation: str
    member: str
    joined: dt.date
    left: dt.date | None = None
    source: str = ""

    def active_on(self, day: dt.date) -> bool:
        return self.joined <= day and (self.left is None or day < self.left)


@dataclass(frozen=True)
class Actor:
    """Any actor an event can name: a state, an organisation, a sector of a state, a non-state group."""

    id: str
    kind: ActorKind
    name: str
    country: str | None = None
    sector: str | None = None


class ActorRegistry:
    """Resolve the codes and names of every dataset to detente actor ids (pure, in memory)."""

    def __init__(
        self,
        states: Iterable[State],
        organisations: Iterable[Organisation] = (),
        memberships: Iterable[Membership] = (),
        aliases: dict[str, str] | None = None,
    ) -> None:
        self.states = {s.id: s for s in states}
        self.organisations = {o.id: o for o in organisations}
        self.memberships = list(memberships)
        self._by_cow: dict[int, list[State]] = {}
        self._by_gw: dict[int, list[State]] = {}
        self._by_code: dict[str, str] = {}
        self._by_name: dict[str, str] = {}
        for s in self.states.values():
            if s.cow is not None:
                self._by_cow.setdefault(s.cow, []).append(s)
            if s.gw is not None:
                self._by_gw.setdefault(s.gw, []).append(s)
            for code in (s.id, s.iso3, s.cameo):
                if code:
                    self._by_code.setdefault(code.upper(), s.id)
            self._by_name.setdefault(normalise_name(s.name), s.id)
        for o in self.organisations.values():
            self._by_code.setdefault(o.id.upper(), o.id)
            if o.cameo:
                self._by_code.setdefault(o.cameo.upper(), o.id)
            self._by_name.setdefault(normalise_name(o.name), o.id)
        for alias, target in (aliases or {}).items():
            self._by_name[normalise_name(alias)] = target

    def by_code(self, code: str | None) -> str | None:
        """Actor id for an ISO3, CAMEO or detente code; None when unknown."""
        if not code:
            return None
        return self._by_code.get(code.strip().upper())

    def by_name(self, name: str | None) -> str | None:
        if not name:
            return None
        return self._by_name.get(normalise_name(name))

    def by_cow(self, cow: int, on: dt.date | None = None) -> str | None:
        return _pick(self._by_cow.get(cow, []), on)

    def by_gw(self, gw: int, on: dt.date | None = None) -> str | None:
        return _pick(self._by_gw.get(gw, []), on)

    def members(self, organisation: str, on: dt.date) -> list[str]:
        return sorted({m.member for m in self.memberships if m.organisation == organisation and m.active_on(on)})

    def organisations_of(self, member: str, on: dt.date) -> list[str]:
        return sorted({m.organisation for m in self.memberships if m.member == member and m.active_on(on)})

    def name(self, actor_id: str) -> str:
        if actor_id in self.states:
            return self.states[actor_id].name
        if actor_id in self.organisations:
            return self.organisations[actor_id].name
        return actor_id


def _pick(candidates: list[State], on: dt.date | None) -> str | None:
    if not candidates:
        return None
    if on is not None:
        for s in candidates:
            if s.exists_on(on):
                return s.id
    return max(candidates, key=lambda s: s.start or dt.date.min).id


def parse_dyad(text: str, *, label: str = "A dyad", distinct: bool = False) -> tuple[str, str]:
    """Two actor ids from "A,B" (upper-cased); one clear error otherwise.

    >>> parse_dyad(" usa, rus ")
    ('USA', 'RUS')
    """
    parts = [p.strip().upper() for p in text.split(",")]
    if len(parts) != 2 or not all(parts) or (distinct and parts[0] == parts[1]):
        what = "two different actor ids" if distinct else "two actor ids"
        raise InputError(f"{label} takes {what} separated by a comma, not {text!r}.", hint="Example: USA,RUS.")
    return parts[0], parts[1]


def normalise_name(name: str) -> str:
    """How names are matched everywhere: casefolded, no dots, commas as spaces, single spaces.

    >>> normalise_name('Korea,  Republic of.')
    'korea republic of'
    """
    return " ".join(name.casefold().replace(".", "").replace(",", " ").split())
