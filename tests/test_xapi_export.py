"""A cohort's xAPI export from a real store (SQLite and PostgreSQL): pseudonyms and streaming."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from course.loader import REPO_ROOT, load_course
from course.model import Course
from course.store import Cohorts, Facilitators, Store
from course.store.limits import Limits
from course.store.reports import Reports
from course.store.schema import app_secrets
from course.xapi import (
    AnswerRecord,
    CompletionRecord,
    QuizRecord,
    Scope,
    Statement,
    statement_id,
    statements,
    validate_statement,
)
from course.xapi_export import (
    HOME_PAGE_ENV,
    cohort_statements,
    gzipped,
    home_page,
    json_chunks,
    pseudonyms,
)

BASE = "https://course.example.org"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TDA = "tolerance-dependence-addiction-quiz"
MH = "mental-health-and-recovery-quiz"


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(REPO_ROOT).course
    assert loaded is not None
    return loaded


@dataclass(frozen=True)
class Setup:
    url: str
    store: Store
    cohort_a: int
    cohort_b: int
    learners: dict[str, tuple[int, str]]  # name -> (id, code)


@pytest.fixture
def setup(store_url: str) -> Iterator[Setup]:
    """Two cohorts: "both" is in A and B, "only_a" in A, "only_b" in B; each did some work."""
    store = Store(store_url)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", T0)
    cohorts = Cohorts(store.engine)
    a, b = cohorts.create(lead, "Tuesday", T0), cohorts.create(lead, "Thursday", T0)
    learners = {name: store.create_learner(T0) for name in ("both", "only_a", "only_b")}
    for name, joined in (("both", (a, b)), ("only_a", (a,)), ("only_b", (b,))):
        for cohort in joined:
            cohorts.join(learners[name][0], cohort.code, T0)
    for n, (learner, _) in enumerate(learners.values()):
        work(store, learner, T0 + timedelta(minutes=10 * n))
    yield Setup(store_url, store, a.id, b.id, learners)
    store.close()


def work(store: Store, learner: int, t: datetime) -> None:
    """Record answers of every question kind, a completed lesson and a quiz result."""
    store.record_answer(learner, MH, "treat-later", True, False, t)
    store.record_answer(learner, MH, "treat-later", False, True, t + timedelta(minutes=1))
    store.record_answer(learner, MH, "about-988", ["call-text"], False, t + timedelta(minutes=2))
    store.record_answer(learner, TDA, "match-terms", {"tolerance": "tolerance"}, False, t)
    store.visit_step(learner, "how-opioids-affect-the-brain", "opioid-receptors", 0, t)
    store.complete_lesson(learner, "how-opioids-affect-the-brain", t + timedelta(minutes=3))
    store.record_quiz_result(learner, MH, 3, 4, True, True, t + timedelta(minutes=4))


def export(s: Setup, course: Course, cohort: int, store: Store | None = None) -> list[Statement]:
    """Return the cohort's export as the counselor gets it: gzip-compressed JSON, parsed."""
    engine = (store or s.store).engine
    found = cohort_statements(
        Reports(engine, cohort), Limits(engine), course.quizzes, base=BASE, home_page=BASE
    )
    return json.loads(gzip.decompress(gzipped(json_chunks(found))))


def actor_names(found: list[Statement]) -> set[str]:
    return {s["actor"]["account"]["name"] for s in found}  # type: ignore[index]


def keyed_hash(s: Setup, cohort: int, learner: int) -> str:
    """Compute the expected name by hand: HMAC-SHA256 under the app's key, 128 bits, base64url."""
    with s.store.engine.connect() as conn:
        key = conn.scalar(select(app_secrets.c.value).where(app_secrets.c.name == "client-key"))
    text = f"proof|xapi-actor|{cohort}|{learner}".encode()
    digest = hmac.new(key.encode(), text, hashlib.sha256).digest()[:16]
    name = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return "~" + name[1:] if name.startswith("-") else name  # "-" would be escaped in a CSV


# --- the actor ---------------------------------------------------------------------------


def test_the_actor_is_a_keyed_hash_of_cohort_and_learner(setup: Setup, course: Course) -> None:
    found = export(setup, course, setup.cohort_a)
    both, only_a = setup.learners["both"][0], setup.learners["only_a"][0]
    expected = {keyed_hash(setup, setup.cohort_a, both), keyed_hash(setup, setup.cohort_a, only_a)}
    assert actor_names(found) == expected
    assert all(len(name) == 22 for name in expected)
    assert {s["actor"]["account"]["homePage"] for s in found} == {BASE}  # type: ignore[index]


def test_one_learner_has_another_name_in_each_cohort(setup: Setup, course: Course) -> None:
    learner = setup.learners["both"][0]
    in_a = keyed_hash(setup, setup.cohort_a, learner)
    in_b = keyed_hash(setup, setup.cohort_b, learner)
    assert in_a != in_b
    a, b = export(setup, course, setup.cohort_a), export(setup, course, setup.cohort_b)
    assert in_a in actor_names(a) and in_b in actor_names(b)
    assert not actor_names(a) & actor_names(b)
    # The same work of the same person, but nothing in the two exports is the same statement.
    assert not {s["id"] for s in a} & {s["id"] for s in b}


def test_names_and_ids_stay_the_same_in_later_exports(setup: Setup, course: Course) -> None:
    first = export(setup, course, setup.cohort_a)
    learner = setup.learners["both"][0]
    setup.store.record_answer(learner, MH, "about-988", ["free-private"], False, T0 + timedelta(1))
    reopened = Store(setup.url)  # another process, later: the key comes from the database
    try:
        later = export(setup, course, setup.cohort_a, reopened)
    finally:
        reopened.close()
    answers = 8  # 2 learners x 4 answers come first, then 2 completions and 2 quiz results
    assert later[:answers] == first[:answers]
    assert later[answers + 1 :] == first[answers:]
    added = later[answers]
    assert added["actor"]["account"]["name"] == keyed_hash(setup, setup.cohort_a, learner)  # type: ignore[index]
    assert added["result"]["response"] == "free-private"  # type: ignore[index]


def test_the_export_never_holds_a_learner_id_or_code(setup: Setup, course: Course) -> None:
    for cohort in (setup.cohort_a, setup.cohort_b):
        found = export(setup, course, cohort)
        text = json.dumps(found, ensure_ascii=False)
        for learner, code in setup.learners.values():
            assert code not in text
            assert code.replace("-", "") not in text
            assert f"learner-{learner}" not in text
            assert str(learner) not in actor_names(found)
        assert "learner-" not in text
        # Nor can a statement id be recomputed from a learner id and what the statement says.
        guesses = {
            str(statement_id("answered", BASE, BASE, learner, s["object"]["id"].split("/")[-3],
                             s["object"]["id"].split("/")[-1], n))
            for learner in range(50)
            for s in found
            if s["verb"]["display"]["en-US"] == "answered"
            for n in (1, 2)
        }  # fmt: skip
        assert not guesses & {s["id"] for s in found}


def test_pseudonyms_ask_the_key_once_per_learner(setup: Setup) -> None:
    calls: list[str] = []

    class Counting(Limits):
        def sign(self, text: str) -> str:
            calls.append(text)
            return super().sign(text)

    name = pseudonyms(Counting(setup.store.engine), 42)
    assert name(7) == name(7) == keyed_hash(setup, 42, 7)
    assert name(8) == keyed_hash(setup, 42, 8)
    assert calls == ["xapi-actor|42|7", "xapi-actor|42|8"]


# --- the stream --------------------------------------------------------------------------


def test_every_statement_of_the_export_is_valid(setup: Setup, course: Course) -> None:
    found = export(setup, course, setup.cohort_a)
    # 2 learners: 4 answers, 1 completion and 1 quiz result each.
    verbs = [s["verb"]["display"]["en-US"] for s in found]  # type: ignore[index]
    assert verbs == ["answered"] * 8 + ["completed"] * 2 + ["passed"] * 2
    assert [validate_statement(s) for s in found] == [[]] * 12
    kinds = {s["object"]["definition"].get("interactionType") for s in found}  # type: ignore[index]
    assert kinds == {"true-false", "choice", "matching", None}


def test_the_stream_is_the_json_of_the_statements_built_in_memory(
    setup: Setup, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("course.xapi_export.STATEMENTS_PER_CHUNK", 5)
    reports = Reports(setup.store.engine, setup.cohort_a)
    limits = Limits(setup.store.engine)
    chunks = list(
        json_chunks(cohort_statements(reports, limits, course.quizzes, base=BASE, home_page=BASE))
    )
    assert len(chunks) == 3  # 12 statements: 5 + 5 + the last 2 with the closing bracket
    # The in-memory way: every record read into lists, every statement built, then dumped.
    scope = Scope(BASE, BASE, pseudonyms(limits, setup.cohort_a), course.quizzes)
    in_memory = list(
        statements(
            [AnswerRecord(*row) for row in reports.attempts()],
            [CompletionRecord(*row) for row in reports.completions()],
            [QuizRecord(*row) for row in reports.results()],
            scope,
        )
    )
    assert json.loads(b"".join(chunks)) == json.loads(json.dumps(in_memory)) != []
    lines = b"".join(chunks).decode().splitlines()  # one statement a line, in brackets
    assert (lines[0], lines[-1], len(lines)) == ("[", "]", len(in_memory) + 2)


def test_an_empty_cohort_is_an_empty_array(setup: Setup, course: Course) -> None:
    lead = Facilitators(setup.store.engine).verify("lead", "a long pass phrase", T0)
    assert lead is not None
    empty = Cohorts(setup.store.engine).create(lead, "Nobody yet", T0)
    assert export(setup, course, empty.id) == []
    assert b"".join(json_chunks(iter([]))) == b"[\n]\n"


def test_gzip_holds_exactly_the_json_and_is_the_same_every_time(
    setup: Setup, course: Course
) -> None:
    reports = Reports(setup.store.engine, setup.cohort_b)
    limits = Limits(setup.store.engine)

    def chunks() -> Iterator[bytes]:
        return json_chunks(
            cohort_statements(reports, limits, course.quizzes, base=BASE, home_page=BASE)
        )

    packed = gzipped(chunks())
    assert gzip.decompress(packed) == b"".join(chunks())
    assert gzipped(chunks()) == packed


def test_home_page_is_the_setting_when_there_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HOME_PAGE_ENV, raising=False)
    assert home_page("http://localhost:8501") == "http://localhost:8501"
    monkeypatch.setenv(HOME_PAGE_ENV, "https://lrs-accounts.example.org")
    assert home_page("http://localhost:8501") == "https://lrs-accounts.example.org"
