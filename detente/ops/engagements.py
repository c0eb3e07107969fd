"""Engagement planner: exercises, exchanges, dialogues, visits and Track I/II/III workshops.

Completed engagements flow into the relations index: :func:`export_to_store`
writes them into the store's ``engagements`` table with ``dataset='ops'`` (through the store's writer).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.core.taxonomy import EngagementKind, Track
from detente.errors import AccessDenied, InputError
from detente.ops.access import (
    WRITERS,
    Actor,
    audit,
    get_party,
    get_shared,
    require_role,
    share,
    share_and_notify,
    shared_ids,
)
from detente.ops.models import Engagement, Party, Share, utcnow

if TYPE_CHECKING:
    from detente.store import Store

__all__ = ["STATUSES", "create", "engagement_dict", "export_to_store", "get", "list_for", "participants", "update"]

STATUSES = ("planned", "completed", "cancelled")
OT = "engagement"


def participants(s: Session, e: Engagement) -> list[Party]:
    ids = select(Share.party_id).where(Share.object_type == OT, Share.object_id == e.id)
    return list(s.scalars(select(Party).where(Party.id.in_(ids)).order_by(Party.name)))


def engagement_dict(s: Session, e: Engagement) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind,
        "track": e.track,
        "title": e.title,
        "start_date": e.start_date.isoformat(),
        "end_date": e.end_date.isoformat(),
        "place": e.place,
        "objectives": e.objectives,
        "outcomes": e.outcomes,
        "status": e.status,
        "owner_party_id": e.owner_party_id,
        "participants": [{"id": p.id, "name": p.name} for p in participants(s, e)],
        "exported": e.exported_at is not None,
    }


def create(s: Session, actor: Actor, data: dict[str, Any]) -> Engagement:
    require_role(actor, *WRITERS)
    try:
        kind = EngagementKind(data["kind"]).value
        track = Track(data.get("track") or "I").value
    except ValueError:
        raise InputError(
            "Unknown engagement kind or track.",
            hint=f"Kinds: {', '.join(k.value for k in EngagementKind)}; tracks: I, II, III.",
        ) from None
    start, end = data["start_date"], data["end_date"]
    if end < start:
        raise InputError("The engagement ends before it starts.", hint="Check start_date and end_date.")
    e = Engagement(
        owner_party_id=actor.party_id,
        kind=kind,
        track=track,
        title=data["title"],
        start_date=start,
        end_date=end,
        place=data.get("place") or "",
        objectives=data.get("objectives") or "",
    )
    s.add(e)
    s.flush()
    share(s, OT, e.id, actor.party_id, "owner")
    for pid in sorted(set(data.get("participants") or []) - {actor.party_id}):
        get_party(s, pid)
        text = f"{actor.party_name} invites you to {e.title} ({e.start_date})."
        share_and_notify(s, OT, e.id, pid, "participant", "engagement", text)
    audit(s, actor, "engagement.create", OT, e.id, title=e.title)
    return e


def get(s: Session, actor: Actor, engagement_id: int) -> Engagement:
    return get_shared(s, actor, Engagement, OT, engagement_id)


def list_for(s: Session, actor: Actor, start: dt.date | None = None, end: dt.date | None = None) -> list[Engagement]:
    q = select(Engagement).where(Engagement.id.in_(shared_ids(actor.party_id, OT)))
    if start:
        q = q.where(Engagement.end_date >= start)
    if end:
        q = q.where(Engagement.start_date <= end)
    return list(s.scalars(q.order_by(Engagement.start_date, Engagement.id)))


def update(
    s: Session, actor: Actor, engagement_id: int, data: dict[str, Any], store: Store | None = None
) -> Engagement:
    """Change status/outcomes/place; only the owner party's officers and admins may."""
    e = get(s, actor, engagement_id)
    require_role(actor, *WRITERS)
    if e.owner_party_id != actor.party_id:
        raise AccessDenied("Only the party that planned the engagement may change it.", hint="Ask its owner party.")
    status = data.get("status")
    if status is not None and status not in STATUSES:
        raise InputError(f"Unknown status {status!r}.", hint=f"Use one of: {', '.join(STATUSES)}.")
    for field in ("outcomes", "place", "objectives"):
        if data.get(field) is not None:
            setattr(e, field, data[field])
    if status:
        e.status = status
    audit(s, actor, "engagement.update", OT, e.id, status=status)
    if e.status == "completed" and store is not None:
        export_to_store(s, store, [e])
    return e


def export_to_store(s: Session, store: Store, engagements: list[Engagement] | None = None) -> int:
    """Write completed engagements into the store's ``engagements`` table (dataset 'ops'); idempotent."""
    import pyarrow as pa

    from detente.store.engagements import ENGAGEMENT_SCHEMA, write_engagements

    if engagements is None:
        engagements = list(s.scalars(select(Engagement).where(Engagement.status == "completed")))
    done: list[Engagement] = []
    rows: list[dict[str, object]] = []
    for e in engagements:
        if e.status != "completed":
            continue
        parts = participants(s, e)
        rows.append(
            {
                "source_id": f"ops:{e.id}",
                "kind": e.kind,
                "name": e.title,
                "start_date": e.start_date,
                "end_date": e.end_date,
                "participants": [p.actor for p in parts if p.actor and p.kind == "state"],
                "third_parties": [p.actor or p.name for p in parts if not (p.actor and p.kind == "state")],
                "place": e.place or None,
                "track": e.track,
                "line": None,
                "attributes": json.dumps({"title": e.title, "outcomes": e.outcomes, "objectives": e.objectives}),
            }
        )
        done.append(e)
    write_engagements(store, "ops", pa.Table.from_pylist(rows, schema=ENGAGEMENT_SCHEMA), update=True)
    for e in done:
        e.exported_at = utcnow()
    n = len(done)
    return n
