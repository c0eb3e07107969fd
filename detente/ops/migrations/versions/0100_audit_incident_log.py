"""ceasefire incident log: each agreement's hash chain of its opening, incidents and verdicts

Revision ID: 0100
Revises: 0020

Existing agreements get their log written from what is stored now: the opening, then each incident's
report and, when it has one, its current verdict (the history of earlier verdicts was never kept).
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

from detente.core import hashchain

revision = "0100"
down_revision = "0020"
branch_labels = None
depends_on = None


def _iso(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):  # SQLite returns text from a raw query
        return dt.datetime.fromisoformat(v).isoformat()
    return v.isoformat()  # type: ignore[attr-defined, no-any-return]


def _json(v: object) -> list[object]:
    got = json.loads(v) if isinstance(v, str) else v
    return list(got) if isinstance(got, list) else []


def upgrade() -> None:
    op.create_table(
        "ops_agreement_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("agreement_id", sa.Integer(), sa.ForeignKey("ops_agreements.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.UniqueConstraint("agreement_id", "seq", name="uq_ops_agreement_seq"),
    )
    op.create_index("ix_ops_agreement_log_incident_id", "ops_agreement_log", ["incident_id"])
    with op.batch_alter_table("ops_agreements") as b:
        b.add_column(sa.Column("last_seq", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("last_hash", sa.String(length=64), nullable=False, server_default=hashchain.GENESIS))
    con = op.get_bind()
    agreements = con.execute(
        sa.text("SELECT id, name, terms, start_date, created_by_party, created_at FROM ops_agreements ORDER BY id")
    ).all()
    for a in agreements:
        sides = con.execute(
            sa.text("SELECT party_id, role FROM ops_shares WHERE object_type = 'agreement' AND object_id = :a"),
            {"a": a.id},
        ).all()
        records: list[dict[str, object]] = [
            {
                "kind": "opened", "at": _iso(a.created_at), "name": a.name, "terms": _json(a.terms),
                "start_date": str(a.start_date)[:10], "party": a.created_by_party,
                "parties": sorted(p for p, r in sides if r == "party"),
                "monitors": sorted(p for p, r in sides if r == "monitor"),
            }
        ]  # fmt: skip
        incidents = con.execute(
            sa.text(
                "SELECT id, created_at, occurred_at, place, latitude, longitude, reporting_party_id, reported_by,"
                " violator_party_id, description, evidence, status, verified_by, verified_at, verification_note"
                " FROM ops_incidents WHERE agreement_id = :a ORDER BY id"
            ),
            {"a": a.id},
        ).all()
        for i in incidents:
            records.append(
                {
                    "kind": "reported", "incident": i.id, "at": _iso(i.created_at), "occurred_at": _iso(i.occurred_at),
                    "place": i.place, "latitude": i.latitude, "longitude": i.longitude, "party": i.reporting_party_id,
                    "user": i.reported_by, "violator": i.violator_party_id, "description": i.description,
                    "evidence": _json(i.evidence),
                }
            )  # fmt: skip
            if i.status != "reported":
                monitor = next((p for p, r in sides if r == "monitor"), None)
                if i.verified_by is not None:
                    who = con.execute(sa.text("SELECT party_id FROM ops_users WHERE id = :u"), {"u": i.verified_by})
                    monitor = who.scalar() or monitor
                records.append(
                    {
                        "kind": "verification", "incident": i.id, "at": _iso(i.verified_at), "status": i.status,
                        "note": i.verification_note, "party": monitor, "user": i.verified_by,
                    }
                )  # fmt: skip
        prev = hashchain.GENESIS
        for seq, r in enumerate(records, start=1):
            r = {**r, "agreement": a.id, "seq": seq}
            h = hashchain.link(prev, r)
            con.execute(
                sa.text(
                    "INSERT INTO ops_agreement_log (agreement_id, seq, incident_id, record, prev_hash, hash)"
                    " VALUES (:a, :s, :i, :r, :p, :h)"
                ),
                {"a": a.id, "s": seq, "i": r.get("incident"), "r": hashchain.canonical(r), "p": prev, "h": h},
            )
            prev = h
        con.execute(
            sa.text("UPDATE ops_agreements SET last_seq = :s, last_hash = :h WHERE id = :a"),
            {"s": len(records), "h": prev, "a": a.id},
        )


def downgrade() -> None:
    with op.batch_alter_table("ops_agreements") as b:
        b.drop_column("last_hash")
        b.drop_column("last_seq")
    op.drop_index("ix_ops_agreement_log_incident_id", table_name="ops_agreement_log")
    op.drop_table("ops_agreement_log")
