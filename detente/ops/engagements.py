"""Engagement planner: exercises, exchanges, dialogues, visits and Track I/II/III workshops.

Completed engagements flow into the relations index: :func:`export_to_store`
writes them into the store's ``engagements`` table with ``dataset='ops'`` (through the store's writer),
redacted to what the trust index counts (kind, track, dates, participants' codes; no title, place,
objectives or outcomes), and no public listing shows ``ops`` rows.

An invited party's confirmation covers one *version* of the engagement (:func:`version`: a hash of every
field the parties share, status and outcomes included). Any change of version — an edit by the owner, or a
direct database edit — leaves the earlier confirmations stale: those parties count as unconfirmed (they are
told, and are not named in the relations index) until they confirm the new version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.core import hashchain
from detente.core.taxonomy import TRACK_MEANINGS, EngagementKind, Track, track_problem
from detente.errors import AccessDenied, Conflict, InputError
from detente.ops.access import (
    WRITERS,
    Actor,
    acknowledge_share,
    audit,
    get_party,
    get_shared,
    require_role,
    share,
    share_and_notify,
    shared_ids,
)
from detente.ops.ical import CalendarItem, to_ical
from detente.ops.ledger import lock
from detente.ops.models import Engagement, Notice, Party, Share, utcnow
from detente.ops.pages import Page, paginate

if TYPE_CHECKING:
    from detente.store import Store

__all__ = [
    "STATUSES",
    "calendar",
    "confirm",
    "confirmed",
    "create",
    "engagement_dict",
    "export_to_store",
    "get",
    "list_for",
    "page_for",
    "participants",
    "update",
    "version",
]

STATUSES = ("planned", "completed", "cancelled")
OT = "engagement"


def participants(s: Session, e: Engagement) -> list[Party]:
    ids = select(Share.party_id).where(Share.object_type == OT, Share.object_id == e.id)
    return list(s.scalars(select(Party).where(Party.id.in_(ids)).order_by(Party.name)))


def version(s: Session, e: Engagement) -> str:
    """The hash of everything the parties share of the engagement: what a confirmation covers."""
    invited = select(Share.party_id).where(Share.object_type == OT, Share.object_id == e.id)
    shared = {
        "id": e.id, "owner": e.owner_party_id, "kind": e.kind, "track": e.track, "title": e.title,
        "start_date": e.start_date.isoformat(), "end_date": e.end_date.isoformat(), "place": e.place,
        "objectives": e.objectives, "outcomes": e.outcomes, "organisations": list(e.organisations or []),
        "status": e.status, "parties": sorted(s.scalars(invited)),
    }  # fmt: skip
    return hashlib.sha256(hashchain.canonical(shared).encode()).hexdigest()


def confirmed(s: Session, e: Engagement, current: str | None = None) -> set[int]:
    """The parties that take part for sure: the owner, and each invited party that confirmed this very version
    (:func:`confirm`; ``current``: :func:`version`, when the caller has it)."""
    current = current or version(s, e)
    q = select(Share.party_id).where(
        Share.object_type == OT,
        Share.object_id == e.id,
        Share.acknowledged_at.is_not(None),
        Share.confirmed_version == current,
    )
    return {e.owner_party_id, *s.scalars(q)}


def engagement_dict(s: Session, e: Engagement) -> dict[str, Any]:
    meaning = TRACK_MEANINGS[Track(e.track)]
    current = version(s, e)
    sure = confirmed(s, e, current)
    return {
        "id": e.id,
        "version": current,
        "kind": e.kind,
        "track": e.track,
        "track_label": meaning.label,
        "official": meaning.official,
        "organisations": list(e.organisations or []),
        "title": e.title,
        "start_date": e.start_date.isoformat(),
        "end_date": e.end_date.isoformat(),
        "place": e.place,
        "objectives": e.objectives,
        "outcomes": e.outcomes,
        "status": e.status,
        "owner_party_id": e.owner_party_id,
        "participants": [{"id": p.id, "name": p.name, "confirmed": p.id in sure} for p in participants(s, e)],
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
    organisations = [str(o).strip() for o in data.get("organisations") or [] if str(o).strip()]
    invited = sorted(set(data.get("participants") or []) - {actor.party_id})
    kinds = [get_party(s, pid).kind for pid in [actor.party_id, *invited]]
    problem = track_problem(Track(track), kinds, organisations)
    if problem:
        raise InputError(problem, hint="Choose the track that fits who takes part, or name the organisations.")
    e = Engagement(
        owner_party_id=actor.party_id,
        kind=kind,
        track=track,
        title=data["title"],
        start_date=start,
        end_date=end,
        place=data.get("place") or "",
        objectives=data.get("objectives") or "",
        organisations=organisations,
    )
    s.add(e)
    s.flush()
    share(s, OT, e.id, actor.party_id, "owner")
    for pid in invited:
        text = f"{actor.party_name} invites you to {e.title} ({e.start_date}, {TRACK_MEANINGS[Track(track)].label})."
        share_and_notify(s, OT, e.id, pid, "participant", "engagement", text)
    audit(s, actor, "engagement.create", OT, e.id, title=e.title)
    return e


def calendar(s: Session, actor: Actor) -> str:
    """The party's engagements as an iCalendar file: the track, official or not, who takes part."""
    items = []
    for e in list_for(s, actor):
        meaning = TRACK_MEANINGS[Track(e.track)]
        who = ", ".join(p.name for p in participants(s, e))
        orgs = ", ".join(e.organisations or [])
        items.append(
            CalendarItem(
                uid=f"engagement-{e.id}@detente",
                summary=e.title,
                start=e.start_date,
                end=e.end_date,
                location=e.place,
                categories=f"{e.kind},{meaning.label}",
                description=f"{meaning.label}: {meaning.participants}. {e.kind}, {e.status}. Parties: {who}."
                + (f" Organisations: {orgs}." if orgs else "")
                + (f" Objectives: {e.objectives}" if e.objectives else ""),
            )
        )
    return to_ical(items, stamp=utcnow())


def get(s: Session, actor: Actor, engagement_id: int) -> Engagement:
    return get_shared(s, actor, Engagement, OT, engagement_id)


def list_for(s: Session, actor: Actor, start: dt.date | None = None, end: dt.date | None = None) -> list[Engagement]:
    q = select(Engagement).where(Engagement.id.in_(shared_ids(actor.party_id, OT)))
    if start:
        q = q.where(Engagement.end_date >= start)
    if end:
        q = q.where(Engagement.start_date <= end)
    return list(s.scalars(q.order_by(Engagement.start_date, Engagement.id)))


def page_for(
    s: Session,
    actor: Actor,
    start: dt.date | None = None,
    end: dt.date | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Engagement]:
    """A page of the engagements shared with the actor's party overlapping [start, end], by start date."""
    q = select(Engagement).where(Engagement.id.in_(shared_ids(actor.party_id, OT)))
    if start:
        q = q.where(Engagement.end_date >= start)
    if end:
        q = q.where(Engagement.start_date <= end)
    return paginate(s, q, [(Engagement.start_date, dt.date), (Engagement.id, int)], cursor, limit)


def update(
    s: Session, actor: Actor, engagement_id: int, data: dict[str, Any], store: Store | None = None
) -> Engagement:
    """Change status/outcomes/place; only the owner party's officers and admins may. A change leaves the
    invited parties' confirmations stale (they are told, and confirm the new version to be named again)."""
    get(s, actor, engagement_id)
    require_role(actor, *WRITERS)
    e: Engagement = lock(s, Engagement, engagement_id)  # a confirmation at the same moment waits (PostgreSQL)
    if e.owner_party_id != actor.party_id:
        raise AccessDenied("Only the party that planned the engagement may change it.", hint="Ask its owner party.")
    before = version(s, e)
    was = confirmed(s, e, before) - {e.owner_party_id}
    status = data.get("status")
    if status is not None and status not in STATUSES:
        raise InputError(f"Unknown status {status!r}.", hint=f"Use one of: {', '.join(STATUSES)}.")
    for field in ("outcomes", "place", "objectives"):
        if data.get(field) is not None:
            setattr(e, field, data[field])
    if status == "completed" and e.start_date > utcnow().date():
        raise InputError(
            f"{e.title} starts on {e.start_date}; an engagement cannot be completed before it has begun.",
            hint="Mark it completed once it has taken place (future engagements never feed the trust index).",
        )
    if status:
        e.status = status
    after = version(s, e)
    if after != before:
        for pid in sorted(was):
            text = f"{actor.party_name} changed {e.title}: confirm the new version if your party still takes part."
            s.add(Notice(party_id=pid, kind="engagement", object_type=OT, object_id=e.id, text=text))
    audit(s, actor, "engagement.update", OT, e.id, status=status, version=after)
    if e.status == "completed" and store is not None:
        export_to_store(s, store, [e])
    return e


def confirm(
    s: Session, actor: Actor, engagement_id: int, store: Store | None = None, seen: str | None = None
) -> Engagement:
    """An invited party confirms it takes part (its admins and officers) in the version ``seen`` (the
    ``version`` it read; None: the current one). Only the owner and the parties that confirmed the current
    version are written to the relations index: a party cannot put another party's name to an engagement it
    never agreed to (nor make two other states look as if they trained together), nor edit it afterwards."""
    get(s, actor, engagement_id)
    require_role(actor, *WRITERS)
    e: Engagement = lock(s, Engagement, engagement_id)  # serialised with edits (PostgreSQL)
    if e.owner_party_id == actor.party_id:
        raise AccessDenied("The party that planned the engagement takes part already.", hint="Invited parties confirm.")
    current = version(s, e)
    if seen is not None and seen != current:
        raise Conflict(
            f"{e.title} was changed after you read it; your confirmation would cover a version you have not seen.",
            hint="Read the engagement again and confirm its current version.",
        )
    text = f"{actor.party_name} confirms it takes part in {e.title}."
    acknowledge_share(s, actor, OT, e.id, e.owner_party_id, text, "engagement.confirm", version=current)
    if e.status == "completed" and store is not None:
        export_to_store(s, store, [e])  # the row is written again with the party that confirmed
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
        sure = confirmed(s, e)
        parts = [p for p in participants(s, e) if p.id in sure]  # an unconfirmed invitee is not named at all
        meaning = TRACK_MEANINGS[Track(e.track)]
        others = [p.actor for p in parts if p.actor and p.kind != "state"]  # never a party's own name
        # Only what the trust index counts leaves the workspace: kind, track, dates, the participants' codes.
        # The title, place, objectives and outcomes stay with the parties (and no public listing shows the row).
        rows.append(
            {
                "source_id": f"ops:{e.id}",
                "kind": e.kind,
                "name": f"{e.kind.replace('_', ' ')} (operations workspace)",
                "start_date": e.start_date,
                "end_date": e.end_date,
                "participants": [p.actor for p in parts if p.actor and p.kind == "state"],
                "third_parties": others + [o for o in e.organisations or [] if o not in others],
                "place": None,
                "track": e.track,
                "line": None,
                "attributes": json.dumps(
                    {
                        "track_label": meaning.label,
                        "official": meaning.official,
                        "organisations": list(e.organisations or []),
                    }
                ),
            }
        )
        done.append(e)
    write_engagements(store, "ops", pa.Table.from_pylist(rows, schema=ENGAGEMENT_SCHEMA), update=True)
    for e in done:
        e.exported_at = utcnow()
    n = len(done)
    return n
