"""Browsers a learner stays signed in on: a random token in a cookie, its hash in the store.

The code itself never goes into a cookie or an address. A token is 256 random bits, so a fast
hash is enough to keep a stolen database from being replayed as cookies.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update

from course.store.db import read, write
from course.store.inputs import utc
from course.store.schema import learner_devices, learners

# A browser not used for this long must sign in with the code again (its cookie lives as long).
REMEMBER_DAYS = 30
_TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class Devices:
    """Remember, find and forget the browsers a learner stays signed in on."""

    def __init__(self, engine: Engine) -> None:
        """Use an engine whose database is already at the newest schema (see Store)."""
        self.engine = engine

    def remember(self, learner_id: int, now: datetime) -> str:
        """Return a new token for this learner's browser; LookupError if there is no learner."""
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        values = {
            "learner_id": learner_id,
            "token_hash": _hash(token),
            "created_at": utc(now),
            "last_seen_at": utc(now),
        }
        with write(self.engine) as conn:
            if conn.scalar(select(learners.c.id).where(learners.c.id == learner_id)) is None:
                raise LookupError(f"no learner {learner_id}")
            conn.execute(insert(learner_devices).values(values))
        return token

    def find(self, token: str, now: datetime) -> int | None:
        """Return the learner this token signs in, or None if it is unknown, ended or too old."""
        now = utc(now)
        oldest = now - timedelta(days=REMEMBER_DAYS)
        table = learner_devices
        query = select(table.c.id, table.c.learner_id, table.c.last_seen_at).where(
            table.c.token_hash == _hash(token)
        )
        with read(self.engine) as conn:
            row = conn.execute(query).first()
        if row is None or row.last_seen_at < oldest:
            return None
        with write(self.engine) as conn:
            conn.execute(update(table).where(table.c.id == row.id).values(last_seen_at=now))
        return int(row.learner_id)

    def forget(self, token: str) -> bool:
        """End this token's sign-in on the server; tell whether it was known."""
        query = delete(learner_devices).where(learner_devices.c.token_hash == _hash(token))
        with write(self.engine) as conn:
            return bool(conn.execute(query).rowcount)
