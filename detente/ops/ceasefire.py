"""Ceasefire monitoring: agreements and terms, incident reports, verification by monitors, statistics.

:func:`weekly_violations` returns verified violation counts per week and dyad
(violator → reporting party); the alerts of the measure area read it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.errors import AccessDenied, InputError
from detente.ops import incident_log, ledger
from detente.ops.access import (
    WRITERS,
    Actor,
    acknowledge_share,
    audit,
    get_party,
    get_shared,
    hidden,
    require_role,
    share,
    share_of,
    shared_ids,
)
from detente.ops.models import Agreement, Incident, Notice, Party, Share, utcnow
from detente.ops.outbox import record as outbox_record
from detente.ops.pages import Page, paginate
from detente.store.ceasefire import replace_violations
from detente.store.warehouse import Store

__all__ = [
    "VERDICTS",
    "agreement_dict",
    "confirm_agreement",
    "create_agreement",
    "export_violations",
    "get_agreement",
    "incident_dict",
    "incidents",
    "list_agreements",
    "page_agreements",
    "report",
    "stats",
    "verify_agreement",
    "verify_incident",
    "violation_rows",
    "weekly_violations",
]

OT = "agreement"
VERDICTS = ("verified", "unverified", "rejected")


def _sides(s: Session, agreement_id: int) -> list[tuple[Share, Party]]:
    return [
        (sh, p)
        for sh, p in s.execute(
            select(Share, Party)
            .join(Party, Party.id == Share.party_id)
            .where(Share.object_type == OT, Share.object_id == agreement_id)
            .order_by(Party.name)
        )
    ]


def agreement_dict(s: Session, a: Agreement) -> dict[str, Any]:
    sides = _sides(s, a.id)
    return {
        "id": a.id,
        "name": a.name,
        "terms": a.terms,
        "start_date": a.start_date.isoformat(),
        "parties": [
            {"id": p.id, "name": p.name, "confirmed": p.id == a.created_by_party or sh.acknowledged_at is not None}
            for sh, p in sides
            if sh.role == "party"
        ],
        "monitors": [{"id": p.id, "name": p.name} for sh, p in sides if sh.role == "monitor"],
    }


def create_agreement(
    s: Session,
    actor: Actor,
    name: str,
    terms: list[str],
    start_date: dt.date,
    party_ids: list[int],
    monitor_ids: list[int],
) -> Agreement:
    require_role(actor, *WRITERS)
    parties = sorted(set(party_ids) | ({actor.party_id} if actor.party_kind != "mediator" else set()))
    monitors = sorted(set(monitor_ids) | ({actor.party_id} if actor.party_kind == "mediator" else set()))
    if len(parties) < 2:
        raise InputError("A ceasefire binds at least two parties.", hint="Pass party_ids.")
    if not monitors:
        raise InputError("A ceasefire needs a monitor.", hint="Pass monitor_ids (a mediator or organisation).")
    if set(parties) & set(monitors):
        raise InputError("A monitor cannot be a party to the agreement.", hint="Keep the two lists apart.")
    for pid in monitors:
        if get_party(s, pid).kind not in ("mediator", "organisation"):
            raise InputError(f"Party {pid} cannot monitor.", hint="Monitors are mediators or organisations.")
    for pid in parties:
        get_party(s, pid)
    a = Agreement(name=name, terms=list(terms), start_date=start_date, created_by_party=actor.party_id)
    s.add(a)
    s.flush()
    for pid in parties:
        share(s, OT, a.id, pid, "party")
    for pid in monitors:
        share(s, OT, a.id, pid, "monitor")
    incident_log.append(s, a.id, incident_log.opened_record(a, parties, monitors))
    audit(s, actor, "agreement.create", OT, a.id, name=name)
    return a


def confirm_agreement(s: Session, actor: Actor, agreement_id: int) -> Agreement:
    """A party bound by the agreement confirms it (its admins and officers): its verified violations reach the
    relations index only once every party has (the party that recorded it is bound already)."""
    a = get_agreement(s, actor, agreement_id)
    require_role(actor, *WRITERS)
    sh = share_of(s, actor, OT, a.id)
    if sh is None or sh.role != "party" or a.created_by_party == actor.party_id:
        raise AccessDenied(
            "Only a party the agreement names, other than its author, confirms it.", hint="Nothing to do."
        )
    sh = acknowledge_share(s, actor, OT, a.id, a.created_by_party, f"{actor.party_name} confirms {a.name!r}.",
                           "agreement.confirm")  # fmt: skip
    incident_log.append(s, a.id, ledger.receipt("confirmed", sh))
    outbox_record(s, "ceasefire_violations", a.id)  # its verified violations may count from now on
    return a


def bound(s: Session, a: Agreement) -> bool:
    """Every party the agreement names has confirmed it (or recorded it)."""
    return all(
        sh.acknowledged_at is not None or p.id == a.created_by_party for sh, p in _sides(s, a.id) if sh.role == "party"
    )


def get_agreement(s: Session, actor: Actor, agreement_id: int) -> Agreement:
    return get_shared(s, actor, Agreement, OT, agreement_id)


def page_agreements(s: Session, actor: Actor, cursor: str | None = None, limit: int | None = None) -> Page[Agreement]:
    q = select(Agreement).where(Agreement.id.in_(shared_ids(actor.party_id, OT)))
    return paginate(s, q, [(Agreement.id, int)], cursor, limit)


def list_agreements(s: Session, actor: Actor) -> list[Agreement]:
    return list(
        s.scalars(select(Agreement).where(Agreement.id.in_(shared_ids(actor.party_id, OT))).order_by(Agreement.id))
    )


def incident_dict(i: Incident) -> dict[str, Any]:
    return {
        "id": i.id,
        "agreement_id": i.agreement_id,
        "occurred_at": i.occurred_at.isoformat(),
        "place": i.place,
        "latitude": i.latitude,
        "longitude": i.longitude,
        "reporting_party_id": i.reporting_party_id,
        "violator_party_id": i.violator_party_id,
        "description": i.description,
        "evidence": i.evidence,
        "status": i.status,
        "verified_at": i.verified_at.isoformat() if i.verified_at else None,
        "verification_note": i.verification_note,
    }


def report(s: Session, actor: Actor, agreement_id: int, data: dict[str, Any]) -> Incident:
    a = get_agreement(s, actor, agreement_id)
    require_role(actor, "admin", "officer", "monitor")
    parties = {p.id for sh, p in _sides(s, a.id) if sh.role == "party"}
    if data["violator_party_id"] not in parties:
        raise InputError("The alleged violator is not a party to this agreement.", hint="Pick one of its parties.")
    if data["violator_party_id"] == actor.party_id:
        raise InputError("A party does not report itself.", hint="Name the alleged violator.")
    i = Incident(
        agreement_id=a.id,
        occurred_at=data["occurred_at"],
        place=data.get("place") or "",
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        reporting_party_id=actor.party_id,
        violator_party_id=data["violator_party_id"],
        reported_by=actor.user_id,
        description=data.get("description") or "",
        evidence=list(data.get("evidence") or []),
    )
    s.add(i)
    s.flush()
    incident_log.append(s, a.id, incident_log.reported_record(i))
    for sh, _p in _sides(s, a.id):
        if sh.party_id != actor.party_id:
            s.add(
                Notice(
                    party_id=sh.party_id,
                    kind="incident",
                    object_type="incident",
                    object_id=i.id,
                    text=f"{actor.party_name} reports an incident under {a.name!r} at {i.place or 'unknown'}.",
                )
            )
    audit(s, actor, "incident.report", "incident", i.id, agreement=a.id)
    return i


def incidents(
    s: Session, actor: Actor, agreement_id: int, cursor: str | None = None, limit: int | None = None
) -> Page[Incident]:
    """A page of an agreement's incidents, by when they occurred."""
    a = get_agreement(s, actor, agreement_id)
    q = select(Incident).where(Incident.agreement_id == a.id)
    return paginate(s, q, [(Incident.occurred_at, dt.datetime), (Incident.id, int)], cursor, limit)


def verify_incident(s: Session, actor: Actor, incident_id: int, status: str, note: str = "") -> Incident:
    """Only a monitor user of a party monitoring the agreement sets the verification status."""
    i = s.get(Incident, incident_id)
    if i is None or share_of(s, actor, OT, i.agreement_id) is None:
        raise hidden("incident", incident_id)  # the same answer whether it exists or not
    a = get_agreement(s, actor, i.agreement_id)
    sh = share_of(s, actor, OT, a.id)
    if actor.role != "monitor" or sh is None or sh.role != "monitor":
        raise AccessDenied("Only a monitor of this agreement may verify incidents.", hint="Ask the monitor.")
    if status not in VERDICTS:
        raise InputError(f"Unknown verification status {status!r}.", hint=f"Use one of: {', '.join(VERDICTS)}.")
    i.status, i.verified_by, i.verified_at, i.verification_note = status, actor.user_id, utcnow(), note
    incident_log.append(s, a.id, incident_log.verdict_record(i, actor.party_id))
    outbox_record(s, "ceasefire_violations", i.id)  # the store's alerts follow, in the same ops transaction
    for other, _p in _sides(s, a.id):
        if other.party_id != actor.party_id:
            s.add(
                Notice(
                    party_id=other.party_id,
                    kind="verification",
                    object_type="incident",
                    object_id=i.id,
                    text=f"{actor.party_name} set incident {i.id} under {a.name!r} to {status}.",
                )
            )
    audit(s, actor, "incident.verify", "incident", i.id, status=status)
    return i


def verify_agreement(s: Session, actor: Actor, agreement_id: int) -> dict[str, Any]:
    """Check the agreement's incident log and every stored copy against it (its parties and monitors)."""
    return incident_log.verify(s, get_agreement(s, actor, agreement_id))


def _week(t: dt.datetime) -> str:
    monday = (t - dt.timedelta(days=t.weekday())).date()
    return monday.isoformat()


def weekly_violations(s: Session, agreement_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Verified violations per ISO week (Monday) and dyad: ``{week, violator, reporter, agreement_id, count}``.

    Server-side (no access scoping): the measure area's alerts read it. Parties are named by their actor code
    where they have one, else by name.
    """
    q = select(Incident).where(Incident.status == "verified")
    if agreement_ids is not None:
        q = q.where(Incident.agreement_id.in_(agreement_ids))
    names = {p.id: (p.actor or p.name) for p in s.scalars(select(Party))}
    counts: dict[tuple[str, str, str, int], int] = {}
    for i in s.scalars(q):
        k = (_week(i.occurred_at), names[i.violator_party_id], names[i.reporting_party_id], i.agreement_id)
        counts[k] = counts.get(k, 0) + 1
    return [
        {"week": w, "violator": v, "reporter": r, "agreement_id": a, "count": n}
        for (w, v, r, a), n in sorted(counts.items())
    ]


def violation_rows(s: Session) -> list[tuple[int, dt.date, str, str, int]]:
    """Verified incidents per agreement, day, violator and each other party to the agreement (actor codes)."""
    counts: dict[tuple[int, dt.date, str, str], int] = {}
    sides: dict[int, list[Party]] = {}
    for i in s.scalars(select(Incident).where(Incident.status == "verified")):
        if i.agreement_id not in sides:
            a = s.get(Agreement, i.agreement_id)
            confirmed = a is not None and bound(s, a)  # nobody is named a violator of terms it never accepted
            sides[i.agreement_id] = (
                [p for sh, p in _sides(s, i.agreement_id) if sh.role == "party"] if confirmed else []
            )
        violator = next((p for p in sides[i.agreement_id] if p.id == i.violator_party_id), None)
        if violator is None or not violator.actor:
            continue  # a party without an actor code has no place in the relations index
        for other in sides[i.agreement_id]:
            if other.id != violator.id and other.actor:
                k = (i.agreement_id, i.occurred_at.date(), violator.actor, other.actor)
                counts[k] = counts.get(k, 0) + 1
    return [(a, d, v, o, n) for (a, d, v, o), n in sorted(counts.items())]


def export_violations(s: Session, store: Store) -> int:
    """Replace the store's ``ceasefire_violations`` with the verified incidents (the alerts read it)."""
    return replace_violations(store, violation_rows(s), utcnow())


def stats(s: Session, actor: Actor) -> dict[str, Any]:
    """Statistics over the agreements shared with the actor's party: per dyad-week and per violator."""
    ids = [a.id for a in list_agreements(s, actor)]
    rows = weekly_violations(s, ids)
    per_party: dict[str, int] = {}
    for r in rows:
        per_party[r["violator"]] = per_party.get(r["violator"], 0) + r["count"]
    return {"weekly": rows, "per_party": per_party}
