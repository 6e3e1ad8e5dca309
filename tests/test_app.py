"""The learner app, page by page, with AppTest (no browser) on a real SQLite store."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import streamlit as st
from apptest_kit import click, open_page
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from course.loader import REPO_ROOT, load_course
from course.model import AnyQuestion, Matching, MultipleChoice, Ordering, Quiz, TrueFalse
from course.scoring import correct_answer
from course.store import Store

LESSON = "tolerance-dependence-addiction"


@pytest.fixture
def learner(db_url: str) -> tuple[int, str]:
    return Store(db_url).create_learner(datetime.now(UTC))


@pytest.fixture
def quiz() -> Quiz:
    course = load_course(REPO_ROOT).course
    assert course is not None
    found = course.quiz_for(course.lessons[LESSON])
    assert found is not None
    return found


def texts(at: AppTest) -> str:
    parts = (
        [m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success]
    )
    parts += (
        [w.value for w in at.warning] + [i.value for i in at.info] + [c.value for c in at.caption]
    )
    return "\n".join(str(p) for p in parts)


def test_start_shows_a_new_code_once_and_puts_it_in_the_url(db_url: str) -> None:
    at = click(open_page(), "Start the course")
    assert not at.exception
    code = at.code[0].value
    assert at.query_params["code"] == [code] or at.query_params["code"] == code
    assert Store(db_url).find_learner(code) is not None
    at = click(at, "I've saved my code. Go to the course")
    assert [t.value for t in at.title] == ["Course map"]
    assert not at.code, "the code is shown once, not on every page"


def test_shared_device_keeps_the_code_out_of_the_url(db_url: str) -> None:
    at = open_page()
    at.checkbox(key="shared_new").check()
    at = click(at.run(), "Start the course")
    assert at.code[0].value
    assert "code" not in at.query_params


def test_continue_with_a_code(learner: tuple[int, str]) -> None:
    _, code = learner
    at = open_page()
    at.text_input[0].input(code.upper().replace("-", " "))
    at = click(at, "Continue")
    assert not at.exception
    assert [t.value for t in at.title] == ["Course map"]
    assert "Not started" in texts(at)


def test_wrong_code_is_refused_and_then_throttled(learner: tuple[int, str]) -> None:
    at = open_page()
    for _ in range(5):
        at.text_input[0].input("maple-river-candle-0000")
        at = click(at, "Continue")
        assert "We could not find that code" in texts(at)
    at.text_input[0].input(learner[1])
    at = click(at, "Continue")
    assert "Too many tries. Please wait" in texts(at)
    assert [t.value for t in at.title] != ["Course map"]


def test_code_in_the_url_resumes_after_a_refresh(learner: tuple[int, str]) -> None:
    at = open_page("map", code=learner[1])
    assert [t.value for t in at.title] == ["Course map"]
    bad = open_page("map", code="maple-river-candle-0000")
    assert "We could not find that code" in texts(bad)
    assert "Start the course or enter your code" in texts(bad)
    assert "code" not in bad.query_params


def test_lesson_steps_back_next_and_resume(db_url: str, learner: tuple[int, str]) -> None:
    learner_id, code = learner
    at = open_page("lesson", code=code, lesson=LESSON)
    assert at.get("progress")[0].proto.text == "Step 1 of 11"
    at = click(click(click(at, "Next"), "Next"), "Back")
    assert at.get("progress")[0].proto.text == "Step 2 of 11"
    again = open_page("lesson", code=code, lesson=LESSON)  # a refresh: a brand new session
    assert again.get("progress")[0].proto.text == "Step 2 of 11"
    progress = Store(db_url).lesson_progress(learner_id)[LESSON]
    assert progress.current_step_id == "compare-three"
    assert progress.steps_completed == {"three-different-things", "compare-three"}


def test_every_step_kind_renders(learner: tuple[int, str]) -> None:
    at = open_page("lesson", code=learner[1], lesson=LESSON)
    seen = []
    for _ in range(11):
        assert not at.exception
        seen.append(at.header[0].value if at.header else "")
        if "Next" not in [b.label for b in at.button]:
            break
        at = click(at, "Next")
    assert "Side by side" in seen and "Myth or fact?" in seen
    assert "Go to the quiz" in [b.label for b in at.button]


def test_myth_card_turns_over(learner: tuple[int, str]) -> None:
    at = open_page("lesson", code=learner[1], lesson=LESSON)
    for _ in range(8):
        at = click(at, "Next")
    assert at.header[0].value == "Myth or fact?"
    before = texts(at)
    at = [b for b in at.button if b.label == "Turn over to see the facts"][0].click().run()
    assert "**Fact:**" in texts(at) and "**Fact:**" not in before


def answer(
    at: AppTest, quiz: Quiz, question: AnyQuestion, value: object, tries: int = 0
) -> AppTest:
    key = f"quiz-{quiz.id}-{question.id}-0-{tries}"
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


def wrong(question: AnyQuestion) -> object:
    right = correct_answer(question)
    if isinstance(question, TrueFalse):
        return not right
    if isinstance(question, Ordering | Matching):
        raise AssertionError("use choice questions for wrong answers")
    if isinstance(question, MultipleChoice):
        return [o.id for o in question.options if not o.correct][:1]
    return next(o.id for o in question.options if not o.correct)  # type: ignore[union-attr]


def test_quiz_wrong_answer_shows_its_own_feedback_and_a_hint(
    learner: tuple[int, str], quiz: Quiz
) -> None:
    question = quiz.questions[0]
    assert question.kind == "single"
    choice = wrong(question)
    at = answer(open_page("quiz", code=learner[1], lesson=LESSON), quiz, question, choice)
    chosen = next(o for o in question.options if o.id == choice)  # type: ignore[union-attr]
    assert "**Not quite.**" in at.error[0].value
    assert chosen.feedback.strip() in at.error[0].value
    assert question.explanation.strip() in texts(at)
    assert f"**Hint for another try:** {question.hint}" in texts(at)
    at = answer(at, quiz, question, correct_answer(question), tries=1)
    right = next(o for o in question.options if o.correct)  # type: ignore[union-attr]
    assert "**That's right.**" in at.success[0].value
    assert right.feedback.strip() in at.success[0].value


def finish(at: AppTest, quiz: Quiz, answers: dict[str, object]) -> AppTest:
    for question in quiz.questions:
        at = answer(at, quiz, question, answers[question.id])
        assert not at.exception
    return click(at, "See my result")


def test_passing_quiz_completes_the_lesson(
    db_url: str, learner: tuple[int, str], quiz: Quiz
) -> None:
    learner_id, code = learner
    store = Store(db_url)
    now = datetime.now(UTC)
    course = load_course(REPO_ROOT).course
    assert course is not None
    for n, step in enumerate(course.lessons[LESSON].steps):
        store.visit_step(learner_id, LESSON, step.id, n, now)
        store.complete_step(learner_id, LESSON, step.id, now)
    at = finish(
        open_page("quiz", code=code, lesson=LESSON),
        quiz,
        {q.id: correct_answer(q) for q in quiz.questions},
    )
    assert "you passed this quiz" in texts(at)
    assert store.lesson_progress(learner_id)[LESSON].is_completed
    captions = [c.value for c in open_page("map", code=code).caption]
    assert sum(c.endswith("· Complete") for c in captions) == 1, captions


def test_safety_critical_question_must_be_right(
    db_url: str, learner: tuple[int, str], quiz: Quiz
) -> None:
    learner_id, code = learner
    critical = next(q for q in quiz.questions if q.safety_critical and q.kind != "ordering")
    answers = {q.id: correct_answer(q) for q in quiz.questions}
    answers[critical.id] = wrong(critical)
    at = finish(open_page("quiz", code=code, lesson=LESSON), quiz, answers)
    assert "You passed" in texts(at)
    assert "questions about staying safe need a right answer" in texts(at)
    result = Store(db_url).quiz_results(learner_id)[-1]
    assert result.passed and not result.safety_ok
    progress = Store(db_url).lesson_progress(learner_id).get(LESSON)
    assert progress is None or not progress.is_completed


def test_failed_quiz_can_be_retried_with_options_in_the_same_order(
    learner: tuple[int, str], quiz: Quiz
) -> None:
    code = learner[1]
    answers = {q.id: correct_answer(q) for q in quiz.questions}
    for question in quiz.questions[:4]:
        if question.kind in ("single", "multiple", "true_false"):
            answers[question.id] = wrong(question)
    first = open_page("quiz", code=code, lesson=LESSON)
    order = first.radio(key=f"quiz-{quiz.id}-{quiz.questions[0].id}-0-0-radio").options
    at = finish(first, quiz, answers)
    assert "You needed" in texts(at)
    at = click(at, "Try the quiz again")
    assert at.radio(key=f"quiz-{quiz.id}-{quiz.questions[0].id}-1-0-radio").options == order


def test_reflection_is_saved_privately(db_url: str, learner: tuple[int, str]) -> None:
    learner_id, code = learner
    store = Store(db_url)
    store.visit_step(learner_id, LESSON, "private-reflection", 9, datetime.now(UTC))
    at = open_page("lesson", code=code, lesson=LESSON)
    at.text_area[0].input("I want to keep naloxone at home.")
    at = [b for b in at.button if b.label == "Save my notes"][0].click().run()
    assert "Saved. Only you can see this." in texts(at)
    assert store.reflections(learner_id) == {
        (LESSON, "private-reflection"): "I want to keep naloxone at home."
    }


def test_export_and_delete(
    db_url: str, learner: tuple[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    learner_id, code = learner
    store = Store(db_url)
    store.visit_step(learner_id, LESSON, "three-different-things", 0, datetime.now(UTC))
    store.save_reflection(learner_id, LESSON, "private-reflection", "note", datetime.now(UTC))
    downloads: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self: MemoryMediaFileStorage, data: bytes | str, *args: object, **kw: object) -> str:
        downloads.append(data if isinstance(data, bytes) else data.encode())
        return original(self, data, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    at = open_page("progress", code=code)
    assert not at.exception
    assert at.get("download_button")[0].proto.label == "Download my data (JSON)"
    exported = json.loads(downloads[-1])
    assert exported == json.loads(json.dumps(store.export_learner(learner_id)))
    assert exported["reflections"][0]["text"] == "note"
    assert code not in downloads[-1].decode()
    at.checkbox[0].check()
    at = click(at.run(), "Delete everything")
    assert store.find_learner(code) is None
    assert store.lesson_progress(learner_id) == {}
    assert store.reflections(learner_id) == {}
    assert "code" not in at.query_params


def test_broken_lesson_is_listed_for_authors_and_the_rest_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    root = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "lessons", root / "lessons")
    shutil.copytree(REPO_ROOT / "quizzes", root / "quizzes")
    broken = root / "lessons" / "broken.yaml"
    broken.write_text("schema_version: 1\nid: broken\ntitle: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("COURSE_ROOT", str(root))
    st.cache_resource.clear()
    at = open_page("about")
    assert not at.exception
    assert "lessons/broken.yaml:4: YAML syntax error" in at.code[0].value
    _, code = Store(db_url).create_learner(datetime.now(UTC))
    assert "Tolerance, dependence and addiction" in [
        s.value for s in open_page("map", code=code).subheader
    ]


def test_every_page_shows_crisis_resources_and_quick_exit(learner: tuple[int, str]) -> None:
    for page in ("home", "map", "lesson", "quiz", "progress", "about"):
        at = open_page(page, code=learner[1], lesson=LESSON)
        assert not at.exception, page
        sidebar = "\n".join(str(m.value) for m in at.sidebar.markdown)
        assert "Call 911" in sidebar and "988" in sidebar and "1-800-662-4357" in sidebar, page
        assert "Quick exit" in [b.label for b in at.sidebar.button], page
        assert "education, not medical advice" in "\n".join(c.value for c in at.sidebar.caption)


def test_quick_exit_forgets_the_learner(learner: tuple[int, str]) -> None:
    at = open_page("map", code=learner[1])
    at = at.sidebar.button[0].click().run()
    assert "code" not in at.query_params
    assert "learner" not in at.session_state


def test_every_lesson_step_and_every_quiz_renders(db_url: str, learner: tuple[int, str]) -> None:
    learner_id, code = learner
    store = Store(db_url)
    course = load_course(REPO_ROOT).course
    assert course is not None
    shown = {"learner": 0, "family": 0}
    for whole in course.lessons.values():
        for audience in ("learner", "family"):  # each reader sees the steps meant for them
            store.set_audience(learner_id, audience)
            lesson = whole.for_audience(audience)
            shown[audience] += len(lesson.steps)
            for n, step in enumerate(lesson.steps):
                store.visit_step(learner_id, lesson.id, step.id, n, datetime.now(UTC))
                at = open_page("lesson", code=code, lesson=lesson.id)
                assert not at.exception, (lesson.id, step.id, at.exception)
                progress = at.get("progress")[0].proto.text
                assert progress == f"Step {n + 1} of {len(lesson.steps)}", (audience, step.id)
        if lesson.quiz:
            at = open_page("quiz", code=code, lesson=lesson.id)
            assert not at.exception, (lesson.id, at.exception)
            assert len(at.get("form")) == len(course.quizzes[lesson.quiz].questions)
    every = sum(len(lesson.steps) for lesson in course.lessons.values())
    assert every > shown["learner"] and every > shown["family"], "some steps are for one reader"


def test_knowledge_check_before_and_after(db_url: str, learner: tuple[int, str]) -> None:
    learner_id, code = learner
    course = load_course(REPO_ROOT).course
    assert course is not None
    check = course.manifest.knowledge_check
    assert check is not None, "the course offers a knowledge check before and after"
    at = open_page("map", code=code)
    assert "Before you start:" in texts(at)
    at = click(at, "Skip for now")
    assert "Before you start:" not in texts(at)
    pre = course.quizzes[check.pre]
    at = open_page("check", code=code, when="pre")
    assert not at.exception
    answers = {q.id: correct_answer(q) for q in pre.questions}
    answers[pre.questions[0].id] = wrong(pre.questions[0])
    for question in pre.questions:
        at = answer(at, pre, question, answers[question.id])
        assert not at.exception
    assert "Hint for another try" not in texts(at), "a knowledge check has one try"
    at = click(at, "See my result")
    assert at.metric[0].value == f"{len(pre.questions) - 1} of {len(pre.questions)}"
    store = Store(db_url)
    now = datetime.now(UTC)
    for lesson in course.lessons.values():
        store.visit_step(learner_id, lesson.id, lesson.steps[0].id, 0, now)
        store.complete_lesson(learner_id, lesson.id, now)
    at = click(open_page("map", code=code), "Take the final check")
    assert [t.value for t in at.title] == ["What have you learned?"]
    # AppTest reruns the page it started on after an in-script switch_page: start afresh there.
    at = open_page("check", code=code, when="post")
    post = course.quizzes[check.post]
    for question in post.questions:
        at = answer(at, post, question, correct_answer(question))
    at = click(at, "See my result")
    after = [m for m in at.metric if m.label == "After the course"][0]
    assert after.value == f"{len(post.questions)} of {len(post.questions)}"
    assert after.delta == "1"
    progress = open_page("progress", code=code)
    assert [m.label for m in progress.metric] == ["Before the course", "After the course"]


def test_a_quiz_that_asks_how_sure_keeps_the_answer_with_it(
    db_url: str, learner: tuple[int, str], quiz: Quiz
) -> None:
    assert quiz.ask_confidence, "the shipped tolerance quiz asks how sure the learner is"
    question = quiz.questions[0]
    at = open_page("quiz", code=learner[1], lesson=LESSON)
    key = f"quiz-{quiz.id}-{question.id}-0-0"
    sure = at.radio(key=f"{key}-sure")
    assert sure.label == "How sure are you?" and sure.value is None
    sure.set_value("Sure")
    at = answer(at, quiz, question, wrong(question))
    assert not at.exception
    second = quiz.questions[1]
    at = answer(at, quiz, second, correct_answer(second))  # confidence left unanswered
    stored = {a.question_id: a.confident for a in Store(db_url).attempts(learner[0], quiz.id)}
    assert stored == {question.id: True, second.id: None}
