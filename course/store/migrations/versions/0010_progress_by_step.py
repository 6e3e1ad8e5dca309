"""Progress by step id: the furthest step each learner reached, so funnels count real steps.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Not written yet (issue 14)."""


def downgrade() -> None:
    """Not written yet (issue 14)."""
