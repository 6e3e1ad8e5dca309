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
from course.store import Store
from course.store.limits import LEARNER_CODES

LESSON = "tolerance-dependence-addiction"


def _steps() -> list[str]:
    """The lesson's step ids as a person in recovery sees them."""
    course = load_course(REPO_ROOT).course
    assert course is not None
    return [step.id for step in course.lessons[LESSON].for_audience("learner").steps]


STEPS = _steps()


@pytest.fixture
def learner(db_url: str) -> tuple[int, str]:
    return Store(db_url).create_learner(datetime.now(UTC))


def texts(at: AppTest) -> str:
    parts = (
        [m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success]
    )
    parts += (
        [w.value for w in at.warning] + [i.value for i in at.info] + [c.value for c in at.caption]
    )
    return "\n".join(str(p) for p in parts)


def first_lesson_title(audience: str) -> str:
    """The title of the first lesson of the track meant for this audience, from course.yaml."""
    course = load_course(REPO_ROOT).course
    assert course is not None
    track = next(t for t in course.manifest.tracks if t.audience == audience)
    return course.track_lessons(track)[0].title


def test_start_shows_a_new_code_once_then_opens_lesson_one(db_url: str) -> None:
    at = click(open_page(), "Start the course")
    assert not at.exception
    code = at.code[0].value
    assert "code" not in at.query_params, "the code stays out of the address by default"
    assert Store(db_url).find_learner(code) is not None
    at = click(at, "I've written it down")
    assert not at.exception
    assert [t.value for t in at.title] == [first_lesson_title("learner")]
    assert at.get("progress")[0].proto.text.startswith("Step 1 of ")
    assert not at.code, "the code is shown once, not on every page"
    assert "code" not in at.query_params


def test_family_members_start_with_the_family_track(db_url: str) -> None:
    at = open_page()
    at.radio(key="audience_new").set_value("family")
    at = click(click(at.run(), "Start the course"), "I've written it down")
    assert [t.value for t in at.title] == [first_lesson_title("family")]


def test_the_code_goes_in_the_address_only_when_asked(db_url: str) -> None:
    at = open_page()
    at.checkbox(key="shared_new").check()
    at = click(at.run(), "Start the course")
    code = at.code[0].value
    assert "code" not in at.query_params
    at.checkbox(key="bookmark_new").check()
    at = at.run()
    assert at.query_params["code"] in (code, [code])
    at = click(at, "I've written it down")
    assert at.query_params["code"] in (code, [code]), "kept while moving between pages"


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
    for _ in range(LEARNER_CODES.per_client.count):
        at.text_input[0].input("maple-river-candle-0000")
        at = click(at, "Continue")
        assert "We could not find that code" in texts(at)
    at.text_input[0].input(learner[1])
    at = click(at, "Continue")
    assert "Too many tries from this device or network. Please wait" in texts(at)
    assert [t.value for t in at.title] != ["Course map"]


def test_a_link_with_the_code_works_once_then_leaves_the_address(
    learner: tuple[int, str],
) -> None:
    at = open_page("map", code=learner[1])
    assert [t.value for t in at.title] == ["Course map"]
    at = at.run()  # the page's own script took it out of the address; Python follows now
    assert "code" not in at.query_params
    assert [t.value for t in at.title] == ["Course map"]
    bad = open_page("map", code="maple-river-candle-0000")
    assert "We could not find that code" in texts(bad)
    assert "Start the course or enter your code" in texts(bad)
    assert "code" not in bad.run().query_params


def test_lesson_steps_back_next_and_resume(db_url: str, learner: tuple[int, str]) -> None:
    learner_id, code = learner
    at = open_page("lesson", code=code, lesson=LESSON)
    assert at.get("progress")[0].proto.text == f"Step 1 of {len(STEPS)}"
    at = click(click(click(at, "Next"), "Next"), "Back")
    assert at.get("progress")[0].proto.text == f"Step 2 of {len(STEPS)}"
    again = open_page("lesson", code=code, lesson=LESSON)  # a refresh: a brand new session
    assert again.get("progress")[0].proto.text == f"Step 2 of {len(STEPS)}"
    progress = Store(db_url).lesson_progress(learner_id)[LESSON]
    assert progress.current_step_id == "compare-three"
    assert progress.steps_completed == {"three-different-things", "compare-three"}


def test_every_step_kind_renders(learner: tuple[int, str]) -> None:
    at = open_page("lesson", code=learner[1], lesson=LESSON)
    seen = []
    for _ in range(len(STEPS)):
        assert not at.exception
        seen.append(at.header[0].value if at.header else "")
        if "Next" not in [b.label for b in at.button]:
            break
        at = click(at, "Next")
    assert "Side by side" in seen and "Myth or fact?" in seen
    assert "Go to the quiz" in [b.label for b in at.button]


def test_myth_card_turns_over(learner: tuple[int, str]) -> None:
    at = open_page("lesson", code=learner[1], lesson=LESSON)
    for _ in range(STEPS.index("myths-and-facts")):
        at = click(at, "Next")
    assert at.header[0].value == "Myth or fact?"
    before = texts(at)
    at = [b for b in at.button if b.label == "Turn over to see the facts"][0].click().run()
    assert "**Fact:**" in texts(at) and "**Fact:**" not in before


def test_reflection_is_saved_privately(db_url: str, learner: tuple[int, str]) -> None:
    learner_id, code = learner
    store = Store(db_url)
    store.visit_step(
        learner_id,
        LESSON,
        "private-reflection",
        STEPS.index("private-reflection"),
        datetime.now(UTC),
    )
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
    assert not at.exception
    assert "All your data was deleted" in texts(at)
    assert [b.label for b in at.button if b.label == "Start the course"]
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
    shutil.copy(REPO_ROOT / "bibliography.yaml", root / "bibliography.yaml")
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
        for where in (at.sidebar, at.main):
            shown = "\n".join(e.proto.body for e in where.get("html"))
            assert "988 Suicide &amp; Crisis Lifeline" in shown and "SAMHSA" in shown, page
            assert '<a class="help-tap" href="tel:911">Call 911</a>' in shown, page
            assert '<a class="help-tap" href="tel:988">Call 988</a>' in shown, page
            assert '<a class="help-tap" href="sms:988">Text 988</a>' in shown, page
            assert '<a class="help-tap" href="tel:18006624357">Call helpline</a>' in shown
        assert "Quick exit" in [b.label for b in at.sidebar.button], page
        assert "education, not medical advice" in sidebar


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
            total = len(course.quizzes[lesson.quiz].questions)
            assert [h.value for h in at.header] == [f"Question 1 of {total}"], lesson.id
            assert len(at.get("form")) == 1, "one question at a time"
    every = sum(len(lesson.steps) for lesson in course.lessons.values())
    assert every > shown["learner"] and every > shown["family"], "some steps are for one reader"
