"""write limits counted in the ops database, so several serving processes share one allowance

One row per bucket (``token:<nonce>`` or ``party:<id>``): the writes left and when they were counted (unix
seconds). Each write takes from its buckets with one atomic upsert (detente/ops/buckets.py).

Revision ID: 0105
Revises: 0104
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0105"
down_revision = "0104"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ops_write_buckets",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("ops_write_buckets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ops_write_buckets_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ops_write_buckets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ops_write_buckets_at"))
    op.drop_table("ops_write_buckets")
