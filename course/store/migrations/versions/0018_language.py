"""Languages: the learner's chosen language, the language each answer was given in, and a
group session's language (what its projector shows).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# NULL in an answer row: given before languages were recorded, which was always English.
ANSWER_TABLES = ("answer_attempts", "quiz_results", "responses")


def upgrade() -> None:
    """Add learners.language, <answers>.language and group_sessions.language ('en')."""
    op.add_column("learners", sa.Column("language", sa.String(8), nullable=True))
    for table in ANSWER_TABLES:
        op.add_column(table, sa.Column("language", sa.String(8), nullable=True))
    op.add_column(
        "group_sessions",
        sa.Column("language", sa.String(8), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    """Drop the columns (everything is shown in English again)."""
    op.drop_column("group_sessions", "language")
    for table in reversed(ANSWER_TABLES):
        op.drop_column(table, "language")
    op.drop_column("learners", "language")
