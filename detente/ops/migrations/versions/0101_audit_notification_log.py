"""CBM notification log: each declared activity's hash chain of its declaration and acknowledgements

Revision ID: 0101
Revises: 0100

Existing notifications get their log written from what is stored now: the declaration as its row says,
then each recipient's acknowledgement in the order they were made.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

from detente.core import hashchain
from detente.core.rules import ACTIVITY_MEASURES

revision = "0101"
down_revision = "0100"
branch_labels = None
depends_on = None


def _iso(v: object, date: bool = False) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):  # SQLite returns text from a raw query
        return v[:10] if date else dt.datetime.fromisoformat(v).isoformat()
    return v.isoformat()  # type: ignore[attr-defined, no-any-return]


def upgrade() -> None:
    op.create_table(
        "ops_notification_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("notification_id", sa.Integer(), sa.ForeignKey("ops_activities.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.UniqueConstraint("notification_id", "seq", name="uq_ops_notification_seq"),
    )
    with op.batch_alter_table("ops_activities") as b:
        b.add_column(sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("last_hash", sa.String(length=64), nullable=False, server_default=hashchain.GENESIS))
    con = op.get_bind()
    for a in con.execute(sa.text("SELECT * FROM ops_activities ORDER BY id")).mappings().all():
        shares = con.execute(
            sa.text(
                "SELECT party_id, acknowledged_at, acknowledged_by FROM ops_shares WHERE object_type = 'notification'"
                " AND object_id = :a AND role = 'recipient' ORDER BY acknowledged_at, id"
            ),
            {"a": a["id"]},
        ).all()
        findings = a["findings"]
        records: list[dict[str, object]] = [
            {
                "kind": "declared", "at": _iso(a["created_at"]), "party": a["party_id"], "user": a["created_by"],
                "ruleset": a["ruleset"], "activity_type": a["activity_type"], "title": a["title"], "area": a["area"],
                "start_date": _iso(a["start_date"], True), "end_date": _iso(a["end_date"], True),
                **{m: a[m] for m in ACTIVITY_MEASURES},
                "notified_on": _iso(a["notified_on"], True), "in_annual_calendar": bool(a["in_annual_calendar"]),
                "calendar_submitted_on": _iso(a["calendar_submitted_on"], True),
                "communicated_on": _iso(a["communicated_on"], True),
                "findings": json.loads(findings) if isinstance(findings, str) else list(findings or []),
                "recipients": sorted(p for p, _, _ in shares),
            }
        ]  # fmt: skip
        records += [
            {"kind": "acknowledged", "at": _iso(at), "party": p, "user": by} for p, at, by in shares if at is not None
        ]
        prev = hashchain.GENESIS
        for seq, r in enumerate(records, start=1):
            r = {**r, "notification": a["id"], "seq": seq}
            h = hashchain.link(prev, r)
            con.execute(
                sa.text(
                    "INSERT INTO ops_notification_log (notification_id, seq, party_id, record, prev_hash, hash)"
                    " VALUES (:a, :s, :p, :r, :ph, :h)"
                ),
                {"a": a["id"], "s": seq, "p": r.get("party"), "r": hashchain.canonical(r), "ph": prev, "h": h},
            )
            prev = h
        con.execute(
            sa.text("UPDATE ops_activities SET last_seq = :s, last_hash = :h WHERE id = :a"),
            {"s": len(records), "h": prev, "a": a["id"]},
        )


def downgrade() -> None:
    with op.batch_alter_table("ops_activities") as b:
        b.drop_column("last_hash")
        b.drop_column("last_seq")
    op.drop_table("ops_notification_log")
