"""party public keys (Ed25519) for signed hotline head receipts

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ops_party_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["ops_parties.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_key"),
    )
    with op.batch_alter_table("ops_party_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ops_party_keys_party_id"), ["party_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ops_party_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ops_party_keys_party_id"))
    op.drop_table("ops_party_keys")
