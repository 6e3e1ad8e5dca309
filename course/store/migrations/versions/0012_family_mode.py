"""A family session's mode (one shared screen, or everyone's own phone) kept with the session.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add group_sessions.family_mode; family sessions already running get "phones".

    Before, the mode lived only in the host's browser tab and a reload fell back to "phones":
    a running session keeps what it showed after a reload.
    """
    # Plain ALTER TABLE: a batch copy on SQLite would drop and re-create the table, and its
    # ON DELETE CASCADE children would go with it.
    op.add_column("group_sessions", sa.Column("family_mode", sa.String(16), nullable=True))
    op.execute("UPDATE group_sessions SET family_mode = 'phones' WHERE kind = 'family'")


def downgrade() -> None:
    """Drop the column (a running family session falls back to its browser's choice)."""
    op.drop_column("group_sessions", "family_mode")
