"""Cohorts: a program's code that self-paced learners enter, for its counselors' dashboard.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# New tables only: nothing existing is altered.
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create cohorts and cohort_members."""
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column(
            "facilitator_id",
            sa.Integer(),
            sa.ForeignKey("facilitators.id", name="fk_cohorts_facilitator_id_facilitators"),
            nullable=False,
        ),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cohorts"),
        sa.UniqueConstraint("code", name="uq_cohorts_code"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_cohorts_facilitator_id", "cohorts", ["facilitator_id"])
    op.create_table(
        "cohort_members",
        sa.Column(
            "cohort_id",
            sa.Integer(),
            sa.ForeignKey(
                "cohorts.id", ondelete="CASCADE", name="fk_cohort_members_cohort_id_cohorts"
            ),
            nullable=False,
        ),
        sa.Column(
            "learner_id",
            sa.Integer(),
            sa.ForeignKey(
                "learners.id", ondelete="CASCADE", name="fk_cohort_members_learner_id_learners"
            ),
            nullable=False,
        ),
        sa.Column("joined_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("cohort_id", "learner_id", name="pk_cohort_members"),
    )
    op.create_index("ix_cohort_members_learner_id", "cohort_members", ["learner_id"])


def downgrade() -> None:
    """Remove the cohort tables (memberships are lost; learners stay)."""
    op.drop_table("cohort_members")
    op.drop_index("ix_cohorts_facilitator_id", table_name="cohorts")
    op.drop_table("cohorts")
