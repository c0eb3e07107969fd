"""CBM rule engine: pure checks of a declared military activity against a rule set.

A :class:`~detente.core.rules.ruleset.RuleSet` is data (thresholds, lead time,
calendar deadline, constraining provisions, each citing its paragraph); the
engine (:func:`~detente.core.rules.engine.check`) returns findings: violations,
near-threshold warnings (a known evasion pattern) and information.
"""

from __future__ import annotations

from detente.core.rules.activity import ACTIVITY_MEASURES, Activity
from detente.core.rules.engine import Finding, check, is_notifiable
from detente.core.rules.ruleset import Constraint, Difference, RuleSet, Threshold, Verification, compare

__all__ = [
    "ACTIVITY_MEASURES",
    "Activity",
    "Constraint",
    "Difference",
    "Finding",
    "RuleSet",
    "Threshold",
    "Verification",
    "check",
    "compare",
    "is_notifiable",
]
