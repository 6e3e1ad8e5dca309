"""The counselor can show the join code large on the projector again, for latecomers.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add group_sessions.join_large, false for every session (the code keeps to a corner)."""
    column = sa.Column("join_large", sa.Boolean, nullable=False, server_default=sa.false())
    op.add_column("group_sessions", column)


def downgrade() -> None:
    """Drop the column (the projector decides from the step alone again)."""
    op.drop_column("group_sessions", "join_large")
