"""CBM rule sets: every figure with its verification status, and comparison with an office's own copy."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path

from detente.api.routes.ops.deps import ActorDep, OpsDep
from detente.ops import rules
from detente.ops.rulesets import load_yaml

router = APIRouter()
Name = Annotated[str, Path(max_length=60, pattern="^[a-z0-9_]+$")]


@router.get("/rulesets")
def rulesets(actor: ActorDep, db: OpsDep) -> list[dict[str, Any]]:
    """Every rule set this workspace knows, each figure with its status (verified, to_check, unverified)."""
    with db.session() as s:
        return [_ruleset(rules.effective(s, n)) for n in rules.names(s)]


@router.get("/rulesets/{name}")
def ruleset(name: Name, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return _ruleset(rules.effective(s, name))


@router.post("/rulesets/{name}/compare")
def compare(
    name: Name,
    actor: ActorDep,
    db: OpsDep,
    yaml_text: Annotated[str, Body(media_type="text/plain", max_length=200_000)],
) -> dict[str, Any]:
    """How a rule set (YAML in the body, e.g. an office's checked copy) differs from ``name``, figure by figure."""
    theirs = load_yaml(yaml_text)
    with db.session() as s:
        diffs = rules.compare_with(s, theirs, name)
    return {"ours": name, "theirs": theirs.name, "differences": [d.to_dict() for d in diffs]}


def _ruleset(r: Any) -> dict[str, Any]:
    rows = r.rule_rows()
    by_id = {row["rule"]: row for row in rows}

    def status(rule: str) -> dict[str, Any]:
        row = by_id[rule]
        return {
            "status": row["status"],
            "verified": row["status"] == "verified",
            "to_check": row["to_check"],
            "verification": row["verification"],
        }

    return {
        "name": r.name,
        "title": r.title,
        "organisation": r.organisation,
        "source": r.source,
        "lead_time_days": r.lead_time_days,
        "near_margin": r.near_margin,
        "status_counts": r.status_counts(),
        "lead_time": {"days": r.lead_time_days, "paragraph": r.lead_time_paragraph, **status("lead_time")},
        "annual_calendar": {
            "deadline": r.calendar_deadline,
            "paragraph": r.calendar_paragraph,
            **status("annual_calendar"),
        },
        "thresholds": [
            {"id": t.id, "kind": t.kind, "any_of": dict(t.any_of), "paragraph": t.paragraph, "note": t.note}
            | status(t.id)
            for t in r.thresholds
        ],
        "constraints": [
            {"id": c.id, "over": dict(c.over), "paragraph": c.paragraph, "note": c.note} | status(c.id)
            for c in r.constraints
        ],
        "rules": rows,
    }
