"""Check a declared activity against a rule set: violations, near-threshold warnings, information.

The engine is pure: it takes the activity, the rule set and the declaring
party's other activities (for the constraining provisions) and returns
findings; storing and distributing them is the operations workspace's job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

from detente.core.rules.activity import ACTIVITY_MEASURES, Activity
from detente.core.rules.ruleset import Constraint, RuleSet, _month_day

__all__ = ["Finding", "check", "is_notifiable"]

VIOLATION, WARNING, INFO = "violation", "warning", "info"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    rule: str
    paragraph: str
    message: str
    verified: bool = False
    status: str = "unverified"  # of the rule cited: verified, to_check or unverified

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _values(a: Activity) -> dict[str, int]:
    return {m: a.measure(m) for m in ACTIVITY_MEASURES}


def is_notifiable(activity: Activity, rules: RuleSet) -> bool:
    """Whether any prior-notification threshold is reached."""
    v = _values(activity)
    return any(t.reached(v) for t in rules.thresholds if t.kind == "prior_notification")


def check(activity: Activity, rules: RuleSet, others: Iterable[Activity] = ()) -> list[Finding]:
    """All findings for ``activity`` under ``rules``; ``others`` are the same party's other activities.

    >>> from detente.core.rules.ruleset import RuleSet
    >>> rs = RuleSet.from_dict({"name": "t", "title": "t", "organisation": "X", "source": "s",
    ...     "lead_time": {"days": 42, "paragraph": "38"},
    ...     "annual_calendar": {"deadline": "11-15", "paragraph": "61"},
    ...     "thresholds": [{"id": "n", "kind": "prior_notification", "any_of": {"troops": 9000},
    ...                     "paragraph": "40"}]})
    >>> a = Activity(kind="exercise", start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 5), troops=8500)
    >>> [(f.code, f.status) for f in check(a, rs)]
    [('near_threshold', 'unverified')]
    """
    return [_cite(f, rules) for f in _check(activity, rules, others)]


def _cite(f: Finding, rules: RuleSet) -> Finding:
    """The finding with the verification status of the rule it cites."""
    status = rules.status_of(f.rule)
    return replace(f, verified=status == "verified", status=status)


def _check(activity: Activity, rules: RuleSet, others: Iterable[Activity]) -> list[Finding]:
    v = _values(activity)
    out: list[Finding] = []
    notifiable = False
    for t in rules.thresholds:
        hit = t.reached(v)
        if hit:
            if t.kind == "prior_notification":
                notifiable = True
                out.append(
                    Finding(
                        "notifiable",
                        INFO,
                        t.id,
                        t.paragraph,
                        f"Subject to prior notification ({_list(hit, t.any_of)}).",
                        t.verified,
                    )
                )
            elif t.kind == "observation":
                out.append(
                    Finding(
                        "observation_required",
                        INFO,
                        t.id,
                        t.paragraph,
                        f"Observers must be invited ({_list(hit, t.any_of)}).",
                        t.verified,
                    )
                )
            else:
                out.append(
                    Finding(
                        "information_required",
                        INFO,
                        t.id,
                        t.paragraph,
                        f"Must be included in the notification ({_list(hit, t.any_of)}).",
                        t.verified,
                    )
                )
            continue
        if t.kind == "information":
            continue
        for m, fig in t.any_of.items():
            if fig * (1 - rules.near_margin) <= v[m] < fig:
                out.append(
                    Finding(
                        "near_threshold",
                        WARNING,
                        t.id,
                        t.paragraph,
                        f"{m.replace('_', ' ')} {v[m]:,} is within {rules.near_margin:.0%} under the "
                        f"{t.kind.replace('_', ' ')} threshold of {fig:,} — a known pattern of evasion.",
                        t.verified,
                    )
                )
    if notifiable:
        out.extend(_lead_time(activity, rules))
        out.extend(_calendar(activity, rules))
    others = [o for o in others if o is not activity]
    for c in rules.constraints:
        if c.applies(v):
            out.extend(_constraint(activity, c, others))
    return out


def _list(hit: list[str], figs: dict[str, int] | object) -> str:
    assert isinstance(figs, dict)
    return ", ".join(f"{m.replace('_', ' ')} ≥ {figs[m]:,}" for m in hit)


def _lead_time(a: Activity, rules: RuleSet) -> list[Finding]:
    if a.notified_on is None:
        return []
    lead = (a.start - a.notified_on).days
    if lead < rules.lead_time_days:
        return [
            Finding(
                "late_notification",
                VIOLATION,
                "lead_time",
                rules.lead_time_paragraph,
                f"Notified {lead} days before the start; at least {rules.lead_time_days} are required.",
                rules.lead_time_verified,
            )
        ]
    return []


def _deadline(year: int, md: str) -> dt.date:
    m, d = _month_day(md)
    return dt.date(year, m, d)


def _calendar(a: Activity, rules: RuleSet) -> list[Finding]:
    due = _deadline(a.start.year - 1, rules.calendar_deadline)
    if not a.in_annual_calendar:
        return [
            Finding(
                "not_in_annual_calendar",
                WARNING,
                "annual_calendar",
                rules.calendar_paragraph,
                f"Not listed in the annual calendar for {a.start.year} (due by {due.isoformat()}).",
                rules.calendar_verified,
            )
        ]
    if a.calendar_submitted_on and a.calendar_submitted_on > due:
        return [
            Finding(
                "late_annual_calendar",
                VIOLATION,
                "annual_calendar",
                rules.calendar_paragraph,
                f"The annual calendar was submitted on {a.calendar_submitted_on.isoformat()}, "
                f"after the deadline of {due.isoformat()}.",
                rules.calendar_verified,
            )
        ]
    return []


def _constraint(a: Activity, c: Constraint, others: list[Activity]) -> list[Finding]:
    out = []
    if c.communicate_years_ahead:
        due = _deadline(a.start.year - c.communicate_years_ahead, c.deadline)
        if a.communicated_on is None or a.communicated_on > due:
            out.append(
                Finding(
                    "not_communicated_in_time",
                    VIOLATION,
                    c.id,
                    c.paragraph,
                    f"An activity of this size must be communicated by {due.isoformat()}.",
                    c.verified,
                )
            )
    same_band = [o for o in others if c.applies(_values(o))]
    if c.max_count:
        lo = a.start.year - c.window_years + 1
        for first in range(lo, a.start.year + 1):
            window = range(first, first + c.window_years)
            n = 1 + sum(1 for o in same_band if o.start.year in window)
            if n > c.max_count:
                span = f"{first}" if c.window_years == 1 else f"{first}–{first + c.window_years - 1}"
                out.append(
                    Finding(
                        "constraint_exceeded",
                        VIOLATION,
                        c.id,
                        c.paragraph,
                        f"{n} activities of this size in {span}; at most {c.max_count} are allowed.",
                        c.verified,
                    )
                )
                break
    if c.max_simultaneous:
        n = 1 + sum(1 for o in same_band if o.overlaps(a))
        if n > c.max_simultaneous:
            out.append(
                Finding(
                    "simultaneous_exceeded",
                    VIOLATION,
                    c.id,
                    c.paragraph,
                    f"{n} activities of this size at once; at most {c.max_simultaneous} are allowed.",
                    c.verified,
                )
            )
    return out
