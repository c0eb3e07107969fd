"""a covering index for "what is shared with this party": lists stay fast as the workspace grows

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ops_shares", schema=None) as batch_op:
        batch_op.drop_index("ix_ops_share_party")
        batch_op.create_index("ix_ops_share_party_object", ["party_id", "object_type", "object_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ops_shares", schema=None) as batch_op:
        batch_op.drop_index("ix_ops_share_party_object")
        batch_op.create_index("ix_ops_share_party", ["party_id", "object_type"], unique=False)
