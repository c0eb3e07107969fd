"""humanitarian movement log: each notified site or route's hash chain of its notice and acknowledgements

Revision ID: 0102
Revises: 0101

Existing movements get their log written from what is stored now: the notice as its row says, then each
party's acknowledgement in the order they were made.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

from detente.core import hashchain

revision = "0102"
down_revision = "0101"
branch_labels = None
depends_on = None


def _iso(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):  # SQLite returns text from a raw query
        return dt.datetime.fromisoformat(v).isoformat()
    return v.isoformat()  # type: ignore[attr-defined, no-any-return]


def upgrade() -> None:
    op.create_table(
        "ops_movement_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("movement_id", sa.Integer(), sa.ForeignKey("ops_movements.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.UniqueConstraint("movement_id", "seq", name="uq_ops_movement_seq"),
    )
    with op.batch_alter_table("ops_movements") as b:
        b.add_column(sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("last_hash", sa.String(length=64), nullable=False, server_default=hashchain.GENESIS))
    con = op.get_bind()
    for m in con.execute(sa.text("SELECT * FROM ops_movements ORDER BY id")).mappings().all():
        shares = con.execute(
            sa.text(
                "SELECT party_id, acknowledged_at, acknowledged_by FROM ops_shares WHERE object_type = 'movement'"
                " AND object_id = :m AND role = 'recipient' ORDER BY acknowledged_at, id"
            ),
            {"m": m["id"]},
        ).all()
        points = m["points"]
        records: list[dict[str, object]] = [
            {
                "kind": "notified", "at": _iso(m["created_at"]), "party": m["party_id"], "movement_kind": m["kind"],
                "name": m["name"], "points": json.loads(points) if isinstance(points, str) else list(points or []),
                "window_start": _iso(m["window_start"]), "window_end": _iso(m["window_end"]),
                "expires_at": _iso(m["expires_at"]), "note": m["note"],
                "recipients": sorted(p for p, _, _ in shares),
            }
        ]  # fmt: skip
        records += [
            {"kind": "acknowledged", "at": _iso(at), "party": p, "user": by} for p, at, by in shares if at is not None
        ]
        prev = hashchain.GENESIS
        for seq, r in enumerate(records, start=1):
            r = {**r, "movement": m["id"], "seq": seq}
            h = hashchain.link(prev, r)
            con.execute(
                sa.text(
                    "INSERT INTO ops_movement_log (movement_id, seq, party_id, record, prev_hash, hash)"
                    " VALUES (:m, :s, :p, :r, :ph, :h)"
                ),
                {"m": m["id"], "s": seq, "p": r.get("party"), "r": hashchain.canonical(r), "ph": prev, "h": h},
            )
            prev = h
        con.execute(
            sa.text("UPDATE ops_movements SET last_seq = :s, last_hash = :h WHERE id = :m"),
            {"s": len(records), "h": prev, "m": m["id"]},
        )


def downgrade() -> None:
    with op.batch_alter_table("ops_movements") as b:
        b.drop_column("last_hash")
        b.drop_column("last_seq")
    op.drop_table("ops_movement_log")
