"""The content linter: readability counts, stigmatizing words with lines, sources, reviews."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from slowdown import slow

from course.lint import lint
from course.readability import count, guess_syllables, sentences, syllables

GOOD = Path(__file__).parent / "fixtures" / "good"
REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("the", 1), ("cat", 1), ("table", 2), ("people", 2), ("used", 1), ("wanted", 2),
        ("makes", 1), ("recovery", 3), ("medication", 4), ("opioid", 3), ("naloxone", 3),
        ("being", 2), ("idea", 3), ("create", 2), ("question", 2), ("withdrawal", 3),
    ],
)  # fmt: skip
def test_syllables(word: str, expected: int) -> None:
    assert syllables(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("naloxone", 3), ("buprenorphine", 4), ("lofexidine", 4), ("opioids", 3), ("xylazine", 3)],
)
def test_words_missing_from_the_dictionary_are_guessed(word: str, expected: int) -> None:
    assert guess_syllables(word) == expected


def test_sentences_split_at_stops_and_list_items() -> None:
    text = "One idea here. And **another**!\n\n- first item\n- a [link](https://x.org) item"
    assert sentences(text) == ["One idea here.", "And another!", "first item", "a link item"]


def test_flesch_kincaid_by_hand() -> None:
    # 9 words, 2 sentences, 11 syllables ("The cat sat on the mat. It was a sun-ny day." + "It")
    counts = count(["The cat sat on the mat.", "It was a sunny day."])
    assert (counts.words, counts.sentences, counts.syllables) == (11, 2, 12)
    assert counts.grade == pytest.approx(0.39 * 11 / 2 + 11.8 * 12 / 11 - 15.59)


def course_with(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "c"
    shutil.copytree(GOOD, root)
    lesson = root / "lessons" / "sample.yaml"
    text = lesson.read_text(encoding="utf-8")
    assert old in text
    lesson.write_text(text.replace(old, new), encoding="utf-8")
    return root


def test_good_fixture_is_clean() -> None:
    report = lint(GOOD, TODAY)
    assert report.is_clean()
    assert [rel for _, rel, _ in report.rows] == ["lessons/sample.yaml"]


def test_stigmatizing_word_is_reported_with_line_and_suggestion(tmp_path: Path) -> None:
    root = course_with(
        tmp_path,
        "    body: Tolerance means the same amount has less effect.",
        "    body: |-\n      Tolerance means less effect.\n      An addict may need more.",
    )
    report = lint(root, TODAY)
    assert [str(f) for f in report.stigma] == [
        "lessons/sample.yaml:16: steps[0].body: 'addict': say 'person with opioid use disorder; "
        "person in recovery' instead"
    ]
    assert not report.is_clean()


@pytest.mark.parametrize(
    "body",
    [
        "Say person with opioid use disorder instead of addict.",
        "Withdrawal management (often called detox) is a start.",
        "Some words hurt, like junkie: it is a word to avoid.",
        'Her uncle says she is "just trading one drug for another."',
        "NIDA is the National Institute on Drug Abuse.",
    ],
)
def test_naming_a_word_to_teach_against_it_is_allowed(tmp_path: Path, body: str) -> None:
    root = course_with(
        tmp_path, "body: Tolerance means the same amount has less effect.", f"body: {body}"
    )
    assert lint(root, TODAY).stigma == []


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("He stayed clean for a year.", "stayed clean"),
        ("A dirty test is not a failure.", "dirty"),
        ("Methadone is opioid replacement therapy.", "opioid replacement therapy"),
        ("She went to detox.", "detox"),
        ("Drug abuse is common.", "Drug abuse"),
        ("He felt dope sick.", "dope sick"),
        ("MAT helps.", "MAT"),
    ],
)
def test_each_kind_of_stigmatizing_word(tmp_path: Path, body: str, word: str) -> None:
    root = course_with(
        tmp_path, "body: Tolerance means the same amount has less effect.", f"body: {body}"
    )
    assert [f.message.split("'")[1] for f in lint(root, TODAY).stigma] == [word]


def test_stale_review_date(tmp_path: Path) -> None:
    report = lint(GOOD, dt.date(2027, 12, 1))
    assert [str(f) for f in report.stale] == [
        "lessons/sample.yaml:9: reviewed.date: last reviewed 2026-11-01 (395 days ago); "
        "review it again"
    ]
    assert report.is_clean(), "a stale review is a warning, not a failure"


def test_cli_strict_fails_on_a_hard_lesson_and_json_says_why(tmp_path: Path) -> None:
    hard = " ".join(
        ["Pharmacological interventions necessitate comprehensive individualized "
         "multidisciplinary consideration of physiological dependence characteristics."] * 6
    )  # fmt: skip
    root = course_with(
        tmp_path, "body: Tolerance means the same amount has less effect.", f"body: {hard}"
    )
    run = [sys.executable, "-m", "course", "lint", "--root", str(root)]
    assert subprocess.run(run, capture_output=True, cwd=REPO, timeout=slow(60)).returncode == 0
    strict = subprocess.run(
        [*run, "--strict"], capture_output=True, text=True, cwd=REPO, timeout=slow(60)
    )
    assert strict.returncode == 1
    assert "above grade 8" in strict.stdout
    data = json.loads(
        subprocess.run(
            [*run, "--json"], capture_output=True, text=True, cwd=REPO, timeout=slow(60)
        ).stdout
    )
    assert data["too_hard"] == ["sample"]
    assert data["files"][0]["grade"] > 8
    assert data["is_clean"] is False
