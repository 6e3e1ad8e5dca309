"""Tables of the current schema, for queries; migrations/ holds how the database got here."""

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.types import TypeDecorator

# Ids come from lesson and quiz files, request keys from the client; both are short.
ID_LENGTH = 200

# Explicit names make constraints addressable by later migrations on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and return them aware on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Reject naive datetimes and convert to UTC (naive UTC text on SQLite)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime, e.g. in UTC")
        value = value.astimezone(UTC)
        # SQLite has no time zone type; a fixed naive-UTC text form keeps ORDER BY correct.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _learner_id(*, primary_key: bool = False) -> Column[int]:
    """Make a learner_id column whose rows go away with their learner."""
    fk = ForeignKey("learners.id", ondelete="CASCADE")
    return Column("learner_id", Integer, fk, primary_key=primary_key, nullable=False)


def _key(name: str, *, primary_key: bool = False) -> Column[str]:
    """Make a content id column (lesson, step, quiz, question)."""
    return Column(name, String(ID_LENGTH), primary_key=primary_key, nullable=False)


learners = Table(
    "learners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    # Who the course is for: "learner" (for myself) or "family" (for someone I care about).
    Column("audience", String(16), nullable=False, server_default="learner"),
    # How fast the Listen buttons read (0.75 to 1.5; NULL: the normal speed, 1.0).
    Column("speech_rate", Float, nullable=True),
    # The language the learner chose for the app and course ("en", "es"; NULL: not chosen).
    Column("language", String(8), nullable=True),
    # Never reuse the id of a deleted learner: exports name learners by id.
    sqlite_autoincrement=True,
)

lesson_progress = Table(
    "lesson_progress",
    metadata,
    _learner_id(primary_key=True),
    _key("lesson_id", primary_key=True),
    _key("current_step_id"),
    Column("current_index", Integer, nullable=False),
    Column("furthest_index", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    # The furthest step reached, by id: indexes count only the steps the learner's audience
    # sees, so step 9 of one audience is another step than step 9 of the other. The app always
    # writes it; NULL only where migration 0010 could not name it (see that migration).
    Column("furthest_step_id", String(ID_LENGTH), nullable=True),
)

step_progress = Table(
    "step_progress",
    metadata,
    _learner_id(primary_key=True),
    _key("lesson_id", primary_key=True),
    _key("step_id", primary_key=True),
    Column("seen_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
)

answer_attempts = Table(
    "answer_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    _learner_id(),
    _key("quiz_id"),
    _key("question_id"),
    Column("attempt_no", Integer, nullable=False),
    Column("answer", Text, nullable=False),
    Column("is_correct", Boolean, nullable=False),
    Column("answered_at", UTCDateTime, nullable=False),
    Column("request_key", String(ID_LENGTH), nullable=True),
    # How sure the learner said they were, where the quiz asks; None where it does not.
    Column("confident", Boolean, nullable=True),
    # The language the answer was given in ("en", "es"; NULL: before 0018, always English).
    Column("language", String(8), nullable=True),
    UniqueConstraint("learner_id", "quiz_id", "question_id", "attempt_no"),
    # A retried submit carries the same key, so it can be recorded only once.
    Index(None, "learner_id", "request_key", unique=True),
    sqlite_autoincrement=True,
)

quiz_results = Table(
    "quiz_results",
    metadata,
    Column("id", Integer, primary_key=True),
    _learner_id(),
    _key("quiz_id"),
    Column("correct", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("safety_ok", Boolean, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    # The language the answer was given in ("en", "es"; NULL: before 0018, always English).
    Column("language", String(8), nullable=True),
    Index(None, "learner_id"),
    sqlite_autoincrement=True,
)

reflections = Table(
    "reflections",
    metadata,
    _learner_id(primary_key=True),
    _key("lesson_id", primary_key=True),
    _key("step_id", primary_key=True),
    Column("text", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# A family's support plan, kept only when they choose to save it under their code.
support_plans = Table(
    "support_plans",
    metadata,
    _learner_id(primary_key=True),
    Column("plan", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


# A learner's own skill exercises (a thought record, a refusal script...): one per step, private.
practice_entries = Table(
    "practice_entries",
    metadata,
    _learner_id(primary_key=True),
    _key("lesson_id", primary_key=True),
    _key("step_id", primary_key=True),
    Column("entry", Text, nullable=False),  # JSON: field id -> what the learner wrote or rated
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# "Try this before next time": the action a learner chose, and how it went when next asked.
commitments = Table(
    "commitments",
    metadata,
    Column("id", Integer, primary_key=True),
    _learner_id(),
    _key("lesson_id"),
    _key("step_id"),
    Column("action", Text, nullable=False),
    Column("made_at", UTCDateTime, nullable=False),
    Column("checked_at", UTCDateTime, nullable=True),
    Column("outcome", String(16), nullable=True),  # "did", "partly" or "not_yet"
    Column("obstacle", Text, nullable=True),
    Index(None, "learner_id"),
    sqlite_autoincrement=True,
)

# Each answer in a fluency drill's rounds, with how long it took.
drill_answers = Table(
    "drill_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    _learner_id(),
    _key("lesson_id"),
    _key("step_id"),
    Column("round_no", Integer, nullable=False),
    _key("item_id"),
    Column("is_correct", Boolean, nullable=False),
    Column("ms", Integer, nullable=False),
    Column("answered_at", UTCDateTime, nullable=False),
    # One answer per item per round: a double tap never counts twice.
    UniqueConstraint("learner_id", "lesson_id", "step_id", "round_no", "item_id"),
    sqlite_autoincrement=True,
)


# Browsers a learner chose to stay signed in on: a hash of the random token in that browser's
# cookie (never the code), so quick exit or "sign out" can end it on the server too.
learner_devices = Table(
    "learner_devices",
    metadata,
    Column("id", Integer, primary_key=True),
    _learner_id(),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Index(None, "learner_id"),
    sqlite_autoincrement=True,
)


# Facilitator accounts and live group sessions. None of these hold learner data: participants
# are anonymous tokens in one session, never learners.

USERNAME_LENGTH = 40
DISPLAY_NAME_LENGTH = 40
# Join codes are 6 characters today; the column leaves room to lengthen them without a migration.
JOIN_CODE_COLUMN_LENGTH = 16
# Encoded Argon2id hashes are about 100 characters.
PASSWORD_HASH_LENGTH = 255
_WORD_LENGTH = 16


def _session_id(*, primary_key: bool = False) -> Column[int]:
    """Make a session_id column whose rows go away with their group session."""
    fk = ForeignKey("group_sessions.id", ondelete="CASCADE")
    return Column("session_id", Integer, fk, primary_key=primary_key, nullable=False)


facilitators = Table(
    "facilitators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(USERNAME_LENGTH), nullable=False, unique=True),
    Column("password_hash", String(PASSWORD_HASH_LENGTH), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # "account": a counselor who signs in; "host": one family session's account-less leader,
    # found by a hash of a random token in its username and never able to sign in.
    Column("kind", String(16), nullable=False, server_default="account"),
    sqlite_autoincrement=True,
)

# In the database, not in memory, so every app replica throttles the same username alike.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(USERNAME_LENGTH), nullable=False),
    Column("failed_at", UTCDateTime, nullable=False),
    Index(None, "username", "failed_at"),
)

# Rate limits shared by every replica: one row per counted event in a named bucket (a code
# kind, or a code kind and a keyed hash of a client's address), deleted once out of the window.
rate_events = Table(
    "rate_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bucket", String(80), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index(None, "bucket", "at"),
)

# Random keys made once by migration 0008 and shared by every replica ("client-key": hashes
# client addresses for the rate limits, so no address is ever stored).
app_secrets = Table(
    "app_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(128), nullable=False),
)

group_sessions = Table(
    "group_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("join_code", String(JOIN_CODE_COLUMN_LENGTH), nullable=False),
    Column("facilitator_id", Integer, ForeignKey("facilitators.id"), nullable=False),
    _key("lesson_id"),
    Column("kind", String(_WORD_LENGTH), nullable=False),
    Column("status", String(_WORD_LENGTH), nullable=False),
    Column("step_index", Integer, nullable=False),
    _key("step_id"),
    Column("open_question", String(ID_LENGTH), nullable=True),
    Column("min_group_size", Integer, nullable=False),
    # The most seats the room gives out (set when the session starts): a stranger with the
    # code cannot fill it with hundreds of fake phones.
    Column("seat_cap", Integer, nullable=False, server_default="40"),
    # A family session's mode ("screen" or "phones"): the session's, not one browser's.
    Column("family_mode", String(_WORD_LENGTH), nullable=True),
    # The end of a countdown the counselor started for the open question (every screen shows it).
    Column("countdown_until", UTCDateTime, nullable=True),
    # Show the join code large on the projector again, once the lesson has started.
    Column("join_large", Boolean, nullable=False, server_default=sa_false()),
    # How the projector shows approved thoughts: "list" or "cloud" (a word cloud).
    Column("thoughts_view", String(_WORD_LENGTH), nullable=False, server_default="list"),
    # On a scenario step: the point of the story the room is at (NULL: its start).
    Column("scene_node", String(ID_LENGTH), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    # What the projector shows ("en", "es"); each phone shows its own choice.
    Column("language", String(8), nullable=False, server_default="en"),
    Index(None, "facilitator_id"),
    # A stale page must never reach a newer session that was given a deleted one's id.
    sqlite_autoincrement=True,
)

# A join code names one session at a time; a closed session's code may be drawn again.
_LIVE = group_sessions.c.status != "closed"
Index(
    "ix_group_sessions_join_code_live",
    group_sessions.c.join_code,
    unique=True,
    postgresql_where=_LIVE,
    sqlite_where=_LIVE,
)

session_questions = Table(
    "session_questions",
    metadata,
    _session_id(primary_key=True),
    _key("question_key", primary_key=True),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("revealed_at", UTCDateTime, nullable=True),
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True),
    _session_id(),
    # sha256 of the participant's 128-bit token: a database copy cannot act as anyone.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("display_name", String(DISPLAY_NAME_LENGTH), nullable=True),
    Column("joined_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("removed_at", UTCDateTime, nullable=True),
    Index(None, "session_id"),
    sqlite_autoincrement=True,
)

responses = Table(
    "responses",
    metadata,
    Column("id", Integer, primary_key=True),
    _session_id(),
    Column(
        "participant_id",
        Integer,
        ForeignKey("participants.id", ondelete="CASCADE"),
        nullable=False,
    ),
    _key("question_key"),
    Column("answer", Text, nullable=False),
    # NULL for free text, which has no right answer.
    Column("is_correct", Boolean, nullable=True),
    Column("answered_at", UTCDateTime, nullable=False),
    Column("approved_at", UTCDateTime, nullable=True),
    # The language the answer was given in ("en", "es"; NULL: before 0018, always English).
    Column("language", String(8), nullable=True),
    # One answer per participant and question: a retry or a reconnect never counts twice.
    UniqueConstraint("session_id", "participant_id", "question_key"),
    sqlite_autoincrement=True,
)

# Every table holding a group session's rows, children first (the order deletes must run in).
SESSION_TABLES: tuple[tuple[Table, Column[int]], ...] = (
    (responses, responses.c.session_id),
    (session_questions, session_questions.c.session_id),
    (participants, participants.c.session_id),
    (group_sessions, group_sessions.c.id),
)
# Facilitator accounts: the counselor's sign-in, nobody's course data.
ACCOUNT_TABLES: tuple[Table, ...] = (login_failures, facilitators)
# Rate limits and the key they hash addresses with: about clients, never about a learner.
LIMIT_TABLES: tuple[Table, ...] = (rate_events, app_secrets)


# Cohorts: a program's code that self-paced learners may enter, so that the program's
# counselors see their progress together (never who is who: learners stay pseudonymous ids).
COHORT_CODE_LENGTH = 16
COHORT_NAME_LENGTH = 80
PROGRAM_ID_LENGTH = 40

cohorts = Table(
    "cohorts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(COHORT_CODE_LENGTH), nullable=False, unique=True),
    Column("name", String(COHORT_NAME_LENGTH), nullable=False),
    Column("facilitator_id", Integer, ForeignKey("facilitators.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "facilitator_id"),
    sqlite_autoincrement=True,
)

cohort_members = Table(
    "cohort_members",
    metadata,
    Column(
        "cohort_id",
        Integer,
        ForeignKey("cohorts.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    ),
    _learner_id(primary_key=True),
    Column("joined_at", UTCDateTime, nullable=False),
    # The ID the learner chose to enter for the program (e.g. the client number their
    # counselor gave them), or NULL: the program sees a learner only under this ID.
    Column("program_id", String(PROGRAM_ID_LENGTH), nullable=True),
    Index(None, "learner_id"),
    # Two learners never hold one ID in a cohort; NULLs are distinct, so any number join without.
    Index(None, "cohort_id", "program_id", unique=True),
)


def _cohort_id() -> Column[int]:
    """Make a cohort_id column whose rows go away with their cohort."""
    fk = ForeignKey("cohorts.id", ondelete="CASCADE")
    return Column("cohort_id", Integer, fk, nullable=False)


# A cohort's lesson series: the group sessions a counselor plans, each with its date, and the
# live session that ran it once it did (a planned session not yet held has none).
series_sessions = Table(
    "series_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    _cohort_id(),
    _key("lesson_id"),
    Column("planned_on", Date, nullable=False),
    # SET NULL: deleting a session's rows leaves the plan, as not held.
    Column(
        "group_session_id",
        Integer,
        ForeignKey("group_sessions.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "cohort_id"),
    # One live session runs one planned session.
    Index(None, "group_session_id", unique=True),
    sqlite_autoincrement=True,
)

# Lessons a counselor gives a cohort to do between sessions ("From your group" on the map).
take_homes = Table(
    "take_homes",
    metadata,
    Column("id", Integer, primary_key=True),
    _cohort_id(),
    _key("lesson_id"),
    Column("due_on", Date, nullable=True),
    Column("assigned_at", UTCDateTime, nullable=False),
    UniqueConstraint("cohort_id", "lesson_id"),
    sqlite_autoincrement=True,
)

# Tables of a program, not of any learner (memberships are the learners', above).
PROGRAM_TABLES: tuple[Table, ...] = (cohorts, series_sessions, take_homes)

# Every table holding a learner's data, children first (the order deletes must run in).
# A new table with learner data must be added here so export and delete cover it.
LEARNER_TABLES: tuple[tuple[Table, Column[int]], ...] = (
    (cohort_members, cohort_members.c.learner_id),
    (practice_entries, practice_entries.c.learner_id),
    (commitments, commitments.c.learner_id),
    (drill_answers, drill_answers.c.learner_id),
    (learner_devices, learner_devices.c.learner_id),
    (answer_attempts, answer_attempts.c.learner_id),
    (quiz_results, quiz_results.c.learner_id),
    (reflections, reflections.c.learner_id),
    (support_plans, support_plans.c.learner_id),
    (step_progress, step_progress.c.learner_id),
    (lesson_progress, lesson_progress.c.learner_id),
    (learners, learners.c.id),
)
