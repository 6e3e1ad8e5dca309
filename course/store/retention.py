"""Retention: find learners not seen for a while, for programs whose policy removes them.

A learner is last seen at the newest moment any of their rows records: starting, moving in a
lesson, answering, saving a note or plan, practising, a browser they stay signed in on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select, union_all

from course.store.db import read
from course.store.inputs import utc
from course.store.schema import (
    answer_attempts,
    commitments,
    drill_answers,
    learner_devices,
    learners,
    lesson_progress,
    practice_entries,
    quiz_results,
    reflections,
    step_progress,
    support_plans,
)

# Every (table, column) that records a moment a learner did something.
ACTIVITY = (
    (learners.c.id, learners.c.created_at),
    (lesson_progress.c.learner_id, lesson_progress.c.updated_at),
    (step_progress.c.learner_id, step_progress.c.seen_at),
    (answer_attempts.c.learner_id, answer_attempts.c.answered_at),
    (quiz_results.c.learner_id, quiz_results.c.finished_at),
    (reflections.c.learner_id, reflections.c.updated_at),
    (support_plans.c.learner_id, support_plans.c.updated_at),
    (learner_devices.c.learner_id, learner_devices.c.last_seen_at),
    (practice_entries.c.learner_id, practice_entries.c.updated_at),
    (commitments.c.learner_id, func.coalesce(commitments.c.checked_at, commitments.c.made_at)),
    (drill_answers.c.learner_id, drill_answers.c.answered_at),
)


def inactive_learners(engine: Engine, before: datetime) -> list[int]:
    """Return the ids of learners with nothing recorded at or after `before`, oldest id first."""
    moments = union_all(
        *(select(who.label("learner_id"), when.label("at")) for who, when in ACTIVITY)
    ).subquery()
    last = (
        select(moments.c.learner_id)
        .group_by(moments.c.learner_id)
        .having(func.max(moments.c.at) < utc(before))
        .order_by(moments.c.learner_id)
    )
    with read(engine) as conn:
        return [int(learner) for learner in conn.scalars(last)]
