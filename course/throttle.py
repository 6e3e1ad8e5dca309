"""Slow down guessing: a sliding-window limit on failed attempts, per key and overall.

Pure apart from its own memory: the caller passes ``now`` (seconds, monotonic). One instance
is shared by all sessions of a process, so it is guarded by a lock.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field

GLOBAL = "*"


@dataclass
class Throttle:
    """Allow at most `per_key` failures per key and `overall` failures in all per `window`."""

    per_key: int = 5
    overall: int = 60
    window: float = 60.0
    _failures: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_time(self, key: str, now: float) -> float:
        """Return how many seconds `key` must wait before trying again (0 if it may try)."""
        with self._lock:
            return max(
                self._wait(self._failures[key], self.per_key, now),
                self._wait(self._failures[GLOBAL], self.overall, now),
            )

    def record_failure(self, key: str, now: float) -> None:
        """Note a failed attempt by `key`."""
        with self._lock:
            self._failures[key].append(now)
            self._failures[GLOBAL].append(now)

    def _wait(self, times: deque[float], limit: int, now: float) -> float:
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < limit:
            return 0.0
        return times[len(times) - limit] + self.window - now
