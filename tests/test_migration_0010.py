"""Migration 0010 names the furthest step of every old progress row by its id (issue 14).

Rows go in with plain SQL at revision 0009, as 0009-era code wrote them: indexes count the
steps the learner's own audience sees. SQLite and PostgreSQL.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import DateTime, Engine, bindparam, inspect, text

from course.model import Course
from course.store import upgrade, write
from course.store.db import alembic_config, current_revision, head_revision

T1 = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
MEDS = "medications-for-oud"
TRIGGERS = "triggers-cravings-halt"
SLIPS = "lapse-relapse-recovery-plan"
WITHDRAWAL = "withdrawal-timeline"
SAME_FOR_ALL = "tolerance-dependence-addiction"
AUDIENCE = {1: "learner", 2: "family", 3: "family", 4: "learner"}

# (learner, lesson, current_step_id, current_index, furthest_index, furthest step after 0010)
ROWS = [
    # the same index is another step for each audience (thirteen steps for oneself, eleven
    # for family); both went back since
    (1, MEDS, "staying-safer", 5, 9, "just-once-scenario"),
    (2, MEDS, "what-changed", 3, 9, "family-support-on-medication"),
    (3, MEDS, "group-discussion", 10, 10, "group-discussion"),
    (4, MEDS, "check-naltrexone", 6, 10, "say-no-practice"),
    (1, TRIGGERS, "six-kinds", 1, 7, "urge-surfing-practice"),
    (2, TRIGGERS, "six-kinds", 1, 7, "family-help-with-triggers"),
    (1, SLIPS, "lapse-is-not-failure", 0, 5, "slip-scenario"),
    (2, SLIPS, "lapse-is-not-failure", 0, 5, "family-after-a-slip"),
    # fourteen steps for oneself, twelve for family: the last index of each is its own step
    (1, WITHDRAWAL, "what-withdrawal-is", 0, 12, "private-reflection"),
    (2, WITHDRAWAL, "what-withdrawal-is", 0, 11, "group-discussion"),
    (3, SAME_FOR_ALL, "three-different-things", 0, 2, "dependence-is-not-addiction"),
    # an index past the end (the lesson has since lost steps): the last step that audience sees
    (3, TRIGGERS, "high-risk-situations", 0, 30, "group-discussion"),
    # a lesson the content no longer has: the recorded step if the learner is on their
    # furthest, else unknown
    (3, "retired-lesson", "old-step", 3, 3, "old-step"),
    (4, "retired-lesson", "old-step", 1, 3, None),
]
# A class bigger than one batch of the migration, over every lesson both audiences see.
CLASS = range(101, 1_001)
CLASS_LESSONS = (MEDS, TRIGGERS, SLIPS, WITHDRAWAL, SAME_FOR_ALL, "thought-traps")

INSERT_LEARNER = (
    "INSERT INTO learners (id, code_hash, created_at, audience) VALUES (:id, :hash, :t, :aud)"
)
INSERT_PROGRESS = (
    "INSERT INTO lesson_progress (learner_id, lesson_id, current_step_id, current_index,"
    " furthest_index, started_at, updated_at, completed_at)"
    " VALUES (:learner, :lesson, :current, :current_at, :furthest_at, :t, :t, NULL)"
)


@pytest.fixture
def engine(engine_at: Callable[[str], Engine]) -> Engine:
    """An engine on a fresh database at 0009, the revision before progress by step id."""
    return engine_at("0009")


def run_sql(engine: Engine, sql: str, rows: list[dict[str, Any]]) -> None:
    """Run one plain SQL statement for each row, as 0009-era code would have."""
    with write(engine) as conn:
        conn.execute(text(sql).bindparams(bindparam("t", type_=DateTime(timezone=True))), rows)


def class_rows(course: Course) -> list[tuple[int, str, str, int, int, str]]:
    """Progress of a class, each learner on a step of their own audience's lesson."""
    rows = []
    for learner in CLASS:
        audience = "family" if learner % 3 == 0 else "learner"
        for n, lesson_id in enumerate(CLASS_LESSONS):
            steps = [s.id for s in course.lessons[lesson_id].for_audience(audience).steps]
            furthest = (learner + n) % len(steps)
            current = furthest // 2
            rows.append((learner, lesson_id, steps[current], current, furthest, steps[furthest]))
    return rows


def fill_0009_progress(engine: Engine, rows: list[tuple[int, str, str, int, int, Any]]) -> None:
    """Insert the learners (of both audiences) and their progress with plain SQL."""
    audience = {**AUDIENCE, **{n: "family" if n % 3 == 0 else "learner" for n in CLASS}}
    run_sql(engine, INSERT_LEARNER, [{"id": n, "hash": f"{n:064x}", "t": T1, "aud": a}
                                     for n, a in audience.items()])  # fmt: skip
    run_sql(engine, INSERT_PROGRESS, [
        {"learner": learner, "lesson": lesson, "current": current, "current_at": current_at,
         "furthest_at": furthest_at, "t": T1}
        for learner, lesson, current, current_at, furthest_at, _ in rows
    ])  # fmt: skip


def furthest_steps(engine: Engine) -> dict[tuple[int, str], str | None]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT learner_id, lesson_id, furthest_step_id FROM lesson_progress")
        )
        return {(learner, lesson): step for learner, lesson, step in rows}


def test_old_progress_gets_the_furthest_step_its_learner_saw(
    engine: Engine, course: Course, caplog: pytest.LogCaptureFixture
) -> None:
    rows = ROWS + class_rows(course)
    fill_0009_progress(engine, rows)
    caplog.set_level(logging.INFO)

    upgrade(engine)

    assert current_revision(engine) == head_revision()
    assert furthest_steps(engine) == {(row[0], row[1]): row[5] for row in rows}
    assert "0010: 1 of 5414 progress rows have no furthest step" in caplog.text


def test_downgrade_drops_the_column_and_keeps_the_rows(engine: Engine) -> None:
    fill_0009_progress(engine, ROWS)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT * FROM lesson_progress ORDER BY 1, 2")).all()
    upgrade(engine, "0010")
    with write(engine) as conn:
        command.downgrade(alembic_config(conn), "0009")
    assert current_revision(engine) == "0009"
    columns = {c["name"] for c in inspect(engine).get_columns("lesson_progress")}
    assert "furthest_step_id" not in columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT * FROM lesson_progress ORDER BY 1, 2")).all() == before
    upgrade(engine)
    assert furthest_steps(engine) == {(row[0], row[1]): row[5] for row in ROWS}


def test_without_content_only_the_recorded_steps_are_kept(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # COURSE_ROOT names the content; here it has none, so only the steps a learner was on
    # (and is furthest on) can be named.
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path))
    fill_0009_progress(engine, ROWS)
    upgrade(engine)
    assert furthest_steps(engine) == {
        (learner, lesson): current if current_at == furthest_at else None
        for learner, lesson, current, current_at, furthest_at, _ in ROWS
    }
