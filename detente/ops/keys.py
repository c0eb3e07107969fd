"""Party keys and signed head receipts: a party's own proof of a hotline's history, good against the operator.

Each party holds an Ed25519 private key; the workspace keeps only the public
key (:class:`~detente.ops.models.PartyKey`). A *head receipt* is the party's
signature over a channel's head — ``{channel, seq, hash}`` — made where the
private key lives (``detente ops head-receipt``). Because every entry's hash
covers all the entries before it, a receipt for entry ``seq`` pins the whole
history up to it: if the log is later cut below ``seq`` or any entry up to it is
rewritten (even with every hash recomputed and the stored head rewritten),
the log no longer holds that hash at that seq, and verification with the
receipt fails. See docs/hotline-integrity.md.
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from detente.core import hashchain
from detente.errors import AccessDenied, Conflict, InputError
from detente.ops.access import Actor, audit, get_party, require_role
from detente.ops.models import PartyKey, utcnow

__all__ = [
    "DOMAIN",
    "check_receipt",
    "generate_key",
    "load_private_key",
    "party_keys",
    "public_hex",
    "register_key",
    "sign_head",
]

MAX_INT = 2**31 - 1  # ids and seqs are 32-bit integer columns
DOMAIN = "detente-hotline-head-v1"  # signed with every receipt, so a signature means nothing elsewhere


def generate_key() -> tuple[bytes, str]:
    """A new key pair: the private key as PEM (PKCS#8, for the party to keep) and the public key as hex."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem, public_hex(key)


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def write_private_key(path: Path, pem: bytes) -> None:
    """Write a private key readable by its owner only (refuses to overwrite a key)."""
    try:
        with open(path, "xb") as f:
            path.chmod(0o600)
            f.write(pem)
    except FileExistsError:
        raise Conflict(f"{path} exists already.", hint="Pick another path; a key is never overwritten.") from None
    except OSError as e:
        raise InputError(f"Cannot write the key to {path}: {e.strerror}.", hint="Pick a writable path.") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as e:
        raise InputError(f"Cannot read the key {path}: {e.strerror}.", hint="Pass your party's key file.") from None
    except (ValueError, TypeError):
        raise InputError(f"{path} is not an unencrypted PEM private key.", hint="Pass your party's key file.") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{path} is not an Ed25519 key.", hint="Create one with `detente ops keygen`.")
    return key


def _check_hex(public_key: str) -> str:
    k = public_key.strip().lower()
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(k))
    except ValueError:
        raise InputError(
            "The public key is not 32 bytes of hex.", hint="Pass the key `detente ops keygen` printed."
        ) from None
    return k


def register_key(s: Session, party_id: int, public_key: str, *, by: Actor | None = None) -> PartyKey:
    """Register a public key of a party: the operator (``by`` None) or an admin of that same party."""
    if by is not None:
        require_role(by, "admin")
        if by.party_id != party_id:
            raise AccessDenied("Admins register keys of their own party only.", hint="Use your party's id.")
    get_party(s, party_id)
    k = _check_hex(public_key)
    if s.scalars(select(PartyKey).where(PartyKey.public_key == k)).first() is not None:
        raise Conflict("This public key is registered already.", hint="Generate a new key pair.")
    row = PartyKey(party_id=party_id, public_key=k)
    s.add(row)
    try:
        s.flush()  # registered by a concurrent request since the check above: this unit of work ends here
    except IntegrityError:
        raise Conflict("This public key is registered already.", hint="Generate a new key pair.") from None
    audit(s, by, "party.key", "party", party_id, public_key=k)
    return row


def party_keys(s: Session, party_id: int) -> list[str]:
    return list(s.scalars(select(PartyKey.public_key).where(PartyKey.party_id == party_id).order_by(PartyKey.id)))


def _payload(channel: int, seq: int, h: str, party: int, signed_at: str) -> bytes:
    body = {"domain": DOMAIN, "channel": channel, "seq": seq, "hash": h, "party": party, "signed_at": signed_at}
    return hashchain.canonical(body).encode()


def sign_head(
    key: Ed25519PrivateKey, party_id: int, head: dict[str, Any], at: dt.datetime | None = None
) -> dict[str, Any]:
    """A head receipt: the party's signature over ``{channel_id, seq, hash}`` (from GET .../head)."""
    signed_at = (at or utcnow()).isoformat()
    channel, seq, h = int(head["channel_id"]), int(head["seq"]), str(head["hash"])
    sig = key.sign(_payload(channel, seq, h, party_id, signed_at))
    return {
        "domain": DOMAIN,
        "channel": channel,
        "seq": seq,
        "hash": h,
        "party": party_id,
        "signed_at": signed_at,
        "public_key": public_hex(key),
        "signature": base64.b64encode(sig).decode(),
    }


def check_receipt(receipt: Any, registered: list[str], *, channel_id: int | None = None) -> dict[str, Any]:
    """Check a head receipt's signature; returns what it attests (and whether its key is one the workspace has
    registered for the party). A malformed or forged receipt is an :class:`InputError`."""
    hint = "Pass a receipt made by `detente ops head-receipt`."
    try:
        channel, seq, h = int(receipt["channel"]), int(receipt["seq"]), str(receipt["hash"])
        party, signed_at = int(receipt["party"]), str(receipt["signed_at"])
        pub = Ed25519PublicKey.from_public_bytes(bytes.fromhex(str(receipt["public_key"])))
        sig = base64.b64decode(str(receipt["signature"]), validate=True)
        if receipt.get("domain") != DOMAIN:
            raise ValueError("not a hotline head receipt")
        if not all(0 <= n <= MAX_INT for n in (channel, seq, party)):
            raise ValueError("its channel, seq or party is out of range")
    except (KeyError, TypeError, ValueError, OverflowError) as e:
        raise InputError(f"The receipt is malformed: {e}.", hint=hint) from None
    if channel_id is not None and channel != channel_id:
        raise InputError(f"The receipt is for channel {channel}, not {channel_id}.", hint=hint)
    try:
        pub.verify(sig, _payload(channel, seq, h, party, signed_at))
    except InvalidSignature:
        raise InputError("The receipt's signature does not verify: it was altered or forged.", hint=hint) from None
    return {
        "party": party,
        "seq": seq,
        "hash": h,
        "signed_at": signed_at,
        "key_registered": str(receipt["public_key"]).lower() in registered,
    }
