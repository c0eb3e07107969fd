"""Log receipts: the workspace's signature over a log's head, which a party keeps as proof against the operator.

An agreement's, a CBM notification's and a humanitarian movement's log (:mod:`detente.ops.ledger`) are hash
chains whose head the workspace stores itself, so an operator who rewrites every row and recomputes every hash
(and the stored head) leaves a log that verifies. A *log receipt* closes that gap: when a party acts on a log
(creates the record, acknowledges or confirms it), the answer carries the workspace's Ed25519 signature over
``{log, id, seq, hash, party, signed_at}`` — the head right after the party's entry — and the party can ask
for a fresh one at any time (``GET .../receipt``). Because every hash covers all entries before it, the
receipt pins the whole history up to ``seq``: if the log no longer holds that hash at that seq, it was cut
or rewritten, and the receipt (signed with a key the operator cannot disown) shows it to anyone.

The private key lives in a file beside the DuckDB file (``Settings.receipt_key``; 0600, made on first use),
never in the ops database, so a database edit cannot forge receipts. Parties pin its public key
(``GET /api/ops/receipt-key``), or the ring of every key it ever had (``GET /api/ops/receipt-keys``; rotation and
revocation: :mod:`detente.ops.receipt_keys`); every receipt names its ``key_id``.
:func:`check` verifies a receipt offline (its signature, and the pinned key
when given); :func:`check_chain` checks it against a log exported with ``GET .../log``, also offline;
:func:`holds` against the log as it is stored now. See docs/operations.md ("Log receipts").
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.core import hashchain
from detente.errors import ConfigError, InputError
from detente.ops import receipt_keys
from detente.ops.access import Actor
from detente.ops.keys import MAX_INT, public_hex
from detente.ops.models import Activity, Agreement, AgreementEntry, Movement, MovementEntry, NotificationEntry, utcnow

__all__ = [
    "DOMAIN", "LOGS", "Signer", "check", "check_chain", "entries", "holds", "issue", "issue_for", "rotate", "signer_at",
    "verify",
]  # fmt: skip

DOMAIN = "detente-log-receipt-v1"  # signed with every receipt: a hotline head receipt is never one of these
HINT = "Pass a receipt the workspace gave your party (the `receipt` of an answer, or GET .../receipt)."


@dataclass(frozen=True)
class Log:
    owner: Any  # the record's model (keeps the head)
    entry: Any  # the ledger model
    column: Any  # the ledger's owner column

    def get(self, s: Session, actor: Actor, record_id: int) -> Any:
        """The record if the actor's party may see it (its service's own access rule)."""
        from detente.ops import ceasefire, humanitarian, notifications

        getters: dict[Any, Callable[[Session, Actor, int], Any]] = {
            Agreement: ceasefire.get_agreement, Activity: notifications.get, Movement: humanitarian.get,
        }  # fmt: skip
        return getters[self.owner](s, actor, record_id)

    def verify(self, s: Session, actor: Actor, record_id: int) -> dict[str, Any]:
        """The log's own check against the stored rows (:mod:`detente.ops.incident_log` and the others)."""
        from detente.ops import ceasefire, humanitarian, notifications

        checks: dict[Any, Callable[[Session, Actor, int], dict[str, Any]]] = {
            Agreement: ceasefire.verify_agreement, Activity: notifications.verify, Movement: humanitarian.verify,
        }  # fmt: skip
        return checks[self.owner](s, actor, record_id)


LOGS = {
    "agreement": Log(Agreement, AgreementEntry, AgreementEntry.agreement_id),
    "notification": Log(Activity, NotificationEntry, NotificationEntry.notification_id),
    "movement": Log(Movement, MovementEntry, MovementEntry.movement_id),
}


def _payload(body: Mapping[str, Any]) -> bytes:
    fields = ("domain", "log", "id", "seq", "hash", "party", "signed_at")
    return hashchain.canonical({k: body[k] for k in fields}).encode()


class Signer:
    """The workspace's receipt key (``path``: its file, beside which the key ring lives; none for a key held in
    memory, whose ring is itself)."""

    def __init__(self, key: Ed25519PrivateKey, path: Path | None = None) -> None:
        self._key = key
        self.path = path
        self.public_key = public_hex(key)
        self.key_id = receipt_keys.fingerprint(self.public_key)

    def sign(
        self, log: str, record_id: int, seq: int, h: str, party: int, at: dt.datetime | None = None
    ) -> dict[str, Any]:
        current = signer_at(self.path) if self.path is not None else self
        if current is not self:  # the key was rotated (by another process) since this signer was handed out
            return current.sign(log, record_id, seq, h, party, at)
        body: dict[str, Any] = {"domain": DOMAIN, "log": log, "id": record_id, "seq": seq, "hash": h, "party": party,
                                "signed_at": (at or utcnow()).isoformat()}  # fmt: skip
        sig = self._key.sign(_payload(body))
        return {**body, "key_id": self.key_id, "public_key": self.public_key,
                "signature": base64.b64encode(sig).decode()}  # fmt: skip

    def ring(self) -> list[dict[str, Any]]:
        """Every public key of the workspace, old ones included (:mod:`detente.ops.receipt_keys`)."""
        if self.path is None:
            return [{"key_id": self.key_id, "public_key": self.public_key, "valid_from": None, "valid_until": None,
                     "revoked_at": None, "revoked_reason": None}]  # fmt: skip
        return receipt_keys.with_key(self.path, self.public_key, made_now=False)


_signers: dict[Path, tuple[tuple[int, int], Signer]] = {}
_signers_lock = threading.Lock()


def signer_at(path: Path) -> Signer:
    """The receipt key kept in ``path`` (PEM), made there on first use readable by its owner only; read again
    when the file changes (``detente ops rotate-key`` in another process), and entered in the key ring."""
    path = path.expanduser().resolve()
    with _signers_lock:
        try:
            st = path.stat()
            stamp = (st.st_ino, st.st_mtime_ns)
        except OSError:
            stamp = (-1, -1)
        cached = _signers.get(path)
        if cached is None or cached[0] != stamp:
            made = stamp == (-1, -1)
            signer = Signer(_load_or_make(path), path)
            receipt_keys.with_key(path, signer.public_key, made_now=made)
            st = path.stat()
            _signers[path] = ((st.st_ino, st.st_mtime_ns), signer)
        return _signers[path][1]


def rotate(path: Path, revoke: str | None = None) -> dict[str, Any]:
    """``detente ops rotate-key``: a new signing key; the old one retires (or, with ``revoke``, is revoked)."""
    current = signer_at(path)
    return receipt_keys.rotate(current.path or path, current.public_key, revoke)


def _load_or_make(path: Path) -> Ed25519PrivateKey:
    hint = "Set DETENTE_RECEIPT_KEY to a writable path, or restore the workspace's key file."
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".receipt-key-")  # 0600
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
            try:
                os.link(tmp, path)  # whole or not at all; never over a key another process made meanwhile
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
            raw = path.read_bytes()
        except OSError as e:
            raise ConfigError(f"Cannot make the receipt key {path}: {e.strerror}.", hint=hint) from None
    except OSError as e:
        raise ConfigError(f"Cannot read the receipt key {path}: {e.strerror}.", hint=hint) from None
    try:
        loaded = serialization.load_pem_private_key(raw, password=None)
    except (ValueError, TypeError):
        raise ConfigError(f"The receipt key {path} is not an unencrypted PEM key.", hint=hint) from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ConfigError(f"The receipt key {path} is not an Ed25519 key.", hint=hint)
    return loaded


def issue(s: Session, signer: Signer, log: str, record: Any, party_id: int) -> dict[str, Any]:
    """A receipt for ``party_id`` over ``record``'s log head as this unit of work leaves it."""
    return signer.sign(log, int(record.id), int(record.last_seq), str(record.last_hash), party_id)


def issue_for(s: Session, signer: Signer, log: str, record_id: int, party_id: int) -> dict[str, Any]:
    """:func:`issue` for the record ``record_id`` (read from this unit of work: its head after the party's
    entry was appended)."""
    return issue(s, signer, log, s.get(LOGS[log].owner, record_id), party_id)


Pinned = str | Sequence[Mapping[str, Any]] | Mapping[str, Any] | None


def check(receipt: Any, key: Pinned = None) -> dict[str, Any]:
    """What a receipt attests, once its signature verifies (offline: no server, no database). With ``key`` — the
    workspace's public key as the party pinned it (hex), or its key ring (``GET /api/ops/receipt-keys``) — a
    receipt signed with any other key is refused too, and against a ring one signed with a revoked key, or
    claiming a time outside its key's validity. A malformed, altered or forged receipt is an :class:`InputError`."""
    try:
        if not isinstance(receipt, Mapping) or receipt.get("domain") != DOMAIN:
            raise ValueError("not a log receipt")
        body: dict[str, Any] = {
            "domain": DOMAIN, "log": str(receipt["log"]), "id": int(receipt["id"]), "seq": int(receipt["seq"]),
            "hash": str(receipt["hash"]), "party": int(receipt["party"]), "signed_at": str(receipt["signed_at"]),
        }  # fmt: skip
        if body["log"] not in LOGS:
            raise ValueError(f"unknown log {body['log']!r}")
        if not all(0 <= body[k] <= MAX_INT for k in ("id", "seq", "party")):
            raise ValueError("its id, seq or party is out of range")
        public = str(receipt["public_key"]).lower()
        pub = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public))
        sig = base64.b64decode(str(receipt["signature"]), validate=True)
        kid = receipt_keys.fingerprint(public)
        if receipt.get("key_id", kid) != kid:  # receipts from before key rotation name no key id
            raise ValueError(f"its key_id is not the id of its public key ({kid})")
    except (KeyError, TypeError, ValueError, OverflowError, binascii.Error) as e:
        raise InputError(f"The receipt is malformed: {e}.", hint=HINT) from None
    if isinstance(key, str) and public != key.strip().lower():
        raise InputError("The receipt is signed with another key than the workspace's you pinned.", hint=HINT)
    try:
        pub.verify(sig, _payload(body))
    except InvalidSignature:
        raise InputError("The receipt's signature does not verify: it was altered or forged.", hint=HINT) from None
    if key is not None and not isinstance(key, str):
        ring = key.get("keys", []) if isinstance(key, Mapping) else key
        why = receipt_keys.judge(ring, public, body["signed_at"])
        if why is not None:
            raise InputError(why, hint=receipt_keys.PARTY_HINT)
    return {**{k: body[k] for k in ("log", "id", "seq", "hash", "party", "signed_at")}, "key_id": kid,
            "public_key": public}  # fmt: skip


def _holds(attested: Mapping[str, Any], at_seq: Mapping[str, Any] | None) -> tuple[bool, str]:
    n = attested["seq"]
    if at_seq is None:
        return False, f"the log has no entry {n}, which the receipt of {attested['signed_at']} attests: it was cut"
    if at_seq.get("hash") != attested["hash"]:
        return False, (f"entry {n} of the log is not the one the receipt of {attested['signed_at']} attests: the "
                       "history up to it was rewritten")  # fmt: skip
    return True, "ok"


def holds(s: Session, attested: Mapping[str, Any]) -> tuple[bool, str]:
    """Whether the stored log still holds the entry a (checked) receipt attests (the caller also verifies the
    chain: a chain that recomputes and holds that hash at that seq holds the whole history up to it)."""
    log = LOGS[attested["log"]]
    row = s.scalars(select(log.entry).where(log.column == attested["id"], log.entry.seq == attested["seq"])).first()
    return _holds(attested, {"hash": row.hash} if row is not None else None)


def verify(s: Session, signer: Signer, log: str, record_id: int, actor: Actor, receipt: Any) -> dict[str, Any]:
    """The log's own check (access as its service rules), and that it still holds the entry a receipt signed
    by the workspace attests: a rewrite of the history up to it fails here even when the log verifies."""
    LOGS[log].get(s, actor, record_id)  # another party's record: NotFound, whatever the receipt
    attested = check(receipt, signer.ring())  # well formed, signed by a key of the workspace's, or an InputError
    if (attested["log"], attested["id"]) != (log, record_id):
        raise InputError(f"The receipt is for {attested['log']} {attested['id']}, not {log} {record_id}.", hint=HINT)
    if attested["party"] != actor.party_id:  # another party's receipt, replayed: it is that party's to present
        raise InputError(f"The receipt was issued to party {attested['party']}, not to yours.",
                         hint="Present a receipt given to your own party (GET .../receipt).")  # fmt: skip
    out = LOGS[log].verify(s, actor, record_id)
    held, why = holds(s, attested)
    out["receipt"] = {**attested, "holds": held}
    if not held:
        out["reason"] = why if out["ok"] else f"{out['reason']}; {why}"
        out["ok"] = False
    return out


def entries(s: Session, log: str, record: Any) -> list[dict[str, Any]]:
    """A record's log as ``GET .../log`` exports it (a party checks it, and receipts against it, offline)."""
    lg = LOGS[log]
    rows = s.scalars(select(lg.entry).where(lg.column == record.id).order_by(lg.entry.seq))
    return [{"seq": e.seq, "record": json.loads(e.record), "prev_hash": e.prev_hash, "hash": e.hash} for e in rows]


def check_chain(receipt: Any, exported: Any, key: Pinned = None) -> dict[str, Any]:
    """Offline: a receipt (:func:`check`) against a log exported with ``GET .../log``: the export's chain must
    recompute and hold the receipt's entry. Returns ``{ok, reason, receipt}``."""
    attested = check(receipt, key)
    try:
        got: Sequence[Mapping[str, Any]] = exported["entries"]
        if (exported.get("log"), exported.get("id")) != (attested["log"], attested["id"]):
            raise InputError(f"The exported log is not {attested['log']} {attested['id']}'s.", hint=HINT)
        good, _, why = hashchain.verify(list(got))
        n = attested["seq"]
        at = got[n - 1] if 0 < n <= len(got) and got[n - 1]["record"].get("seq") == n else None
    except (KeyError, TypeError, AttributeError) as e:
        raise InputError(f"The exported log is malformed: {e}.", hint="Pass the JSON of GET .../log.") from None
    ok, reason = (False, why) if not good else _holds(attested, at)
    return {"ok": ok, "reason": reason, "receipt": attested}
