"""Progress by step id: the furthest step each learner reached, so funnels count real steps.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

lesson_progress.furthest_index counts only the steps the learner's own audience sees (a lesson
may show a step only to people taking the course for themselves, or only to family), so the
same index names different steps for different learners. furthest_step_id names the step.
Existing rows get, in this order of preference:

1. current_step_id where the learner is on their furthest step (current_index =
   furthest_index): the step the app recorded there, which needs no content;
2. the step at furthest_index among the steps the learner's audience sees in the content
   (COURSE_ROOT, else the shipped course), chosen as the lesson page chooses them
   (Lesson.for_audience); an index past the end (the lesson has lost steps since) gives the
   last step, as the lesson page does with such an index;
3. NULL where neither can name it (a lesson the content no longer has, or no content): a
   guess would put the learner on a step they may never have seen. The column stays nullable
   for these rows; the app writes a step id on every visit, which also fills them in.
"""

import logging
from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

from course.loader import default_root, load_course
from course.model import Course

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Progress rows per UPDATE: 100 statements for 500,000 rows, each a range of the primary key.
_BATCH = 5_000
_AUDIENCES = ("learner", "family")
_log = logging.getLogger(__name__)

_progress = sa.table(
    "lesson_progress",
    sa.column("learner_id", sa.Integer),
    sa.column("lesson_id", sa.String),
    sa.column("current_step_id", sa.String),
    sa.column("current_index", sa.Integer),
    sa.column("furthest_index", sa.Integer),
    sa.column("furthest_step_id", sa.String),
)
_learners = sa.table("learners", sa.column("id", sa.Integer), sa.column("audience", sa.String))


def upgrade() -> None:
    """Add lesson_progress.furthest_step_id and name the furthest step of every existing row."""
    # Plain ALTER TABLE: a batch copy on SQLite would drop and re-create the table.
    op.add_column("lesson_progress", sa.Column("furthest_step_id", sa.String(200), nullable=True))
    conn = op.get_bind()
    if conn.scalar(sa.select(_progress.c.learner_id).limit(1)) is None:
        return  # a new database: no content to load
    steps = _steps_table()
    steps.create(conn)
    rows = list(_visible_steps(load_course(default_root()).course))
    if rows:
        conn.execute(steps.insert(), rows)
    for after, upto in _batches(conn):
        conn.execute(_fill(steps, after, upto))
    steps.drop(conn)
    _report(conn)


def downgrade() -> None:
    """Drop the column (plain ALTER TABLE: no copy of a table with a parent)."""
    op.drop_column("lesson_progress", "furthest_step_id")


def _steps_table() -> sa.Table:
    """Describe a temporary table of the steps each audience sees, by position."""
    return sa.Table(
        "visible_steps_0010",
        sa.MetaData(),
        sa.Column("lesson_id", sa.String(200), primary_key=True),
        sa.Column("audience", sa.String(16), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("step_id", sa.String(200), nullable=False),
        sa.Column("is_last", sa.Boolean, nullable=False),
        prefixes=["TEMPORARY"],
    )


def _visible_steps(course: Course | None) -> Iterator[dict[str, object]]:
    """List each lesson's steps as each audience sees them (as the lesson page picks them)."""
    if course is None:
        _log.warning("0010: no course content under %s; steps are named without it", default_root())
        return
    for lesson in course.lessons.values():
        for audience in _AUDIENCES:
            steps = lesson.for_audience(audience).steps
            for position, step in enumerate(steps):
                yield {"lesson_id": lesson.id, "audience": audience, "position": position,
                       "step_id": step.id, "is_last": position == len(steps) - 1}  # fmt: skip


def _batches(conn: sa.Connection) -> Iterator[tuple[int, int | None]]:
    """Split the rows into learner id ranges (after, upto] of about _BATCH rows each."""
    learner = _progress.c.learner_id
    after = int(conn.scalar(sa.select(sa.func.min(learner))) or 0) - 1
    while True:
        nth = sa.select(learner).where(learner > after).order_by(learner)
        upto = conn.scalar(nth.offset(_BATCH - 1).limit(1))
        yield after, upto
        if upto is None:
            return
        after = upto


def _fill(steps: sa.Table, after: int, upto: int | None) -> sa.Update:
    """Set furthest_step_id on the rows of learners in (after, upto]; None: to the end."""
    p, s, who = _progress.c, steps.c, _learners.c
    at_index = sa.or_(
        s.position == p.furthest_index, sa.and_(s.is_last, s.position < p.furthest_index)
    )
    seen = sa.select(s.step_id).where(
        s.lesson_id == p.lesson_id, who.id == p.learner_id, s.audience == who.audience, at_index
    )
    named = sa.case(
        (p.current_index == p.furthest_index, p.current_step_id), else_=seen.scalar_subquery()
    )
    rows = p.learner_id > after if upto is None else p.learner_id.between(after + 1, upto)
    return sa.update(_progress).where(rows).values(furthest_step_id=named)


def _report(conn: sa.Connection) -> None:
    """Log how many rows got no step, so an operator can tell a content problem."""
    p = _progress.c
    unnamed = sa.func.sum(sa.case((p.furthest_step_id.is_(None), 1), else_=0))
    total, missing = conn.execute(sa.select(sa.func.count(), unnamed)).one()
    _log.info("0010: %d of %d progress rows have no furthest step", missing or 0, total)
