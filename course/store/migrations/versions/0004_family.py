"""Family education: a learner's audience, support plans, and account-less session hosts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Only added columns (with defaults) and a new table: SQLite needs no copy-and-move step, so
# no parent table is ever dropped and re-created under its children's foreign keys.
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add learners.audience, facilitators.kind and the support_plans table."""
    op.add_column(
        "learners",
        sa.Column("audience", sa.String(16), nullable=False, server_default="learner"),
    )
    op.add_column(
        "facilitators",
        sa.Column("kind", sa.String(16), nullable=False, server_default="account"),
    )
    fk = sa.ForeignKey(
        "learners.id", ondelete="CASCADE", name="fk_support_plans_learner_id_learners"
    )
    op.create_table(
        "support_plans",
        sa.Column("learner_id", sa.Integer(), fk, nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("learner_id", name="pk_support_plans"),
    )


def downgrade() -> None:
    """Remove what upgrade added (saved plans and session hosts' kind are lost)."""
    op.drop_table("support_plans")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy would drop and re-create
    # the parent tables, and their children's ON DELETE CASCADE would empty them on the way.
    op.drop_column("facilitators", "kind")
    op.drop_column("learners", "audience")
