"""Humanitarian deconfliction: NGOs and agencies notify sites and convoy routes; parties acknowledge.

Acknowledgement is NOT approval: it records that a party has received the
notification, nothing more. Notifications expire. Each route is checked
against recent hostile events (quad class 4) near it in the DuckDB store.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.core.geometry import bbox, point_polyline_km
from detente.errors import AccessDenied, Conflict, InputError
from detente.ops import ledger, movement_log
from detente.ops.access import (
    WRITERS,
    Actor,
    acknowledge_share,
    acknowledgement,
    audit,
    get_party,
    get_shared,
    recipient_shares,
    require_role,
    share,
    share_and_notify,
    shared_ids,
)
from detente.ops.models import Movement, utcnow
from detente.ops.pages import Page, paginate

if TYPE_CHECKING:
    from detente.store import Store

__all__ = [
    "ACK_MEANING",
    "acknowledge",
    "create",
    "get",
    "hostile_events_near",
    "list_for",
    "movement_dict",
    "page_for",
    "route_risk",
    "verify",
]

OT = "movement"
ACK_MEANING = (
    "Acknowledgement means only that your party has received this notification. "
    "It is not approval, authorisation or a guarantee of safe passage."
)


def _points(raw: list[Any]) -> list[list[float]]:
    pts = []
    for p in raw:
        if not isinstance(p, list | tuple) or len(p) != 2:
            raise InputError("Each point is [latitude, longitude].", hint="e.g. [[33.5, 36.3], [33.9, 35.5]]")
        lat, lon = float(p[0]), float(p[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat != lat or lon != lon:
            raise InputError(f"Point {p} is outside latitude ±90 / longitude ±180.", hint="Check the order lat, lon.")
        pts.append([lat, lon])
    return pts


def create(s: Session, actor: Actor, data: dict[str, Any]) -> Movement:
    require_role(actor, *WRITERS)
    kind = data["kind"]
    pts = _points(data["points"])
    if kind not in ("site", "convoy"):
        raise InputError(f"Unknown movement kind {kind!r}.", hint="Use site or convoy.")
    if (kind == "site" and len(pts) != 1) or (kind == "convoy" and len(pts) < 2):
        raise InputError("A site has one point; a convoy route has two or more.", hint="Fix points.")
    if data["window_end"] <= data["window_start"]:
        raise InputError("The time window ends before it starts.", hint="Check window_start and window_end.")
    expires = data.get("expires_at") or data["window_end"]
    if expires <= utcnow():
        raise InputError(
            f"This notification would already have expired ({expires:%Y-%m-%d %H:%M} UTC).",
            hint="Give a window_end (or expires_at) in the future; times are UTC.",
        )
    m = Movement(
        party_id=actor.party_id,
        kind=kind,
        name=data["name"],
        points=pts,
        window_start=data["window_start"],
        window_end=data["window_end"],
        expires_at=expires,
        note=data.get("note") or "",
    )
    s.add(m)
    s.flush()
    share(s, OT, m.id, actor.party_id, "owner")
    notified = sorted(set(data.get("notify") or []) - {actor.party_id})
    for pid in notified:
        get_party(s, pid)
        text = (
            f"{actor.party_name} notifies {kind} {m.name!r} "
            f"{m.window_start:%Y-%m-%d %H:%M}–{m.window_end:%Y-%m-%d %H:%M} UTC."
        )
        share_and_notify(s, OT, m.id, pid, "recipient", "deconfliction", text)
    movement_log.append(s, m.id, movement_log.notified_record(m, notified))
    audit(s, actor, "movement.create", OT, m.id, kind=kind)
    return m


def get(s: Session, actor: Actor, movement_id: int) -> Movement:
    return get_shared(s, actor, Movement, OT, movement_id)


def page_for(
    s: Session, actor: Actor, include_expired: bool = False, cursor: str | None = None, limit: int | None = None
) -> Page[Movement]:
    """A page of the movements shared with the actor's party, by window start."""
    q = select(Movement).where(Movement.id.in_(shared_ids(actor.party_id, OT)))
    if not include_expired:
        q = q.where(Movement.expires_at > utcnow())
    return paginate(s, q, [(Movement.window_start, dt.datetime), (Movement.id, int)], cursor, limit)


def list_for(s: Session, actor: Actor, include_expired: bool = False) -> list[Movement]:
    q = select(Movement).where(Movement.id.in_(shared_ids(actor.party_id, OT)))
    if not include_expired:
        q = q.where(Movement.expires_at > utcnow())
    return list(s.scalars(q.order_by(Movement.window_start)))


def acknowledge(s: Session, actor: Actor, movement_id: int) -> dict[str, Any]:
    """Record receipt (acknowledgement is not approval); the answer says so."""
    m = get(s, actor, movement_id)
    require_role(actor, "admin", "officer", "monitor")
    if m.party_id == actor.party_id:
        raise AccessDenied("The notifying party does not acknowledge its own notification.", hint="Recipients do.")
    if m.expires_at <= utcnow():
        raise Conflict("This notification has expired.", hint="Ask the sender to notify again.")
    text = f"{actor.party_name} acknowledged (received; not approved) {m.name!r}."
    sh = acknowledge_share(s, actor, OT, m.id, m.party_id, text, "movement.acknowledge")
    movement_log.append(s, m.id, ledger.receipt("acknowledged", sh))
    return {**acknowledgement(m.id, sh), "acknowledgement_means": ACK_MEANING}


def verify(s: Session, actor: Actor, movement_id: int) -> dict[str, Any]:
    """Check the movement's tamper-evident log (the notifying party and the parties notified)."""
    return movement_log.verify(s, get(s, actor, movement_id))


def movement_dict(s: Session, m: Movement, actor: Actor) -> dict[str, Any]:
    rows, mine = recipient_shares(s, actor, OT, m.id)
    out: dict[str, Any] = {
        "id": m.id,
        "party_id": m.party_id,
        "kind": m.kind,
        "name": m.name,
        "points": m.points,
        "window_start": m.window_start.isoformat(),
        "window_end": m.window_end.isoformat(),
        "expires_at": m.expires_at.isoformat(),
        "expired": m.expires_at <= utcnow(),
        "note": m.note,
        "acknowledged_by_you": bool(mine and mine.acknowledged_at),
        "acknowledgement_means": ACK_MEANING,
    }
    if m.party_id == actor.party_id:
        out["recipients"] = [
            {
                "party_id": p.id,
                "name": p.name,
                "acknowledged_at": sh.acknowledged_at.isoformat() if sh.acknowledged_at else None,
            }
            for sh, p in rows
        ]
    return out


def hostile_events_near(
    store: Store, points: list[list[float]], *, km: float = 25.0, days: int = 30, as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    """Quad-class-4 events within ``km`` of the route in the ``days`` before ``as_of`` (nearest first)."""
    if not points:
        return []
    if not (0 < km <= 500 and 0 < days <= 3650):
        raise InputError("km must be in (0, 500] and days in (0, 3650].", hint="Narrow the search.")
    as_of = as_of or utcnow().date()
    lat0, lat1, lon0, lon1 = bbox([(p[0], p[1]) for p in points], km)
    from detente.store.analytics.events import hostile_events_in_box

    found = hostile_events_in_box(store, as_of - dt.timedelta(days=days), as_of, (lat0, lat1), (lon0, lon1))
    line = [(p[0], p[1]) for p in points]
    out = []
    for r in found.to_pylist():
        d = point_polyline_km((float(r["latitude"]), float(r["longitude"])), line)
        if d <= km:
            out.append({**r, "date": r["date"].isoformat(), "distance_km": round(d, 2)})
    return sorted(out, key=lambda e: e["distance_km"])


def route_risk(
    store: Store, movement_id: int, points: list[list[float]], *, km: float, days: int, as_of: dt.date
) -> dict[str, Any]:
    """The route-risk answer (API, CLI and page): hostile events near the route and one warning line."""
    events = hostile_events_near(store, points, km=km, days=days, as_of=as_of)
    warning = (
        f"{len(events)} hostile event{'s' if len(events) != 1 else ''} within {km:g} km of this route in the "
        f"{days} days before {as_of.isoformat()}."
        if events
        else None
    )
    return {
        "movement_id": movement_id,
        "km": km,
        "days": days,
        "as_of": as_of.isoformat(),
        "warning": warning,
        "events": events[:200],
    }
