"""Reads and checks on the group-session tables, run inside the caller's transaction."""

import json
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    func,
    literal,
    select,
    update,
)

from course.store.group_records import (
    GroupSession,
    NotAllowed,
    Participant,
    Response,
    RoomClosed,
    RoomFull,
    RoomLocked,
    RoomNotFound,
)
from course.store.joincodes import hash_token
from course.store.schema import (
    group_sessions,
    participants,
    responses,
    session_questions,
)

AnswerKeys = Callable[[object], list[str]]

_RESPONSE_COLUMNS = [
    responses.c.question_key,
    responses.c.answer,
    responses.c.is_correct,
    responses.c.answered_at,
    responses.c.approved_at,
]


def first_time(column: ColumnElement[datetime], now: datetime) -> ColumnElement[datetime]:
    """Return an expression that keeps the column's time if set, else now."""
    return func.coalesce(column, literal(now, column.type))


def by_id(conn: Connection, session_id: int) -> GroupSession:
    """Return a session by id; RoomNotFound if there is none."""
    query = select(group_sessions).where(group_sessions.c.id == session_id)
    session = _session(conn.execute(query).first())
    if session is None:
        raise RoomNotFound(f"no session {session_id}")
    return session


def owned(
    conn: Connection, session_id: int, facilitator_id: int, *, for_update: bool = False
) -> GroupSession:
    """Return the facilitator's session; NotAllowed whether it is someone else's or not there."""
    table = group_sessions
    query = select(table).where(table.c.id == session_id, table.c.facilitator_id == facilitator_id)
    if for_update:
        # PostgreSQL: waits for the joins and answers in flight, then holds off new ones.
        query = query.with_for_update(key_share=True)
    session = _session(conn.execute(query).first())
    if session is None:
        raise NotAllowed(f"session {session_id} is not one of yours")
    return session


def control(conn: Connection, session_id: int, facilitator_id: int, **values: Any) -> None:
    """Check that the session is the facilitator's and not closed, then set values on it."""
    session = owned(conn, session_id, facilitator_id, for_update=True)
    if session.status == "closed":
        raise RoomClosed(f"session {session_id} is closed")
    if values:
        conn.execute(update(group_sessions).where(group_sessions.c.id == session_id).values(values))


def live_by_code(
    conn: Connection, code: str, now: datetime, *, for_update: bool = False
) -> GroupSession | None:
    """Return the session with this code that is neither closed nor expired, if any."""
    table = group_sessions
    query = select(table).where(
        table.c.join_code == code, table.c.status != "closed", table.c.expires_at > now
    )
    if for_update:
        query = query.with_for_update(key_share=True)  # FOR NO KEY UPDATE on PostgreSQL
    return _session(conn.execute(query).first())


def joinable(conn: Connection, code: str, now: datetime) -> GroupSession:
    """Return the open session with this code and a free seat, locked until the transaction ends.

    Raise RoomLocked, RoomFull, RoomClosed or RoomNotFound when no one new may join.
    """
    # Row lock (SQLite: the write transaction): joins to one room take turns, so each counts
    # the seats taken by the one before, and a join racing the facilitator's "lock" lands
    # wholly before it or is refused.
    session = live_by_code(conn, code, now, for_update=True)
    if session is None:
        raise _not_live(conn, code)
    if session.status == "locked":
        raise RoomLocked("the facilitator has locked this room")
    if count_active(conn, session.id) >= session.seat_cap:
        raise RoomFull(f"all {session.seat_cap} seats of this room are taken")
    return session


def _not_live(conn: Connection, code: str) -> RoomClosed | RoomNotFound:
    """Return the error for a code no live session holds: its session ended, or there is none."""
    ended = select(group_sessions.c.id).where(group_sessions.c.join_code == code).limit(1)
    if conn.scalar(ended) is not None:
        return RoomClosed("this session has ended")
    return RoomNotFound("no session has this code")


def seat_of(conn: Connection, token: str) -> tuple[GroupSession, Participant] | None:
    """Return the token's session and participant, removed or not."""
    query = select(participants).where(participants.c.token_hash == hash_token(token))
    row = conn.execute(query).first()
    if row is None:
        return None
    return by_id(conn, row.session_id), participant_of(row._mapping)


def participant_of(fields: Any) -> Participant:
    """Make a Participant from a mapping with its columns (the token hash is left out)."""
    return Participant(**{name: fields[name] for name in Participant.__dataclass_fields__})


def active(query: Select[Any], session_id: int) -> Select[Any]:
    """Limit a query on participants to the session's participants not removed."""
    table = participants
    return query.where(table.c.session_id == session_id, table.c.removed_at.is_(None))


def count_active(conn: Connection, session_id: int) -> int:
    """Count the session's participants not removed."""
    query = active(select(func.count()).select_from(participants), session_id)
    return int(conn.scalar(query) or 0)


def answering(conn: Connection, token: str, question_key: str, now: datetime) -> tuple[int, int]:
    """Return (session id, participant id) if the token's seat may answer the question now."""
    session = group_sessions.c
    query = (
        select(
            session.id.label("session_id"),
            participants.c.id.label("participant_id"),
            participants.c.removed_at,
            session.status,
            session.expires_at,
            session.open_question,
        )
        .join_from(participants, group_sessions, session.id == participants.c.session_id)
        .where(participants.c.token_hash == hash_token(token))
        # Holds off a concurrent close or delete of the session until this answer is in.
        .with_for_update(read=True, of=group_sessions)
    )
    row = conn.execute(query).first()
    if row is None or row.removed_at is not None:
        raise NotAllowed("this seat is not in a session")
    if row.status == "closed" or row.expires_at <= now:
        raise NotAllowed("this session has ended")
    if row.open_question != question_key:
        raise NotAllowed("this question is not open")
    return row.session_id, row.participant_id


def counted_answers(session_id: int, question_key: str | None = None, *columns: Any) -> Select[Any]:
    """Select the answers that count (not from removed participants), oldest first."""
    query = select(*(columns or _RESPONSE_COLUMNS)).join_from(
        responses, participants, participants.c.id == responses.c.participant_id
    )
    query = active(query.where(responses.c.session_id == session_id), session_id)
    if question_key is not None:
        query = query.where(responses.c.question_key == question_key)
    return query.order_by(responses.c.answered_at, responses.c.id)


def response_of(row: Row[Any]) -> Response:
    """Make a Response from a row of counted_answers(), its answer decoded from JSON."""
    fields = row._asdict()
    return Response(**{**fields, "answer": json.loads(fields["answer"])})


def is_revealed(conn: Connection, session_id: int, question_key: str) -> bool:
    """Tell whether the facilitator revealed the question's results."""
    table = session_questions
    query = select(table.c.revealed_at).where(
        table.c.session_id == session_id, table.c.question_key == question_key
    )
    return conn.scalar(query) is not None


def count_answers(
    answers: list[tuple[object, bool | None]], keys: AnswerKeys, min_group_size: int
) -> tuple[dict[str, int] | None, int | None]:
    """Return (counts per key, number correct), both None when too few answered to show."""
    if len(answers) < min_group_size:
        return None, None
    counts: Counter[str] = Counter()
    for answer, _ in answers:
        counts.update(dict.fromkeys(keys(answer), 1))  # a key counts once per answer
    graded = [is_correct for _, is_correct in answers if is_correct is not None]
    return dict(sorted(counts.items())), (sum(graded) if graded else None)


def answer_as_json(answer: object) -> list[str]:
    """Put each distinct answer in its own bucket, named by its JSON text."""
    return [json.dumps(answer, ensure_ascii=False, sort_keys=True)]


def answer_as_text(answer: object) -> str:
    """Show a free-text answer as itself and anything else as JSON."""
    return answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)


def holds_code(conn: Connection, code: str) -> bool:
    """Tell whether a session not closed (expired or not) holds this join code."""
    table = group_sessions
    query = select(table.c.id).where(table.c.join_code == code, table.c.status != "closed")
    return conn.scalar(query.limit(1)) is not None


def _session(row: Row[Any] | None) -> GroupSession | None:
    """Make a GroupSession from a group_sessions row."""
    return None if row is None else GroupSession(**row._asdict())
