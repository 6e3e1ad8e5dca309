"""An app-wide limit on wrong codes, kept in the database so every replica counts alike.

Failures are rows of ``login_failures`` under a key no username can have (it starts with "~"),
so they share that table's index and its clean-up of old rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select

from course.store.db import read, write
from course.store.inputs import utc
from course.store.schema import login_failures


class SharedLimit:
    """Allow at most `limit` failures under `key` in any `window`, across all replicas."""

    def __init__(self, engine: Engine, key: str, limit: int, window: timedelta) -> None:
        """Name the limit (e.g. "~join"); keys start with "~", which no username may."""
        if not key.startswith("~"):
            raise ValueError("shared limit keys start with '~' so they never meet a username")
        self.engine, self.key, self.limit, self.window = engine, key, limit, window

    def wait_time(self, now: datetime) -> float:
        """Return how many seconds everyone must wait before the next try (0 if none)."""
        now = utc(now)
        t = login_failures.c
        query = select(t.failed_at).where(t.username == self.key, t.failed_at > now - self.window)
        with read(self.engine) as conn:
            recent = query.order_by(t.failed_at.desc()).limit(self.limit)
            times: list[datetime] = sorted(conn.scalars(recent))
        if len(times) < self.limit:
            return 0.0
        # Wait until the oldest of the last `limit` failures leaves the window.
        return max(0.0, float((times[0] + self.window - now).total_seconds()))

    def record_failure(self, now: datetime) -> None:
        """Note one failed try."""
        now = utc(now)
        old = login_failures.delete().where(
            login_failures.c.username == self.key, login_failures.c.failed_at <= now - self.window
        )
        with write(self.engine) as conn:
            conn.execute(old)
            conn.execute(insert(login_failures).values(username=self.key, failed_at=now))
