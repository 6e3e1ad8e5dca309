"""Sign-in cost: one Argon2id hash, a known name vs an unknown one, and the limits' bookkeeping.

Run: ``.venv/bin/python benchmarks/bench_accounts.py [--repeat 7]``.
Prints, best and worst of --repeat, the time to hash a password with the shipped parameters
(OWASP asks well under a second), ``Facilitators.verify`` of a wrong password for a known and
for an unknown name (the ratio should be near 1: timing must not tell which names exist), and
one ``Limits.take`` + ``release`` (the price of counting a code try before checking it), each
against the bare hash measured in this same process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.store import Facilitators, Store  # noqa: E402
from course.store.accounts import HASHER  # noqa: E402
from course.store.limits import LEARNER_CODES, Limits, Ticket  # noqa: E402


def timed(action: Callable[[int], object], repeat: int) -> tuple[float, float]:
    times = []
    for n in range(repeat):
        began = time.perf_counter()
        action(n)
        times.append(time.perf_counter() - began)
    return min(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    start = datetime(2026, 12, 6, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        accounts, limits = Facilitators(store.engine), Limits(store.engine)
        accounts.add("amy", "a long passphrase", start)

        def hour(n: int) -> datetime:  # an hour apart: the sign-in throttle never waits
            return start + timedelta(hours=n + 1)

        def take_and_give_back(n: int) -> None:
            ticket = limits.take(LEARNER_CODES, "bench", hour(n))
            assert isinstance(ticket, Ticket)
            limits.release(ticket)

        rows = [
            ("Argon2id hash (baseline)", timed(lambda n: HASHER.hash("a long passphrase"), repeat)),
            (
                "verify, known name",
                timed(lambda n: accounts.verify("amy", "wrong!", hour(n)), repeat),
            ),
            (
                "verify, unknown name",
                timed(lambda n: accounts.verify("zed", "wrong!", hour(n)), repeat),
            ),
            ("limit take + release", timed(take_and_give_back, repeat)),
        ]
        store.close()
    base = rows[0][1][0]
    print(f"{'':28} {'best ms':>8} {'worst ms':>9} {'best/hash':>10}")
    for name, (best, worst) in rows:
        print(f"{name:28} {best * 1000:8.1f} {worst * 1000:9.1f} {best / base:10.2f}x")
    known, unknown = rows[1][1][0], rows[2][1][0]
    print(f"unknown/known name: {unknown / known:.2f}x")


if __name__ == "__main__":
    main()
