"""The content that ships with the repository loads strictly with zero problems."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from course import i18n
from course.helplinks import one_tap_links
from course.lint import MAX_GRADE, lesson_texts, lint, quiz_texts
from course.loader import REPO_ROOT, load_course
from course.model import (
    PRACTICE_FIELDS,
    QUESTION_KINDS,
    STEP_KINDS,
    CheckStep,
    Course,
    DrillStep,
    Ordering,
    PracticeStep,
    ScenarioStep,
)


def test_shipped_content_loads_strictly_with_no_problems() -> None:
    result = load_course(REPO_ROOT, strict=True)
    assert [str(p) for p in result.problems] == []
    assert result.course is not None
    assert result.course.lessons, "at least one lesson is served"


def test_every_lesson_has_its_quiz_served() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    for lesson in course.lessons.values():
        assert lesson.quiz is not None and course.quiz_for(lesson) is not None


def test_starter_lesson_uses_every_step_and_question_kind() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    lesson = course.lessons["tolerance-dependence-addiction"]
    assert {step.kind for step in lesson.steps} == set(STEP_KINDS)
    quiz = course.quiz_for(lesson)
    assert quiz is not None
    assert {q.kind for q in quiz.questions} == set(QUESTION_KINDS)
    assert quiz.safety_critical_ids, "the lost-tolerance questions are safety-critical"
    assert any(isinstance(step, CheckStep) for step in lesson.steps)


def test_lessons_are_honestly_marked_not_clinically_reviewed() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    for lesson in course.lessons.values():
        if not lesson.reviewed.clinical:
            assert "not yet clinically reviewed" in lesson.reviewed.reviewer_role


def test_crisis_resources_name_911_988_and_the_samhsa_helpline() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    contacts = " ".join(r.contact for r in course.manifest.crisis_resources)
    for number in ("911", "988", "1-800-662-4357"):
        assert number in contacts


def test_shipped_content_reads_at_grade_8_or_below_with_no_stigmatizing_words() -> None:
    report = lint(REPO_ROOT, today=dt.date.today())
    grades = {rel: round(c.grade, 1) for _, rel, c in report.rows}
    assert all(g <= MAX_GRADE for g in grades.values()), grades
    assert report.lesson_mean <= 7.0, grades
    assert [str(f) for f in report.stigma] == []
    assert [str(f) for f in report.unsourced] == []


def test_every_lesson_and_quiz_has_the_shape_the_course_promises() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    tracks = {t.id: course.track_lessons(t) for t in course.manifest.tracks}
    assert {k: len(v) for k, v in tracks.items()} == {
        "self-paced": 16,
        "family": 7,
        "health-and-rights": 3,
    }
    assert all(lesson.audience == "family" for lesson in tracks["family"])
    assert len(course.lessons) == 26
    assert {i for lessons in tracks.values() for i in (x.id for x in lessons)} == set(
        course.lessons
    ), "every lesson is in a track"
    for lesson in course.lessons.values():
        kinds = {step.kind for step in lesson.steps}
        # Up to 18 with the practice steps (a scenario, an exercise, a commitment, a drill).
        assert 6 <= len(lesson.steps) <= 18, lesson.id
        # Self-paced time, so one lesson and its discussion fit a 60-minute group.
        assert lesson.minutes <= 30, lesson.id
        assert len(kinds - {"text"}) >= 3, (lesson.id, kinds)
        assert "discussion" in kinds, lesson.id
        assert lesson.objectives and lesson.sources, lesson.id
        quiz = course.quiz_for(lesson)
        assert quiz is not None, lesson.id
        assert len(quiz.questions) >= 6, quiz.id
        assert len({q.kind for q in quiz.questions}) >= 3, quiz.id


def test_every_lesson_lets_people_practise() -> None:
    """Every self-paced lesson has a scenario or a skill exercise; every family lesson rehearses
    CRAFT communication (a scenario, or an "I" statement exercise); the safety-critical facts
    (overdose signs and steps, tolerance after a break, mixing) have fluency drills."""
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    tracks = {t.id: course.track_lessons(t) for t in course.manifest.tracks}
    for lesson in tracks["self-paced"]:
        kinds = {step.kind for step in lesson.steps}
        assert kinds & {"scenario", "practice"}, lesson.id
    for lesson in tracks["family"]:
        rehearsals = [
            s for s in lesson.steps
            if isinstance(s, ScenarioStep)
            or (isinstance(s, PracticeStep) and s.exercise == "i_statement")
        ]  # fmt: skip
        assert rehearsals, lesson.id
    drills = {lesson.id for lesson in course.lessons.values()
              for step in lesson.steps if isinstance(step, DrillStep)}  # fmt: skip
    assert {"drug-supply-and-overdose", "tolerance-dependence-addiction",
            "family-overdose-be-ready"} <= drills, drills  # fmt: skip
    exercises = {step.exercise for lesson in course.lessons.values()
                 for step in lesson.steps if isinstance(step, PracticeStep)}  # fmt: skip
    assert exercises == set(PRACTICE_FIELDS), exercises  # every exercise is used somewhere


def test_knowledge_check_forms_are_parallel() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None and course.manifest.knowledge_check is not None
    form_a = course.quizzes[course.manifest.knowledge_check.pre]
    form_b = course.quizzes[course.manifest.knowledge_check.post]
    assert len(form_a.questions) == len(form_b.questions) == 12
    for a, b in zip(form_a.questions, form_b.questions, strict=True):
        assert (a.id, a.kind, a.safety_critical) == (b.id, b.kind, b.safety_critical)
        assert a.model_dump() != b.model_dump(), f"{a.id}: the forms must differ in wording"


def test_overdose_and_lost_tolerance_questions_are_safety_critical() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    for lesson_id in (
        "tolerance-dependence-addiction",
        "drug-supply-and-overdose",
        "family-overdose-be-ready",
        "family-what-your-loved-one-is-going-through",
    ):
        quiz = course.quiz_for(course.lessons[lesson_id])
        assert quiz is not None and quiz.safety_critical_ids, lesson_id


# Words that mean someone may be thinking of suicide, as a counselor would hear them.
SUICIDE_WORDS = ("suicid", "better off without me", "kill myself", "end my life")


def test_every_note_on_suicidal_thoughts_says_act_now_and_stay() -> None:
    """A counselor reading any lesson's notes gets the same crisis response, never "later".

    Caught the thought-traps notes that said to talk privately after the group.
    """
    course = load_course(REPO_ROOT).course
    assert course is not None
    checked = []
    for lesson in course.lessons.values():
        for step in lesson.steps:
            notes = getattr(step, "facilitator_notes", "") or ""
            for item in notes.split("\n- "):
                said = " ".join(item.split()).lower()
                if not any(word in said for word in SUICIDE_WORDS):
                    continue
                if "died by suicide" in said and "thinking" not in said:
                    continue  # words to use about a loss, not what to do in a crisis
                checked.append(f"{lesson.id}/{step.id}")
                whole = " ".join(notes.split()).lower()
                # "Talk with them after the group" leaves a person at risk alone for an hour.
                assert not re.search(r"(?<!look )after the group", said), f"{lesson.id}: {said}"
                assert "988 now" in whole and "do not leave them alone" in whole, (
                    f"{lesson.id}/{step.id} speaks of suicidal thoughts without the crisis steps"
                )
    assert "thought-traps/group-discussion" in checked
    assert "mental-health-and-recovery/group-discussion" in checked or any(
        c.startswith("mental-health-and-recovery/") for c in checked
    )


def _orderings(course: Course) -> Iterator[tuple[str, Ordering]]:
    for quiz in course.quizzes.values():
        for question in quiz.questions:
            if isinstance(question, Ordering):
                yield f"{quiz.id}/{question.id}", question
    for lesson in course.lessons.values():
        for step in lesson.steps:
            if isinstance(step, CheckStep) and isinstance(step.question, Ordering):
                yield f"{lesson.id}/{step.id}", step.question


def test_every_overdose_ordering_accepts_911_first_and_naloxone_first() -> None:
    """Both orders are right (the naloxone package: spray first; the lessons: call first).

    Caught the overdose-response questions graded against "call 911" first only.
    """
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    checked = []
    for where, question in _orderings(course):
        texts = {item.id: " ".join(item.text.lower().split()) for item in question.items}
        call = [i for i, text in texts.items() if "911" in text]
        give = [
            i
            for i, text in texts.items()
            if "naloxone" in text and not any(w in text for w in ("another", "second", "again"))
        ]
        if not (call and give):
            continue
        checked.append(where.split("/")[0])
        pair = (call[0], give[0])
        orders = question.correct_orders()
        assert question.safety_critical, where
        assert any(o.index(pair[0]) < o.index(pair[1]) for o in orders), where
        assert any(o.index(pair[1]) < o.index(pair[0]) for o in orders), where
        # Only those two may trade places: every other step stays where it is written.
        written = [i.id for i in question.items if i.id not in pair]
        for order in orders:
            assert [i for i in order if i not in pair] == written, (where, order)
    for quiz_id in (
        "drug-supply-and-overdose-quiz",
        "family-overdose-be-ready-quiz",
        "family-supporting-medication-quiz",
        "knowledge-check-a",
        "knowledge-check-b",
    ):
        assert quiz_id in checked, f"{quiz_id} has no overdose-response ordering question"


def test_natural_consequences_is_not_safety_critical_but_giving_naloxone_is() -> None:
    """The review found the two flags swapped in the family CRAFT quiz."""
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    quiz = course.quizzes["family-helping-without-blame-quiz"]
    consequences = quiz.question("missed-work")
    assert consequences is not None and not consequences.safety_critical
    naloxone = [q for q in quiz.questions if "naloxone" in q.prompt.lower() or "naloxone" in q.id]
    assert naloxone and all(q.safety_critical for q in naloxone), [q.id for q in naloxone]


def _all_text(course: Course, lesson_id: str) -> str:
    lesson = course.lessons[lesson_id]
    texts = [t.value for t in lesson_texts(lesson)]
    quiz = course.quiz_for(lesson)
    if quiz is not None:
        texts += [t.value for t in quiz_texts(quiz)]
    return " ".join(" ".join(texts).split()).lower()


WITHDRAWAL_LESSONS = (
    "withdrawal-timeline",
    "tolerance-dependence-addiction",
    "family-what-your-loved-one-is-going-through",
)


def test_no_lesson_calls_withdrawal_rarely_dangerous() -> None:
    """Medetomidine in fentanyl can make withdrawal an emergency: the old line is gone."""
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    for lesson_id in course.lessons:
        text = _all_text(course, lesson_id)
        assert "rarely life-threatening" not in text, lesson_id
        assert "rarely dangerous" not in text, lesson_id


def test_withdrawal_lessons_say_when_to_get_medical_care() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    for lesson_id in WITHDRAWAL_LESSONS:
        text = _all_text(course, lesson_id)
        assert "medetomidine" in text, lesson_id
        assert "911" in text, lesson_id
        cited = {s.id for s in course.lessons[lesson_id].sources}
        sensitive = [course.sources[i] for i in cited if course.sources[i].time_sensitive]
        assert any("medetomidine" in s.supports.lower() for s in sensitive), lesson_id


def test_naltrexone_overdose_risk_is_not_only_after_stopping() -> None:
    """The label names overriding the block, the end of a dose interval and a missed shot."""
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    for lesson_id in ("medications-for-oud", "family-supporting-medication"):
        text = _all_text(course, lesson_id)
        assert "missed" in text and "naltrexone" in text, lesson_id
        assert "block" in text, lesson_id


def test_the_bibliography_says_what_each_source_supports() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    assert course.sources
    for source in course.sources.values():
        assert "todo" not in source.supports.lower(), source.id
        assert len(source.supports.split()) >= 4, source.id


def test_the_project_needs_nothing_outside_itself() -> None:
    """Users of the project do not have the team's notes: nothing may point at them."""
    needles = ("../" + "shared", "FACTS" + ".md", "shared/" + "content")
    files = [REPO_ROOT / "README.md", REPO_ROOT / "bibliography.yaml"]
    for folder in ("course", "lessons", "quizzes"):
        files += sorted((REPO_ROOT / folder).rglob("*.py")) + sorted(
            (REPO_ROOT / folder).rglob("*.yaml")
        )
    for path in files:
        text = path.read_text(encoding="utf-8")
        for needle in needles:
            assert needle not in text, f"{path.relative_to(REPO_ROOT)} mentions {needle}"


AUDIENCE = {"learner": "people in recovery", "family": "families", "both": "everyone"}


def lesson_table(course: Course, grades: dict[str, float]) -> list[str]:
    """The README's table of lessons: each track in order, with the lint's reading grade."""
    rows = []
    for track in course.manifest.tracks:
        rows += [f"**{track.title}**", "", "| Lesson | For | Minutes | Reading grade |"]
        rows.append("|---|---|---:|---:|")
        for lesson in course.track_lessons(track):
            rows.append(
                f"| {lesson.title} (`{lesson.id}`) | {AUDIENCE[lesson.audience]} | "
                f"{lesson.minutes} | {grades[lesson.id]:.1f} |"
            )
        rows.append("")
    return rows


def test_the_readme_lists_every_lesson_with_its_reading_grade() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    grades = {i: c.grade for i, _, c in lint(REPO_ROOT, today=dt.date.today()).rows}
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## The lessons\n", 1)[1].split("\n## ", 1)[0]
    expected = "\n".join(lesson_table(course, grades))
    assert expected in section, f"README lesson table is out of date; it should read:\n{expected}"


# What the clinical review found wrong, as the course once said it (issue 15, items 7 and 8).
CORRECTED = {
    "build more slowly": "smoked heroin is fast, and smoking is now the usual route in deaths",
    "often it was alcohol": "with fentanyl, stimulants are the drugs most often found too",
    "less of a high": "no source says methadone gives less of a high than heroin",
    "first two weeks of methadone": "the riskiest time on methadone is its first 4 weeks",
    "than the other family approaches": "CRAFT is compared with the trial arms it beat",
    "will time the first dose": "buprenorphine starts after fentanyl are explained",
}


def test_what_the_review_corrected_is_not_said_again() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    quizzes = [q for q in course.quizzes.values() if q.id.startswith("knowledge-check")]
    texts = {lesson_id: _all_text(course, lesson_id) for lesson_id in course.lessons}
    texts |= {
        q.id: " ".join(" ".join(t.value for t in quiz_texts(q)).split()).lower() for q in quizzes
    }
    for where, text in texts.items():
        for phrase, why in CORRECTED.items():
            assert phrase not in text, f"{where} says {phrase!r}: {why}"


def test_the_drug_supply_lesson_rests_on_current_counts() -> None:
    """The death counts were from 2023; they now come from 2024 and 2025 sources, dated."""
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    lesson = course.lessons["drug-supply-and-overdose"]
    assert lesson.check_again_by is not None
    sensitive = [s for s in lesson.sources if s.time_sensitive]
    assert max(s.year for s in sensitive) >= 2025
    text = _all_text(course, "drug-supply-and-overdose")
    for word in ("medetomidine", "nitazene", "carfentanil", "xylazine"):
        assert word in text, word


def test_every_lesson_and_quiz_is_in_spanish_current_and_clean() -> None:
    from course.lint_es import lint_spanish
    from course.translation import translation_path

    result = load_course(REPO_ROOT, strict=True)
    assert not result.errors, result.errors
    course = result.course
    assert course is not None
    spanish = course.in_language("es")
    assert spanish.english_only == set(), "served in English only"
    rows = {t.english_rel: t for t in result.translations.files["es"]}
    wanted = {"lessons/course.yaml"} | {f"lessons/{i}.yaml" for i in course.lessons}
    wanted |= {f"quizzes/{i}.yaml" for i in course.quizzes}
    assert set(rows) == wanted
    for rel, item in rows.items():
        assert item.rel == translation_path(rel, "es")
        assert item.status == "translated", (rel, item.problems)
    report = lint_spanish(REPO_ROOT)
    assert report.is_clean(), (report.too_hard(), report.stigma)
    assert len(report.rows) == len(course.lessons) + 2  # each lesson (with its quiz), 2 checks


def test_spanish_crisis_resources_are_the_services_spanish_speakers_can_use() -> None:
    course = load_course(REPO_ROOT).course
    assert course is not None
    english, spanish = course.manifest, course.in_language("es").manifest
    for en, es in zip(english.crisis_resources, spanish.crisis_resources, strict=True):
        assert (en.call, en.text, en.url) == (es.call, es.text, es.url)  # the same services
    by_number = {r.call: r for r in spanish.crisis_resources}
    # 988 answers in Spanish when a caller presses 2; the SAMHSA helpline speaks Spanish.
    assert "marque 2" in by_number["988"].detail and "marque 2" in by_number["988"].contact
    assert "español" in by_number["18006624357"].detail
    # Its button reads as Spanish: "Llamar al {label}" needs a masculine word ("al línea" is not
    # Spanish; a browser run showed it in every page's help line).
    with i18n.use("es"):
        buttons = [label for label, _ in one_tap_links(spanish.crisis_resources)]
    assert "Llamar al número de ayuda" in buttons, buttons
    assert not [b for b in buttons if re.search(r"\bal (línea|la)\b", b)], buttons
    assert "988" in (spanish.crisis_policy or "") and "marcar 2" in (spanish.crisis_policy or "")
