"""Account-less hosts of family sessions: a random token, kept by the host's browser only.

A host is a row in ``facilitators`` of kind "host" (so a family session is owned like any
other and every Sessions control works unchanged), named by a hash of its token and with no
usable password: it can never sign in, and only the browser holding the token can lead.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, func, insert, select

from course.store.accounts import Throttled
from course.store.db import read, write
from course.store.group_records import GroupSession
from course.store.inputs import utc
from course.store.schema import facilitators
from course.store.sessions import Sessions

HOST_KIND = "host"
# Anyone may host without an account. The app limits starts per client and slows everyone
# down past 120 an hour (course.store.limits.FAMILY_STARTS); this is the hard ceiling behind
# that, against a flood from very many addresses: far above any real use, too few to fill
# the database.
HOSTS_PER_HOUR = 2000
HOST_WINDOW = timedelta(hours=1)
# Smaller than a counselor's default of 3: a family is often two or three people.
FAMILY_MIN_GROUP = 2
# A family is often two to eight people, with a spare phone or two: a stranger who learns the
# code cannot fill the room with fake phones.
FAMILY_SEAT_CAP = 12
_UNUSABLE = "!"  # not an Argon2 hash: verifying any password against it fails


def host_username(token: str) -> str:
    """Name the host row by a hash of its token (the token itself is never stored)."""
    return "host-" + hashlib.sha256(token.encode()).hexdigest()[:32]


class Hosts:
    """Start family sessions without an account and find their host again by token."""

    def __init__(self, engine: Engine, *, per_hour: int = HOSTS_PER_HOUR) -> None:
        """Use an engine whose database is already at the newest schema (see Store)."""
        self.engine = engine
        self.per_hour = per_hour

    def start(
        self,
        lesson_id: str,
        first_step_id: str,
        now: datetime,
        *,
        min_group_size: int = 2,
        seat_cap: int = FAMILY_SEAT_CAP,
        mode: str = "screen",
        language: str = "en",
    ) -> tuple[GroupSession, int, str]:
        """Open a family session; return it, its host id and the host's token (shown once)."""
        now = utc(now)
        token = secrets.token_urlsafe(16)
        values = {
            "username": host_username(token),
            "password_hash": _UNUSABLE,
            "created_at": now,
            "kind": HOST_KIND,
        }
        with write(self.engine) as conn:
            self._check_rate(conn, now)
            query = insert(facilitators).values(values).returning(facilitators.c.id)
            host_id = int(conn.execute(query).scalar_one())
        room = Sessions(self.engine).start(
            host_id,
            lesson_id,
            "family",
            first_step_id,
            now,
            min_group_size=min_group_size,
            seat_cap=seat_cap,
            family_mode=mode,
            language=language,
        )
        return room, host_id, token

    def find(self, token: str) -> int | None:
        """Return the host id this token names, or None."""
        table = facilitators
        query = select(table.c.id).where(
            table.c.username == host_username(token), table.c.kind == HOST_KIND
        )
        with read(self.engine) as conn:
            return conn.scalar(query)

    def _check_rate(self, conn: Connection, now: datetime) -> None:
        """Raise Throttled if the app started its hourly share of family sessions."""
        table = facilitators
        recent = select(func.count(), func.min(table.c.created_at)).where(
            table.c.kind == HOST_KIND, table.c.created_at > now - HOST_WINDOW
        )
        count, oldest = conn.execute(recent).one()
        if count >= self.per_hour:
            raise Throttled(max(1.0, (oldest + HOST_WINDOW - now).total_seconds()))
