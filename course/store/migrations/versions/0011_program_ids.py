"""A program ID a learner may choose to enter when joining a cohort (to link program records).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_cohort_members_cohort_id_program_id"


def upgrade() -> None:
    """Add cohort_members.program_id (NULL for every existing member) and its unique index."""
    # Plain ALTER TABLE and CREATE INDEX: a batch copy of the table on SQLite would drop and
    # re-create it, and its ON DELETE CASCADE children would go with it.
    op.add_column("cohort_members", sa.Column("program_id", sa.String(40), nullable=True))
    op.create_index(_INDEX, "cohort_members", ["cohort_id", "program_id"], unique=True)


def downgrade() -> None:
    """Drop the index, then the column (the program IDs are lost; memberships stay)."""
    op.drop_index(_INDEX, table_name="cohort_members")
    op.drop_column("cohort_members", "program_id")
