"""Browsers a learner stays signed in on, so the code never has to sit in the web address.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create learner_devices (a new table: nothing existing is altered)."""
    op.create_table(
        "learner_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "learner_id",
            sa.Integer(),
            sa.ForeignKey(
                "learners.id", ondelete="CASCADE", name="fk_learner_devices_learner_id_learners"
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_learner_devices"),
        sa.UniqueConstraint("token_hash", name="uq_learner_devices_token_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_learner_devices_learner_id", "learner_devices", ["learner_id"])


def downgrade() -> None:
    """Drop learner_devices: every remembered browser must sign in with its code again."""
    op.drop_index("ix_learner_devices_learner_id", table_name="learner_devices")
    op.drop_table("learner_devices")
