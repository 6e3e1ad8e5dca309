"""The app-wide limit on wrong codes, shared by replicas through the database (both backends)."""

from datetime import UTC, datetime, timedelta

import pytest

from course.store import Facilitators, Store, read
from course.store.guard import SharedLimit
from course.store.schema import login_failures

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_two_replicas_count_the_same_failures(store: Store) -> None:
    # Two app replicas: separate objects (and engines) on one database.
    other = Store(str(store.engine.url.render_as_string(hide_password=False)))
    try:
        here = SharedLimit(store.engine, "~codes", 3, MINUTE)
        there = SharedLimit(other.engine, "~codes", 3, MINUTE)
        here.record_failure(NOW)
        there.record_failure(NOW + timedelta(seconds=10))
        assert here.wait_time(NOW + timedelta(seconds=11)) == 0.0
        here.record_failure(NOW + timedelta(seconds=20))
        # 3 in the last minute: wait until the first (at NOW) is a minute old.
        assert there.wait_time(NOW + timedelta(seconds=30)) == pytest.approx(30.0)
        assert there.wait_time(NOW + timedelta(seconds=61)) == 0.0
    finally:
        other.close()


def test_shared_keys_never_meet_a_username(store: Store) -> None:
    with pytest.raises(ValueError, match="start with '~'"):
        SharedLimit(store.engine, "codes", 3, MINUTE)
    accounts = Facilitators(store.engine)
    accounts.add("counselor", "a long pass phrase", NOW)
    limit = SharedLimit(store.engine, "~codes", 1, MINUTE)
    for n in range(5):
        limit.record_failure(NOW + timedelta(seconds=n))
    assert limit.wait_time(NOW + timedelta(seconds=5)) > 0
    # The counselor's own sign-in is not slowed by wrong codes.
    assert accounts.verify("counselor", "a long pass phrase", NOW + timedelta(seconds=5))


def test_old_failures_are_cleaned_up(store: Store) -> None:
    limit = SharedLimit(store.engine, "~codes", 2, MINUTE)
    for n in range(10):
        limit.record_failure(NOW + n * MINUTE)
    assert limit.wait_time(NOW + 9 * MINUTE + timedelta(seconds=1)) == 0.0
    with read(store.engine) as conn:
        left = conn.execute(login_failures.select()).all()
    assert len(left) == 1, "only the failure still inside the window is kept"
