"""Learners, lesson and step progress, answer attempts.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations spell out their own columns and names instead of importing course.store.schema,
# which describes only the newest schema.
ID = sa.String(200)
TIME = sa.DateTime(timezone=True)


def learner_id(table: str) -> sa.Column:
    """Make a learner_id column whose rows go away with their learner."""
    fk = sa.ForeignKey("learners.id", ondelete="CASCADE", name=f"fk_{table}_learner_id_learners")
    return sa.Column("learner_id", sa.Integer(), fk, nullable=False)


def upgrade() -> None:
    """Create the tables of the first release."""
    op.create_table(
        "learners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_learners"),
        sa.UniqueConstraint("code_hash", name="uq_learners_code_hash"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "lesson_progress",
        learner_id("lesson_progress"),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("current_step_id", ID, nullable=False),
        sa.Column("current_index", sa.Integer(), nullable=False),
        sa.Column("furthest_index", sa.Integer(), nullable=False),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("completed_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("learner_id", "lesson_id", name="pk_lesson_progress"),
    )
    op.create_table(
        "step_progress",
        learner_id("step_progress"),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("step_id", ID, nullable=False),
        sa.Column("seen_at", TIME, nullable=False),
        sa.Column("completed_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("learner_id", "lesson_id", "step_id", name="pk_step_progress"),
    )
    op.create_table(
        "answer_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        learner_id("answer_attempts"),
        sa.Column("quiz_id", ID, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answer_attempts"),
        sa.UniqueConstraint(
            "learner_id",
            "quiz_id",
            "question_id",
            "attempt_no",
            name="uq_answer_attempts_learner_id_quiz_id_question_id_attempt_no",
        ),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    """Drop the tables of the first release."""
    for table in ("answer_attempts", "step_progress", "lesson_progress", "learners"):
        op.drop_table(table)
