"""per-recipient receipts of hotline messages (multi-party channels)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    # Messages sent before this revision: every other member party inherits the message's own progress.
    op.execute(
        "INSERT INTO ops_message_receipts"
        " (message_id, party_id, addressee, status, delivered_at, read_at, acknowledged_at, answered_at)"
        " SELECT m.id, s.party_id, p.kind <> 'mediator', m.status,"
        " m.delivered_at, m.read_at, m.acknowledged_at, m.answered_at"
        " FROM ops_messages m"
        " JOIN ops_shares s"
        " ON s.object_type = 'channel' AND s.object_id = m.channel_id AND s.party_id <> m.sender_party_id"
        " JOIN ops_parties p ON p.id = s.party_id"
    )


def downgrade() -> None:
    with op.batch_alter_table("ops_message_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ops_message_receipts_message_id"))
    op.drop_table("ops_message_receipts")
