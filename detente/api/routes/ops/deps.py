"""Dependencies of the operations API: the ops store (opened once per app) and the acting user."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from detente.api.ratelimit import WRITES, WriteLimit
from detente.config import Settings
from detente.errors import Unauthorized
from detente.ops.access import Actor
from detente.ops.auth import check_session, read_claims
from detente.ops.db import OpsDB
from detente.ops.pages import MAX_LIMIT, Page
from detente.ops.receipts import Signer, signer_at

__all__ = ["ActorDep", "Cursor", "Limit", "OpsDep", "SignerDep", "get_actor", "get_ops", "get_signer", "paged"]

T = TypeVar("T")
_open_lock = threading.Lock()
HEAVY_READS = frozenset({"verify", "chain", "log", "risk", "engagements.ics"})  # GET .../{these}: counted as writes
_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/ops/login.")


def _once(request: Request, name: str, make: Callable[[Settings], T]) -> T:
    """The app's ``name`` (on ``app.state``), made from its settings by the first request that needs it."""
    state = request.app.state
    got: T | None = getattr(state, name, None)
    if got is None:
        with _open_lock:
            got = getattr(state, name, None)
            if got is None:
                got = make(state.settings)
                setattr(state, name, got)
    return got


def _opened(settings: Settings) -> OpsDB:
    db = OpsDB(settings.ops_database_url())
    db.migrate()
    return db


def get_ops(request: Request) -> OpsDB:
    """The app's operations store, opened and migrated on first use."""
    return _once(request, "ops", _opened)


OpsDep = Annotated[OpsDB, Depends(get_ops)]


def get_actor(
    request: Request, db: OpsDep, cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    if cred is None or cred.scheme.lower() != "bearer":
        raise Unauthorized("Log in first.", hint="POST /api/ops/login, then send Authorization: Bearer TOKEN.")
    settings: Settings = request.app.state.settings
    claims = read_claims(cred.credentials, settings.secret_key)
    request.state.token = (claims.nonce, claims.expires_at)  # for logout
    with db.session() as s:
        actor = check_session(s, claims)
    if request.method in WRITES or _heavy(request):
        write_limit(request).take(db, claims.nonce, actor.party_id)
    return actor


def _heavy(request: Request) -> bool:
    """A read that recomputes or exports a whole log (or queries the events store): it costs like a write, so a
    flood of them draws on the same allowance (a hotline of a few thousand entries takes about a second to
    verify; unlimited, one party could keep every core busy)."""
    route = request.scope.get("route")
    last = str(getattr(route, "path", "")).rsplit("/", 1)[-1]
    return request.method == "GET" and last in HEAVY_READS


def write_limit(request: Request) -> WriteLimit:
    """The app's write limits (:mod:`detente.api.ratelimit`), made from its settings on first use."""
    return _once(
        request,
        "write_limit",
        lambda settings: WriteLimit(
            settings.ops_token_writes_per_minute,
            settings.ops_party_writes_per_minute,
            per_login=settings.ops_logins_per_minute,
        ),
    )


ActorDep = Annotated[Actor, Depends(get_actor)]


def get_signer(request: Request) -> Signer:
    """The workspace's log receipt key (:mod:`detente.ops.receipts`)."""
    settings: Settings = request.app.state.settings
    return signer_at(settings.receipt_key_path())


SignerDep = Annotated[Signer, Depends(get_signer)]
Cursor = Annotated[
    str | None, Query(max_length=512, description="The X-Next-Cursor of the previous page (none: the first page).")
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")]


def paged(request: Request, response: Response, page: Page[Any], items: list[Any]) -> list[Any]:
    """A page's items as the body; the next page's cursor in ``X-Next-Cursor`` and a ``Link: rel="next"``."""
    if page.next is not None:
        response.headers["X-Next-Cursor"] = page.next
        response.headers["Link"] = f'<{request.url.include_query_params(cursor=page.next)}>; rel="next"'
    return items
