"""A program ID a learner may choose to enter when joining a cohort (to link program records).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Not written yet (issue 14)."""


def downgrade() -> None:
    """Not written yet (issue 14)."""
