"""Lesson quizzes, the knowledge check and inline checks: one question at a time, two tries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from apptest_kit import click, open_page
from streamlit.testing.v1 import AppTest
from test_scoring import MATCHING, MULTIPLE, ORDERING, SINGLE, TRUE_FALSE_NO

from course.model import (
    AnyQuestion,
    CheckStep,
    Course,
    Matching,
    MultipleChoice,
    Ordering,
    Quiz,
    SingleChoice,
    TrueFalse,
)
from course.quizflow import MAX_TRIES
from course.scoring import correct_answer, grade_answer
from course.store import Store
from course.ui.questions import right_answer

LESSON = "tolerance-dependence-addiction"


@pytest.fixture
def quiz(course: Course) -> Quiz:
    found = course.quiz_for(course.lessons[LESSON])
    assert found is not None
    return found


@pytest.fixture
def learner(db_url: str) -> tuple[int, str]:
    return Store(db_url).create_learner(datetime.now(UTC))


# --- helpers ----------------------------------------------------------------------------------


def texts(at: AppTest) -> str:
    """Everything the page says in Markdown, boxes and captions, as one string."""
    parts = [*at.markdown, *at.error, *at.success, *at.warning, *at.info, *at.caption]
    return "\n".join(str(p.value) for p in parts)


def heading(at: AppTest) -> str:
    return str(at.header[0].value)


def buttons(at: AppTest) -> dict[str, str]:
    """The buttons on the page, label to type ("primary" or "secondary")."""
    return {b.label: b.proto.type for b in at.button}


def fill(at: AppTest, key: str, question: AnyQuestion, value: object) -> AppTest:
    """Fill the question's form `key` with an answer and send it."""
    if isinstance(question, MultipleChoice):
        for option in question.options:
            at.checkbox(key=f"{key}-{option.id}").set_value(option.id in value)  # type: ignore[operator]
    elif isinstance(question, TrueFalse):
        at.radio(key=f"{key}-tf").set_value("True" if value else "False")
    elif isinstance(question, Ordering):
        for n, item in enumerate(value, start=1):  # type: ignore[arg-type]
            at.selectbox(key=f"{key}-pos{n}").set_value(item)
    elif isinstance(question, Matching):
        for left, right in value.items():  # type: ignore[attr-defined]
            at.selectbox(key=f"{key}-{left}").set_value(right)
    else:
        at.radio(key=f"{key}-radio").set_value(value)
    return at.button(key=f"{key}-submit").click().run()


def form_key(quiz: Quiz, question: AnyQuestion, tries: int = 0, rounds: int = 0) -> str:
    return f"quiz-{quiz.id}-{question.id}-{rounds}-{tries}"


def has_form(at: AppTest, key: str) -> bool:
    return any(b.key == f"{key}-submit" for b in at.button)


def answer(
    at: AppTest, quiz: Quiz, question: AnyQuestion, value: object, tries: int = 0, rounds: int = 0
) -> AppTest:
    at = fill(at, form_key(quiz, question, tries, rounds), question, value)
    assert not at.exception
    return at


def settle(
    at: AppTest, quiz: Quiz, question: AnyQuestion, value: object, rounds: int = 0
) -> AppTest:
    """Answer with `value`; if a try is left after it, use it on the same answer."""
    at = answer(at, quiz, question, value, rounds=rounds)
    if has_form(at, form_key(quiz, question, 1, rounds)):
        at = answer(at, quiz, question, value, tries=1, rounds=rounds)
    return at


def finish(at: AppTest, quiz: Quiz, answers: dict[str, object], rounds: int = 0) -> AppTest:
    """Answer every question one at a time, moving on with Next, then ask for the result."""
    for number, question in enumerate(quiz.questions, start=1):
        assert heading(at) == f"Question {number} of {len(quiz.questions)}"
        at = settle(at, quiz, question, answers[question.id], rounds)
        if number < len(quiz.questions):
            assert "See my result" not in buttons(at), "only once every question is settled"
            at = click(at, "Next")
    assert buttons(at)["See my result"] == "primary"
    return click(at, "See my result")


def wrong(question: AnyQuestion) -> object:
    right = correct_answer(question)
    if isinstance(question, TrueFalse):
        return not right
    if isinstance(question, Ordering | Matching):
        raise AssertionError("use choice questions for wrong answers")
    if isinstance(question, MultipleChoice):
        return [o.id for o in question.options if not o.correct][:1]
    return next(o.id for o in question.options if not o.correct)  # type: ignore[union-attr]


def not_quite_option(question: AnyQuestion) -> str:
    """A wrong option whose own feedback already opens with the verdict "Not quite."."""
    assert isinstance(question, SingleChoice)
    return next(o.id for o in question.options if o.feedback.startswith("Not quite."))


def record(db_url: str, learner_id: int, quiz: Quiz, marks: dict[str, list[bool]]) -> None:
    """Store tries as if given earlier: right (True) or wrong (False) answers per question."""
    store = Store(db_url)
    for question in quiz.questions:
        for ok in marks.get(question.id, []):
            value = correct_answer(question) if ok else wrong(question)
            store.record_answer(learner_id, quiz.id, question.id, value, ok, datetime.now(UTC))


def all_right(quiz: Quiz) -> dict[str, object]:
    return {q.id: correct_answer(q) for q in quiz.questions}


# --- one question at a time -------------------------------------------------------------------


def test_the_quiz_shows_one_question_at_a_time_with_back_and_next(
    learner: tuple[int, str], quiz: Quiz
) -> None:
    total = len(quiz.questions)
    at = open_page("quiz", code=learner[1], lesson=LESSON)
    assert not at.exception
    assert [h.value for h in at.header] == [f"Question 1 of {total}"]
    assert len(at.get("form")) == 1 and has_form(at, form_key(quiz, quiz.questions[0]))
    assert "Back" not in buttons(at) and "Next" in buttons(at)
    assert f"You need 7 of {total} right to pass" in texts(at), "the pass mark stays on top"
    at = click(click(at, "Next"), "Next")
    assert heading(at) == f"Question 3 of {total}"
    assert has_form(at, form_key(quiz, quiz.questions[2]))
    at = click(at, "Back")
    assert heading(at) == f"Question 2 of {total}" and "Back" in buttons(at)
    for _ in range(total - 2):
        at = click(at, "Next")
    assert heading(at) == f"Question {total} of {total}"
    assert "Next" not in buttons(at) and "See my result" not in buttons(at)


def test_a_wrong_first_try_gets_a_hint_but_not_the_explanation(
    learner: tuple[int, str], quiz: Quiz
) -> None:
    question = quiz.questions[0]
    choice = not_quite_option(question)
    at = answer(open_page("quiz", code=learner[1], lesson=LESSON), quiz, question, choice)
    chosen = next(o for o in question.options if o.id == choice)  # type: ignore[union-attr]
    feedback = chosen.feedback.removeprefix("Not quite.").strip()
    assert at.error[0].value == f"**Not quite.**\n\n{feedback}"
    assert texts(at).count("Not quite") == 1, "the verdict once, not again from the feedback"
    assert f"**Hint for another try:** {question.hint}" in texts(at)
    assert "**Why:**" not in texts(at) and question.explanation.strip() not in texts(at)
    assert "The right answer" not in texts(at)
    assert [b.label for b in at.button if b.key.startswith(form_key(quiz, question, 1))] == [
        "Try again"
    ]
    assert heading(at) == f"Question 1 of {len(quiz.questions)}"


def test_a_second_wrong_try_settles_it_with_the_explanation_and_the_right_answer(
    learner: tuple[int, str], quiz: Quiz
) -> None:
    assert MAX_TRIES == 2
    question = quiz.questions[0]
    at = answer(open_page("quiz", code=learner[1], lesson=LESSON), quiz, question, wrong(question))
    at = answer(at, quiz, question, not_quite_option(question), tries=1)
    assert not at.get("form"), "no third try"
    assert texts(at).count("Not quite") == 1
    assert f"**Why:** {question.explanation}" in texts(at)
    right = next(o for o in question.options if o.correct)  # type: ignore[union-attr]
    assert f"**The right answer:** {right.text}" in texts(at)
    assert "Hint for another try" not in texts(at)
    assert question.prompt in texts(at), "the question stays readable above its feedback"
    assert buttons(at)["Next"] == "primary"


def test_a_right_answer_says_so_with_the_explanation(learner: tuple[int, str], quiz: Quiz) -> None:
    question = quiz.questions[0]
    at = answer(
        open_page("quiz", code=learner[1], lesson=LESSON), quiz, question, correct_answer(question)
    )
    right = next(o for o in question.options if o.correct)  # type: ignore[union-attr]
    assert at.success[0].value.startswith("**That's right.**")
    assert right.feedback.strip() in at.success[0].value
    assert f"**Why:** {question.explanation}" in texts(at)
    assert "The right answer" not in texts(at) and "Not quite" not in texts(at)
    assert not at.get("form")
    assert heading(at) == f"Question 1 of {len(quiz.questions)}", "the learner moves on"


def test_a_new_session_resumes_at_the_first_unsettled_question(
    db_url: str, learner: tuple[int, str], quiz: Quiz
) -> None:
    learner_id, code = learner
    first, second, third, fourth = quiz.questions[:4]
    marks = {first.id: [True], second.id: [False, False], third.id: [False], fourth.id: [True]}
    record(db_url, learner_id, quiz, marks)
    at = open_page("quiz", code=code, lesson=LESSON)
    assert heading(at) == f"Question 3 of {len(quiz.questions)}"
    assert has_form(at, form_key(quiz, third, tries=1)), "its second try"
    at = answer(at, quiz, third, correct_answer(third), tries=1)
    at = click(at, "Back")
    assert heading(at) == f"Question 2 of {len(quiz.questions)}"
    again = open_page("quiz", code=code, lesson=LESSON)
    assert heading(again) == f"Question 5 of {len(quiz.questions)}"


# --- the result and the next lesson -----------------------------------------------------------


def test_a_passed_quiz_offers_the_next_lesson_of_the_track(
    db_url: str, learner: tuple[int, str], quiz: Quiz, course: Course
) -> None:
    learner_id, code = learner
    *before, last = quiz.questions
    record(db_url, learner_id, quiz, {q.id: [True] for q in before})
    at = open_page("quiz", code=code, lesson=LESSON)
    assert heading(at) == f"Question {len(quiz.questions)} of {len(quiz.questions)}"
    assert "See my result" not in buttons(at)
    at = answer(at, quiz, last, correct_answer(last))
    assert buttons(at)["See my result"] == "primary"
    at = click(at, "See my result")
    assert "you passed this quiz" in texts(at)
    kinds = buttons(at)
    assert kinds["Next lesson"] == "primary"
    assert kinds["Try the quiz again"] == kinds["Back to the course map"] == "secondary"
    at = click(at, "Next lesson")
    assert not at.exception
    assert [t.value for t in at.title] == [course.lessons["withdrawal-timeline"].title]
    assert at.query_params["lesson"] in ("withdrawal-timeline", ["withdrawal-timeline"])


@pytest.mark.parametrize(
    ("audience", "lesson", "after"),
    [
        # the last of the self-paced track leads on to the track for everyone
        ("learner", "pain-care-in-recovery", "infections-and-your-health"),
        ("learner", "your-rights-and-privacy", None),  # the last of both of a reader's tracks
        ("family", "family-grief-after-overdose", "infections-and-your-health"),
        ("family", "family-helping-without-blame", "family-safety-at-home"),
    ],
)
def test_the_result_points_along_the_learners_own_track(
    db_url: str, learner: tuple[int, str], course: Course, audience: str, lesson: str, after: str
) -> None:
    learner_id, code = learner
    store = Store(db_url)
    store.set_audience(learner_id, audience)
    quiz = course.quiz_for(course.lessons[lesson])
    assert quiz is not None
    total = len(quiz.questions)
    store.record_quiz_result(learner_id, quiz.id, total, total, True, True, datetime.now(UTC))
    at = open_page("quiz", code=code, lesson=lesson)
    kinds = buttons(at)
    assert kinds["Try the quiz again"] == "secondary"
    if after is None:
        assert "Next lesson" not in kinds and kinds["Back to the course map"] == "primary"
    else:
        assert kinds["Next lesson"] == "primary"
        assert f"Up next: **{course.lessons[after].title}**" in texts(at)


def test_a_failed_quiz_keeps_the_retry_first(
    db_url: str, learner: tuple[int, str], quiz: Quiz
) -> None:
    learner_id, code = learner
    total = len(quiz.questions)
    Store(db_url).record_quiz_result(learner_id, quiz.id, 2, total, False, True, datetime.now(UTC))
    kinds = buttons(open_page("quiz", code=code, lesson=LESSON))
    assert kinds["Try the quiz again"] == "primary" and "Next lesson" not in kinds
    assert kinds["Back to the course map"] == "secondary"


def test_passing_quiz_completes_the_lesson(
    db_url: str, learner: tuple[int, str], quiz: Quiz, course: Course
) -> None:
    learner_id, code = learner
    store = Store(db_url)
    now = datetime.now(UTC)
    for n, step in enumerate(course.lessons[LESSON].steps):
        store.visit_step(learner_id, LESSON, step.id, n, now)
        store.complete_step(learner_id, LESSON, step.id, now)
    at = finish(open_page("quiz", code=code, lesson=LESSON), quiz, all_right(quiz))
    assert "you passed this quiz" in texts(at)
    assert store.lesson_progress(learner_id)[LESSON].is_completed
    captions = [c.value for c in open_page("map", code=code).caption]
    assert sum(c.endswith("· Complete") for c in captions) == 1, captions


def test_safety_critical_question_must_be_right(
    db_url: str, learner: tuple[int, str], quiz: Quiz
) -> None:
    learner_id, code = learner
    critical = next(q for q in quiz.questions if q.safety_critical and q.kind != "ordering")
    answers = all_right(quiz)
    answers[critical.id] = wrong(critical)
    at = finish(open_page("quiz", code=code, lesson=LESSON), quiz, answers)
    assert "You passed" in texts(at)
    assert "questions about staying safe need a right answer" in texts(at)
    assert "Next lesson" not in buttons(at) and buttons(at)["Try the quiz again"] == "primary"
    result = Store(db_url).quiz_results(learner_id)[-1]
    assert result.passed and not result.safety_ok
    progress = Store(db_url).lesson_progress(learner_id).get(LESSON)
    assert progress is None or not progress.is_completed


def test_failed_quiz_can_be_retried_with_options_in_the_same_order(
    learner: tuple[int, str], quiz: Quiz
) -> None:
    code = learner[1]
    answers = all_right(quiz)
    for question in quiz.questions[:4]:
        if question.kind in ("single", "multiple", "true_false"):
            answers[question.id] = wrong(question)
    first = open_page("quiz", code=code, lesson=LESSON)
    order = first.radio(key=f"{form_key(quiz, quiz.questions[0])}-radio").options
    at = finish(first, quiz, answers)
    assert "You needed" in texts(at)
    at = click(at, "Try the quiz again")
    assert heading(at) == f"Question 1 of {len(quiz.questions)}"
    assert at.radio(key=f"{form_key(quiz, quiz.questions[0], rounds=1)}-radio").options == order


def test_a_quiz_that_asks_how_sure_keeps_the_answer_with_it(
    db_url: str, learner: tuple[int, str], quiz: Quiz
) -> None:
    assert quiz.ask_confidence, "the shipped tolerance quiz asks how sure the learner is"
    question, second = quiz.questions[:2]
    at = open_page("quiz", code=learner[1], lesson=LESSON)
    sure = at.radio(key=f"{form_key(quiz, question)}-sure")
    assert sure.label == "How sure are you?" and sure.value is None
    sure.set_value("Sure")
    at = answer(at, quiz, question, wrong(question))
    at = answer(click(at, "Next"), quiz, second, correct_answer(second))  # not said how sure
    stored = {a.question_id: a.confident for a in Store(db_url).attempts(learner[0], quiz.id)}
    assert stored == {question.id: True, second.id: None}


# --- the knowledge check ----------------------------------------------------------------------


def test_the_knowledge_check_asks_one_question_at_a_time_with_one_try(
    learner: tuple[int, str], course: Course
) -> None:
    assert course.manifest.knowledge_check is not None
    pre = course.quizzes[course.manifest.knowledge_check.pre]
    first = pre.questions[0]
    at = open_page("check", code=learner[1], when="pre")
    assert [h.value for h in at.header] == [f"Question 1 of {len(pre.questions)}"]
    assert len(at.get("form")) == 1 and "Back" not in buttons(at)
    at = answer(at, pre, first, wrong(first))
    assert not at.get("form"), "one try: settled at once"
    assert texts(at).count("Not quite") == 1 and "Hint for another try" not in texts(at)
    assert f"**Why:** {first.explanation}" in texts(at)
    assert right_answer(first) in texts(at)
    at = click(at, "Next")
    assert heading(at) == f"Question 2 of {len(pre.questions)}"
    assert has_form(at, form_key(pre, pre.questions[1]))


def test_knowledge_check_before_and_after(
    db_url: str, learner: tuple[int, str], course: Course
) -> None:
    learner_id, code = learner
    check = course.manifest.knowledge_check
    assert check is not None, "the course offers a knowledge check before and after"
    at = open_page("map", code=code)
    assert "Before you start:" in texts(at)
    at = click(at, "Skip for now")
    assert "Before you start:" not in texts(at)
    pre = course.quizzes[check.pre]
    answers = all_right(pre)
    answers[pre.questions[0].id] = wrong(pre.questions[0])
    at = finish(open_page("check", code=code, when="pre"), pre, answers)
    assert at.metric[0].value == f"{len(pre.questions) - 1} of {len(pre.questions)}"
    store = Store(db_url)
    now = datetime.now(UTC)
    for lesson in course.lessons.values():
        store.visit_step(learner_id, lesson.id, lesson.steps[0].id, 0, now)
        store.complete_lesson(learner_id, lesson.id, now)
    at = click(open_page("map", code=code), "Take the final check")
    assert [t.value for t in at.title] == ["What have you learned?"]
    # AppTest reruns the page it started on after an in-script switch_page: start afresh there.
    post = course.quizzes[check.post]
    at = finish(open_page("check", code=code, when="post"), post, all_right(post))
    after = [m for m in at.metric if m.label == "After the course"][0]
    assert after.value == f"{len(post.questions)} of {len(post.questions)}"
    assert after.delta == "1"
    progress = open_page("progress", code=code)
    assert [m.label for m in progress.metric] == ["Before the course", "After the course"]


# --- inline quick checks in a lesson ----------------------------------------------------------


def test_an_inline_check_explains_only_once_settled(
    db_url: str, learner: tuple[int, str], course: Course
) -> None:
    learner_id, code = learner
    lesson = course.lessons[LESSON].for_audience("learner")
    number, step = next((n, s) for n, s in enumerate(lesson.steps) if isinstance(s, CheckStep))
    Store(db_url).visit_step(learner_id, LESSON, step.id, number, datetime.now(UTC))
    question = step.question
    key = f"check-{LESSON}-{step.id}"
    at = fill(open_page("lesson", code=code, lesson=LESSON), key, question, wrong(question))
    assert texts(at).count("Not quite") == 1
    assert f"**Hint for another try:** {question.hint}" in texts(at)
    assert "**Why:**" not in texts(at)
    assert [b.label for b in at.button if b.key == f"{key}-submit"] == ["Try again"]
    at = fill(at, key, question, wrong(question))
    assert not has_form(at, key)
    assert texts(at).count("Not quite") == 1 and "Hint for another try" not in texts(at)
    assert f"**Why:** {question.explanation}" in texts(at)
    assert right_answer(question) in texts(at)


def test_an_inline_check_answered_right_explains_at_once(
    db_url: str, learner: tuple[int, str], course: Course
) -> None:
    learner_id, code = learner
    lesson = course.lessons[LESSON].for_audience("learner")
    number, step = next((n, s) for n, s in enumerate(lesson.steps) if isinstance(s, CheckStep))
    Store(db_url).visit_step(learner_id, LESSON, step.id, number, datetime.now(UTC))
    key = f"check-{LESSON}-{step.id}"
    right = correct_answer(step.question)
    at = fill(open_page("lesson", code=code, lesson=LESSON), key, step.question, right)
    assert at.success[0].value.startswith("**That's right.**")
    assert f"**Why:** {step.question.explanation}" in texts(at)
    assert not has_form(at, key)


# --- the right answer in words ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (SINGLE, "**The right answer:** It drops"),
        (MULTIPLE, "**The right answers:**\n\n- Slow breathing\n- Pinpoint pupils"),
        (TRUE_FALSE_NO, "**The right answer:** False"),
        (
            ORDERING,
            "**The right order:**\n\n1. Call for help\n2. Give naloxone\n3. Rescue breathing",
        ),
        (
            MATCHING,
            "**The right matches:**\n\n- Naloxone → Reverses an overdose\n"
            "- Buprenorphine → Partial agonist\n- Naltrexone → Blocker, taken after withdrawal",
        ),
    ],
)
def test_right_answer_in_the_contents_words(question: AnyQuestion, expected: str) -> None:
    assert right_answer(question) == expected
    assert grade_answer(question, correct_answer(question)).is_correct


# --- ordering questions with more than one right order --------------------------------------


def test_the_overdose_steps_with_naloxone_first_are_right(
    learner: tuple[int, str], course: Course
) -> None:
    """The naloxone package's order (spray first, then 911) is graded right, not only 911 first."""
    lesson_id = "drug-supply-and-overdose"
    quiz = course.quiz_for(course.lessons[lesson_id])
    assert quiz is not None
    question = quiz.questions[0]
    assert isinstance(question, Ordering) and question.id == "overdose-steps-order"
    naloxone_first = next(o for o in question.also_correct if o[0] == "give-naloxone")
    at = answer(
        open_page("quiz", code=learner[1], lesson=lesson_id), quiz, question, naloxone_first
    )
    assert at.success[0].value.startswith("**That's right.**")
    assert "Not quite" not in texts(at)


def test_the_right_order_says_which_steps_may_swap() -> None:
    question = ORDERING.model_copy(update={"also_correct": [["b", "a", "c"]]})
    assert right_answer(question) == (
        "**The right order:**\n\n1. Call for help\n2. Give naloxone\n3. Rescue breathing\n\n"
        "**Also right:** steps 1 and 2 in either order (Call for help / Give naloxone)."
    )
    further = ORDERING.model_copy(update={"also_correct": [["c", "a", "b"]]})
    assert right_answer(further).endswith(
        "**This order is also right:**\n\n1. Rescue breathing\n2. Call for help\n3. Give naloxone"
    )
