"""a confirmation pins the version of the record it confirms (the hash of its shared fields)

Existing confirmations of engagements name no version, so they count as unconfirmed: nothing says which
version they covered. The parties confirm again; until then the next export of an engagement writes its row
without them.

Revision ID: 0104
Revises: 0103
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0104"
down_revision = "0103"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ops_shares", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_version", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ops_shares", schema=None) as batch_op:
        batch_op.drop_column("confirmed_version")
