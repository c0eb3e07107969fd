"""CBM notifications: a party declares a military activity; the rule engine checks it; entitled parties get it.

Entitled parties are every party of the workspace that belongs to the rule
set's organisation (e.g. the OSCE participating States), besides the declarer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.core.rules import ACTIVITY_MEASURES, Finding, check
from detente.core.rules import Activity as Declared
from detente.errors import AccessDenied, InputError
from detente.ops import ledger, notification_log
from detente.ops.access import (
    WRITERS,
    Actor,
    acknowledge_share,
    acknowledgement,
    audit,
    get_shared,
    recipient_shares,
    require_role,
    share,
    share_and_notify,
    shared_ids,
)
from detente.ops.models import Activity, Party, utcnow
from detente.ops.pages import Page, paginate
from detente.ops.rules import effective

__all__ = [
    "acknowledge",
    "activity_dict",
    "declare",
    "dry_run",
    "get",
    "list_for",
    "page_for",
    "recipients",
    "verify",
]

OT = "notification"


def _declared(a: Activity | dict[str, Any]) -> Declared:
    g: Any = a.get if isinstance(a, dict) else (lambda k, d=None: getattr(a, k, d))
    return Declared(
        kind=str(g("activity_type")),
        start=g("start_date"),
        end=g("end_date"),
        **{m: int(g(m, 0) or 0) for m in ACTIVITY_MEASURES},
        notified_on=g("notified_on"),
        in_annual_calendar=bool(g("in_annual_calendar", False)),
        calendar_submitted_on=g("calendar_submitted_on"),
        communicated_on=g("communicated_on"),
        area=str(g("area", "") or ""),
    )


def _validate(data: dict[str, Any]) -> None:
    if data["end_date"] < data["start_date"]:
        raise InputError("The activity ends before it starts.", hint="Check start_date and end_date.")
    for m in ACTIVITY_MEASURES:
        if int(data.get(m) or 0) < 0:
            raise InputError(f"{m} cannot be negative.", hint="Declare counts of 0 or more.")


def dry_run(s: Session, actor: Actor, data: dict[str, Any]) -> list[Finding]:
    """The findings a declaration would get, without storing or distributing it."""
    _validate(data)
    rules = effective(s, data.get("ruleset") or "vienna_document_2011")
    data = {**data, "notified_on": data.get("notified_on") or utcnow().date()}
    others = [_declared(o) for o in _own(s, actor.party_id, rules, data)]
    return check(_declared(data), rules, others)


def _own(s: Session, party_id: int, rules: Any, data: dict[str, Any]) -> list[Activity]:
    """The party's other declarations the rule engine can count against this one: those beginning within the
    widest constraint window of its years, or overlapping it (not the party's whole history: a declaration's
    cost must not grow with the workspace)."""
    start, end = data["start_date"], data["end_date"]
    years = max((c.window_years for c in rules.constraints), default=1)
    lo, hi = dt.date(start.year - years, 1, 1), dt.date(end.year + years, 12, 31)
    near = Activity.start_date.between(lo, hi) | ((Activity.start_date <= end) & (Activity.end_date >= start))
    q = select(Activity).where(Activity.party_id == party_id, Activity.ruleset == rules.name, near)
    return list(s.scalars(q))


def recipients(s: Session, organisation: str, declarer: int) -> list[Party]:
    return [
        p for p in s.scalars(select(Party).order_by(Party.id)) if organisation in p.organisations and p.id != declarer
    ]


def declare(s: Session, actor: Actor, data: dict[str, Any]) -> Activity:
    require_role(actor, *WRITERS)
    _validate(data)
    rules = effective(s, data.get("ruleset") or "vienna_document_2011")
    today = utcnow().date()
    declared = _declared({**data, "notified_on": today})
    findings = check(declared, rules, [_declared(o) for o in _own(s, actor.party_id, rules, data)])
    a = Activity(
        party_id=actor.party_id,
        created_by=actor.user_id,
        ruleset=rules.name,
        activity_type=data["activity_type"],
        title=data.get("title") or "",
        area=data.get("area") or "",
        start_date=data["start_date"],
        end_date=data["end_date"],
        notified_on=today,
        in_annual_calendar=bool(data.get("in_annual_calendar")),
        calendar_submitted_on=data.get("calendar_submitted_on"),
        communicated_on=data.get("communicated_on"),
        findings=[f.to_dict() for f in findings],
        **{m: int(data.get(m) or 0) for m in ACTIVITY_MEASURES},
    )
    s.add(a)
    s.flush()
    share(s, OT, a.id, actor.party_id, "owner")
    sent = recipients(s, rules.organisation, actor.party_id)
    for p in sent:
        text = (
            f"{actor.party_name} notifies {a.activity_type} {a.title!r} "
            f"{a.start_date}–{a.end_date} ({a.troops:,} troops)."
        )
        share_and_notify(s, OT, a.id, p.id, "recipient", "cbm_notification", text)
    notification_log.append(s, a.id, notification_log.declared_record(a, [p.id for p in sent]))
    audit(
        s,
        actor,
        "notification.declare",
        OT,
        a.id,
        ruleset=rules.name,
        recipients=len(sent),
        violations=sum(f.severity == "violation" for f in findings),
    )
    return a


def get(s: Session, actor: Actor, activity_id: int) -> Activity:
    return get_shared(s, actor, Activity, OT, activity_id)


def page_for(s: Session, actor: Actor, cursor: str | None = None, limit: int | None = None) -> Page[Activity]:
    """A page of the notifications shared with the actor's party, latest start first."""
    q = select(Activity).where(Activity.id.in_(shared_ids(actor.party_id, OT)))
    return paginate(s, q, [(Activity.start_date, dt.date), (Activity.id, int)], cursor, limit, descending=True)


def list_for(s: Session, actor: Actor) -> list[Activity]:
    q = select(Activity).where(Activity.id.in_(shared_ids(actor.party_id, OT)))
    return list(s.scalars(q.order_by(Activity.start_date.desc(), Activity.id.desc())))


def acknowledge(s: Session, actor: Actor, activity_id: int) -> dict[str, Any]:
    a = get(s, actor, activity_id)
    require_role(actor, "admin", "officer", "monitor")
    if a.party_id == actor.party_id:
        raise AccessDenied("A party does not acknowledge its own notification.", hint="Recipients acknowledge it.")
    text = f"{actor.party_name} acknowledged your notification {a.title or a.activity_type!r}."
    sh = acknowledge_share(s, actor, OT, a.id, a.party_id, text, "notification.acknowledge")
    notification_log.append(s, a.id, ledger.receipt("acknowledged", sh))
    return acknowledgement(a.id, sh)


def verify(s: Session, actor: Actor, activity_id: int) -> dict[str, Any]:
    """Check the notification's tamper-evident log (the declarer and its recipients)."""
    return notification_log.verify(s, get(s, actor, activity_id))


def activity_dict(s: Session, a: Activity, actor: Actor) -> dict[str, Any]:
    shares, mine = recipient_shares(s, actor, OT, a.id)
    out: dict[str, Any] = {
        "id": a.id,
        "party_id": a.party_id,
        "ruleset": a.ruleset,
        "activity_type": a.activity_type,
        "title": a.title,
        "area": a.area,
        "start_date": a.start_date.isoformat(),
        "end_date": a.end_date.isoformat(),
        **{m: getattr(a, m) for m in ACTIVITY_MEASURES},
        "notified_on": a.notified_on.isoformat(),
        "in_annual_calendar": a.in_annual_calendar,
        "findings": a.findings,
        "acknowledged_by_you": bool(mine and mine.acknowledged_at),
    }
    if a.party_id == actor.party_id:  # the declarer sees who has acknowledged
        out["recipients"] = [
            {
                "party_id": p.id,
                "name": p.name,
                "acknowledged_at": sh.acknowledged_at.isoformat() if sh.acknowledged_at else None,
            }
            for sh, p in shares
        ]
    return out
