"""Cohorts and their reports on real SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest

from course.store import CohortNotFound, Cohorts, NotAllowed, Store
from course.store.cohorts import COHORT_CODE_LENGTH, normalize_cohort_code
from course.store.joincodes import JOIN_ALPHABET
from course.store.reports import AnswerCount, LessonCount, Reports

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def test_a_cohort_code_is_random_unambiguous_and_joinable(
    store: Store, leads: tuple[int, int]
) -> None:
    cohorts = Cohorts(store.engine)
    made = cohorts.create(leads[0], "  Tuesday   IOP group ", NOW)
    assert made.name == "Tuesday IOP group"
    assert len(made.code) == COHORT_CODE_LENGTH and set(made.code) <= set(JOIN_ALPHABET)
    learner, _ = store.create_learner(NOW)
    typed = f" {made.code[:4].lower()}-{made.code[4:]} "
    assert normalize_cohort_code(typed) == made.code
    assert cohorts.join(learner, typed, NOW) == made
    assert cohorts.join(learner, made.code, at(1)) == made  # again: still one membership
    assert cohorts.size(made.id) == 1
    assert cohorts.memberships(learner) == [made]
    assert cohorts.leave(learner, made.id) and not cohorts.leave(learner, made.id)
    assert cohorts.size(made.id) == 0


@pytest.mark.parametrize("typed", ["", "ABCDEFG", "ABCDEFGHJ", "ABCDEF0O", "<script>x"])
def test_wrong_cohort_codes_are_refused(store: Store, leads: tuple[int, int], typed: str) -> None:
    Cohorts(store.engine).create(leads[0], "Program", NOW)
    learner, _ = store.create_learner(NOW)
    with pytest.raises(CohortNotFound):
        Cohorts(store.engine).join(learner, typed, NOW)
    assert Cohorts(store.engine).memberships(learner) == []


def test_a_counselor_sees_only_their_own_cohorts(store: Store, leads: tuple[int, int]) -> None:
    cohorts = Cohorts(store.engine)
    mine = cohorts.create(leads[0], "Mine", NOW)
    theirs = cohorts.create(leads[1], "Theirs", NOW)
    assert cohorts.of(leads[0]) == [mine]
    assert cohorts.owned(mine.id, leads[0]) == mine
    with pytest.raises(NotAllowed):
        cohorts.owned(theirs.id, leads[0])
    with pytest.raises(ValueError, match="1 to 80 characters"):
        cohorts.create(leads[0], " ", NOW)


@pytest.fixture
def program(store: Store, leads: tuple[int, int]) -> tuple[Reports, list[int], int]:
    """A cohort of 3 learners with progress, answers and check scores; 1 outsider too."""
    cohorts = Cohorts(store.engine)
    cohort = cohorts.create(leads[0], "Program", NOW)
    members = [store.create_learner(NOW)[0] for _ in range(3)]
    outsider = store.create_learner(NOW)[0]
    for learner in [*members, outsider]:
        if learner != outsider:
            cohorts.join(learner, cohort.code, NOW)
        store.visit_step(learner, "brain", "intro", 0, NOW)
    store.visit_step(members[0], "brain", "reward", 1, at(1))
    store.visit_step(members[0], "brain", "quiz", 2, at(2))
    store.complete_lesson(members[0], "brain", at(3))
    store.visit_step(members[1], "brain", "reward", 1, at(1))
    store.visit_step(outsider, "brain", "reward", 1, at(1))
    # First attempts: member 0 right/right, member 1 right/wrong, member 2 wrong (then right).
    for learner, q1, q2 in ((members[0], "a", "x"), (members[1], "a", "y"), (outsider, "b", "y")):
        store.record_answer(learner, "brain-quiz", "q1", q1, q1 == "a", at(4))
        store.record_answer(learner, "brain-quiz", "q2", q2, q2 == "x", at(4))
    store.record_answer(members[2], "brain-quiz", "q1", "b", False, at(4))
    store.record_answer(members[2], "brain-quiz", "q1", "a", True, at(5))
    for learner, pre, post in ((members[0], 4, 10), (members[1], 6, 9), (outsider, 0, 12)):
        store.record_quiz_result(learner, "check-a", pre, 12, False, True, at(0))
        store.record_quiz_result(learner, "check-b", 1, 12, False, True, at(6))
        store.record_quiz_result(learner, "check-b", post, 12, True, True, at(7))
    return Reports(store.engine, cohort.id), members, outsider


def test_reports_count_only_the_cohort(program: tuple[Reports, list[int], int]) -> None:
    reports, members, _ = program
    assert reports.lesson_counts() == [LessonCount("brain", 3, 1)]
    assert reports.furthest("brain") == {
        ("learner", "intro"): 1,
        ("learner", "reward"): 1,
        ("learner", "quiz"): 1,
    }
    assert sorted(reports.first_attempts("brain-quiz")) == sorted(
        [
            (members[0], "q1", True),
            (members[0], "q2", True),
            (members[1], "q1", True),
            (members[1], "q2", False),
            (members[2], "q1", False),
        ]
    )
    counts = {(c.question_id, str(c.answer)): c.count for c in reports.answer_counts("brain-quiz")}
    assert counts == {("q1", "a"): 2, ("q1", "b"): 1, ("q2", "x"): 1, ("q2", "y"): 1}
    assert isinstance(reports.answer_counts("brain-quiz")[0], AnswerCount)


def test_reports_pick_first_pre_and_latest_post(program: tuple[Reports, list[int], int]) -> None:
    reports, members, _ = program
    assert reports.scores("check-a", latest=False) == {members[0]: 4 / 12, members[1]: 6 / 12}
    assert reports.scores("check-b", latest=True) == {members[0]: 10 / 12, members[1]: 9 / 12}
    assert reports.scores("check-b", latest=False) == {members[0]: 1 / 12, members[1]: 1 / 12}


def test_exports_cover_every_member_row_and_no_outsider(
    program: tuple[Reports, list[int], int],
) -> None:
    reports, members, outsider = program
    attempts = list(reports.attempts())
    assert len(attempts) == 6 and {a[0] for a in attempts} == set(members)
    assert [a[3] for a in attempts if a[0] == members[2]] == [1, 2]
    assert reports.completions() == [(members[0], "brain", at(3))]
    assert {r[0] for r in reports.results()} == {members[0], members[1]}
    assert outsider not in {a[0] for a in attempts}


def test_exports_page_through_large_cohorts(
    program: tuple[Reports, list[int], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    reports, _, _ = program
    whole = list(reports.attempts())
    monkeypatch.setattr("course.store.reports._BATCH", 2)
    assert list(reports.attempts()) == whole  # 6 rows in pages of 2, then an empty page
