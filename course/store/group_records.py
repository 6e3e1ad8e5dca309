"""Plain records and errors of live group sessions: frozen, detached from the database."""

from dataclasses import dataclass
from datetime import datetime

# A room's seats unless the counselor sets another number when starting it.
DEFAULT_SEAT_CAP = 40
# Seats a room may give out: a pair at least; at most a lecture hall, so one stranger with the
# code cannot seat hundreds of fake phones and outvote the class.
MIN_SEATS = 2
MAX_SEATS = 300


@dataclass(frozen=True)
class GroupSession:
    """One counselor-led session: its join code, lesson, current step and open question."""

    id: int
    join_code: str
    facilitator_id: int
    lesson_id: str
    kind: str
    status: str
    step_index: int
    step_id: str
    open_question: str | None
    min_group_size: int
    created_at: datetime
    expires_at: datetime
    closed_at: datetime | None
    seat_cap: int = DEFAULT_SEAT_CAP
    # A family session's mode, kept with the session so a reload finds it: "screen" (one
    # shared screen) or "phones" (everyone on their own phone); None for a group session.
    family_mode: str | None = None
    # When the counselor's countdown for the open question ends (None: no countdown).
    countdown_until: datetime | None = None
    # The counselor asked the projector to show the join code large again (for latecomers).
    join_large: bool = False
    # How the projector shows approved thoughts: "list", or "cloud" for a word cloud.
    thoughts_view: str = "list"
    # On a scenario step: the point of the story the room is at (None: its start).
    scene_node: str | None = None
    # The language the projector shows ("en", "es"); each phone shows its own choice.
    language: str = "en"

    @property
    def is_joinable(self) -> bool:
        """Tell whether new participants may join."""
        return self.status == "open"


@dataclass(frozen=True)
class Participant:
    """One phone in the room: an anonymous seat with an optional display name."""

    id: int
    session_id: int
    display_name: str | None
    joined_at: datetime
    last_seen_at: datetime
    removed_at: datetime | None

    @property
    def is_removed(self) -> bool:
        """Tell whether the facilitator removed this participant."""
        return self.removed_at is not None


@dataclass(frozen=True)
class Tally:
    """The answers to one question, counted; counts stay hidden below the minimum group size."""

    question_key: str
    responses: int
    participants: int
    counts: dict[str, int] | None
    correct: int | None
    revealed: bool

    @property
    def is_hidden(self) -> bool:
        """Tell whether too few answered for the counts to be shown."""
        return self.counts is None


@dataclass(frozen=True)
class Response:
    """One answer, with no participant id: answers are anonymous to everyone."""

    question_key: str
    answer: object
    is_correct: bool | None
    answered_at: datetime
    approved_at: datetime | None

    @property
    def is_approved(self) -> bool:
        """Tell whether the facilitator approved this answer for the projector."""
        return self.approved_at is not None


class RoomNotFound(LookupError):
    """No live session has this join code (or this id)."""


class RoomLocked(PermissionError):
    """The facilitator locked the room: no one new may join."""


class RoomFull(PermissionError):
    """Every seat of the room is taken: no one new may join until one is freed or added."""


class RoomClosed(PermissionError):
    """The session with this code has ended (closed, or past its expiry)."""


class NotAllowed(PermissionError):
    """Not this facilitator's session, or not something this participant may do now."""
