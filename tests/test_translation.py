"""Translations of the content (course.translation): parity, coverage, stale text, status, lint.

The fixture course tests/fixtures/read-aloud has one lesson with every kind of step and a quiz
with every kind of question, and a Spanish translation of each, as an author writes them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import legibilidad
from course.lint_es import lint_spanish
from course.loader import load_course
from course.model import CheckStep, SingleChoice
from course.texts import lesson_texts
from course.translation import letter_words

FIXTURE = Path(__file__).parent / "fixtures" / "read-aloud"
LESSON = "lessons/es/listen-sample.yaml"
QUIZ = "quizzes/es/listen-quiz.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "c")
    return tmp_path / "c"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def said(root: Path, rel: str) -> list[str]:
    """The problems loading finds in one file, as 'line: key: message'."""
    result = load_course(root)
    return [
        f"{p.line}: {p.key}: {'warning: ' if not p.is_error else ''}{p.message}"
        for p in result.problems
        if p.path == rel
    ]


def cli(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "course", *args, "--root", str(root)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_the_spanish_course_has_the_same_ids_answers_and_sources_in_spanish() -> None:
    result = load_course(FIXTURE, strict=True)
    assert not result.problems, result.problems
    english = result.course
    assert english is not None and english.languages == ["en", "es"]
    spanish = english.in_language("es")
    assert spanish.language == "es" and spanish.title == "Curso de prueba para leer en voz alta"
    assert list(spanish.lessons) == list(english.lessons)
    assert list(spanish.quizzes) == list(english.quizzes)
    en, es = english.lessons["listen-sample"], spanish.lessons["listen-sample"]
    assert [s.id for s in es.steps] == [s.id for s in en.steps]
    assert [s.kind for s in es.steps] == [s.kind for s in en.steps]
    assert [s.sources for s in es.steps] == [s.sources for s in en.steps]
    assert es.sources == en.sources and es.reviewed == en.reviewed
    assert es.steps[0].title == "Palabras sencillas"
    check_en, check_es = en.steps[5], es.steps[5]
    assert isinstance(check_en, CheckStep) and isinstance(check_es, CheckStep)
    assert isinstance(check_es.question, SingleChoice) and isinstance(
        check_en.question, SingleChoice
    )
    assert check_es.question.correct_ids() == check_en.question.correct_ids() == {"call"}
    assert check_es.question.options[0].text == "Llamar al 911 y dar naloxona."
    # Every learner-facing text differs from the English but for names and numbers.
    pairs = zip(lesson_texts(en), lesson_texts(es), strict=True)
    same = [a.value for a, b in pairs if a.value == b.value]
    assert same == ["NA", "SMART"]
    # Its own words for Listen; English phrases for risk stay, Spanish ones are added.
    assert spanish.manifest.pronunciations["988"] == "nueve ocho ocho"
    assert spanish.pending_review == {"listen-sample", "listen-quiz"}
    assert english.in_language("fr") is english and spanish.in_language("es") is spanish


def test_structure_must_match_the_english(root: Path) -> None:
    edit(root, LESSON, "- id: careful", "- id: be-careful")
    edit(
        root, LESSON, "  - label: El efecto puede pasar\n    detail: Quédese con la persona.\n", ""
    )
    edit(root, LESSON, "    - id: call\n", "    - id: call\n      correct: false\n")
    edit(root, LESSON, "  title: Solo para usted\n", "  title: Solo para usted\n  kind: text\n")
    edit(root, LESSON, "- id: talk\n", "- id: talk\n  sorce: x\n")
    found = said(root, LESSON)
    text = "\n".join(found)
    assert "steps[1].id: is 'be-careful' but the English has 'careful'" in text
    assert "steps[2].events: has 1 items but the English has 2" in text
    assert "only text is translated; 'steps[5].question.options[0].correct' comes from" in text
    assert "only text is translated; 'steps[6].kind'" in text
    assert "steps[7].sorce: 'sorce' is not in lessons/listen-sample.yaml here" in text
    # Each with the line in the Spanish file where it is.
    lines = (root / LESSON).read_text("utf-8").splitlines()
    for problem in found:
        if "be-careful" in problem:
            assert "be-careful" in lines[int(problem.split(":")[0]) - 1]
    # A translation with errors is not served: the lesson falls back to English.
    course = load_course(root).course
    assert course is not None
    spanish = course.in_language("es")
    assert "listen-sample" in spanish.english_only
    assert spanish.lessons["listen-sample"].title == "Every kind of step"
    assert spanish.quizzes["listen-quiz"].title == "Cada tipo de pregunta"


def test_every_text_must_be_translated(root: Path) -> None:
    edit(root, LESSON, "  body: Lea el ejemplo. Luego escriba el suyo.\n", "")
    edit(
        root,
        QUIZ,
        "La naloxona revierte una sobredosis de opioides.",
        "Naloxone reverses an opioid overdose.",
    )
    lesson = said(root, LESSON)
    assert any(p.endswith("steps[9].body: not translated yet") for p in lesson), lesson
    quiz = said(root, QUIZ)
    assert any("questions[0].explanation: still the English text" in p for p in quiz), quiz


def test_a_changed_english_text_makes_its_translation_stale_until_stamped(root: Path) -> None:
    assert not said(root, LESSON)
    edit(
        root,
        "lessons/listen-sample.yaml",
        "Use less, and never alone.",
        "Use less; never use alone.",
    )
    found = said(root, LESSON)
    assert len(found) == 1, found
    line, key, message = found[0].split(": ", 2)
    assert key == "steps[1].translated_from" and message.startswith("warning: stale")
    assert "step 'careful'" in message and "lessons/listen-sample.yaml:" in message
    assert (
        (root / LESSON)
        .read_text("utf-8")
        .splitlines()[int(line) - 1]
        .strip()
        .startswith("translated_from:")
    )
    assert load_course(root, strict=True).errors  # --strict (CI) refuses a stale translation
    status = json.loads(cli("translations", "--json", root=root).stdout)
    row = next(r for r in status if r["file"] == LESSON)
    assert row["status"] == "stale" and row["stale"] == ["steps[1]"]
    assert cli("translations", "--strict", root=root).returncode == 1
    # The translator updates the Spanish, then stamps: current again.
    stamped = cli("translations", "--stamp", LESSON, root=root)
    assert stamped.returncode == 0 and "step 'careful'" in stamped.stdout, stamped
    assert not said(root, LESSON)
    assert cli("translations", "--strict", root=root).returncode == 0
    # Stamping the English file by mistake is refused and changes nothing.
    before = (root / "lessons/listen-sample.yaml").read_bytes()
    wrong = cli("translations", "--stamp", "lessons/listen-sample.yaml", root=root)
    assert wrong.returncode == 1 and "is not a translation" in wrong.stderr
    assert (root / "lessons/listen-sample.yaml").read_bytes() == before


def test_status_of_each_file_and_the_review(root: Path) -> None:
    (root / QUIZ).unlink()
    edit(
        root,
        LESSON,
        "id: listen-sample\n",
        "id: listen-sample\ntranslation_reviewed:\n  date: 2026-11-30\n"
        "  reviewer_role: certified medical translator (ATA)\n",
    )
    out = cli("translations", root=root)
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line for line in out.stdout.splitlines()[1:-1]}
    assert (
        "translated" in rows[LESSON]
        and "2026-11-30 (certified medical translator (ATA))" in rows[LESSON]
    )
    assert "missing" in rows[QUIZ]
    assert "pending professional review" in rows["lessons/es/course.yaml"]
    course = load_course(root).course
    assert course is not None
    spanish = course.in_language("es")
    assert spanish.pending_review == set() and spanish.english_only == {"listen-quiz"}
    warned = [p for p in load_course(root).problems if "no Español translation" in p.message]
    assert [p.path for p in warned] == ["quizzes/listen-quiz.yaml"]


def test_start_writes_every_text_to_translate_with_the_ids(root: Path) -> None:
    (root / LESSON).unlink()
    made = cli("translations", "--start", "lessons/listen-sample.yaml", root=root)
    assert made.returncode == 0, made.stderr
    found = said(root, LESSON)
    untranslated = [p for p in found if "still the English text" in p]
    course = load_course(root).course
    assert course is not None
    texts = list(lesson_texts(course.lessons["listen-sample"]))
    # Every text of three words or more is flagged until it is translated; nothing else is wrong.
    wordy = [t for t in texts if letter_words(t.value) >= 3]
    assert len(untranslated) == len(wordy) > 20
    assert not [p for p in found if "still the English" not in p and "translated_from" not in p]
    assert "listen-sample" in course.in_language("es").english_only
    again = cli("translations", "--start", "lessons/listen-sample.yaml", root=root)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_a_translation_of_nothing_and_broken_yaml_are_reported(root: Path) -> None:
    (root / "quizzes/es/gone-quiz.yaml").write_text("id: gone-quiz\n", "utf-8")
    (root / QUIZ).write_text("title: [unclosed\n", "utf-8")
    problems = load_course(root).problems
    assert any(
        p.path == "quizzes/es/gone-quiz.yaml" and "which is not there" in p.message
        for p in problems
    )
    assert any(p.path == QUIZ and p.is_error for p in problems)


@pytest.mark.parametrize(
    ("word", "count"),
    [("opioides", 3), ("día", 2), ("país", 2), ("leer", 2), ("guitarra", 3), ("pingüino", 3),
     ("hoy", 1), ("muy", 1), ("y", 1), ("tolerancia", 4), ("recuperación", 5), ("ahora", 3),
     ("buprenorfina", 5), ("que", 1), ("aguja", 3), ("prohíbe", 3), ("988", 2)],
)  # fmt: skip
def test_spanish_syllables(word: str, count: int) -> None:
    assert legibilidad.syllables(word) == count


def test_spanish_reading_ease_by_hand() -> None:
    counts = legibilidad.count(["La tolerancia baja. ¿Usa menos?"])
    # la to-le-ran-cia ba-ja / u-sa me-nos: 5 words, 2 sentences, 1+4+2+2+2 = 11 syllables
    assert (counts.words, counts.sentences, counts.syllables) == (5, 2, 11)
    assert counts.fernandez_huerta == pytest.approx(206.84 - 60 * 11 / 5 - 1.02 * 5 / 2)
    assert counts.inflesz == pytest.approx(206.835 - 62.3 * 11 / 5 - 5 / 2)
    assert legibilidad.band(60) == "normal" and legibilidad.band(70) == "bastante fácil"


def test_spanish_lint_flags_stigmatizing_words_with_what_to_say(root: Path) -> None:
    assert not lint_spanish(root).stigma
    edit(
        root, LESSON,
        "body: La tolerancia baja después de una *pausa*.",
        "body: Un adicto sale de la desintoxicación. En lugar de \"limpio\", diga sin consumir. "
        "La tolerancia baja después de una *pausa*.",
    )  # fmt: skip
    found = lint_spanish(root).stigma
    words = sorted(f.message.split("'")[1] for f in found)
    assert words == ["adicto", "desintoxicación"], found
    adicto = next(f for f in found if "'adicto'" in f.message)
    assert "persona con trastorno por consumo de opioides" in adicto.message
    line = (root / LESSON).read_text("utf-8").splitlines()[adicto.line - 1]
    assert "adicto" in line and adicto.path == LESSON


def test_spanish_lint_reports_reading_ease_per_lesson(root: Path) -> None:
    report = lint_spanish(root)
    assert [rel for _, rel, _ in report.rows] == [LESSON]
    row = report.rows[0][2]
    assert row.words > 300 and row.fernandez_huerta >= legibilidad.MIN_SCORE
    edit(
        root, LESSON,
        "body: La tolerancia baja después de una *pausa*. Use menos y nunca a solas.",
        "body: " + " ".join(["Extraordinariamente incomprensiblemente"] * 40) + ".",
    )  # fmt: skip
    assert lint_spanish(root).too_hard() == ["listen-sample"]
