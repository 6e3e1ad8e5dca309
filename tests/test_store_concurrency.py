"""Many writers at once: no lost, doubled or misnumbered answers, no "database is locked"."""

import threading
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slowdown import slow
from sqlalchemy import func, select

from course.store import Attempt, Store, db, read
from course.store.schema import answer_attempts, learners

THREADS = 32
ANSWERS_PER_THREAD = 50
SHARED_LEARNERS = 4
QUESTIONS = ("q1", "q2", "q3")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def answer_many(
    store: Store,
    thread_no: int,
    learners: list[int],
    start: threading.Barrier,
    results: list[Attempt],
) -> None:
    """Answer ANSWERS_PER_THREAD questions, every fifth one submitted twice (a retry)."""
    start.wait()
    for n in range(ANSWERS_PER_THREAD):
        learner_id = learners[n % len(learners)]
        question = QUESTIONS[(thread_no + n) % len(QUESTIONS)]
        key = f"t{thread_no}-n{n}"
        when = NOW + timedelta(milliseconds=n)
        answer = {"thread": thread_no, "n": n}
        attempt = store.record_answer(learner_id, "quiz", question, answer, n % 2 == 0, when, key)
        if n % 5 == 0:
            retried = store.record_answer(learner_id, "quiz", question, answer, True, when, key)
            assert retried == attempt
        results.append(attempt)


def test_concurrent_answers_are_all_recorded_once_and_numbered(store_url: str) -> None:
    # On SQLite a second Store on the same file stands in for a second app process.
    stores = [Store(store_url) for _ in range(2 if store_url.startswith("sqlite") else 1)]
    try:
        shared = [stores[0].create_learner(NOW)[0] for _ in range(SHARED_LEARNERS)]
        own = [stores[0].create_learner(NOW)[0] for _ in range(THREADS)]
        start = threading.Barrier(THREADS)
        results: list[list[Attempt]] = [[] for _ in range(THREADS)]
        errors: list[BaseException] = []

        def run(thread_no: int) -> None:
            try:
                learners = [shared[thread_no % SHARED_LEARNERS], own[thread_no]]
                store = stores[thread_no % len(stores)]
                answer_many(store, thread_no, learners, start, results[thread_no])
            except BaseException as error:  # reported by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=slow(120))
        assert [repr(error) for error in errors] == []
        check_rows(stores[0], shared + own)
        returned = {attempt.id: attempt for batch in results for attempt in batch}
        stored = {a.id: a for learner in shared + own for a in stores[0].attempts(learner)}
        assert returned == stored
    finally:
        for store in stores:
            store.close()


def check_rows(store: Store, learners: list[int]) -> None:
    """Check the exact row count, no duplicates, and attempt numbers 1..n per question."""
    table = answer_attempts
    with read(store.engine) as conn:
        assert conn.scalar(select(func.count()).select_from(table)) == (
            THREADS * ANSWERS_PER_THREAD
        )
        keys = conn.scalar(select(func.count(func.distinct(table.c.request_key))))
        assert keys == THREADS * ANSWERS_PER_THREAD
    numbers: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for learner_id in learners:
        for attempt in store.attempts(learner_id):
            numbers[(learner_id, attempt.quiz_id, attempt.question_id)].append(attempt.attempt_no)
    assert sum(len(n) for n in numbers.values()) == THREADS * ANSWERS_PER_THREAD
    for key, attempt_numbers in numbers.items():
        assert sorted(attempt_numbers) == list(range(1, len(attempt_numbers) + 1)), key


def test_a_write_waits_past_the_busy_timeout_instead_of_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer held up longer than SQLite's busy timeout tries again and is kept.

    Under load a queue of writers can wait longer than busy_timeout; the write must not fail
    with "database is locked" (a class's answer would be lost). The timeout is made short
    here so that the test needs no load to get there.
    """
    monkeypatch.setattr(db, "_BUSY_TIMEOUT_S", 0.05)
    monkeypatch.setattr(db, "_SQLITE_PRAGMAS", tuple(
        "PRAGMA busy_timeout = 50" if p.startswith("PRAGMA busy_timeout") else p
        for p in db._SQLITE_PRAGMAS
    ))  # fmt: skip
    url = f"sqlite:///{tmp_path / 'course.db'}"
    first, second = Store(url), Store(url)
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        with db.write(first.engine) as conn:
            conn.execute(learners.insert().values(code_hash="a" * 64, created_at=NOW))
            holding.set()
            release.wait(timeout=slow(60))

    def wait_and_write() -> None:
        try:
            second.create_learner(NOW)
        except BaseException as error:  # reported below
            errors.append(error)

    before = db.lock_waits
    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=slow(60))
    writer = threading.Thread(target=wait_and_write)
    writer.start()
    deadline = threading.Event()
    for _ in range(6000):  # until the writer has been turned away at least once
        if db.lock_waits > before:
            break
        deadline.wait(0.01)
    assert db.lock_waits > before, "the second writer never had to wait"
    release.set()
    holder.join(timeout=slow(60))
    writer.join(timeout=slow(60))
    try:
        assert errors == []
        with read(first.engine) as conn:
            assert conn.scalar(select(func.count()).select_from(learners)) == 2
    finally:
        first.close()
        second.close()
