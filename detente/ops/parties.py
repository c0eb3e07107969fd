"""Parties and users: created by the operator (CLI) or by a party's admin (users of its own party)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from detente.errors import AccessDenied, Conflict, InputError, NotFound
from detente.ops.access import PARTY_KINDS, ROLES, Actor, audit, require_role
from detente.ops.auth import check_password, end_all_sessions, hash_password
from detente.ops.models import AuditEntry, Notice, Party, User
from detente.ops.pages import Page, paginate

__all__ = [
    "audit_log",
    "change_password",
    "create_party",
    "create_user",
    "end_sessions",
    "list_parties",
    "list_users",
    "notices",
    "party_dict",
    "update_user",
    "user_dict",
]


def party_dict(p: Party) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "kind": p.kind, "actor": p.actor, "organisations": list(p.organisations)}


def user_dict(u: User) -> dict[str, Any]:
    return {"id": u.id, "username": u.username, "party_id": u.party_id, "role": u.role, "active": u.active}


def create_party(
    s: Session, name: str, kind: str, *, actor: str | None = None, organisations: list[str] | None = None
) -> Party:
    """Operator action (CLI): a new party of the workspace."""
    name = name.strip()
    if not name:
        raise InputError("A party needs a name.", hint="Pass a non-empty name.")
    if kind not in PARTY_KINDS:
        raise InputError(f"Unknown party kind {kind!r}.", hint=f"Use one of: {', '.join(PARTY_KINDS)}.")
    if s.scalars(select(Party).where(Party.name == name)).first():
        raise Conflict(f"A party named {name!r} exists already.", hint="Choose another name.")
    p = Party(name=name, kind=kind, actor=(actor or None), organisations=sorted(set(organisations or [])))
    s.add(p)
    s.flush()
    audit(s, None, "party.create", "party", p.id, name=name, kind=kind)
    return p


def create_user(s: Session, party_id: int, username: str, password: str, role: str, *, by: Actor | None = None) -> User:
    """A user of a party. ``by`` None is the operator; otherwise an admin of that same party."""
    if by is not None:
        require_role(by, "admin")
        if by.party_id != party_id:
            raise AccessDenied("Admins create users of their own party only.", hint="Use your party's id.")
    if role not in ROLES:
        raise InputError(f"Unknown role {role!r}.", hint=f"Use one of: {', '.join(ROLES)}.")
    username = username.strip()
    if not username or len(username) > 100:
        raise InputError("A username needs 1 to 100 characters.", hint="Choose another username.")
    party = s.get(Party, party_id)
    if party is None:
        raise InputError(f"No party {party_id}.", hint="Create the party first.")
    if role == "monitor" and party.kind not in ("mediator", "organisation"):
        raise InputError("Monitors belong to a mediator or organisation party.", hint="Pick such a party.")
    if s.scalars(select(User).where(User.username == username)).first():
        raise Conflict(f"The username {username!r} is taken.", hint="Choose another username.")
    u = User(party_id=party_id, username=username, role=role, password_hash=hash_password(password))
    s.add(u)
    try:
        s.flush()
    except IntegrityError:
        raise Conflict(f"The username {username!r} is taken.", hint="Choose another username.") from None
    audit(s, by, "user.create", "user", u.id, username=username, role=role, party_id=party_id)
    return u


def end_sessions(s: Session, user_id: int, *, by: Actor | None = None) -> dict[str, Any]:
    """Log a user out everywhere. ``by`` None is the operator; otherwise the user or an admin of its party."""
    u = _own_user(s, user_id, by)
    if by is not None and by.user_id != u.id:
        require_role(by, "admin")
    at = end_all_sessions(s, u.id)
    audit(s, by, "user.logout_everywhere", "user", u.id, username=u.username)
    return {"user_id": u.id, "sessions_ended_at": at.isoformat()}


def change_password(s: Session, actor: Actor, current: str, new: str, source: str = "local") -> None:
    """A user sets a new password; every session of the account ends (log in again with the new one). A wrong
    current password counts against ``source`` as a failed login does (the caller commits even then)."""
    u = s.get(User, actor.user_id)
    if u is None or not check_password(s, u.id, current, source):
        raise AccessDenied("The current password is wrong.", hint="Type the password you logged in with.")
    if new == current:
        raise InputError("The new password is the current one.", hint="Choose a different password.")
    u.password_hash = hash_password(new)
    end_all_sessions(s, u.id)
    audit(s, actor, "user.password", "user", u.id)


def _own_user(s: Session, user_id: int, by: Actor | None) -> User:
    u = s.get(User, user_id)
    if u is None or (by is not None and by.party_id != u.party_id):
        raise NotFound(f"No user {user_id} in your party.", hint="List your party's users (GET /api/ops/users).")
    return u


def list_users(s: Session, actor: Actor, cursor: str | None = None, limit: int | None = None) -> Page[User]:
    """A page of the users of the actor's own party (admins only), by username."""
    require_role(actor, "admin")
    q = select(User).where(User.party_id == actor.party_id)
    return paginate(s, q, [(User.username, str), (User.id, int)], cursor, limit)


def update_user(
    s: Session,
    user_id: int,
    *,
    by: Actor | None = None,
    active: bool | None = None,
    role: str | None = None,
    password: str | None = None,
) -> User:
    """Disable or enable a user, change its role or set a new password (disabling and a new password end every
    session of the user for good).

    ``by`` None is the operator; otherwise an admin of the user's own party, who may not disable or demote
    themself (a party must not lock its last admin out by a slip).
    """
    u = _own_user(s, user_id, by)
    if by is not None:
        require_role(by, "admin")
        if by.user_id == u.id and (active is False or (role is not None and role != "admin")):
            raise Conflict("An admin cannot disable or demote themself.", hint="Ask another admin of your party.")
    if role is not None:
        if role not in ROLES:
            raise InputError(f"Unknown role {role!r}.", hint=f"Use one of: {', '.join(ROLES)}.")
        party = s.get(Party, u.party_id)
        if role == "monitor" and party is not None and party.kind not in ("mediator", "organisation"):
            raise InputError("Monitors belong to a mediator or organisation party.", hint="Pick another role.")
        u.role = role
    if active is not None:
        u.active = active
    if password is not None:
        u.password_hash = hash_password(password)
    if active is False or password is not None:
        end_all_sessions(s, u.id)  # for good: enabling the user again does not revive a token issued before
    changed = {k: v for k, v in (("active", active), ("role", role)) if v is not None}
    audit(s, by, "user.update", "user", u.id, **changed, password=password is not None)
    return u


def list_parties(s: Session, cursor: str | None = None, limit: int | None = None) -> Page[Party]:
    """A page of the directory of parties (names and kinds only: every authenticated user may see it)."""
    return paginate(s, select(Party), [(Party.name, str), (Party.id, int)], cursor, limit)


def audit_log(s: Session, actor: Actor, cursor: str | None = None, limit: int | None = None) -> Page[dict[str, Any]]:
    """A page of the audit entries of the actor's own party, newest first (admins and monitors only)."""
    require_role(actor, "admin", "monitor")
    page = paginate(
        s, select(AuditEntry).where(AuditEntry.party_id == actor.party_id), [(AuditEntry.id, int)], cursor, limit,
        descending=True,
    )  # fmt: skip
    rows = page.items
    return Page(
        [
            {
                "id": a.id,
                "at": a.at.isoformat(),
                "user_id": a.user_id,
                "action": a.action,
                "object_type": a.object_type,
                "object_id": a.object_id,
                "detail": a.detail,
            }
            for a in rows
        ],
        page.next,
    )


def notices(s: Session, actor: Actor, cursor: str | None = None, limit: int | None = None) -> Page[dict[str, Any]]:
    """A page of the party's inbox, newest first."""
    q = select(Notice).where(Notice.party_id == actor.party_id)
    page = paginate(s, q, [(Notice.id, int)], cursor, limit, descending=True)
    rows = page.items
    return Page(
        [
            {
                "id": n.id,
                "kind": n.kind,
                "object_type": n.object_type,
                "object_id": n.object_id,
                "text": n.text,
                "created_at": n.created_at.isoformat(),
            }
            for n in rows
        ],
        page.next,
    )
