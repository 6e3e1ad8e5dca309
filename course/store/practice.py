"""A learner's practice: skill exercises, commitments and their check-ins, drill rounds.

All of it is the learner's own: kept under their code, in their export, gone with a delete,
and never shown to a program (programs see counts only, from course.store.practice_reports).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, func, select, update
from sqlalchemy.exc import IntegrityError

from course.i18n import N_, Refused
from course.store.db import dialect_insert, read, write
from course.store.inputs import check_ids, clean_text, utc
from course.store.schema import commitments, drill_answers, practice_entries

MAX_FIELD_CHARS = 2_000
MAX_ACTION_CHARS = 200
MAX_OBSTACLE_CHARS = 1_000
OUTCOMES = ("did", "partly", "not_yet")
_FIELD = re.compile(r"[a-z][a-z0-9_]{0,39}")
# A drill answer slower than this was not an answer to time (the phone slept).
MAX_DRILL_MS = 10 * 60 * 1000


@dataclass(frozen=True)
class Commitment:
    id: int
    learner_id: int
    lesson_id: str
    step_id: str
    action: str
    made_at: datetime
    checked_at: datetime | None
    outcome: str | None
    obstacle: str | None


@dataclass(frozen=True)
class DrillRound:
    """One round of a drill: each item's first answer in the round, right or not, and time."""

    round_no: int
    answers: dict[str, tuple[bool, int]]  # item id -> (right, milliseconds)

    def is_complete(self, items: int) -> bool:
        return len(self.answers) >= items

    @property
    def right(self) -> int:
        return sum(ok for ok, _ in self.answers.values())

    @property
    def total_ms(self) -> int:
        return sum(ms for _, ms in self.answers.values())

    def is_fluent(self, items: int, target_ms: int) -> bool:
        """All answered right, each within the target time."""
        return self.is_complete(items) and all(
            ok and ms <= target_ms for ok, ms in self.answers.values()
        )


class Practice:
    """Save and read a learner's exercises, commitments and drill answers."""

    def __init__(self, engine: Engine) -> None:
        """Use an engine whose database is already at the newest schema (see Store)."""
        self.engine = engine

    # Skill exercises

    def save_entry(
        self,
        learner_id: int,
        lesson_id: str,
        step_id: str,
        fields: dict[str, str | int],
        now: datetime,
    ) -> None:
        """Keep what the learner wrote in an exercise (again: replaced; the first time stays).

        Texts are cleaned and capped; ratings must be whole numbers 0 to 10.
        """
        check_ids(lesson_id=lesson_id, step_id=step_id)
        kept: dict[str, str | int] = {}
        for name, value in fields.items():
            if not _FIELD.fullmatch(name):
                raise ValueError(f"{name!r} is not a field name")
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise ValueError(f"{name}: a text or a rating 0 to 10")
            if isinstance(value, int):
                if not 0 <= value <= 10:
                    raise ValueError(f"{name}: a rating is 0 to 10, not {value}")
                kept[name] = value
                continue
            text = clean_text(value).strip()
            if len(text) > MAX_FIELD_CHARS:
                raise Refused(N_("{name}: at most {n} characters"), name=name, n=MAX_FIELD_CHARS)
            if text:
                kept[name] = text
        now = utc(now)
        key = {"learner_id": learner_id, "lesson_id": lesson_id, "step_id": step_id}
        entry = json.dumps(kept, ensure_ascii=False, sort_keys=True)
        with write(self.engine) as conn:
            stmt = dialect_insert(conn, practice_entries).values(
                **key, entry=entry, created_at=now, updated_at=now
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=list(key),
                    set_={"entry": stmt.excluded.entry, "updated_at": stmt.excluded.updated_at},
                )
            )

    def entry(self, learner_id: int, lesson_id: str, step_id: str) -> dict[str, str | int]:
        """Return what the learner last saved in this exercise ({} if nothing)."""
        t = practice_entries.c
        query = select(t.entry).where(
            t.learner_id == learner_id, t.lesson_id == lesson_id, t.step_id == step_id
        )
        with read(self.engine) as conn:
            found = conn.scalar(query)
        return dict(json.loads(found)) if found else {}

    # Commitments

    def commit(
        self, learner_id: int, lesson_id: str, step_id: str, action: str, now: datetime
    ) -> int:
        """Record the action the learner chose to try; return its id."""
        check_ids(lesson_id=lesson_id, step_id=step_id)
        text = clean_text(action, one_line=True)
        if not text:
            raise Refused(N_("Please choose or write one thing to try."))
        if len(text) > MAX_ACTION_CHARS:
            raise Refused(N_("Please keep it to {n} characters."), n=MAX_ACTION_CHARS)
        values = {"learner_id": learner_id, "lesson_id": lesson_id, "step_id": step_id,
                  "action": text, "made_at": utc(now)}  # fmt: skip
        with write(self.engine) as conn:
            query = commitments.insert().values(values).returning(commitments.c.id)
            return int(conn.execute(query).scalar_one())

    def commitments(self, learner_id: int) -> list[Commitment]:
        """Return the learner's commitments, oldest first."""
        query = (
            select(commitments)
            .where(commitments.c.learner_id == learner_id)
            .order_by(commitments.c.made_at, commitments.c.id)
        )
        with read(self.engine) as conn:
            return [_commitment(row) for row in conn.execute(query)]

    def to_check_in(self, learner_id: int, before: datetime) -> list[Commitment]:
        """Return the commitments made before `before` (an earlier visit) not yet checked in."""
        return [
            c
            for c in self.commitments(learner_id)
            if c.checked_at is None and c.made_at < utc(before)
        ]

    def check_in(
        self,
        learner_id: int,
        commitment_id: int,
        outcome: str,
        obstacle: str | None,
        now: datetime,
    ) -> bool:
        """Say how a commitment went; tell whether it was theirs and not yet checked in."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome is one of {', '.join(OUTCOMES)}, not {outcome!r}")
        said = clean_text(obstacle or "").strip() or None
        if said and len(said) > MAX_OBSTACLE_CHARS:
            raise Refused(N_("Please keep it to {n} characters."), n=MAX_OBSTACLE_CHARS)
        t = commitments.c
        query = (
            update(commitments)
            .where(t.id == commitment_id, t.learner_id == learner_id, t.checked_at.is_(None))
            .values(checked_at=utc(now), outcome=outcome, obstacle=said)
        )
        with write(self.engine) as conn:
            return bool(conn.execute(query).rowcount)

    # Fluency drills

    def record_drill(
        self,
        learner_id: int,
        lesson_id: str,
        step_id: str,
        round_no: int,
        item_id: str,
        is_correct: bool,
        ms: int,
        now: datetime,
    ) -> bool:
        """Keep an item's answer in a round; a second answer to it in the round is ignored.

        Tell whether this answer was kept.
        """
        check_ids(lesson_id=lesson_id, step_id=step_id, item_id=item_id)
        if round_no < 1 or ms < 0:
            raise ValueError("round_no from 1, ms from 0")
        values = {"learner_id": learner_id, "lesson_id": lesson_id, "step_id": step_id,
                  "round_no": round_no, "item_id": item_id, "is_correct": is_correct,
                  "ms": min(ms, MAX_DRILL_MS), "answered_at": utc(now)}  # fmt: skip
        try:
            with write(self.engine) as conn:
                conn.execute(drill_answers.insert().values(values))
        except IntegrityError:
            return False
        return True

    def drill_rounds(self, learner_id: int, lesson_id: str, step_id: str) -> list[DrillRound]:
        """Return the learner's rounds of one drill, first round first."""
        t = drill_answers.c
        query = (
            select(t.round_no, t.item_id, t.is_correct, t.ms)
            .where(t.learner_id == learner_id, t.lesson_id == lesson_id, t.step_id == step_id)
            .order_by(t.round_no, t.id)
        )
        rounds: dict[int, dict[str, tuple[bool, int]]] = {}
        with read(self.engine) as conn:
            for row in conn.execute(query):
                rounds.setdefault(row.round_no, {})[row.item_id] = (bool(row.is_correct), row.ms)
        return [DrillRound(n, answers) for n, answers in sorted(rounds.items())]

    def last_round(self, learner_id: int, lesson_id: str, step_id: str) -> int:
        """Return the highest round number the learner has answered in (0: none yet)."""
        t = drill_answers.c
        query = select(func.max(t.round_no)).where(
            t.learner_id == learner_id, t.lesson_id == lesson_id, t.step_id == step_id
        )
        with read(self.engine) as conn:
            return int(conn.scalar(query) or 0)


def _commitment(row: Row[Any]) -> Commitment:
    return Commitment(**row._asdict())
