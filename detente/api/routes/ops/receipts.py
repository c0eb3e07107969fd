"""Log receipts: the workspace's key, a party's receipt over a log's head, the log's export, and verification
of the log with a receipt kept from earlier (for agreements, CBM notifications and humanitarian movements)."""
# ruff: noqa: I002  (no `from __future__ import annotations`: the routes' annotations are built per log below)

from typing import Annotated, Any

from fastapi import APIRouter, Path

from detente.api.routes.ops.deps import ActorDep, OpsDep, SignerDep
from detente.core import hashchain
from detente.ops import receipts
from detente.ops.schemas import MAX_ID, ReceiptIn

__all__ = ["router"]

router = APIRouter()


@router.get("/receipt-key")
def receipt_key(signer: SignerDep) -> dict[str, Any]:
    """The public key that signs the workspace's log receipts: pin it, and check receipts against it (no login
    needed: anyone a party shows a receipt to may fetch it)."""
    return {"algorithm": "ed25519", "domain": receipts.DOMAIN, "key_id": signer.key_id, "public_key": signer.public_key}


@router.get("/receipt-keys")
def receipt_keys(signer: SignerDep) -> dict[str, Any]:
    """Every key that ever signed the workspace's log receipts, with its id, validity and revocation: pin the
    ring, and check receipts against it (`detente ops check-receipt --key ring.json`). No login needed."""
    return {"algorithm": "ed25519", "domain": receipts.DOMAIN, "current": signer.key_id, "keys": signer.ring()}


def _add(log: str, plural: str) -> None:
    # annotations are evaluated here (no `from __future__ import annotations` in this module): the path
    # parameter is named as in the instrument's own routes ({agreement_id}, ...)
    name = log.replace("_", " ")
    Id = Annotated[int, Path(ge=1, le=MAX_ID, alias=f"{log}_id")]

    @router.get(f"/{plural}/{{{log}_id}}/receipt", name=f"{log}_receipt", summary=f"A receipt for the {name}'s log")
    def receipt(record_id: Id, actor: ActorDep, db: OpsDep, signer: SignerDep) -> dict[str, Any]:
        """The workspace's signature, for your party, over the log's head as it is now: keep it, and a later
        rewrite of the history up to it is caught by POST .../verify or `detente ops check-receipt`."""
        with db.session() as s:
            return receipts.issue(s, signer, log, receipts.LOGS[log].get(s, actor, record_id), actor.party_id)

    @router.get(f"/{plural}/{{{log}_id}}/log", name=f"{log}_log", summary=f"The {name}'s tamper-evident log")
    def export(record_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
        """Every entry of the log: check it, and your receipts against it, offline with `detente ops
        check-receipt --log`."""
        with db.session() as s:
            rec = receipts.LOGS[log].get(s, actor, record_id)
            return {
                "log": log,
                "id": rec.id,
                "algorithm": "sha256(prev_hash + canonical_json(record))",
                "genesis": hashchain.GENESIS,
                "head": {"seq": rec.last_seq, "hash": rec.last_hash},
                "entries": receipts.entries(s, log, rec),
            }

    @router.post(f"/{plural}/{{{log}_id}}/verify", name=f"{log}_verify_receipt",
                 summary=f"Verify the {name}'s log with a receipt")  # fmt: skip
    def verify(record_id: Id, body: ReceiptIn, actor: ActorDep, db: OpsDep, signer: SignerDep) -> dict[str, Any]:
        """GET .../verify, and that the log still holds the entry a receipt attests (fails when the history up
        to it was cut or rewritten, even with every hash and the stored head recomputed)."""
        with db.session() as s:
            return receipts.verify(s, signer, log, record_id, actor, body.receipt)


for _log, _plural in (("agreement", "agreements"), ("notification", "notifications"), ("movement", "movements")):
    _add(_log, _plural)
