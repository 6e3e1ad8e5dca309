"""Practice: skill exercises, commitments with their check-ins, drill answers; live scenarios.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)
ID = sa.String(200)


def _learner(table: str, *, primary_key: bool = False) -> sa.Column[int]:
    fk = sa.ForeignKey("learners.id", ondelete="CASCADE", name=f"fk_{table}_learner_id_learners")
    return sa.Column("learner_id", sa.Integer(), fk, nullable=False, primary_key=primary_key)


def upgrade() -> None:
    """Create practice_entries, commitments and drill_answers; add group_sessions.scene_node."""
    op.create_table(
        "practice_entries",
        _learner("practice_entries"),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("step_id", ID, nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("learner_id", "lesson_id", "step_id", name="pk_practice_entries"),
    )
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner("commitments"),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("step_id", ID, nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("made_at", TIME, nullable=False),
        sa.Column("checked_at", TIME, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("obstacle", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_commitments"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_commitments_learner_id", "commitments", ["learner_id"])
    op.create_table(
        "drill_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        _learner("drill_answers"),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("step_id", ID, nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=False),
        sa.Column("ms", sa.Integer(), nullable=False),
        sa.Column("answered_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_drill_answers"),
        sa.UniqueConstraint(
            "learner_id",
            "lesson_id",
            "step_id",
            "round_no",
            "item_id",
            name="uq_drill_answers_learner_id_lesson_id_step_id_round_no_item_id",
        ),
        sqlite_autoincrement=True,
    )
    op.add_column("group_sessions", sa.Column("scene_node", ID, nullable=True))


def downgrade() -> None:
    """Drop them (learners' exercises, commitments and drill times are lost)."""
    op.drop_column("group_sessions", "scene_node")
    op.drop_table("drill_answers")
    op.drop_index("ix_commitments_learner_id", table_name="commitments")
    op.drop_table("commitments")
    op.drop_table("practice_entries")
