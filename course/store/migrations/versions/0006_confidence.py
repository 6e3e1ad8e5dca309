"""How sure a learner was of an answer, where a quiz asks (empty where it does not).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add answer_attempts.confident (nullable: old rows and quizzes that do not ask)."""
    op.add_column("answer_attempts", sa.Column("confident", sa.Boolean(), nullable=True))


def downgrade() -> None:
    """Drop the column (plain ALTER TABLE: no copy of a table with children)."""
    op.drop_column("answer_attempts", "confident")
