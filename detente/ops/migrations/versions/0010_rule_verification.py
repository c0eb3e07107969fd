"""rule verification records, office rule-set copies, organisations of an engagement

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ops_rule_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ruleset", sa.String(length=60), nullable=False),
        sa.Column("rule", sa.String(length=80), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("edition", sa.String(length=300), nullable=False),
        sa.Column("verified_by", sa.String(length=200), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ops_rule_verifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ops_rule_verifications_ruleset"), ["ruleset"], unique=False)
    op.create_table(
        "ops_rulesets",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("ops_engagements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisations", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("ops_engagements", schema=None) as batch_op:
        batch_op.drop_column("organisations")
    op.drop_table("ops_rulesets")
    with op.batch_alter_table("ops_rule_verifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ops_rule_verifications_ruleset"))
    op.drop_table("ops_rule_verifications")
