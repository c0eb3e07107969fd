"""Passwords (argon2id) and bearer tokens (HMAC-SHA256 signed, with expiry).

A token is ``base64url(payload).base64url(signature)`` where the payload is
``{"uid": ..., "exp": unix seconds, "iat": unix milliseconds, "n": nonce}``.
The key is ``Settings.secret_key``, or a random key per process when that is
empty (so tokens then die with the server).

Tokens are stateless until ended: logging out revokes one token's nonce;
"log out everywhere" (and disabling the user, and a new password) stamps the
user, and every token issued before that stamp is refused for good.

Failed logins are counted per source address and per account, each with a growing
wait (:func:`authenticate`). An account's wait is bounded (a few minutes), never
a lock, and spares the address its user last logged in from, so a distributed
guesser is slowed to a guess per few minutes without locking the real user out.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Table, case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from detente.errors import InputError, TooManyAttempts, Unauthorized
from detente.ops.access import Actor
from detente.ops.db import upsert
from detente.ops.models import LoginThrottle, Party, RevokedToken, User, WriteBucket, utcnow

__all__ = [
    "Claims",
    "account_key",
    "authenticate",
    "check_password",
    "check_session",
    "end_all_sessions",
    "hash_password",
    "issue_token",
    "load_actor",
    "read_claims",
    "read_token",
    "revoke",
    "set_hash_cost",
    "unlock",
    "verify_password",
    "wait_for",
]

# Modest argon2id cost: ~20 ms per login on the 2-core test machine, still memory-hard (19 MiB, OWASP minimum).
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_PROCESS_KEY = secrets.token_bytes(32)
MIN_PASSWORD = 8
FREE_FAILURES = 5  # failed logins a source address may make before it must wait
FIRST_WAIT_SECONDS = 1  # then 1, 2, 4, ... seconds before each further try
MAX_WAIT_SECONDS = 15 * 60
FORGET_AFTER = dt.timedelta(hours=1)  # a source quiet this long starts afresh
# An account, whatever the source (a guesser spread over many addresses): more free failures, a short cap
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_MAX_WAIT_SECONDS = 5 * 60
_DUMMY: dict[tuple[int, int], str] = {}


def set_hash_cost(time_cost: int = 2, memory_kib: int = 19 * 1024) -> None:
    """Change the argon2 cost (tests and benchmarks lower it; never lower it in a deployment)."""
    global _HASHER
    _HASHER = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"The password is shorter than {MIN_PASSWORD} characters.", hint="Choose a longer one.")
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _key(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest() if secret else _PROCESS_KEY


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


@dataclass(frozen=True)
class Claims:
    """What a valid, unexpired token says."""

    user_id: int
    nonce: str
    issued_at: dt.datetime  # naive UTC, millisecond precision
    expires_at: dt.datetime  # naive UTC


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)


def issue_token(user_id: int, secret: str, minutes: int) -> tuple[str, dt.datetime]:
    now_ms = int(time.time() * 1000)
    exp = now_ms // 1000 + minutes * 60
    claims = {"uid": user_id, "exp": exp, "iat": now_ms, "n": secrets.token_hex(8)}
    payload = _b64(json.dumps(claims).encode())
    sig = _b64(hmac.new(_key(secret), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{sig}", dt.datetime.fromtimestamp(exp, dt.UTC)


def read_token(token: str, secret: str) -> int:
    """The user id of a valid, unexpired token; Unauthorized otherwise."""
    return read_claims(token, secret).user_id


def read_claims(token: str, secret: str) -> Claims:
    """The claims of a valid, unexpired token; Unauthorized otherwise."""
    bad = Unauthorized("The session token is invalid.", hint="Log in again (POST /api/ops/login).")
    try:
        payload, sig = token.split(".")
        want = _b64(hmac.new(_key(secret), payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(want, sig):
            raise bad
        data = json.loads(_unb64(payload))
        uid, exp, nonce = int(data["uid"]), int(data["exp"]), str(data["n"])
        issued_ms = int(data.get("iat", 0))  # tokens from before "iat" count as issued at the epoch (refused)
    except (ValueError, KeyError, TypeError, UnicodeError, AttributeError):
        raise bad from None
    if exp < time.time():
        raise Unauthorized("The session token has expired.", hint="Log in again (POST /api/ops/login).")
    return Claims(uid, nonce, _utc(issued_ms / 1000), _utc(exp))


def check_session(s: Session, claims: Claims) -> Actor:
    """The actor a token speaks for; refused if it was logged out, or issued before its user logged out
    everywhere (checked on the same row :func:`load_actor` reads)."""
    if s.get(RevokedToken, claims.nonce) is not None:
        raise Unauthorized("The session token was ended by logging out.", hint="Log in again (POST /api/ops/login).")
    return load_actor(s, claims.user_id, issued_at=claims.issued_at)


def revoke(s: Session, user_id: int, nonce: str, expires_at: dt.datetime) -> None:
    """End one session token (logout); expired revocations are purged on the way."""
    s.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if s.get(RevokedToken, nonce) is None:
        try:
            # a second logout of the same token at the same moment: already ended, fine (the DELETE above began
            # the transaction, so on SQLite too the savepoint is inside it)
            with s.begin_nested():
                s.add(RevokedToken(nonce=nonce, user_id=user_id, expires_at=expires_at))
        except IntegrityError:
            pass


def end_all_sessions(s: Session, user_id: int) -> dt.datetime:
    """Log a user out everywhere: every token issued until now is refused from now on."""
    u = s.get(User, user_id)
    if u is None:
        raise Unauthorized("The account no longer exists or is disabled.", hint="Ask your party admin.")
    u.sessions_after = _utc(int(time.time() * 1000) / 1000)  # the tokens' own precision
    return u.sessions_after


def load_actor(s: Session, user_id: int, issued_at: dt.datetime | None = None) -> Actor:
    """The enabled user ``user_id`` as an actor; with ``issued_at``, also refuse a token issued before the
    user logged out everywhere."""
    row = s.execute(select(User, Party).join(Party, Party.id == User.party_id).where(User.id == user_id)).first()
    if row is None or not row[0].active:
        raise Unauthorized("The account no longer exists or is disabled.", hint="Ask your party admin.")
    u, p = row
    if issued_at is not None and issued_at < u.created_at.replace(microsecond=u.created_at.microsecond // 1000 * 1000):
        # issued to an earlier account that had this id (SQLite reuses a deleted row's id): not this one's
        raise Unauthorized("The session token is invalid.", hint="Log in again (POST /api/ops/login).")
    if issued_at is not None and u.sessions_after is not None and issued_at < u.sessions_after:
        raise Unauthorized(
            "The session was ended by logging out everywhere.", hint="Log in again (POST /api/ops/login)."
        )
    return Actor(user_id=u.id, username=u.username, party_id=p.id, party_name=p.name, party_kind=p.kind, role=u.role)


def _dummy_hash() -> str:
    """A hash at the current cost of a password nobody knows: an unknown username is checked against it, so a
    login costs the same argon2 work whether the name exists or not."""
    key = (_HASHER.time_cost, _HASHER.memory_cost)
    if key not in _DUMMY:
        _DUMMY.clear()
        _DUMMY[key] = _HASHER.hash(secrets.token_hex(16))
    return _DUMMY[key]


def wait_for(failures: int, free: int = FREE_FAILURES, cap: int = MAX_WAIT_SECONDS) -> float:
    """Seconds a source waits after its ``failures``-th failed login in a row: none for the first ``free``, then
    doubling from ``FIRST_WAIT_SECONDS`` up to ``cap`` (an account: :func:`account_wait`).

    >>> [wait_for(n) for n in (1, 5, 6, 7, 8, 30)]
    [0.0, 0.0, 1.0, 2.0, 4.0, 900.0]
    """
    if failures <= free:
        return 0.0
    return float(min(cap, FIRST_WAIT_SECONDS * 2 ** min(failures - free - 1, 30)))


def account_wait(failures: int) -> float:
    """Seconds an account waits after its ``failures``-th failed login from anywhere (bounded: never a lock).

    >>> [account_wait(n) for n in (10, 11, 12, 20, 10**6)]
    [0.0, 1.0, 2.0, 300.0, 300.0]
    """
    return wait_for(failures, ACCOUNT_FREE_FAILURES, ACCOUNT_MAX_WAIT_SECONDS)


def account_key(username: str) -> str:
    """The throttle row of an account (a hash: any username fits, and an unknown one is counted the same)."""
    return "account:" + hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _throttle() -> Table:
    return cast(Table, LoginThrottle.__table__)


def _count_try(s: Session, key: str, now: dt.datetime, wait: Callable[[int], float], check: bool) -> int | None:
    """Count one try against a source address or account *before* its password is checked, atomically: one
    upsert adds it (a count quiet for ``FORGET_AFTER`` starts afresh) unless ``check`` and the key still waits,
    and the wait its count now earns is stamped before the unit of work commits — the row stays locked (the
    database's write lock on SQLite) until then, so concurrent tries, from any process, are counted one after
    the other and none slips through on a stale count. The count, or None while the key waits (nothing counted)."""
    t = _throttle()
    free = or_(t.c.blocked_until.is_(None), t.c.blocked_until <= now)
    stmt = (
        upsert(s, t)
        .values(source=key, failures=1, last_failure_at=now, blocked_until=None)
        .on_conflict_do_update(
            index_elements=[t.c.source],
            set_={
                "failures": case((t.c.last_failure_at < now - FORGET_AFTER, 1), else_=t.c.failures + 1),
                "last_failure_at": now,
            },
            where=free if check else None,
        )
        .returning(t.c.failures)
    )
    n = s.execute(stmt).scalar()
    if n is None:
        return None
    seconds = wait(n)
    s.execute(update(t).where(t.c.source == key).values(
        blocked_until=now + dt.timedelta(seconds=seconds) if seconds else None))  # fmt: skip
    return int(n)


def _uncount(s: Session, key: str, n: int) -> None:
    """Take back the try :func:`_count_try` counted as the ``n``-th when the password was right (a success is
    not a failure; it does not wipe the others either): the wait it stamped goes too unless a later try counted."""
    t = _throttle()
    s.execute(update(t).where(t.c.source == key, t.c.failures > 0).values(
        failures=t.c.failures - 1, blocked_until=case((t.c.failures == n, None), else_=t.c.blocked_until)))  # fmt: skip


def _refuse(s: Session, key: str, now: dt.datetime, whose: str) -> TooManyAttempts:
    until = s.scalar(select(LoginThrottle.blocked_until).where(LoginThrottle.source == key))
    wait = max(1, math.ceil((until - now).total_seconds())) if until is not None else 1
    return TooManyAttempts(
        f"Too many failed logins {whose}: try again in {wait} s.",
        hint="Check the username and password; each further failure doubles the wait.",
        retry_after=wait,
    )


def _count_tries(s: Session, source: str, account: str, now: dt.datetime, spare_account: bool) -> list[tuple[str, int]]:
    """Count a password check against its source and its account, committed before the check (argon2) runs, or
    raise TooManyAttempts counting nothing while either waits (the account's wait spares ``spare_account``)."""
    quiet = select(LoginThrottle.source).where(LoginThrottle.last_failure_at < now - FORGET_AFTER)
    # rows another try holds are skipped: this purge never waits for, nor deadlocks with, a try being counted
    s.execute(delete(LoginThrottle).where(LoginThrottle.source.in_(quiet.with_for_update(skip_locked=True))))
    counted: list[tuple[str, int]] = []
    for key, wait, check, whose in ((source, wait_for, True, "from your address"),
                                    (account, account_wait, not spare_account, "for this account")):  # fmt: skip
        n = _count_try(s, key, now, wait, check)
        if n is None:
            refusal = _refuse(s, key, now, whose)
            s.rollback()  # the source's try, counted just before, is not counted either
            raise refusal
        counted.append((key, n))
    s.commit()
    return counted


def check_password(s: Session, user_id: int, password: str, source: str) -> bool:
    """Whether ``password`` is the user's, for a check outside login (a password change): the try counts against
    ``source`` and the account and waits exactly as a login does, so a stolen session token is no way to guess the
    password without limit. The caller commits the session even when this fails."""
    now = utcnow()
    u = s.get(User, user_id)
    if u is None:
        return False
    counted = _count_tries(s, source, account_key(u.username), now, source == u.last_login_source)
    if not verify_password(u.password_hash, password):
        return False
    for key, n in counted:
        _uncount(s, key, n)
    return True


def authenticate(s: Session, username: str, password: str, source: str = "local") -> Actor:
    """The actor behind a username and password, for a login from ``source`` (the client's address).

    Each try counts against the source and against the account (known or not) before the password is checked
    (:func:`_count_tries`, committed at once, so tries in flight in other processes see it); a right password
    takes its own count back. After ``FREE_FAILURES`` a source waits before each further try (:func:`wait_for`),
    after ``ACCOUNT_FREE_FAILURES`` from anywhere the account does (:func:`account_wait`, at most
    ``ACCOUNT_MAX_WAIT_SECONDS``), and while either waits the tries are refused unchecked. The account's wait
    spares the address its user last logged in from, so a guesser spread over many addresses slows down without
    locking the user out; it is never a lock, and is forgotten after ``FORGET_AFTER`` of quiet. A known and an
    unknown name cost the same work. The caller commits the session even when this raises.
    """
    now = utcnow()
    u = s.scalars(select(User).where(User.username == username)).first()
    spare = u is not None and source == u.last_login_source
    counted = _count_tries(s, source, account_key(username), now, spare)
    good = verify_password(u.password_hash if u is not None else _dummy_hash(), password)
    if u is None or not u.active or not good:
        raise Unauthorized("Wrong username or password.", hint="Check both and try again.")
    # A success takes back its own count only: an attacker holding one account of its own could otherwise
    # interleave its own logins with guesses at others, and a guesser would get a fresh allowance at each of the
    # user's logins. The counts are forgotten after FORGET_AFTER of quiet.
    for key, n in counted:
        _uncount(s, key, n)
    u.last_login_source = source[:100]
    return load_actor(s, u.id)


def unlock(s: Session, source: str) -> bool:
    """Operator action: forget the failed logins of a source address, or of an account (``account_key(name)``),
    and a source's spent login tries (its ``login:`` bucket, :mod:`detente.api.ratelimit`) (True if it had any)."""
    spent = s.get(WriteBucket, f"login:{source}"[:100])
    if spent is not None:
        s.delete(spent)
    t = s.get(LoginThrottle, source)
    if t is not None:
        s.delete(t)
    return t is not None or spent is not None
