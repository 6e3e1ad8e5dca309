"""A cohort's lesson series: planned group sessions, take-home lessons, the projector's view.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create series_sessions and take_homes; add group_sessions.thoughts_view ("list")."""
    # New tables and a plain ALTER TABLE: a batch copy of group_sessions on SQLite would drop
    # and re-create it, and its ON DELETE CASCADE children would go with it.
    op.create_table(
        "series_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "cohort_id",
            sa.Integer(),
            sa.ForeignKey(
                "cohorts.id", ondelete="CASCADE", name="fk_series_sessions_cohort_id_cohorts"
            ),
            nullable=False,
        ),
        sa.Column("lesson_id", sa.String(200), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column(
            "group_session_id",
            sa.Integer(),
            sa.ForeignKey(
                "group_sessions.id",
                ondelete="SET NULL",
                name="fk_series_sessions_group_session_id_group_sessions",
            ),
            nullable=True,
        ),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_series_sessions"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_series_sessions_cohort_id", "series_sessions", ["cohort_id"])
    op.create_index(
        "ix_series_sessions_group_session_id", "series_sessions", ["group_session_id"], unique=True
    )
    op.create_table(
        "take_homes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "cohort_id",
            sa.Integer(),
            sa.ForeignKey("cohorts.id", ondelete="CASCADE", name="fk_take_homes_cohort_id_cohorts"),
            nullable=False,
        ),
        sa.Column("lesson_id", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("assigned_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_take_homes"),
        sa.UniqueConstraint("cohort_id", "lesson_id", name="uq_take_homes_cohort_id_lesson_id"),
        sqlite_autoincrement=True,
    )
    column = sa.Column("thoughts_view", sa.String(16), nullable=False, server_default="list")
    op.add_column("group_sessions", column)


def downgrade() -> None:
    """Drop the series tables and the view column (plans and take-homes are lost)."""
    op.drop_column("group_sessions", "thoughts_view")
    op.drop_table("take_homes")
    op.drop_index("ix_series_sessions_group_session_id", table_name="series_sessions")
    op.drop_index("ix_series_sessions_cohort_id", table_name="series_sessions")
    op.drop_table("series_sessions")
