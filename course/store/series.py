"""A cohort's lesson series: planned group sessions, the sessions that ran them, take-homes.

A counselor plans which lesson the cohort's group does on which day, starts each planned
session from the console (which ties the live session to the plan), and gives lessons to do
between sessions. Reports count, per session, who came (the room's headcount: participants are
anonymous) and what the cohort's members did between sessions: counts for everyone, and lesson
by lesson only for members who entered a program ID.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from course.i18n import N_, Refused
from course.store.db import dialect_insert, read, write
from course.store.group_records import NotAllowed
from course.store.inputs import check_ids, utc
from course.store.schema import (
    cohort_members,
    cohorts,
    group_sessions,
    lesson_progress,
    participants,
    series_sessions,
    take_homes,
)

# A series is a term of weekly groups, not years of them.
MAX_PLANNED = 200
MAX_TAKE_HOMES = 100


@dataclass(frozen=True)
class Planned:
    """One group session in a cohort's series: the lesson, the day, and the session once held."""

    id: int
    cohort_id: int
    lesson_id: str
    planned_on: date
    group_session_id: int | None


@dataclass(frozen=True)
class TakeHome:
    """A lesson a cohort was given to do between sessions, by a day or not."""

    id: int
    cohort_id: int
    lesson_id: str
    due_on: date | None
    assigned_at: datetime


@dataclass(frozen=True)
class Held:
    """A planned session with what happened: when it started and how many people joined."""

    planned: Planned
    started_at: datetime | None
    joined: int

    @property
    def is_held(self) -> bool:
        """Tell whether a live session ran this planned one."""
        return self.started_at is not None


@dataclass(frozen=True)
class Between:
    """What a cohort's members did from one held session to the next (or to now)."""

    after: Held
    until: Held | None
    # Members who finished at least one lesson in the span.
    active: int
    # How many members finished each lesson in the span.
    lessons: Counter[str] = field(default_factory=Counter)
    # Lesson ids each member with a program ID finished in the span (every such member listed).
    by_program_id: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class TakeHomeDone:
    """How many members finished a take-home lesson (ever, and since it was given)."""

    take_home: TakeHome
    done: int
    done_since: int
    members: int
    # Whether each member with a program ID finished it.
    by_program_id: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class FromGroup:
    """A take-home lesson as a member sees it on their course map."""

    take_home: TakeHome
    cohort_name: str


class Series:
    """Plan a cohort's sessions and take-homes; report attendance and work between sessions."""

    def __init__(self, engine: Engine) -> None:
        """Use an engine whose database is already at the newest schema (see Store)."""
        self.engine = engine

    # Planning

    def plan(
        self,
        cohort_id: int,
        facilitator_id: int,
        lesson_id: str,
        planned_on: date,
        now: datetime,
        *,
        group_session_id: int | None = None,
    ) -> Planned:
        """Add a session to the cohort's series; with group_session_id, one already running.

        NotAllowed if the cohort (or the session) is not this facilitator's.
        """
        check_ids(lesson_id=lesson_id)
        with write(self.engine) as conn:
            _own_cohort(conn, cohort_id, facilitator_id)
            count = select(func.count()).where(series_sessions.c.cohort_id == cohort_id)
            if (conn.scalar(count) or 0) >= MAX_PLANNED:
                raise Refused(N_("A series holds at most {n} sessions."), n=MAX_PLANNED)
            if group_session_id is not None:
                _own_session(conn, group_session_id, facilitator_id)
            values = {"cohort_id": cohort_id, "lesson_id": lesson_id, "planned_on": planned_on,
                      "group_session_id": group_session_id, "created_at": utc(now)}  # fmt: skip
            query = series_sessions.insert().values(values).returning(series_sessions.c.id)
            try:
                new_id = int(conn.execute(query).scalar_one())
            except IntegrityError:
                raise NotAllowed("this session already runs a planned session") from None
        return Planned(new_id, cohort_id, lesson_id, planned_on, group_session_id)

    def attach(self, planned_id: int, facilitator_id: int, group_session_id: int) -> Planned:
        """Tie a live session to the planned one it runs.

        NotAllowed if either is not this facilitator's, or the planned session was held already.
        """
        with write(self.engine) as conn:
            planned = _own_planned(conn, planned_id, facilitator_id)
            lesson_id = _own_session(conn, group_session_id, facilitator_id)
            if planned.group_session_id is not None:
                raise NotAllowed("this planned session was held already")
            if lesson_id != planned.lesson_id:
                raise NotAllowed("the session runs another lesson than the one planned")
            query = (
                update(series_sessions)
                .where(series_sessions.c.id == planned_id)
                .values(group_session_id=group_session_id)
            )
            try:
                conn.execute(query)
            except IntegrityError:
                raise NotAllowed("this session already runs a planned session") from None
        return Planned(planned.id, planned.cohort_id, planned.lesson_id, planned.planned_on,
                       group_session_id)  # fmt: skip

    def unplan(self, planned_id: int, facilitator_id: int) -> None:
        """Take a session not yet held out of the series; NotAllowed if it was held."""
        with write(self.engine) as conn:
            planned = _own_planned(conn, planned_id, facilitator_id)
            if planned.group_session_id is not None:
                raise NotAllowed("a session that was held stays in the series")
            conn.execute(delete(series_sessions).where(series_sessions.c.id == planned_id))

    def planned(self, cohort_id: int, facilitator_id: int) -> list[Planned]:
        """Return the cohort's series by day (then by when each was planned)."""
        with read(self.engine) as conn:
            _own_cohort(conn, cohort_id, facilitator_id)
            query = (
                select(series_sessions)
                .where(series_sessions.c.cohort_id == cohort_id)
                .order_by(series_sessions.c.planned_on, series_sessions.c.id)
            )
            return [_planned(row) for row in conn.execute(query)]

    def to_hold(self, facilitator_id: int) -> list[tuple[str, Planned]]:
        """Return every planned session of the facilitator's cohorts not yet held, by day.

        Each comes with its cohort's name, for the console's list of sessions to start.
        """
        query = (
            select(cohorts.c.name, series_sessions)
            .join(cohorts, cohorts.c.id == series_sessions.c.cohort_id)
            .where(
                cohorts.c.facilitator_id == facilitator_id,
                series_sessions.c.group_session_id.is_(None),
            )
            .order_by(series_sessions.c.planned_on, series_sessions.c.id)
        )
        with read(self.engine) as conn:
            return [(str(row.name), _planned(row)) for row in conn.execute(query)]

    def of_session(self, group_session_id: int) -> Planned | None:
        """Return the planned session a live session runs, if it runs one."""
        query = select(series_sessions).where(
            series_sessions.c.group_session_id == group_session_id
        )
        with read(self.engine) as conn:
            row = conn.execute(query).first()
        return None if row is None else _planned(row)

    # Take-home lessons

    def assign(
        self,
        cohort_id: int,
        facilitator_id: int,
        lesson_id: str,
        due_on: date | None,
        now: datetime,
    ) -> TakeHome:
        """Give the cohort a lesson to do between sessions; again changes only its due day."""
        check_ids(lesson_id=lesson_id)
        values = {"cohort_id": cohort_id, "lesson_id": lesson_id, "due_on": due_on,
                  "assigned_at": utc(now)}  # fmt: skip
        with write(self.engine) as conn:
            _own_cohort(conn, cohort_id, facilitator_id)
            count = select(func.count()).where(take_homes.c.cohort_id == cohort_id)
            if (conn.scalar(count) or 0) >= MAX_TAKE_HOMES:
                raise Refused(N_("A cohort has at most {n} take-home lessons."), n=MAX_TAKE_HOMES)
            insert = dialect_insert(conn, take_homes).values(values)
            conn.execute(
                insert.on_conflict_do_update(
                    index_elements=["cohort_id", "lesson_id"],
                    set_={"due_on": insert.excluded.due_on},
                )
            )
            row = conn.execute(
                select(take_homes).where(
                    take_homes.c.cohort_id == cohort_id, take_homes.c.lesson_id == lesson_id
                )
            ).one()
        return TakeHome(**row._asdict())

    def unassign(self, take_home_id: int, facilitator_id: int) -> None:
        """Take a take-home lesson back; NotAllowed if it is not of this facilitator's cohort."""
        with write(self.engine) as conn:
            row = conn.execute(
                select(take_homes.c.cohort_id).where(take_homes.c.id == take_home_id)
            ).first()
            if row is None:
                raise NotAllowed(f"no take-home lesson {take_home_id}")
            _own_cohort(conn, int(row.cohort_id), facilitator_id)
            conn.execute(delete(take_homes).where(take_homes.c.id == take_home_id))

    def take_homes(self, cohort_id: int, facilitator_id: int) -> list[TakeHome]:
        """Return the cohort's take-home lessons, newest first."""
        with read(self.engine) as conn:
            _own_cohort(conn, cohort_id, facilitator_id)
            query = (
                select(take_homes)
                .where(take_homes.c.cohort_id == cohort_id)
                .order_by(take_homes.c.assigned_at.desc(), take_homes.c.id.desc())
            )
            return [TakeHome(**row._asdict()) for row in conn.execute(query)]

    def from_group(self, learner_id: int) -> list[FromGroup]:
        """Return the take-home lessons of every cohort the learner is in, newest first."""
        query = (
            select(cohorts.c.name, take_homes)
            .join(cohorts, cohorts.c.id == take_homes.c.cohort_id)
            .join(cohort_members, cohort_members.c.cohort_id == take_homes.c.cohort_id)
            .where(cohort_members.c.learner_id == learner_id)
            .order_by(take_homes.c.assigned_at.desc(), take_homes.c.id.desc())
        )
        with read(self.engine) as conn:
            found = conn.execute(query).all()
        return [
            FromGroup(
                TakeHome(row.id, row.cohort_id, row.lesson_id, row.due_on, row.assigned_at),
                str(row.name),
            )
            for row in found
        ]

    # Reports

    def held(self, cohort_id: int, facilitator_id: int) -> list[Held]:
        """Return the series with, for each session held, its start and its headcount.

        The headcount is the people who joined the room and were not removed from it.
        """
        joined = (
            select(participants.c.session_id, func.count().label("n"))
            .where(participants.c.removed_at.is_(None))
            .group_by(participants.c.session_id)
            .subquery()
        )
        query = (
            select(series_sessions, group_sessions.c.created_at.label("started_at"), joined.c.n)
            .outerjoin(group_sessions, group_sessions.c.id == series_sessions.c.group_session_id)
            .outerjoin(joined, joined.c.session_id == series_sessions.c.group_session_id)
            .where(series_sessions.c.cohort_id == cohort_id)
            .order_by(series_sessions.c.planned_on, series_sessions.c.id)
        )
        with read(self.engine) as conn:
            _own_cohort(conn, cohort_id, facilitator_id)
            found = conn.execute(query).all()
        return [Held(_planned(row), row.started_at, int(row.n or 0)) for row in found]

    def between(self, cohort_id: int, facilitator_id: int) -> list[Between]:
        """Return, for each held session, what members finished before the next one (or now).

        Spans run from one session's start to the next held session's start, in the order the
        sessions were held; a lesson counts in the span where the member first finished it.
        """
        held = sorted(
            (h for h in self.held(cohort_id, facilitator_id) if h.started_at is not None),
            key=lambda h: (h.started_at, h.planned.id),
        )
        if not held:
            return []
        member = cohort_members.c
        query = (
            select(
                member.learner_id,
                member.program_id,
                lesson_progress.c.lesson_id,
                lesson_progress.c.completed_at,
            )  # fmt: skip
            .join(lesson_progress, lesson_progress.c.learner_id == member.learner_id)
            .where(
                member.cohort_id == cohort_id,
                lesson_progress.c.completed_at >= held[0].started_at,
            )
        )
        with read(self.engine) as conn:
            done = conn.execute(query).all()
            with_ids = conn.execute(
                select(member.program_id).where(
                    member.cohort_id == cohort_id, member.program_id.is_not(None)
                )
            )
            program_ids = sorted(str(pid) for (pid,) in with_ids)
        spans = []
        for n, after in enumerate(held):
            until = held[n + 1] if n + 1 < len(held) else None
            start = after.started_at
            end = until.started_at if until is not None else None
            inside = [
                row
                for row in done
                if start <= row.completed_at and (end is None or row.completed_at < end)
            ]
            per_member: dict[str, list[str]] = {pid: [] for pid in program_ids}
            for row in sorted(inside, key=lambda r: r.completed_at):
                if row.program_id is not None:
                    per_member[str(row.program_id)].append(str(row.lesson_id))
            spans.append(
                Between(
                    after=after,
                    until=until,
                    active=len({row.learner_id for row in inside}),
                    lessons=Counter(str(row.lesson_id) for row in inside),
                    by_program_id=per_member,
                )
            )
        return spans

    def take_homes_done(self, cohort_id: int, facilitator_id: int) -> list[TakeHomeDone]:
        """Return each take-home lesson with how many of the cohort's members finished it."""
        given = self.take_homes(cohort_id, facilitator_id)
        member = cohort_members.c
        with read(self.engine) as conn:
            members = conn.execute(
                select(member.learner_id, member.program_id).where(member.cohort_id == cohort_id)
            ).all()
            finished = conn.execute(
                select(
                    lesson_progress.c.learner_id,
                    lesson_progress.c.lesson_id,
                    lesson_progress.c.completed_at,
                )  # fmt: skip
                .join(
                    cohort_members,
                    and_(
                        member.learner_id == lesson_progress.c.learner_id,
                        member.cohort_id == cohort_id,
                    ),
                )  # fmt: skip
                .where(
                    lesson_progress.c.completed_at.is_not(None),
                    lesson_progress.c.lesson_id.in_([t.lesson_id for t in given]),
                )
            ).all()
        when = {(row.learner_id, row.lesson_id): row.completed_at for row in finished}
        reports = []
        for given_one in given:
            lesson = given_one.lesson_id
            done = [m for m in members if (m.learner_id, lesson) in when]
            since = [m for m in done if when[(m.learner_id, lesson)] >= given_one.assigned_at]
            ids = {m.learner_id for m in done}
            by_id = {
                str(m.program_id): m.learner_id in ids for m in members if m.program_id is not None
            }
            reports.append(
                TakeHomeDone(
                    given_one, len(done), len(since), len(members), dict(sorted(by_id.items()))
                )
            )
        return reports


def _planned(row: Row[Any]) -> Planned:
    return Planned(row.id, row.cohort_id, row.lesson_id, row.planned_on, row.group_session_id)


def _own_cohort(conn: Connection, cohort_id: int, facilitator_id: int) -> None:
    query = select(cohorts.c.id).where(
        cohorts.c.id == cohort_id, cohorts.c.facilitator_id == facilitator_id
    )
    if conn.scalar(query) is None:
        raise NotAllowed(f"no cohort {cohort_id} of this facilitator")


def _own_planned(conn: Connection, planned_id: int, facilitator_id: int) -> Planned:
    query = (
        select(series_sessions)
        .join(cohorts, cohorts.c.id == series_sessions.c.cohort_id)
        .where(series_sessions.c.id == planned_id, cohorts.c.facilitator_id == facilitator_id)
    )
    row = conn.execute(query).first()
    if row is None:
        raise NotAllowed(f"no planned session {planned_id} of this facilitator")
    return _planned(row)


def _own_session(conn: Connection, group_session_id: int, facilitator_id: int) -> str:
    """Return the lesson of the facilitator's group session; NotAllowed if it is not theirs."""
    query = select(group_sessions.c.id, group_sessions.c.lesson_id).where(
        group_sessions.c.id == group_session_id,
        group_sessions.c.facilitator_id == facilitator_id,
        group_sessions.c.kind == "group",
    )
    row = conn.execute(query).first()
    if row is None:
        raise NotAllowed(f"no group session {group_session_id} of this facilitator")
    return str(row.lesson_id)
