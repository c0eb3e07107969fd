"""revoked session tokens (logout)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ops_revoked_tokens",
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["ops_users.id"]),
        sa.PrimaryKeyConstraint("nonce"),
    )
    with op.batch_alter_table("ops_revoked_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ops_revoked_tokens_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ops_revoked_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ops_revoked_tokens_user_id"))
    op.drop_table("ops_revoked_tokens")
