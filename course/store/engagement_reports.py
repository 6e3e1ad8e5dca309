"""A cohort's dose and engagement, aggregated in SQL: one row per learner and active week.

Activity is any of: an answer, a step first seen or completed, a move in a lesson (its last
one), a lesson completed, a quiz finished. Weeks are ISO weeks (Monday to Sunday) in UTC, named
by their Monday. Every query is limited to the cohort's members, a page of members at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Engine,
    Select,
    and_,
    cast,
    false,
    func,
    or_,
    select,
    union_all,
)

from course.period import Period
from course.store.db import read
from course.store.schema import (
    answer_attempts,
    cohort_members,
    learners,
    lesson_progress,
    quiz_results,
    step_progress,
)

# Members per page: each page is one short read, whatever the size of the cohort.
_BATCH = 1_000
_LESSONS = (lesson_progress.c.learner_id, lesson_progress.c.completed_at)
_QUIZZES = (quiz_results.c.learner_id, quiz_results.c.finished_at)
# Every (learner, moment) that shows the learner at work. Reflections are left out: they are
# private, and the step they sit on was seen anyway.
_ACTIVITY = (
    _LESSONS,
    _QUIZZES,
    (lesson_progress.c.learner_id, lesson_progress.c.updated_at),
    (answer_attempts.c.learner_id, answer_attempts.c.answered_at),
    (step_progress.c.learner_id, step_progress.c.seen_at),
    (step_progress.c.learner_id, step_progress.c.completed_at),
)


@dataclass(frozen=True)
class Member:
    learner_id: int
    program_id: str | None
    audience: str
    joined_at: datetime
    last_active: datetime | None  # the latest activity up to the moment asked about
    track_lessons_done: int  # lessons of their own track completed by then


@dataclass(frozen=True)
class ActiveWeek:
    learner_id: int
    week: date  # the Monday of the ISO week, in UTC
    lessons: int  # lessons completed that week
    quizzes: int  # quizzes finished that week


class EngagementReports:
    """Read one cohort's activity per learner and week, and each member's last activity."""

    def __init__(self, engine: Engine, cohort_id: int) -> None:
        """Report on this cohort (check the facilitator owns it first: Cohorts.owned)."""
        self.engine = engine
        self.cohort_id = cohort_id
        # One page run asks the same questions twice (people served, then dose): read once.
        self._memo: dict[tuple[object, ...], Any] = {}

    def members(
        self, tracks: Mapping[str, Collection[str]], now: datetime, period: Period | None
    ) -> list[Member]:
        """Return every member with their last activity and track lessons done, up to then.

        "Then" is now, or the end of the period if that comes first; ``tracks`` maps an
        audience ("learner", "family") to the lesson ids of its tracks.
        """
        key = ("members", tuple(sorted((a, tuple(sorted(ls))) for a, ls in tracks.items())),
               now, period)  # fmt: skip
        if key in self._memo:
            return list(self._memo[key])
        found: list[Member] = []
        for low, high in self._pages():
            # Up to now, and before the period ends: what had happened by then.
            until = _Window(before=period.end if period else None, through=now)
            with read(self.engine) as conn:
                last = self._last_active(conn, low, high, until)
                done = self._track_lessons_done(conn, low, high, tracks, until)
                rows = conn.execute(self._member_rows(low, high)).all()
            found += [
                Member(int(r[0]), r[1], str(r[2]), r[3], last.get(r[0]), done.get(r[0], 0))
                for r in rows
            ]
        self._memo[key] = tuple(found)
        return found

    def active_weeks(self, period: Period | None) -> list[ActiveWeek]:
        """Return each member's active weeks in the period, with lessons and quizzes done."""
        key = ("weeks", period)
        if key in self._memo:
            return list(self._memo[key])
        found: list[ActiveWeek] = []
        for low, high in self._pages():
            with read(self.engine) as conn:
                inside = _Window.of(period)
                lessons = self._per_week(conn, [_LESSONS], low, high, inside)
                quizzes = self._per_week(conn, [_QUIZZES], low, high, inside)
                active = self._per_week(conn, list(_ACTIVITY), low, high, inside)
            found += [
                ActiveWeek(learner, week, lessons.get((learner, week), 0),
                           quizzes.get((learner, week), 0))
                for learner, week in sorted(active)
            ]  # fmt: skip
        self._memo[key] = tuple(found)
        return found

    def _pages(self) -> Iterator[tuple[int, int]]:
        """Yield (after, up to) learner ids that bound pages of at most _BATCH members."""
        member = cohort_members.c
        query = select(member.learner_id).where(member.cohort_id == self.cohort_id)
        last = 0
        while True:
            with read(self.engine) as conn:
                page = conn.scalars(
                    query.where(member.learner_id > last).order_by(member.learner_id).limit(_BATCH)
                ).all()
            if not page:
                return
            yield last, int(page[-1])
            last = int(page[-1])

    def _members(self, query: Select[Any], learner: Any, low: int, high: int) -> Select[Any]:
        """Limit a query to the cohort's members with ids in (low, high]."""
        member = cohort_members.c
        return query.join(cohort_members, member.learner_id == learner).where(
            member.cohort_id == self.cohort_id, member.learner_id > low, member.learner_id <= high
        )

    def _member_rows(self, low: int, high: int) -> Select[Any]:
        member = cohort_members.c
        columns = (member.learner_id, member.program_id, learners.c.audience, member.joined_at)
        query = self._members(select(*columns).select_from(learners), learners.c.id, low, high)
        return query.order_by(member.learner_id)

    def _events(self, sources: list[tuple[Any, Any]], low: int, high: int, window: _Window) -> Any:
        """Union the (learner_id, at) moments of the sources in the window, as a subquery."""
        parts = [
            self._members(
                select(learner.label("learner_id"), at.label("at")), learner, low, high
            ).where(*window.holds(at))
            for learner, at in sources
        ]
        return union_all(*parts).subquery()

    def _per_week(
        self,
        conn: Connection,
        sources: list[tuple[Any, Any]],
        low: int,
        high: int,
        window: _Window,
    ) -> dict[tuple[int, date], int]:
        """Count the sources' moments per learner and ISO week, inside the window."""
        events = self._events(sources, low, high, window)
        weeks = select(
            events.c.learner_id, _monday(events.c.at, conn.dialect.name).label("week")
        ).subquery()
        # Grouped outside the subquery: the week's bound parameters are then not repeated.
        query = select(weeks.c.learner_id, weeks.c.week, func.count()).group_by(
            weeks.c.learner_id, weeks.c.week
        )
        return {(int(a), _day(b)): int(n) for a, b, n in conn.execute(query)}

    def _last_active(
        self, conn: Connection, low: int, high: int, window: _Window
    ) -> dict[int, datetime]:
        """Return each member's latest activity in the window."""
        events = self._events(list(_ACTIVITY), low, high, window)
        query = select(events.c.learner_id, func.max(events.c.at)).group_by(events.c.learner_id)
        return {int(learner): at for learner, at in conn.execute(query)}

    def _track_lessons_done(
        self,
        conn: Connection,
        low: int,
        high: int,
        tracks: Mapping[str, Collection[str]],
        window: _Window,
    ) -> dict[int, int]:
        """Count each member's lessons of their own audience's tracks completed in the window."""
        t = lesson_progress.c
        mine = or_(
            false(),
            *(
                and_(learners.c.audience == audience, t.lesson_id.in_(sorted(ids)))
                for audience, ids in tracks.items()
            ),
        )
        query = self._members(select(t.learner_id, func.count()), t.learner_id, low, high)
        query = query.join(learners, learners.c.id == t.learner_id)
        query = query.where(mine, *window.holds(t.completed_at))
        rows = conn.execute(query.group_by(t.learner_id))
        return {int(learner): int(n) for learner, n in rows}


@dataclass(frozen=True)
class _Window:
    """Which moments count: from ``since`` (inclusive), ``before`` (exclusive), ``through``."""

    since: datetime | None = None
    before: datetime | None = None
    through: datetime | None = None

    @classmethod
    def of(cls, period: Period | None) -> _Window:
        """Inside the period; any moment for all time."""
        return cls() if period is None else cls(since=period.start, before=period.end)

    def holds(self, at: Any) -> list[ColumnElement[bool]]:
        """Conditions on a moment column: set, and inside the window."""
        conditions: list[ColumnElement[bool]] = [at.is_not(None)]
        if self.since is not None:
            conditions.append(at >= self.since)
        if self.before is not None:
            conditions.append(at < self.before)
        if self.through is not None:
            conditions.append(at <= self.through)
        return conditions


def _monday(at: Any, dialect: str) -> ColumnElement[date]:
    """The Monday of the moment's ISO week, in UTC (SQLite keeps UTC text; PostgreSQL zones)."""
    if dialect == "postgresql":
        return cast(func.date_trunc("week", func.timezone("UTC", at)), Date)
    # "weekday 0" moves on to the next Sunday (or stays on one); six days back is its Monday.
    return func.date(at, "weekday 0", "-6 days", type_=Date)


def _day(value: date | str) -> date:
    """Return a date (SQLite may hand back the text of one)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
