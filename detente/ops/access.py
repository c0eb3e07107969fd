"""Party-scoped access: who is acting, what their party may see, and the audit log.

A record is visible to a party only through a :class:`~detente.ops.models.Share`
row. Reads of records that are not shared raise :class:`NotFound` with the same
message as a record that does not exist, so that existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.errors import AccessDenied, Conflict, InputError, NotFound
from detente.ops.models import AuditEntry, Base, Party, Share

__all__ = [
    "PARTY_KINDS",
    "ROLES",
    "WRITERS",
    "Actor",
    "acknowledgement",
    "audit",
    "get_party",
    "get_shared",
    "hidden",
    "prefetch_recipients",
    "require_role",
    "share",
    "share_of",
    "shared_ids",
]

PARTY_KINDS = ("state", "organisation", "ngo", "mediator")
ROLES = ("admin", "officer", "observer", "monitor")
WRITERS = ("admin", "officer")

M = TypeVar("M", bound=Base)


@dataclass(frozen=True)
class Actor:
    """The authenticated user a service call acts for."""

    user_id: int
    username: str
    party_id: int
    party_name: str
    party_kind: str
    role: str


def require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise AccessDenied(f"Your role ({actor.role}) may not do this.", hint=f"It needs one of: {', '.join(roles)}.")


def shared_ids(party_id: int, object_type: str) -> Any:
    """A select of the ids of ``object_type`` records shared with ``party_id``."""
    return select(Share.object_id).where(Share.party_id == party_id, Share.object_type == object_type)


def share_of(s: Session, actor: Actor, object_type: str, object_id: int) -> Share | None:
    return s.scalars(
        select(Share).where(
            Share.party_id == actor.party_id, Share.object_type == object_type, Share.object_id == object_id
        )
    ).first()


def acknowledge_share(
    s: Session,
    actor: Actor,
    object_type: str,
    object_id: int,
    owner_party_id: int,
    notice: str,
    action: str,
    version: str | None = None,
) -> Share:
    """Record the actor's party acknowledging a record shared with it, tell the owner, audit it. With
    ``version`` (a confirmation of that version of an editable record), a confirmation of an earlier version
    is replaced; one of the same version is a conflict."""
    from detente.ops.models import Notice, utcnow

    # locked and read as committed: of two acknowledgements at once (PostgreSQL) the second waits, then sees the
    # first and is refused, instead of both telling the owner and overwriting each other
    q = select(Share).where(
        Share.party_id == actor.party_id, Share.object_type == object_type, Share.object_id == object_id
    )
    sh = s.scalars(q.with_for_update().execution_options(populate_existing=True)).first()
    assert sh is not None  # callers fetched the record through get_shared
    if sh.acknowledged_at is not None and (version is None or sh.confirmed_version == version):
        raise Conflict("Your party has acknowledged this record already.", hint="Nothing to do.")
    sh.acknowledged_at, sh.acknowledged_by, sh.confirmed_version = utcnow(), actor.user_id, version
    s.add(
        Notice(party_id=owner_party_id, kind="acknowledged", object_type=object_type, object_id=object_id, text=notice)
    )
    audit(s, actor, action, object_type, object_id, version=version)
    return sh


def acknowledgement(object_id: int, sh: Share) -> dict[str, Any]:
    """What an acknowledgement answers: the record and when the actor's party acknowledged it."""
    return {"id": object_id, "acknowledged_at": sh.acknowledged_at.isoformat() if sh.acknowledged_at else None}


def recipient_shares(
    s: Session, actor: Actor, object_type: str, object_id: int
) -> tuple[list[tuple[Share, Any]], Share | None]:
    """The recipient shares of a record with their parties, and the actor's own share among them (from the
    session's prefetch when :func:`prefetch_recipients` loaded them for a whole page)."""
    from detente.ops.models import Party

    cached = s.info.get("recipient_shares", {}).get((object_type, object_id))
    if cached is not None:
        return cached, next((sh for sh, _ in cached if sh.party_id == actor.party_id), None)
    rows = [
        (sh, p)
        for sh, p in s.execute(
            select(Share, Party)
            .join(Party, Party.id == Share.party_id)
            .where(Share.object_type == object_type, Share.object_id == object_id, Share.role == "recipient")
        )
    ]
    return rows, next((sh for sh, _ in rows if sh.party_id == actor.party_id), None)


def prefetch_recipients(s: Session, object_type: str, object_ids: list[int]) -> None:
    """Load the recipient shares of a page of records in one query (instead of one query per record)."""
    from detente.ops.models import Party

    got: dict[tuple[str, int], list[tuple[Share, Any]]] = {(object_type, i): [] for i in object_ids}
    if object_ids:
        q = (
            select(Share, Party)
            .join(Party, Party.id == Share.party_id)
            .where(Share.object_type == object_type, Share.object_id.in_(object_ids), Share.role == "recipient")
            .order_by(Share.id)
        )
        for sh, p in s.execute(q):
            got[(object_type, sh.object_id)].append((sh, p))
    s.info.setdefault("recipient_shares", {}).update(got)


def get_shared(s: Session, actor: Actor, model: type[M], object_type: str, object_id: int) -> M:
    """The record if it is shared with the actor's party; NotFound otherwise (existence never leaks)."""
    obj = s.get(model, object_id) if share_of(s, actor, object_type, object_id) else None
    if obj is None:
        raise hidden(object_type, object_id)
    return obj


def hidden(object_type: str, object_id: int) -> NotFound:
    """The one answer for a record that is not the actor's party's to see and for one that does not exist:
    it names the id the caller asked for and nothing else."""
    return NotFound(
        f"No {object_type.replace('_', ' ')} {object_id} is shared with your party.",
        hint="Check the id, or ask its owner to share it with you.",
    )


def share(s: Session, object_type: str, object_id: int, party_id: int, role: str) -> None:
    exists = s.scalars(
        select(Share).where(Share.party_id == party_id, Share.object_type == object_type, Share.object_id == object_id)
    ).first()
    if exists is None:
        s.add(Share(object_type=object_type, object_id=object_id, party_id=party_id, role=role))


def share_and_notify(
    s: Session, object_type: str, object_id: int, party_id: int, role: str, kind: str, text: str
) -> None:
    """Share a record with a party and leave that party a notice saying so."""
    from detente.ops.models import Notice

    share(s, object_type, object_id, party_id, role)
    s.add(Notice(party_id=party_id, kind=kind, object_type=object_type, object_id=object_id, text=text))


def get_party(s: Session, party_id: int) -> Party:
    p = s.get(Party, party_id)
    if p is None:
        raise InputError(f"No party {party_id}.", hint="List parties with GET /api/ops/parties.")
    return p


def audit(s: Session, actor: Actor | None, action: str, object_type: str, object_id: int | None, **detail: Any) -> None:
    """Record who did what (``actor`` None: the system, e.g. a deadline sweep)."""
    s.add(
        AuditEntry(
            user_id=actor.user_id if actor else None,
            party_id=actor.party_id if actor else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail={k: v for k, v in detail.items() if v is not None},
        )
    )
