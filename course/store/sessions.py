"""Live group sessions: the counselor's controls, participants' seats, anonymous answers."""

import dataclasses
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from course.i18n import LANGUAGES
from course.store import session_rows as rows
from course.store.db import dialect_insert, read, write
from course.store.group_records import (
    DEFAULT_SEAT_CAP,
    MAX_SEATS,
    MIN_SEATS,
    GroupSession,
    NotAllowed,
    Participant,
    Response,
    RoomClosed,
    RoomFull,
    RoomLocked,
    RoomNotFound,
    Tally,
)
from course.store.inputs import answer_json, answer_language, check_ids, utc
from course.store.joincodes import (
    JOIN_ALPHABET,
    JOIN_CODE_LENGTH,
    clean_display_name,
    hash_token,
    new_join_code,
    new_token,
    normalize_join_code,
)
from course.store.schema import (
    SESSION_TABLES,
    group_sessions,
    participants,
    responses,
    series_sessions,
    session_questions,
)
from course.store.session_rows import AnswerKeys

__all__ = [
    "DEFAULT_SEAT_CAP",
    "JOIN_ALPHABET",
    "JOIN_CODE_LENGTH",
    "MAX_SEATS",
    "MIN_SEATS",
    "GroupSession",
    "NotAllowed",
    "Participant",
    "Response",
    "RoomClosed",
    "RoomFull",
    "RoomLocked",
    "RoomNotFound",
    "Sessions",
    "Tally",
    "new_join_code",
    "normalize_join_code",
]

KINDS = ("group", "family")
MAX_COUNTDOWN_SECONDS = 600
# How a family follows its session: one shared screen, or everyone on their own phone.
FAMILY_MODES = ("screen", "phones")
STATUSES = ("open", "locked", "closed")
# How the projector shows approved thoughts: one by one, or as a word cloud.
THOUGHTS_VIEWS = ("list", "cloud")
# Phones poll every few seconds; noting "seen" on each poll would make every poll a write.
SEEN_EVERY = timedelta(minutes=1)
# A collision needs two equal codes among live sessions; five in a row means a fault.
_CODE_DRAWS = 5


class Sessions:
    """Run live group sessions on SQLite or PostgreSQL; every fact lives in the database."""

    def __init__(self, engine: Engine) -> None:
        """Use an engine whose database is already at the newest schema (see Store)."""
        self.engine = engine

    def start(
        self,
        facilitator_id: int,
        lesson_id: str,
        kind: str,
        first_step_id: str,
        now: datetime,
        *,
        min_group_size: int = 3,
        hours: float = 12,
        seat_cap: int = DEFAULT_SEAT_CAP,
        family_mode: str | None = None,
        language: str = "en",
        rng: secrets.SystemRandom | None = None,
    ) -> GroupSession:
        """Open a session on the lesson's first step, with a join code no live session has.

        A family session has a family_mode ("screen" or "phones"); a group session has none.
        """
        now = utc(now)
        check_ids(lesson_id=lesson_id, step_id=first_step_id)
        _check_choice("kind", kind, KINDS)
        _check_family_mode(kind, family_mode)
        if min_group_size < 1 or hours <= 0:
            raise ValueError("min_group_size must be 1 or more and hours more than 0")
        _check_seat_cap(seat_cap, min_group_size)
        _check_choice("language", language, tuple(LANGUAGES))
        values = {
            "facilitator_id": facilitator_id,
            "lesson_id": lesson_id,
            "kind": kind,
            "status": "open",
            "step_index": 0,
            "step_id": first_step_id,
            "min_group_size": min_group_size,
            "seat_cap": seat_cap,
            "family_mode": family_mode,
            "language": language,
            "created_at": now,
            "expires_at": now + timedelta(hours=hours),
        }
        return self._insert_with_new_code(values, rng)

    def find_by_code(self, code: str, now: datetime) -> GroupSession | None:
        """Return the live (not closed, not expired) session with this code, if any."""
        normalized = normalize_join_code(code)
        if normalized is None:
            return None
        with read(self.engine) as conn:
            return rows.live_by_code(conn, normalized, utc(now))

    def owned(self, session_id: int, facilitator_id: int) -> GroupSession:
        """Return the facilitator's session; NotAllowed if it is not theirs (or not there)."""
        with read(self.engine) as conn:
            return rows.owned(conn, session_id, facilitator_id)

    def sessions_of(self, facilitator_id: int) -> list[GroupSession]:
        """Return the facilitator's sessions, newest first."""
        table = group_sessions
        query = select(table).where(table.c.facilitator_id == facilitator_id)
        with read(self.engine) as conn:
            found = conn.execute(query.order_by(table.c.created_at.desc(), table.c.id.desc()))
            return [GroupSession(**row._asdict()) for row in found]

    def join(self, code: str, display_name: str | None, now: datetime) -> tuple[Participant, str]:
        """Seat a new participant; return it and its token, to be kept only by their browser.

        Raise RoomNotFound, RoomClosed, RoomLocked, or RoomFull once the room's seats are taken.
        """
        now = utc(now)
        name = clean_display_name(display_name)
        token = new_token()
        normalized = normalize_join_code(code) or ""
        with write(self.engine) as conn:
            session = rows.joinable(conn, normalized, now)
            values = {
                "session_id": session.id,
                "token_hash": hash_token(token),
                "display_name": name,
                "joined_at": now,
                "last_seen_at": now,
            }
            query = insert(participants).values(values).returning(participants.c.id)
            participant_id = conn.execute(query).scalar_one()
        return Participant(participant_id, session.id, name, now, now, None), token

    def seat(self, token: str, now: datetime) -> tuple[GroupSession, Participant] | None:
        """Return the token's own session and participant; None if unknown or removed."""
        now = utc(now)
        with read(self.engine) as conn:
            found = rows.seat_of(conn, token)
        if found is None or found[1].is_removed:
            return None
        session, participant = found
        if now - participant.last_seen_at >= SEEN_EVERY:
            self._saw(participant.id, now)
            participant = dataclasses.replace(participant, last_seen_at=now)
        return session, participant

    def move(
        self, session_id: int, facilitator_id: int, step_index: int, step_id: str, now: datetime
    ) -> None:
        """Move the session to a step of its lesson."""
        check_ids(step_id=step_id)
        if step_index < 0:
            raise ValueError(f"step_index must be 0 or more, got {step_index}")
        self._control(
            session_id, facilitator_id, step_index=step_index, step_id=step_id, scene_node=None
        )

    def go_to_scene(
        self, session_id: int, facilitator_id: int, node_id: str | None, now: datetime
    ) -> None:
        """Move the room's scenario to a point of the story (None: back to its start).

        The vote that was open closes: the room is now at another point of the story.
        """
        check_ids(scene_node=node_id)
        self._control(
            session_id, facilitator_id, scene_node=node_id, open_question=None,
            countdown_until=None,
        )  # fmt: skip

    def open_question(
        self, session_id: int, facilitator_id: int, question_key: str, now: datetime
    ) -> None:
        """Make question_key the one participants may answer now."""
        check_ids(question_key=question_key)
        key = {"session_id": session_id, "question_key": question_key}
        with write(self.engine) as conn:
            rows.control(
                conn, session_id, facilitator_id, open_question=question_key, countdown_until=None
            )
            stmt = dialect_insert(conn, session_questions).values(**key, opened_at=utc(now))
            conn.execute(stmt.on_conflict_do_nothing())

    def close_question(self, session_id: int, facilitator_id: int, now: datetime) -> None:
        """Stop taking answers to the open question."""
        self._control(session_id, facilitator_id, open_question=None, countdown_until=None)

    def show_join_large(
        self, session_id: int, facilitator_id: int, large: bool, now: datetime
    ) -> None:
        """Show the join code large on the projector again (for latecomers), or small."""
        self._control(session_id, facilitator_id, join_large=large)

    def show_thoughts_as(
        self, session_id: int, facilitator_id: int, view: str, now: datetime
    ) -> None:
        """Show approved thoughts on the projector as a "list" or a word "cloud"."""
        _check_choice("thoughts_view", view, THOUGHTS_VIEWS)
        self._control(session_id, facilitator_id, thoughts_view=view)

    def set_language(self, session_id: int, facilitator_id: int, language: str) -> None:
        """Show the session's projector (and console) in this language."""
        _check_choice("language", language, tuple(LANGUAGES))
        with write(self.engine) as conn:
            rows.control(conn, session_id, facilitator_id, language=language)

    def start_countdown(
        self, session_id: int, facilitator_id: int, seconds: int, now: datetime
    ) -> None:
        """Give the room `seconds` to answer the open question; every screen counts down."""
        if not 5 <= seconds <= MAX_COUNTDOWN_SECONDS:
            raise ValueError(f"a countdown lasts 5 to {MAX_COUNTDOWN_SECONDS} seconds")
        with write(self.engine) as conn:
            if rows.owned(conn, session_id, facilitator_id).open_question is None:
                raise NotAllowed("open a question before starting a countdown")
            ends = utc(now) + timedelta(seconds=seconds)
            rows.control(conn, session_id, facilitator_id, countdown_until=ends)

    def reveal(
        self, session_id: int, facilitator_id: int, question_key: str, now: datetime
    ) -> None:
        """Mark a question's results as revealed (the first reveal time stays)."""
        now = utc(now)
        check_ids(question_key=question_key)
        key = {"session_id": session_id, "question_key": question_key}
        with write(self.engine) as conn:
            rows.control(conn, session_id, facilitator_id)
            # Revealing a question never opened still records it, opened and revealed now.
            stmt = dialect_insert(conn, session_questions).values(
                **key, opened_at=now, revealed_at=now
            )
            first = rows.first_time(session_questions.c.revealed_at, now)
            conn.execute(
                stmt.on_conflict_do_update(index_elements=list(key), set_={"revealed_at": first})
            )

    def set_status(self, session_id: int, facilitator_id: int, status: str, now: datetime) -> None:
        """Open, lock or close the room; a closed session cannot reopen."""
        _check_choice("status", status, STATUSES)
        with write(self.engine) as conn:
            session = rows.owned(conn, session_id, facilitator_id, for_update=True)
            if session.status == "closed":
                if status != "closed":
                    raise RoomClosed(f"session {session_id} is closed and cannot reopen")
                return
            closed_at = utc(now) if status == "closed" else None
            query = update(group_sessions).where(group_sessions.c.id == session_id)
            conn.execute(query.values(status=status, closed_at=closed_at))

    def set_seat_cap(
        self, session_id: int, facilitator_id: int, seat_cap: int, now: datetime
    ) -> None:
        """Change how many seats the room gives out; seats taken above a lower cap stay taken."""
        with write(self.engine) as conn:
            session = rows.owned(conn, session_id, facilitator_id, for_update=True)
            _check_seat_cap(seat_cap, session.min_group_size)
            rows.control(conn, session_id, facilitator_id, seat_cap=seat_cap)

    def set_family_mode(
        self, session_id: int, facilitator_id: int, mode: str, now: datetime
    ) -> None:
        """Switch a family session between one shared screen and everyone's own phone."""
        with write(self.engine) as conn:
            session = rows.owned(conn, session_id, facilitator_id, for_update=True)
            _check_family_mode(session.kind, mode)
            rows.control(conn, session_id, facilitator_id, family_mode=mode)

    def remove_participant(
        self, session_id: int, facilitator_id: int, participant_id: int, now: datetime
    ) -> None:
        """Remove a participant: their seat stops working and their answers stop counting."""
        table = participants
        first = rows.first_time(table.c.removed_at, utc(now))
        query = update(table).where(table.c.id == participant_id, table.c.session_id == session_id)
        with write(self.engine) as conn:
            rows.owned(conn, session_id, facilitator_id)
            if conn.execute(query.values(removed_at=first)).rowcount == 0:
                raise NotAllowed(f"no participant {participant_id} in session {session_id}")

    def participants(self, session_id: int, facilitator_id: int) -> list[Participant]:
        """Return the session's participants who were not removed, in joining order."""
        table = participants
        query = rows.active(select(table), session_id).order_by(table.c.joined_at, table.c.id)
        with read(self.engine) as conn:
            rows.owned(conn, session_id, facilitator_id)
            return [rows.participant_of(row._mapping) for row in conn.execute(query)]

    def participant_count(self, session_id: int) -> int:
        """Count the session's participants who were not removed."""
        with read(self.engine) as conn:
            return rows.count_active(conn, session_id)

    def answer(
        self,
        token: str,
        question_key: str,
        answer: object,
        is_correct: bool | None,
        now: datetime,
        language: str | None = None,
    ) -> bool:
        """Record the participant's answer; False if they already answered (the first stands).

        The answer keeps the language the phone showed (default: the app's current language).
        """
        now = utc(now)
        check_ids(question_key=question_key)
        payload = answer_json(answer)
        with write(self.engine) as conn:
            session_id, participant_id = rows.answering(conn, token, question_key, now)
            values = {
                "session_id": session_id,
                "participant_id": participant_id,
                "question_key": question_key,
                "answer": payload,
                "is_correct": is_correct,
                "answered_at": now,
                "language": answer_language(language),
            }
            stmt = dialect_insert(conn, responses).values(values).on_conflict_do_nothing()
            # RETURNING gives a row only if this insert happened (rowcount is not portable here).
            return conn.execute(stmt.returning(responses.c.id)).first() is not None

    def tally(self, session_id: int, question_key: str, *, keys: AnswerKeys | None = None) -> Tally:
        """Count the answers per key (default: the answer as JSON); hidden below the minimum."""
        with read(self.engine) as conn:
            session = rows.by_id(conn, session_id)
            found = conn.execute(rows.counted_answers(session_id, question_key)).all()
            revealed = rows.is_revealed(conn, session_id, question_key)
            seated = rows.count_active(conn, session_id)
        answers = [(json.loads(row.answer), row.is_correct) for row in found]
        keys = keys or rows.answer_as_json
        counts, correct = rows.count_answers(answers, keys, session.min_group_size)
        return Tally(question_key, len(answers), seated, counts, correct, revealed)

    def revealed_tally(
        self, token: str, question_key: str, *, keys: AnswerKeys | None = None
    ) -> Tally | None:
        """Return the tally of a question in the token's own session, once it is revealed."""
        with read(self.engine) as conn:
            found = rows.seat_of(conn, token)
        if found is None or found[1].is_removed:
            return None
        tally = self.tally(found[0].id, question_key, keys=keys)
        return tally if tally.revealed else None

    def own_answer(self, token: str, question_key: str) -> object | None:
        """Return the answer this seat gave to the question (only the seat's own), or None.

        A phone that reloads finds its answer again before anyone taps anything.
        """
        with read(self.engine) as conn:
            found = rows.seat_of(conn, token)
            if found is None or found[1].is_removed:
                return None
            query = select(responses.c.answer).where(
                responses.c.participant_id == found[1].id,
                responses.c.question_key == question_key,
            )
            answer = conn.scalar(query)
        return None if answer is None else json.loads(answer)

    def responses(self, session_id: int, facilitator_id: int) -> list[Response]:
        """Return every counted answer in the session, oldest first, with no participant ids."""
        query = rows.counted_answers(session_id)
        with read(self.engine) as conn:
            rows.owned(conn, session_id, facilitator_id)
            return [rows.response_of(row) for row in conn.execute(query)]

    def approve(
        self,
        session_id: int,
        facilitator_id: int,
        question_key: str,
        response_index: int,
        now: datetime,
        *,
        expected: object = None,
    ) -> None:
        """Approve one answer to a question, by its position in responses(), for the projector.

        With `expected`, approve only if that position still holds that answer (a participant
        removed meanwhile shifts the positions; the wrong thought must never reach the screen).
        """
        now = utc(now)
        with write(self.engine) as conn:
            chosen = _pick(conn, session_id, facilitator_id, question_key, response_index, expected)
            first = rows.first_time(responses.c.approved_at, now)
            conn.execute(
                update(responses).where(responses.c.id == chosen).values(approved_at=first)
            )

    def hide(
        self,
        session_id: int,
        facilitator_id: int,
        question_key: str,
        response_index: int,
        *,
        expected: object,
    ) -> None:
        """Take an approved answer off the projector again (by its position, as approve)."""
        with write(self.engine) as conn:
            chosen = _pick(conn, session_id, facilitator_id, question_key, response_index, expected)
            conn.execute(update(responses).where(responses.c.id == chosen).values(approved_at=None))

    def approved_texts(self, session_id: int, question_key: str) -> list[str]:
        """Return the approved answers to a question as text, oldest first."""
        query = rows.counted_answers(session_id, question_key)
        query = query.where(responses.c.approved_at.is_not(None))
        with read(self.engine) as conn:
            return [rows.answer_as_text(json.loads(row.answer)) for row in conn.execute(query)]

    def delete_session(self, session_id: int, facilitator_id: int) -> int:
        """Delete the session and every row it has, in one transaction; return rows deleted."""
        with write(self.engine) as conn:
            rows.owned(conn, session_id, facilitator_id, for_update=True)
            # A planned session it ran is no longer held (nothing rests on ON DELETE alone).
            link = series_sessions.c.group_session_id == session_id
            conn.execute(update(series_sessions).where(link).values(group_session_id=None))
            # Explicit deletes, child tables first: nothing rests on ON DELETE CASCADE alone.
            return sum(
                conn.execute(delete(table).where(column == session_id)).rowcount
                for table, column in SESSION_TABLES
            )

    def _insert_with_new_code(
        self, values: dict[str, Any], rng: secrets.SystemRandom | None
    ) -> GroupSession:
        """Insert a session, drawing another code if a live session holds the drawn one."""
        for _ in range(_CODE_DRAWS):
            row = {**values, "join_code": new_join_code(rng)}
            try:
                with write(self.engine) as conn:
                    query = insert(group_sessions).values(row).returning(group_sessions.c.id)
                    session_id = conn.execute(query).scalar_one()
            except IntegrityError:
                if self._holds_code(row["join_code"]):
                    continue  # a session not closed has this code: draw another
                raise  # something else, such as an unknown facilitator
            return GroupSession(**row, id=session_id, open_question=None, closed_at=None)
        raise RuntimeError(f"no unused join code in {_CODE_DRAWS} draws")

    def _holds_code(self, code: str) -> bool:
        """Tell whether a session not closed holds this join code."""
        with read(self.engine) as conn:
            return rows.holds_code(conn, code)

    def _control(self, session_id: int, facilitator_id: int, **values: Any) -> None:
        """Change the facilitator's session, which must not be closed."""
        with write(self.engine) as conn:
            rows.control(conn, session_id, facilitator_id, **values)

    def _saw(self, participant_id: int, now: datetime) -> None:
        """Note that the participant is still there (unless a newer note was made meanwhile)."""
        table = participants
        query = update(table).where(
            table.c.id == participant_id, table.c.last_seen_at <= now - SEEN_EVERY
        )
        with write(self.engine) as conn:
            conn.execute(query.values(last_seen_at=now))


def _pick(
    conn: Connection,
    session_id: int,
    facilitator_id: int,
    question_key: str,
    response_index: int,
    expected: object,
) -> int:
    """Return the id of the counted answer at this position, if it still holds `expected`.

    A participant removed meanwhile shifts the positions: the wrong thought must never be the
    one that reaches (or leaves) the screen. With expected None, any answer there will do.
    """
    rows.owned(conn, session_id, facilitator_id)
    query = rows.counted_answers(session_id, question_key, responses.c.id, responses.c.answer)
    found = conn.execute(query).all()
    if not 0 <= response_index < len(found):
        raise IndexError(f"question {question_key!r} has {len(found)} response(s)")
    chosen = found[response_index]
    if expected is not None and json.loads(chosen.answer) != expected:
        raise NotAllowed("the answers changed meanwhile; look again")
    return int(chosen.id)


def _check_family_mode(kind: str, mode: str | None) -> None:
    """A family session needs one of the family modes; a group session has none."""
    if kind == "family":
        _check_choice("family_mode", mode or "", FAMILY_MODES)
    elif mode is not None:
        raise ValueError(f"only a family session has a family_mode; this is a {kind} session")


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    """Reject a value that is not one of the allowed words."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def _check_seat_cap(seat_cap: int, min_group_size: int) -> None:
    """Reject a seat cap out of range, or too small for the room's answers ever to show."""
    if not MIN_SEATS <= seat_cap <= MAX_SEATS:
        raise ValueError(f"seat_cap must be {MIN_SEATS} to {MAX_SEATS}; got {seat_cap}")
    if seat_cap < min_group_size:
        raise ValueError(
            f"seat_cap must be at least min_group_size ({min_group_size}), or no answers "
            f"would ever show; got {seat_cap}"
        )
