"""Rule sets as data: thresholds, lead times, calendar deadlines and constraining provisions.

Every figure carries the paragraph of its source and its verification status against the
official text: ``verified``, ``to_check`` (a reason to doubt the figure or its paragraph is
recorded) or ``unverified``. A :class:`Verification` records who checked which figure against
which edition of the document, and when; it applies only while the figure is unchanged (its
:meth:`RuleSet.fingerprint`). :meth:`RuleSet.from_dict` validates a parsed YAML document and
raises ``ValueError`` with one line saying what is wrong; :func:`compare` lists how two rule
sets differ, figure by figure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from detente.core.rules.activity import ACTIVITY_MEASURES

__all__ = ["STATUSES", "Constraint", "Difference", "RuleSet", "Threshold", "Verification", "compare"]

THRESHOLD_KINDS = ("prior_notification", "observation", "information")
#: A figure's verification status, strongest first.
STATUSES = ("verified", "to_check", "unverified")
#: Rule ids of the two figures that are not thresholds or constraints.
LEAD_TIME, ANNUAL_CALENDAR = "lead_time", "annual_calendar"


@dataclass(frozen=True)
class Verification:
    """Someone checked one figure (``rule``) against an edition of the official document."""

    ruleset: str
    rule: str
    fingerprint: str
    edition: str
    verified_by: str
    verified_on: dt.date
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "rule": self.rule,
            "fingerprint": self.fingerprint,
            "edition": self.edition,
            "verified_by": self.verified_by,
            "verified_on": self.verified_on.isoformat(),
            "note": self.note,
        }


@dataclass(frozen=True)
class Threshold:
    """An activity crosses the threshold when ANY of ``any_of`` is reached (value >= figure)."""

    id: str
    kind: str
    any_of: Mapping[str, int]
    paragraph: str
    verified: bool = False
    note: str = ""
    to_check: str = ""

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
    to_check: str = ""

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
    lead_time_to_check: str = ""
    calendar_to_check: str = ""
    verifications: tuple[Verification, ...] = ()

    # -- figures and their verification ------------------------------------------------------
    def rule_ids(self) -> list[str]:
        return [LEAD_TIME, ANNUAL_CALENDAR, *(t.id for t in self.thresholds), *(c.id for c in self.constraints)]

    def figures(self, rule: str) -> dict[str, Any]:
        """What a verifier checks for ``rule``: its paragraph and every figure (KeyError if unknown)."""
        if rule == LEAD_TIME:
            return {"paragraph": self.lead_time_paragraph, "days": self.lead_time_days}
        if rule == ANNUAL_CALENDAR:
            return {"paragraph": self.calendar_paragraph, "deadline": self.calendar_deadline}
        for t in self.thresholds:
            if t.id == rule:
                return {"paragraph": t.paragraph, "kind": t.kind, "any_of": dict(sorted(t.any_of.items()))}
        for c in self.constraints:
            if c.id == rule:
                return {
                    "paragraph": c.paragraph,
                    "over": dict(sorted(c.over.items())),
                    "at_most": dict(sorted(c.at_most.items())),
                    "max_count": c.max_count,
                    "window_years": c.window_years,
                    "max_simultaneous": c.max_simultaneous,
                    "communicate_years_ahead": c.communicate_years_ahead,
                    "deadline": c.deadline if c.communicate_years_ahead else None,
                }
        raise KeyError(rule)

    def fingerprint(self, rule: str) -> str:
        """A short hash of the rule's paragraph and figures: a verification holds while it is unchanged."""
        text = json.dumps(self.figures(rule), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _flags(self, rule: str) -> tuple[bool, str, str]:
        if rule == LEAD_TIME:
            return self.lead_time_verified, self.lead_time_to_check, ""
        if rule == ANNUAL_CALENDAR:
            return self.calendar_verified, self.calendar_to_check, ""
        for t in self.thresholds:
            if t.id == rule:
                return t.verified, t.to_check, t.note
        for c in self.constraints:
            if c.id == rule:
                return c.verified, c.to_check, c.note
        raise KeyError(rule)

    def verification_of(self, rule: str) -> Verification | None:
        """The latest verification recorded for the rule's current figures, if any."""
        fp = self.fingerprint(rule)
        found = [v for v in self.verifications if v.rule == rule and v.fingerprint == fp]
        return max(found, key=lambda v: v.verified_on) if found else None

    def status_of(self, rule: str) -> str:
        """``verified``, ``to_check`` or ``unverified`` (a recorded verification of the same figures counts)."""
        verified, to_check, _ = self._flags(rule)
        if verified or self.verification_of(rule) is not None:
            return "verified"
        return "to_check" if to_check else "unverified"

    def status_counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for r in self.rule_ids():
            out[self.status_of(r)] += 1
        return out

    def with_verifications(self, extra: Iterable[Verification]) -> RuleSet:
        """This rule set with more verification records (those of another rule set are ignored)."""
        mine = tuple(v for v in extra if v.ruleset == self.name)
        return replace(self, verifications=self.verifications + mine)

    def rule_rows(self) -> list[dict[str, Any]]:
        """One row per figure: id, paragraph, figures, status, to-check reason, note, verification."""
        rows = []
        for r in self.rule_ids():
            _, to_check, note = self._flags(r)
            v = self.verification_of(r)
            rows.append(
                {
                    "rule": r,
                    **self.figures(r),
                    "status": self.status_of(r),
                    "to_check": to_check,
                    "note": note,
                    "fingerprint": self.fingerprint(r),
                    "verification": v.to_dict() if v else None,
                }
            )
        return rows

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
                lead_time_to_check=str(lead.get("to_check") or ""),
                calendar_deadline=str(cal["deadline"]),
                calendar_paragraph=str(cal["paragraph"]),
                calendar_verified=bool(cal.get("verified", False)),
                calendar_to_check=str(cal.get("to_check") or ""),
                thresholds=thresholds,
                constraints=constraints,
                near_margin=float(d.get("near_margin", 0.10)),
            )
            rs = replace(rs, verifications=tuple(_verification(rs.name, v) for v in d.get("verifications") or []))
        except (KeyError, TypeError) as e:
            raise ValueError(f"rule set is missing or has a malformed field: {e}") from None
        if not 0 <= rs.near_margin < 1:
            raise ValueError("near_margin must be in [0, 1)")
        _month_day(rs.calendar_deadline)
        ids = rs.rule_ids()
        if len(set(ids)) != len(ids):
            raise ValueError("rule ids must be unique (lead_time and annual_calendar are reserved)")
        for v in rs.verifications:
            if v.rule not in ids:
                raise ValueError(f"verification names unknown rule {v.rule!r}")
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
        to_check=str(t.get("to_check") or ""),
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
        to_check=str(c.get("to_check") or ""),
    )


def _verification(ruleset: str, v: Mapping[str, Any]) -> Verification:
    on = v["verified_on"]
    return Verification(
        ruleset=ruleset,
        rule=str(v["rule"]),
        fingerprint=str(v["fingerprint"]),
        edition=str(v["edition"]),
        verified_by=str(v["verified_by"]),
        verified_on=on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on)),
        note=str(v.get("note") or ""),
    )


@dataclass(frozen=True)
class Difference:
    """How one figure of ``rule`` differs between two rule sets (None: absent from that side)."""

    rule: str
    field: str
    ours: Any
    theirs: Any

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "field": self.field, "ours": self.ours, "theirs": self.theirs}


def compare(ours: RuleSet, theirs: RuleSet) -> list[Difference]:
    """Every figure, paragraph and status that differs, rule by rule (rules in either set).

    >>> a = RuleSet.from_dict({"name": "a", "title": "t", "organisation": "X", "source": "s",
    ...     "lead_time": {"days": 42, "paragraph": "38"}, "annual_calendar": {"deadline": "11-15", "paragraph": "61"},
    ...     "thresholds": []})
    >>> b = replace(a, lead_time_days=40)
    >>> [(d.rule, d.field, d.ours, d.theirs) for d in compare(a, b)]
    [('lead_time', 'days', 42, 40)]
    """
    out: list[Difference] = []
    ids_a, ids_b = ours.rule_ids(), theirs.rule_ids()
    for rule in ids_a + [r for r in ids_b if r not in ids_a]:
        fa = {**ours.figures(rule), "status": ours.status_of(rule)} if rule in ids_a else None
        fb = {**theirs.figures(rule), "status": theirs.status_of(rule)} if rule in ids_b else None
        if fa is None or fb is None:
            out.append(Difference(rule, "rule", "present" if fa else None, "present" if fb else None))
            continue
        for k in list(fa) + [k for k in fb if k not in fa]:
            if fa.get(k) != fb.get(k):
                out.append(Difference(rule, k, fa.get(k), fb.get(k)))
    return out


def _month_day(s: str) -> tuple[int, int]:
    try:
        m, d = (int(x) for x in s.split("-"))
    except ValueError:
        raise ValueError(f"deadline {s!r} must be MM-DD") from None
    if not (1 <= m <= 12 and 1 <= d <= 31):
        raise ValueError(f"deadline {s!r} must be MM-DD")
    return m, d
