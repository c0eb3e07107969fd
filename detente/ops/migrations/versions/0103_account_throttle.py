"""login throttle per account too: the source of each user's last good login, which a wait on the account spares

Revision ID: 0103
Revises: 0102
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0103"
down_revision = "0102"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ops_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_login_source", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ops_users", schema=None) as batch_op:
        batch_op.drop_column("last_login_source")
