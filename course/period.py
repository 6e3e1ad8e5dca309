"""A reporting period: the dates a dashboard number counts (start inclusive, end exclusive).

Every number a program reports says which period it covers; ``None`` for a period means "all
time" (everything in the database).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from course import i18n
from course.i18n import tr


@dataclass(frozen=True)
class Period:
    """From ``start`` (inclusive) to ``end`` (exclusive), both aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        """Refuse naive datetimes and an end before the start."""
        for moment in (self.start, self.end):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError("a period needs aware datetimes (e.g. in UTC)")
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    @classmethod
    def of_days(cls, first: date, last: date) -> Period:
        """The whole days from ``first`` to ``last`` (both included), in UTC."""
        start = datetime.combine(first, time(), tzinfo=UTC)
        return cls(start, datetime.combine(last, time(), tzinfo=UTC) + timedelta(days=1))

    def contains(self, moment: datetime) -> bool:
        """Tell whether ``moment`` falls in the period."""
        return self.start <= moment < self.end

    def label(self) -> str:
        """Say the period in words, e.g. "1 Sep 2026 to 30 Nov 2026 (UTC)"."""
        last = self.end - timedelta(microseconds=1)
        return tr("{start} to {end} (UTC)").format(
            start=i18n.date_text(self.start, "%-d %b %Y", "yMMMd"),
            end=i18n.date_text(last, "%-d %b %Y", "yMMMd"),
        )


def describe(period: Period | None) -> str:
    """Say what a number covers: the period, or all time."""
    return tr("all time") if period is None else period.label()
