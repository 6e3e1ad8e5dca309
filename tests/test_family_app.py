"""Family pages through AppTest on real SQLite: audience, family sessions, the support plan."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from apptest_kit import click, open_page
from sqlalchemy import func, select
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from course.loader import REPO_ROOT, load_course
from course.scoring import correct_answer
from course.store import Plans, Sessions, Store, read
from course.store.limits import FAMILY_STARTS
from course.store.schema import group_sessions, support_plans

OVERDOSE = "family-overdose-be-ready"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Collect what download buttons hand to the browser (eager data only)."""
    kept: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self: MemoryMediaFileStorage, data: bytes | str, *args: object, **kw: object) -> str:
        kept.append(data if isinstance(data, bytes) else data.encode())
        return original(self, data, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return kept


def words(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [s.value for s in at.success]
    parts += [i.value for i in at.info] + [h.value for h in [*at.header, *at.subheader, *at.title]]
    return "\n".join(str(p) for p in parts)


def plan_rows(db_url: str) -> int:
    with read(Store(db_url).engine) as conn:
        return int(conn.scalar(select(func.count()).select_from(support_plans)) or 0)


def test_a_family_member_sees_the_family_track_first_and_family_steps(db_url: str) -> None:
    at = open_page("home")
    at.radio(key="audience_new").set_value("family")
    at = click(at.run(), "Start the course")
    code = at.code[0].value
    learner_id = Store(db_url).find_learner(code)
    assert learner_id is not None and Store(db_url).audience_of(learner_id) == "family"
    at = open_page("map", code=code)
    headers = [h.value for h in at.header]
    assert headers[0] == "For families and friends", headers
    course = load_course(REPO_ROOT).course
    assert course is not None
    first = course.lessons["family-what-your-loved-one-is-going-through"].title
    assert f"Start: {first}" in [b.label for b in at.button]
    # A shared lesson shows a family member the family tip, and a learner their own reflection.
    lesson = course.lessons["medications-for-oud"]
    family_ids = [s.id for s in lesson.for_audience("family").steps]
    learner_ids = [s.id for s in lesson.for_audience("learner").steps]
    assert "family-support-on-medication" in family_ids
    assert "family-support-on-medication" not in learner_ids
    assert "private-reflection" in learner_ids and "private-reflection" not in family_ids
    at.segmented_control(key="audience_choice").set_value("learner")
    at = at.run()
    assert Store(db_url).audience_of(learner_id) == "learner"
    at = open_page("map", code=code)
    assert [h.value for h in at.header][0] == "Learn at your own pace"


def test_a_family_session_on_one_shared_screen(db_url: str) -> None:
    at = open_page("family")
    at.selectbox[0].set_value(OVERDOSE)
    at.radio[0].set_value("screen")
    at = click(at, "Start the family session")
    assert not at.exception
    course = load_course(REPO_ROOT).course
    assert course is not None
    lesson = course.lessons[OVERDOSE]
    assert "Step 1 of" in at.get("progress")[0].proto.text
    assert "Join code" not in words(at), "a shared screen needs no join code"
    at = click(at, "Next")
    assert f"Step 2 of {len(lesson.steps)}" in at.get("progress")[0].proto.text
    (room,) = [s for s in Sessions(Store(db_url).engine).sessions_of(1)]
    assert (room.kind, room.step_id, room.min_group_size) == ("family", lesson.steps[1].id, 2)
    talk = next(i for i, s in enumerate(lesson.steps) if s.kind == "discussion")
    for _ in range(talk - 1):
        at = click(at, "Next")
    assert "Tips for leading this talk" in [e.label for e in at.expander]
    assert "Printable handout" in [b.label for b in at.get("download_button")]
    at = click(at, "End session")
    assert "This family session has ended" in words(at)


def test_a_family_session_with_two_phones(db_url: str) -> None:
    host = open_page("family")
    host.selectbox[0].set_value(OVERDOSE)
    host.radio[0].set_value("phones")
    host = click(host, "Start the family session")
    sessions = Sessions(Store(db_url).engine)
    (room,) = sessions.sessions_of(1)
    assert f"Join code: {room.join_code[:3]} {room.join_code[3:]}" in words(host)
    phones = []
    for name in ("Mom", ""):
        phone = open_page("join", room=room.join_code)
        phone.text_input[1].input(name)
        phone = click(phone, "Join")
        assert "participant_token" in phone.session_state
        phones.append(phone)
    host = host.run()
    assert [m.value for m in host.metric if m.label == "People joined"] == ["2"]
    course = load_course(REPO_ROOT).course
    assert course is not None
    quiz = course.quiz_for(course.lessons[OVERDOSE])
    assert quiz is not None
    question = next(q for q in quiz.questions if q.kind == "single")
    host.selectbox[0].set_value(f"quiz:{question.id}")
    host = click(host, "Open question")
    for phone in phones:
        phone = phone.run()
        key = f"room-{room.id}-quiz:{question.id}"
        phone.radio(key=f"{key}-radio").set_value(correct_answer(question))
        phone = phone.button(key=f"{key}-submit").click().run()
        assert "Your answer is in." in phone.success[0].value
    host = host.run()
    assert [m.value for m in host.metric if m.label == "Answers so far"] == ["2"]
    assert not host.get("plotly_chart"), "nothing shows on the shared screen before reveal"
    host = click(host, "Reveal results")
    assert host.get("plotly_chart"), "two answers are enough in a family session"


def test_starting_family_sessions_is_limited_per_client(db_url: str) -> None:
    allowed = FAMILY_STARTS.per_client.count
    at = open_page("family")
    for n in range(allowed + 1):
        at.radio[0].set_value("screen")
        at = click(at, "Start the family session")
        if n < allowed:
            assert not at.error, at.error
            at.session_state["family_host"] = None  # as if ended: back to the start form
            at = at.run()
    assert "Please wait" in at.error[0].value
    # A new browser session of the same client (a reconnect) is the same client.
    again = open_page("family")
    again.radio[0].set_value("screen")
    again = click(again, "Start the family session")
    assert "Please wait" in again.error[0].value
    with read(Store(db_url).engine) as conn:
        started = conn.scalar(select(func.count()).select_from(group_sessions))
    assert started == allowed, "the refused starts made no session"


def test_a_plan_not_saved_leaves_nothing_in_the_database(
    db_url: str, downloads: list[bytes]
) -> None:
    at = open_page("plan")
    at.text_area(key="plan-naloxone").input("Top drawer, <b>blue</b> box")
    at.text_area(key="plan-who_to_call").input("Aunt Rosa =555-0100")
    at = click(at, "Make our plan")
    assert not at.exception
    assert "Nothing is saved" in words(at)
    printable = downloads[-1].decode()
    assert "Top drawer, &lt;b&gt;blue&lt;/b&gt; box" in printable
    assert "Aunt Rosa =555-0100" in printable and "988" in printable
    assert plan_rows(db_url) == 0


def test_a_saved_plan_comes_back_under_the_code_and_can_be_deleted(db_url: str) -> None:
    learner_id, code = Store(db_url).create_learner(datetime.now(UTC))
    at = open_page("plan", code=code)
    at.text_area(key="plan-warning_signs").input("Skips meals")
    at = click(at, "Make our plan")
    assert plan_rows(db_url) == 0, "making the plan alone saves nothing"
    at = click(at, "Save the plan under my code")
    assert Plans(Store(db_url).engine).get(learner_id) == {"warning_signs": "Skips meals"}
    again = open_page("plan", code=code)
    assert again.text_area(key="plan-warning_signs").value == "Skips meals"
    again = click(again, "Delete the saved plan")
    assert plan_rows(db_url) == 0
