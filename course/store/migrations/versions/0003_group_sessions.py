"""Facilitator accounts, sign-in failures, and live group sessions with their answers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Only new tables: nothing existing is altered, so SQLite needs no batch (copy-and-move) step.
ID = sa.String(200)
TIME = sa.DateTime(timezone=True)
WORD = sa.String(16)
LIVE_CODE_INDEX = "ix_group_sessions_join_code_live"


def session_id(table: str) -> sa.Column:
    """Make a session_id column whose rows go away with their group session."""
    name = f"fk_{table}_session_id_group_sessions"
    fk = sa.ForeignKey("group_sessions.id", ondelete="CASCADE", name=name)
    return sa.Column("session_id", sa.Integer(), fk, nullable=False)


def upgrade() -> None:
    """Create the account and group-session tables."""
    create_accounts()
    create_group_sessions()
    create_session_questions()
    create_participants()
    create_responses()


def create_accounts() -> None:
    """Create facilitators and login_failures."""
    op.create_table(
        "facilitators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_facilitators"),
        sa.UniqueConstraint("username", name="uq_facilitators_username"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("failed_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index(
        "ix_login_failures_username_failed_at", "login_failures", ["username", "failed_at"]
    )


def create_group_sessions() -> None:
    """Create group_sessions, with a join code unique among sessions not closed."""
    op.create_table(
        "group_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("join_code", sa.String(16), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("kind", WORD, nullable=False),
        sa.Column("status", WORD, nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("step_id", ID, nullable=False),
        sa.Column("open_question", ID, nullable=True),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("closed_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_group_sessions"),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["facilitators.id"],
            name="fk_group_sessions_facilitator_id_facilitators",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_group_sessions_facilitator_id", "group_sessions", ["facilitator_id"])
    live = sa.text("status != 'closed'")
    op.create_index(
        LIVE_CODE_INDEX,
        "group_sessions",
        ["join_code"],
        unique=True,
        postgresql_where=live,
        sqlite_where=live,
    )


def create_session_questions() -> None:
    """Create session_questions: when each question was opened and revealed."""
    op.create_table(
        "session_questions",
        session_id("session_questions"),
        sa.Column("question_key", ID, nullable=False),
        sa.Column("opened_at", TIME, nullable=False),
        sa.Column("revealed_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("session_id", "question_key", name="pk_session_questions"),
    )


def create_participants() -> None:
    """Create participants: an anonymous token hash and an optional display name."""
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        session_id("participants"),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(40), nullable=True),
        sa.Column("joined_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME, nullable=False),
        sa.Column("removed_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_participants"),
        sa.UniqueConstraint("token_hash", name="uq_participants_token_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_participants_session_id", "participants", ["session_id"])


def create_responses() -> None:
    """Create responses: one answer per participant and question."""
    participant = sa.ForeignKey(
        "participants.id", ondelete="CASCADE", name="fk_responses_participant_id_participants"
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        session_id("responses"),
        sa.Column("participant_id", sa.Integer(), participant, nullable=False),
        sa.Column("question_key", ID, nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=True),
        sa.Column("answered_at", TIME, nullable=False),
        sa.Column("approved_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_responses"),
        sa.UniqueConstraint(
            "session_id",
            "participant_id",
            "question_key",
            name="uq_responses_session_id_participant_id_question_key",
        ),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    """Drop what upgrade created (accounts and every group session are lost)."""
    for table in ("responses", "participants", "session_questions"):
        op.drop_table(table)
    op.drop_index(LIVE_CODE_INDEX, table_name="group_sessions")
    op.drop_index("ix_group_sessions_facilitator_id", table_name="group_sessions")
    op.drop_table("group_sessions")
    op.drop_index("ix_login_failures_username_failed_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_table("facilitators")
