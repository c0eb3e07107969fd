"""hotline log as the one truth: receipts become log entries, every channel opens with an entry

Revision ID: 0007
Revises: 0006

Upgrade: each existing channel's log is re-chained in the new format — an
``opened`` entry first (it records the old head, so a party holding it can
still relate it to the new chain), then the old entries, message entries
completed with their id and addressees. Receipt columns and the receipts table
go: a message's state is derived from its log entries. Downgrade derives them
back from the log.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STEPS = ("sent", "delivered", "read", "acknowledged", "answered")
GENESIS = "0" * 64


def _canonical(r: dict[str, Any]) -> str:
    return json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _iso(v: Any) -> str | None:
    if v is None:
        return None
    return v.isoformat() if hasattr(v, "isoformat") else str(v).replace(" ", "T")


def upgrade() -> None:
    with op.batch_alter_table("ops_channel_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("party_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_ops_channel_log_message", ["message_id", "kind"], unique=False)
    with op.batch_alter_table("ops_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("addressees", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_ops_messages_channel_seq", ["channel_id", "seq"], unique=False)
    _rechain(op.get_bind())
    with op.batch_alter_table("ops_message_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ops_message_receipts_message_id"))
    op.drop_table("ops_message_receipts")
    with op.batch_alter_table("ops_messages", schema=None) as batch_op:
        for col in ("escalated_at", "answered_at", "acknowledged_at", "read_at", "delivered_at", "status"):
            batch_op.drop_column(col)


def _rechain(con: sa.Connection) -> None:
    channels = con.execute(sa.text("SELECT id, name, created_by_party, created_at, last_hash FROM ops_channels"))
    for cid, name, creator, created_at, old_head in list(channels):
        old = [
            json.loads(r[0])
            for r in con.execute(
                sa.text("SELECT record FROM ops_channel_log WHERE channel_id = :c ORDER BY seq"), {"c": cid}
            )
        ]
        members = sorted(
            r[0]
            for r in con.execute(
                sa.text("SELECT party_id FROM ops_shares WHERE object_type = 'channel' AND object_id = :c"), {"c": cid}
            )
        )
        joined = {r.get("party") for r in old if r.get("kind") == "joined"}
        by_seq = {
            seq: mid
            for mid, seq in con.execute(sa.text("SELECT id, seq FROM ops_messages WHERE channel_id = :c"), {"c": cid})
        }
        receipts: dict[int, list[tuple[int, bool]]] = {}
        for mid, pid, addressee in con.execute(
            sa.text(
                "SELECT r.message_id, r.party_id, r.addressee FROM ops_message_receipts r"
                " JOIN ops_messages m ON m.id = r.message_id WHERE m.channel_id = :c"
            ),
            {"c": cid},
        ):
            receipts.setdefault(mid, []).append((pid, bool(addressee)))
        records: list[dict[str, Any]] = [
            {
                "kind": "opened",
                "at": _iso(created_at),
                "name": name,
                "parties": [p for p in members if p not in joined],
                "party": creator,
                "user": None,
                "migrated": {"entries": len(old), "head": old_head},
            }
        ]
        renumber: dict[int, int] = {}
        for r in old:
            r = dict(r)
            if r.get("kind") == "message":
                mid = by_seq.get(r.get("seq"))
                got = receipts.get(mid or -1, [])
                r["id"] = mid
                r["to"] = sorted(p for p, a in got if a)
                r["copy"] = sorted(p for p, a in got if not a)
                if mid is not None:
                    renumber[mid] = len(records) + 1
            records.append(r)
        con.execute(sa.text("DELETE FROM ops_channel_log WHERE channel_id = :c"), {"c": cid})
        prev = GENESIS
        for seq, r in enumerate(records, start=1):
            r["seq"], r["channel"] = seq, cid
            text = _canonical(r)
            h = hashlib.sha256((prev + text).encode("utf-8")).hexdigest()
            kind = r.get("kind")
            con.execute(
                sa.text(
                    "INSERT INTO ops_channel_log (channel_id, seq, kind, message_id, party_id, record, prev_hash, hash)"
                    " VALUES (:c, :s, :k, :m, :p, :r, :ph, :h)"
                ),
                {
                    "c": cid,
                    "s": seq,
                    "k": kind,
                    "m": r.get("id") if kind == "message" else r.get("message"),
                    "p": r.get("party"),
                    "r": text,
                    "ph": prev,
                    "h": h,
                },
            )
            prev = h
        for mid, seq in renumber.items():
            addressees = sum(1 for _, a in receipts.get(mid, []) if a)
            con.execute(
                sa.text("UPDATE ops_messages SET seq = :s, addressees = :a WHERE id = :m"),
                {"s": seq, "a": addressees, "m": mid},
            )
        con.execute(
            sa.text("UPDATE ops_channels SET last_seq = :s, last_hash = :h WHERE id = :c"),
            {"s": len(records), "h": prev, "c": cid},
        )


def downgrade() -> None:
    with op.batch_alter_table("ops_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="sent"))
        for col in ("delivered_at", "read_at", "acknowledged_at", "answered_at", "escalated_at"):
            batch_op.add_column(sa.Column(col, sa.DateTime(), nullable=True))
    op.create_table(
        "ops_message_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("addressee", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["ops_messages.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["ops_parties.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id", "party_id", name="uq_ops_receipt"),
    )
    with op.batch_alter_table("ops_message_receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ops_message_receipts_message_id"), ["message_id"], unique=False)
    _underive(op.get_bind())
    with op.batch_alter_table("ops_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_ops_messages_channel_seq")
        batch_op.drop_column("addressees")
    with op.batch_alter_table("ops_channel_log", schema=None) as batch_op:
        batch_op.drop_index("ix_ops_channel_log_message")
        batch_op.drop_column("party_id")
        batch_op.drop_column("message_id")
        batch_op.drop_column("kind")


def _underive(con: sa.Connection) -> None:
    """Receipts and message status back from the log (the log itself stays in the new format)."""
    rows = con.execute(sa.text("SELECT record FROM ops_channel_log ORDER BY channel_id, seq"))
    msgs: dict[int, dict[str, Any]] = {}
    for (text,) in rows:
        r = json.loads(text)
        if r.get("kind") == "message" and isinstance(r.get("id"), int):
            parties: dict[int, tuple[str, dict[str, Any]]] = {
                p: ("sent", {}) for p in (r.get("to") or []) + (r.get("copy") or [])
            }
            msgs[r["id"]] = {"to": set(r.get("to") or []), "parties": parties, "escalated": None}
        elif r.get("message") in msgs:
            m = msgs[r["message"]]
            if r.get("kind") == "escalated":
                m["escalated"] = r.get("at")
            elif r.get("kind") in STEPS and r.get("party") in m["parties"]:
                status, times = m["parties"][r["party"]]
                if STEPS.index(r["kind"]) > STEPS.index(status):
                    m["parties"][r["party"]] = (r["kind"], {**times, r["kind"]: r.get("at")})
    for mid, m in msgs.items():
        for pid, (status, times) in m["parties"].items():
            con.execute(
                sa.text(
                    "INSERT INTO ops_message_receipts (message_id, party_id, addressee, status, delivered_at, read_at,"
                    " acknowledged_at, answered_at) VALUES (:m, :p, :a, :s, :d, :r, :k, :n)"
                ),
                {
                    "m": mid,
                    "p": pid,
                    "a": pid in m["to"],
                    "s": status,
                    "d": _ts(times.get("delivered")),
                    "r": _ts(times.get("read")),
                    "k": _ts(times.get("acknowledged")),
                    "n": _ts(times.get("answered")),
                },
            )
        addressed = [v for p, v in m["parties"].items() if p in m["to"]] or list(m["parties"].values())
        slowest = min((STEPS.index(st) for st, _ in addressed), default=0)
        stamps = {st: max((t.get(st) or "" for _, t in addressed), default="") or None for st in STEPS[1 : slowest + 1]}
        con.execute(
            sa.text(
                "UPDATE ops_messages SET status = :s, delivered_at = :d, read_at = :r, acknowledged_at = :k,"
                " answered_at = :n, escalated_at = :e WHERE id = :m"
            ),
            {
                "s": STEPS[slowest],
                "d": _ts(stamps.get("delivered")),
                "r": _ts(stamps.get("read")),
                "k": _ts(stamps.get("acknowledged")),
                "n": _ts(stamps.get("answered")),
                "e": _ts(m["escalated"]),
                "m": mid,
            },
        )


def _ts(v: Any) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(v) if isinstance(v, str) and v else None
