"""Quiz results, private reflections, and a request key so a retried submit counts once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(200)
TIME = sa.DateTime(timezone=True)
REQUEST_KEY_INDEX = "ix_answer_attempts_learner_id_request_key"


def learner_id(table: str) -> sa.Column:
    """Make a learner_id column whose rows go away with their learner."""
    fk = sa.ForeignKey("learners.id", ondelete="CASCADE", name=f"fk_{table}_learner_id_learners")
    return sa.Column("learner_id", sa.Integer(), fk, nullable=False)


def upgrade() -> None:
    """Add quiz_results, reflections and answer_attempts.request_key."""
    op.create_table(
        "quiz_results",
        sa.Column("id", sa.Integer(), nullable=False),
        learner_id("quiz_results"),
        sa.Column("quiz_id", ID, nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("safety_ok", sa.Boolean(), nullable=False),
        sa.Column("finished_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quiz_results"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_quiz_results_learner_id", "quiz_results", ["learner_id"])
    op.create_table(
        "reflections",
        learner_id("reflections"),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("step_id", ID, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("learner_id", "lesson_id", "step_id", name="pk_reflections"),
    )
    # Existing attempts keep a NULL key; NULLs never collide in a unique index.
    with op.batch_alter_table("answer_attempts") as batch:
        batch.add_column(sa.Column("request_key", ID, nullable=True))
        batch.create_index(REQUEST_KEY_INDEX, ["learner_id", "request_key"], unique=True)


def downgrade() -> None:
    """Remove what upgrade added (request keys, results and reflections are lost)."""
    with op.batch_alter_table("answer_attempts") as batch:
        batch.drop_index(REQUEST_KEY_INDEX)
        batch.drop_column("request_key")
    op.drop_table("reflections")
    op.drop_index("ix_quiz_results_learner_id", table_name="quiz_results")
    op.drop_table("quiz_results")
