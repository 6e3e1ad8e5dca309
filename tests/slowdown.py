"""How much slower than usual this machine runs the tests now: waits stretch by this factor.

Browser tests wait for what a page shows, never a fixed time, but every wait needs an upper
bound, and a shared machine may be running other work (a load average of 15-20 on two cores
was seen). ``COURSE_TEST_SLOWDOWN`` sets the factor (``make test-under-load`` sets it); without
it, the factor is the load average per CPU right now (1 on a quiet machine, at most 10).
"""

from __future__ import annotations

import os

ENV = "COURSE_TEST_SLOWDOWN"
MAX_FACTOR = 10.0


def slowdown() -> float:
    """The factor to stretch every upper bound of a wait by (>= 1)."""
    given = os.environ.get(ENV)
    if given:
        return max(1.0, float(given))
    per_cpu = os.getloadavg()[0] / (os.cpu_count() or 1)
    return min(MAX_FACTOR, max(1.0, per_cpu))


def slow(limit: float) -> float:
    """An upper bound of a wait (ms or s), stretched for how busy the machine is now."""
    return limit * slowdown()
