"""Rule sets as an office uses them: the shipped ones, its own checked copies, and who verified what.

A shipped rule set (:data:`~detente.ops.rulesets.RULESETS`) says which of its figures were verified
against the official text. An office records its own checks here (``detente ops rules verify``):
who checked which figure against which edition of the document, and when. A verification holds only
while the figure it checked is unchanged (its fingerprint). An office may also load its own checked
copy of a rule set under a new name and compare it with the shipped one, figure by figure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.core.rules import Difference, RuleSet, Verification, compare
from detente.errors import ConfigError, InputError
from detente.ops.models import RuleSetCopy, RuleVerification
from detente.ops.rulesets import RULESETS, get_ruleset, load_yaml

__all__ = ["compare_with", "effective", "load_copy", "names", "verifications", "verify"]


def names(s: Session) -> list[str]:
    """Shipped rule sets, then the office's own copies."""
    own = [str(n) for n in s.scalars(select(RuleSetCopy.name).order_by(RuleSetCopy.name))]
    return [*RULESETS.names(), *(n for n in own if n not in RULESETS)]


def _base(s: Session, name: str) -> RuleSet:
    copy = s.get(RuleSetCopy, name)
    if copy is not None:
        return replace(load_yaml(copy.yaml), name=copy.name)
    if name not in RULESETS:
        raise ConfigError(f"Unknown rule set {name!r}.", hint=f"Choose one of: {', '.join(names(s))}.")
    return get_ruleset(name)


def verifications(s: Session, name: str) -> list[Verification]:
    rows = s.scalars(select(RuleVerification).where(RuleVerification.ruleset == name).order_by(RuleVerification.id))
    return [
        Verification(r.ruleset, r.rule, r.fingerprint, r.edition, r.verified_by, r.verified_on, r.note) for r in rows
    ]


def effective(s: Session, name: str) -> RuleSet:
    """The rule set as this office uses it: shipped or its own copy, with the office's verifications."""
    return _base(s, name).with_verifications(verifications(s, name))


def verify(
    s: Session,
    name: str,
    rules: Iterable[str],
    *,
    edition: str,
    verified_by: str,
    verified_on: dt.date,
    note: str = "",
) -> list[Verification]:
    """Record that ``verified_by`` checked each of ``rules`` (all when empty) against ``edition``."""
    rs = effective(s, name)
    wanted = list(dict.fromkeys(rules)) or rs.rule_ids()
    unknown = [r for r in wanted if r not in rs.rule_ids()]
    if unknown:
        raise InputError(
            f"Rule set {name} has no rule {', '.join(map(repr, unknown))}.",
            hint=f"Its rules: {', '.join(rs.rule_ids())}.",
        )
    if not edition.strip() or not verified_by.strip():
        raise InputError(
            "A verification names the document edition and who checked it.",
            hint='Pass --edition "FSC.DOC/1/11, 30 Nov 2011, English" and --by "Name, office".',
        )
    if verified_on > dt.date.today():
        raise InputError(f"--on {verified_on} is in the future.", hint="Give the day the check was made.")
    out = []
    for rule in wanted:
        row = RuleVerification(
            ruleset=name,
            rule=rule,
            fingerprint=rs.fingerprint(rule),
            edition=edition.strip()[:300],
            verified_by=verified_by.strip()[:200],
            verified_on=verified_on,
            note=note,
        )
        s.add(row)
        out.append(Verification(name, rule, row.fingerprint, row.edition, row.verified_by, verified_on, note))
    s.flush()
    return out


def load_copy(s: Session, text: str, *, name: str | None = None, loaded_by: str = "") -> RuleSet:
    """Store an office's own copy of a rule set (YAML) under ``name`` (default: the name in the file)."""
    try:
        rs = load_yaml(text)
    except ConfigError as e:
        raise InputError(e.message, hint=e.hint) from None
    name = name or rs.name
    if not name.replace("_", "").isalnum() or not name.islower() or len(name) > 60:
        raise InputError(f"{name!r} is not a rule-set name.", hint="Use lower-case letters, digits and _.")
    if name in RULESETS:
        raise InputError(
            f"{name} is a shipped rule set; an office copy needs its own name.",
            hint=f"Pass --name {name}_office (then compare them with `detente ops rules compare`).",
        )
    rs = replace(rs, name=name)
    copy = s.get(RuleSetCopy, name) or RuleSetCopy(name=name)
    copy.yaml, copy.sha256, copy.loaded_by = text, hashlib.sha256(text.encode()).hexdigest(), loaded_by
    s.add(copy)
    s.flush()
    return rs


def compare_with(s: Session, theirs: RuleSet, against: str) -> list[Difference]:
    """How ``theirs`` differs from the rule set ``against`` as this office uses it."""
    return compare(effective(s, against), theirs)
