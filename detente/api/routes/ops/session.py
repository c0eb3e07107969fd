"""Login, the party directory, users, the audit log, notices and the deadline sweep."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from detente.api.routes.ops.deps import ActorDep, Cursor, Limit, OpsDep, paged, write_limit
from detente.errors import AccessDenied, Unauthorized
from detente.ops import hotline, parties
from detente.ops.access import audit
from detente.ops.auth import authenticate, issue_token, revoke
from detente.ops.schemas import MAX_ID, Login, PasswordIn, UserIn, UserPatch

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=MAX_ID)]  # a party or user id


@router.post("/login")
def login(body: Login, db: OpsDep, request: Request) -> dict[str, Any]:
    """Exchange a username and password for a bearer token."""
    settings = request.app.state.settings
    write_limit(request).login(db, _source(request))  # a flood from one address is refused before any hashing
    with db.session() as s:  # committed even when the login fails: failed attempts count towards a lock
        try:
            actor = authenticate(s, body.username, body.password, source=_source(request))
        except Unauthorized as e:
            failure: Unauthorized | None = e
        else:
            failure = None
            audit(s, actor, "login", "user", actor.user_id)
    if failure is not None:
        raise failure
    token, exp = issue_token(actor.user_id, settings.secret_key, settings.token_minutes)
    return {"token": token, "expires_at": exp.isoformat(), "user": _me(actor)}


def _source(request: Request) -> str:
    """The client's address, as the server saw the connection (a proxy's X-Forwarded-For is not trusted)."""
    return (request.client.host if request.client else "") or "unknown"


@router.post("/logout")
def logout(actor: ActorDep, db: OpsDep, request: Request) -> dict[str, Any]:
    """End this session token at once (others of the same user stay valid until they expire)."""
    nonce, expires = request.state.token
    with db.session() as s:
        revoke(s, actor.user_id, nonce, expires)
        audit(s, actor, "logout", "user", actor.user_id)
    return {"logged_out": True}


@router.post("/logout-everywhere")
def logout_everywhere(actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """End every session token of your account, this one included (e.g. after a lost laptop)."""
    with db.session() as s:
        return parties.end_sessions(s, actor.user_id, by=actor)


@router.post("/password")
def change_password(body: PasswordIn, actor: ActorDep, db: OpsDep, request: Request) -> dict[str, Any]:
    """Set a new password: every session of the account ends, and this answer carries a fresh token."""
    settings = request.app.state.settings
    with db.session() as s:  # committed even when the current password is wrong: the failure must count
        try:
            parties.change_password(s, actor, body.current, body.new, source=_source(request))
        except (AccessDenied, Unauthorized) as e:
            failure: AccessDenied | Unauthorized | None = e
        else:
            failure = None
    if failure is not None:
        raise failure
    token, exp = issue_token(actor.user_id, settings.secret_key, settings.token_minutes)
    return {"token": token, "expires_at": exp.isoformat(), "user": _me(actor)}


@router.post("/users/{user_id}/logout-everywhere")
def logout_user_everywhere(user_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """A party admin ends every session of a user of their own party."""
    with db.session() as s:
        return parties.end_sessions(s, user_id, by=actor)


def _me(actor: Any) -> dict[str, Any]:
    return {
        "id": actor.user_id,
        "username": actor.username,
        "role": actor.role,
        "party": {"id": actor.party_id, "name": actor.party_name, "kind": actor.party_kind},
    }


@router.get("/me")
def me(actor: ActorDep) -> dict[str, Any]:
    return _me(actor)


@router.get("/parties")
def list_parties(
    actor: ActorDep, db: OpsDep, request: Request, response: Response, cursor: Cursor = None, limit: Limit = 100
) -> list[dict[str, Any]]:
    """The directory of parties (every authenticated user sees names and kinds)."""
    with db.session() as s:
        page = parties.list_parties(s, cursor, limit)
        return paged(request, response, page, [parties.party_dict(p) for p in page.items])


@router.post("/parties/{party_id}/users", status_code=201)
def create_user(party_id: Id, body: UserIn, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """A party admin adds a user to their own party."""
    with db.session() as s:
        u = parties.create_user(s, party_id, body.username, body.password, body.role, by=actor)
        return parties.user_dict(u)


@router.get("/users")
def list_users(
    actor: ActorDep, db: OpsDep, request: Request, response: Response, cursor: Cursor = None, limit: Limit = 100
) -> list[dict[str, Any]]:
    """The users of your party (admins)."""
    with db.session() as s:
        page = parties.list_users(s, actor, cursor, limit)
        return paged(request, response, page, [parties.user_dict(u) for u in page.items])


@router.patch("/users/{user_id}")
def update_user(user_id: Id, body: UserPatch, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """A party admin disables or enables a user of their party, changes its role, or sets a new password."""
    with db.session() as s:
        u = parties.update_user(s, user_id, by=actor, **body.model_dump(exclude_none=True))
        return parties.user_dict(u)


@router.get("/audit")
def audit_log(
    actor: ActorDep, db: OpsDep, request: Request, response: Response, cursor: Cursor = None, limit: Limit = 100
) -> list[dict[str, Any]]:
    """Who did what in your party, newest first (admins and monitors)."""
    with db.session() as s:
        page = parties.audit_log(s, actor, cursor, limit)
        return paged(request, response, page, page.items)


@router.get("/notices")
def notices(
    actor: ActorDep, db: OpsDep, request: Request, response: Response, cursor: Cursor = None, limit: Limit = 100
) -> list[dict[str, Any]]:
    """Your party's inbox, newest first (runs the deadline sweep first)."""
    with db.session() as s:
        hotline.sweep(s)
    with db.session() as s:
        page = parties.notices(s, actor, cursor, limit)
        return paged(request, response, page, page.items)


@router.post("/sweep")
def sweep(actor: ActorDep, db: OpsDep) -> dict[str, int]:
    """Escalate hotline messages whose reply deadline has passed."""
    with db.session() as s:
        return {"escalated": hotline.sweep(s)}
