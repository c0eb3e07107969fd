"""Rule sets as data: thresholds, lead times, calendar deadlines and constraining provisions.

Every figure carries the paragraph of its source and whether it was verified
against the official text; :meth:`RuleSet.from_dict` validates a parsed YAML
document and raises ``ValueError`` with one line saying what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from detente.core.rules.activity import ACTIVITY_MEASURES

__all__ = ["Constraint", "RuleSet", "Threshold"]

THRESHOLD_KINDS = ("prior_notification", "observation", "information")


@dataclass(frozen=True)
class Threshold:
    """An activity crosses the threshold when ANY of ``any_of`` is reached (value >= figure)."""

    id: str
    kind: str
    any_of: Mapping[str, int]
    paragraph: str
    verified: bool = False
    note: str = ""

    def reached(self, values: Mapping[str, int]) -> list[str]:
        return [m for m, v in self.any_of.items() if values.get(m, 0) >= v]


@dataclass(frozen=True)
class Constraint:
    """A constraining provision on activities above ``over`` (any of, strictly greater).

    ``max_count`` activities per ``window_years`` calendar years (0: no count limit),
    ``max_simultaneous`` at once (0: no limit), and, when ``communicate_years_ahead``
    is set, prior communication by ``deadline`` (MM-DD) that many years before.
    ``at_most`` bounds the band from above (activities above it are counted elsewhere).
    """

    id: str
    over: Mapping[str, int]
    paragraph: str
    at_most: Mapping[str, int] = field(default_factory=dict)
    max_count: int = 0
    window_years: int = 1
    max_simultaneous: int = 0
    communicate_years_ahead: int = 0
    deadline: str = "11-15"
    verified: bool = False
    note: str = ""

    def applies(self, values: Mapping[str, int]) -> bool:
        above = any(values.get(m, 0) > v for m, v in self.over.items())
        within = not self.at_most or all(values.get(m, 0) <= v for m, v in self.at_most.items())
        return above and within


@dataclass(frozen=True)
class RuleSet:
    name: str
    title: str
    organisation: str
    source: str
    lead_time_days: int
    lead_time_paragraph: str
    calendar_deadline: str
    calendar_paragraph: str
    thresholds: tuple[Threshold, ...]
    constraints: tuple[Constraint, ...] = ()
    near_margin: float = 0.10
    lead_time_verified: bool = False
    calendar_verified: bool = False

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RuleSet:
        """Build and validate a rule set from its parsed YAML form."""
        try:
            thresholds = tuple(_threshold(t) for t in d["thresholds"])
            constraints = tuple(_constraint(c) for c in d.get("constraints", []))
            lead, cal = d["lead_time"], d["annual_calendar"]
            rs = cls(
                name=str(d["name"]),
                title=str(d["title"]),
                organisation=str(d["organisation"]),
                source=str(d["source"]),
                lead_time_days=int(lead["days"]),
                lead_time_paragraph=str(lead["paragraph"]),
                lead_time_verified=bool(lead.get("verified", False)),
                calendar_deadline=str(cal["deadline"]),
                calendar_paragraph=str(cal["paragraph"]),
                calendar_verified=bool(cal.get("verified", False)),
                thresholds=thresholds,
                constraints=constraints,
                near_margin=float(d.get("near_margin", 0.10)),
            )
        except (KeyError, TypeError) as e:
            raise ValueError(f"rule set is missing or has a malformed field: {e}") from None
        if not 0 <= rs.near_margin < 1:
            raise ValueError("near_margin must be in [0, 1)")
        _month_day(rs.calendar_deadline)
        return rs


def _measures(d: Mapping[str, Any]) -> dict[str, int]:
    out = {}
    for k, v in d.items():
        if k not in ACTIVITY_MEASURES:
            raise ValueError(f"unknown measure {k!r}; use one of {', '.join(ACTIVITY_MEASURES)}")
        if not isinstance(v, int) or v <= 0:
            raise ValueError(f"measure {k!r} needs a positive integer figure")
        out[str(k)] = int(v)
    return out


def _threshold(t: Mapping[str, Any]) -> Threshold:
    if t["kind"] not in THRESHOLD_KINDS:
        raise ValueError(f"threshold kind {t['kind']!r} is not one of {', '.join(THRESHOLD_KINDS)}")
    return Threshold(
        id=str(t["id"]),
        kind=str(t["kind"]),
        any_of=_measures(t["any_of"]),
        paragraph=str(t["paragraph"]),
        verified=bool(t.get("verified", False)),
        note=str(t.get("note", "")),
    )


def _constraint(c: Mapping[str, Any]) -> Constraint:
    return Constraint(
        id=str(c["id"]),
        over=_measures(c["over"]),
        at_most=_measures(c.get("at_most", {})),
        paragraph=str(c["paragraph"]),
        max_count=int(c.get("max_count", 0)),
        window_years=int(c.get("window_years", 1)),
        max_simultaneous=int(c.get("max_simultaneous", 0)),
        communicate_years_ahead=int(c.get("communicate_years_ahead", 0)),
        deadline=str(c.get("deadline", "11-15")),
        verified=bool(c.get("verified", False)),
        note=str(c.get("note", "")),
    )


def _month_day(s: str) -> tuple[int, int]:
    try:
        m, d = (int(x) for x in s.split("-"))
    except ValueError:
        raise ValueError(f"deadline {s!r} must be MM-DD") from None
    if not (1 <= m <= 12 and 1 <= d <= 31):
        raise ValueError(f"deadline {s!r} must be MM-DD")
    return m, d
