"""A countdown the counselor starts for the open question, kept with the session.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add group_sessions.countdown_until (no countdown running in any session)."""
    column = sa.Column("countdown_until", sa.DateTime(timezone=True), nullable=True)
    op.add_column("group_sessions", column)


def downgrade() -> None:
    """Drop the column (a running countdown is forgotten; the question stays open)."""
    op.drop_column("group_sessions", "countdown_until")
