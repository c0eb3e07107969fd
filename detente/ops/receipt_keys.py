"""The workspace's receipt key ring: every public key that ever signed log receipts, with its id and validity.

The private key that signs now is one file (``Settings.receipt_key``); the ring is a JSON file beside it
(``<key>.ring.json``, same directory, same owner), never in the ops database, so a database edit can neither
forge a receipt nor make a forged key count. Each entry: ``key_id`` (the first 16 hex digits of the SHA-256 of
the raw public key, so a receipt's ``key_id`` is checked against its own ``public_key``), ``public_key``,
``valid_from``, ``valid_until`` (null while it signs) and, when compromised, ``revoked_at`` and
``revoked_reason``.

:func:`rotate` (``detente ops rotate-key``) makes a new key: the new private key replaces the file (the old one
is destroyed: retired, it must sign nothing more), the old public key stays in the ring with ``valid_until``, so
the receipts it signed still verify. ``rotate(..., revoke=REASON)`` and :func:`revoke` mark a key compromised:
every receipt it signed then fails. :func:`judge` says, in one line, why a receipt's key proves nothing (never
in the ring, revoked, or the receipt claims a time outside the key's validity), or None when it is good.
Parties pin the ring (``GET /api/ops/receipt-keys``) and check receipts against it offline too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from detente.errors import ConfigError, InputError
from detente.ops.models import utcnow

__all__ = ["GRACE_SECONDS", "PARTY_HINT", "fingerprint", "judge", "load", "revoke", "ring_path", "rotate", "with_key"]

GRACE_SECONDS = 5  # a retired key's validity runs this long past its rotation (receipts signed as it happened)
PARTY_HINT = "A receipt proves something only under a key the workspace held, unrevoked, when it signed."
HINT = "Rotate with `detente ops rotate-key`; revoke a compromised key with `detente ops revoke-key KEY_ID`."


def fingerprint(public_hex: str) -> str:
    """A key's id: the first 16 hex digits of the SHA-256 of its raw 32 bytes."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]


def ring_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".ring.json")


def load(key_path: Path) -> list[dict[str, Any]]:
    """The ring beside ``key_path`` (empty when there is none yet)."""
    path = ring_path(key_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys = data["keys"]
        if not isinstance(keys, list) or not all(isinstance(k, dict) and "public_key" in k for k in keys):
            raise ValueError("its keys are not a list of keys")
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(
            f"The receipt key ring {path} is unreadable: {e}.", hint="Restore it from a backup."
        ) from None
    return list(keys)


def _save(key_path: Path, keys: Sequence[Mapping[str, Any]]) -> None:
    path = ring_path(key_path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".receipt-ring-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"keys": list(keys)}, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)  # whole or not at all


@contextlib.contextmanager
def _locked(key_path: Path) -> Iterator[None]:
    """One change of the ring (or key) at a time, across processes."""
    key_path.parent.mkdir(parents=True, exist_ok=True)
    with open(key_path.with_name(key_path.name + ".lock"), "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _entry(public_hex: str, valid_from: str | None) -> dict[str, Any]:
    return {"key_id": fingerprint(public_hex), "public_key": public_hex, "valid_from": valid_from,
            "valid_until": None, "revoked_at": None, "revoked_reason": None}  # fmt: skip


def with_key(key_path: Path, public_hex: str, made_now: bool) -> list[dict[str, Any]]:
    """The ring, holding the key that signs now (added on first use: valid from now when it was just made, from
    the start when it is a key from before the ring existed)."""
    keys = load(key_path)
    if any(k["public_key"] == public_hex for k in keys):
        return keys
    with _locked(key_path):
        keys = load(key_path)
        if not any(k["public_key"] == public_hex for k in keys):
            keys.append(_entry(public_hex, utcnow().isoformat() if made_now else None))
            _save(key_path, keys)
    return keys


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())  # fmt: skip


def rotate(key_path: Path, current_public: str, revoke: str | None = None) -> dict[str, Any]:
    """Replace the signing key by a new one; the old key retires (its receipts still verify) or, with ``revoke``
    (the reason), is revoked (they all fail). Returns ``{new, old}`` ring entries."""
    from detente.ops.keys import public_hex

    with _locked(key_path):
        keys = load(key_path)
        new = Ed25519PrivateKey.generate()
        new_public, since = public_hex(new), utcnow().isoformat()  # valid from before it can sign anything
        fd, tmp = tempfile.mkstemp(dir=key_path.parent, prefix=".receipt-key-")  # 0600
        with os.fdopen(fd, "wb") as f:
            f.write(_pem(new))
        os.replace(tmp, key_path)  # the old private key is gone: retired, it signs nothing more
        # a receipt another process began signing with the old key as it was replaced still falls in its validity
        now = (utcnow() + dt.timedelta(seconds=GRACE_SECONDS)).isoformat()
        old = next((k for k in keys if k["public_key"] == current_public), None)
        if old is None:
            old = _entry(current_public, None)
            keys.append(old)
        old["valid_until"] = now
        if revoke is not None:
            old["revoked_at"], old["revoked_reason"] = utcnow().isoformat(), revoke
        entry = _entry(new_public, since)
        keys.append(entry)
        _save(key_path, keys)
    return {"new": entry, "old": old}


def revoke(key_path: Path, key_id: str, reason: str, current_public: str) -> dict[str, Any]:
    """Mark a retired key compromised: every receipt it signed fails from now on. The key that signs now is
    revoked by rotating (``rotate(..., revoke=reason)``), so the workspace can go on signing."""
    with _locked(key_path):
        keys = load(key_path)
        got = next((k for k in keys if k["key_id"] == key_id.strip().lower()), None)
        if got is None:
            raise InputError(f"No receipt key {key_id} in the ring.", hint="List them: GET /api/ops/receipt-keys.")
        if got["public_key"] == current_public:
            raise InputError(
                f"Key {key_id} signs the receipts now: it cannot be revoked alone.",
                hint="Rotate and revoke it at once: `detente ops rotate-key --revoke REASON`.",
            )
        if got["revoked_at"] is None:
            got["revoked_at"], got["revoked_reason"] = utcnow().isoformat(), reason
            got["valid_until"] = got["valid_until"] or got["revoked_at"]
            _save(key_path, keys)
    return got


def _time(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    t = dt.datetime.fromisoformat(str(value))
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def judge(keys: Sequence[Mapping[str, Any]], public_hex: str, signed_at: str) -> str | None:
    """Why a receipt signed with ``public_hex`` at ``signed_at`` (its signature already checked) proves nothing
    against this ring — one line — or None when its key was this workspace's, unrevoked, at that time."""
    kid = fingerprint(public_hex)
    got = next((k for k in keys if str(k.get("public_key", "")).lower() == public_hex), None)
    if got is None:
        return f"The receipt is signed with key {kid}, which this workspace never had: it proves nothing here."
    if got.get("revoked_at"):
        why = f" ({got['revoked_reason']})" if got.get("revoked_reason") else ""
        return f"The receipt is signed with key {kid}, revoked on {got['revoked_at']}{why}: it proves nothing."
    try:
        at, start, until = _time(signed_at), _time(got.get("valid_from")), _time(got.get("valid_until"))
    except (TypeError, ValueError):
        return f"The receipt's time {signed_at!r} or key {kid}'s validity is not a date: it proves nothing."
    assert at is not None
    if (start is not None and at < start) or (until is not None and at > until):
        since, until_text = got.get("valid_from") or "the start", got.get("valid_until") or "now"
        return (
            f"The receipt says it was signed at {signed_at}, outside key {kid}'s validity ({since} to {until_text}): "
            "it proves nothing."
        )
    return None
