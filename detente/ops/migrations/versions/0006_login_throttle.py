"""login throttle per source address; accounts are no longer locked

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ops_login_throttle",
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("source"),
    )
    with op.batch_alter_table("ops_login_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ops_login_throttle_last_failure_at"), ["last_failure_at"], unique=False)
    with op.batch_alter_table("ops_users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade() -> None:
    with op.batch_alter_table("ops_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("ops_login_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ops_login_throttle_last_failure_at"))
    op.drop_table("ops_login_throttle")
