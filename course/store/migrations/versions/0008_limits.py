"""Limits that hold up against abuse: per-client rate events, a key to hash client addresses
with, and a seat cap per live room.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)
# A room's seats unless the counselor sets another number when starting it.
DEFAULT_SEAT_CAP = 40


def upgrade() -> None:
    """Create rate_events and app_secrets (with a fresh random key); add group_sessions.seat_cap.

    The old app-wide count of wrong codes (login_failures rows named "~codes") is dropped: each
    code kind now has its own limit, in rate_events.
    """
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(80), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rate_events"),
    )
    op.create_index("ix_rate_events_bucket_at", "rate_events", ["bucket", "at"])
    secrets_table = op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("value", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_app_secrets"),
    )
    op.bulk_insert(secrets_table, [{"name": "client-key", "value": secrets.token_hex(32)}])
    seat_cap = sa.Column(
        "seat_cap", sa.Integer(), nullable=False, server_default=str(DEFAULT_SEAT_CAP)
    )
    op.add_column("group_sessions", seat_cap)
    op.execute("DELETE FROM login_failures WHERE username = '~codes'")


def downgrade() -> None:
    """Drop the limits' tables and the seat cap (wrong-code counts start from nothing)."""
    # A plain ALTER (SQLite 3.35+): a batch copy of group_sessions would drop it and cascade
    # away every participant and answer of every room.
    op.drop_column("group_sessions", "seat_cap")
    op.drop_table("app_secrets")
    op.drop_index("ix_rate_events_bucket_at", table_name="rate_events")
    op.drop_table("rate_events")
