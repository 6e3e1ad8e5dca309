"""The learner's read-aloud speed, remembered with their code.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add learners.speech_rate (NULL: the normal speed, 1.0)."""
    op.add_column("learners", sa.Column("speech_rate", sa.Float(), nullable=True))


def downgrade() -> None:
    """Drop the column (every learner reads aloud at the normal speed again)."""
    op.drop_column("learners", "speech_rate")
