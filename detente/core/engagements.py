"""Engagements: the military-diplomacy acts that build (or spend) trust between actors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from detente.core.taxonomy import EngagementKind, Track

__all__ = ["Engagement"]


@dataclass(frozen=True)
class Engagement:
    """A joint exercise, exchange, dialogue, mediation, peacekeeping mission, agreement...

    ``participants`` are actor ids; ``third_parties`` are mediators, peacekeepers
    or hosts who are not parties to the relation being built.
    """

    kind: EngagementKind
    participants: tuple[str, ...]
    start: dt.date
    end: dt.date | None = None
    name: str = ""
    third_parties: tuple[str, ...] = ()
    place: str | None = None
    track: Track = Track.I
    dataset: str = ""
    source_id: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
