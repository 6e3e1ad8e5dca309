"""Every failure mode of content loading, one broken file each, with the exact messages."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from course import yamlsafe
from course.loader import load_course
from course.problems import Problem

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"

EXPECTED = {
    "scenario-unknown-next": [
        "lessons/sample.yaml:29: steps[1].nodes[0].choices[1].next: no node 'drnk' (did you mean 'drink'?)",
    ],
    "scenario-unreachable": [
        "lessons/sample.yaml:36: steps[1].nodes[3]: node 'extra' can't be reached from the start 'offer'",
    ],
    "scenario-loop-not-marked": [
        "lessons/sample.yaml:37: steps[1].nodes[2].choices[0].next: this choice goes back to 'offer', so the story can go round in a loop; mark it `loop: true` if that is meant",
    ],
    "scenario-never-ends": [
        "lessons/sample.yaml:33: steps[1].nodes[2]: from node 'drink' no path reaches an ending; the story would never end",
        "lessons/sample.yaml:40: steps[1].nodes[3]: from node 'more' no path reaches an ending; the story would never end",
    ],
    "scenario-ending-without-debrief": [
        "lessons/sample.yaml:30: steps[1].nodes[1]: node 'outside' ends the story (no choices) but has no debrief",
    ],
    "scenario-one-choice": [
        "lessons/sample.yaml:25: steps[1].nodes[0].choices: node 'offer' has one choice; give two to four, or none to end the story",
        "lessons/sample.yaml:31: steps[1].nodes[2]: node 'drink' can't be reached from the start 'offer'",
    ],
    "scenario-image-missing": [
        "lessons/sample.yaml:22: steps[1].image.file: no picture at 'images/party.png' under the content folder",
    ],
    "audio-missing": [
        "lessons/sample.yaml:17: steps[0].audio: no recording at 'audio/intro.mp3' under the content folder",
    ],
    "audio-wrong-kind": [
        "lessons/sample.yaml:17: steps[0].audio: 'audio/intro.wav' is not a recording the course can play: give a path in the content folder ending in .mp3 or .ogg, e.g. audio/withdrawal-intro.mp3",
    ],
    "scenario-unknown-start": [
        "lessons/sample.yaml:21: steps[1].start: no node 'ofer' (did you mean 'offer'?)",
    ],
    "practice-example-wrong-fields": [
        "lessons/sample.yaml:17: steps[1]: example must give each field of thought_record ('situation', 'thought', 'trap', 'kinder_thought'); missing 'trap', 'kinder_thought'; not a field of thought_record: 'kinder'",
    ],
    "alias-bomb": [
        "lessons/sample.yaml:2: anchors (&name) and aliases (*name) are not allowed; write the content out in full",
        "quizzes/sample-quiz.yaml:2: id: warning: quiz 'sample-quiz' is not used by any lesson",
    ],
    "anchor-alias": [
        "lessons/sample.yaml:8: anchors (&name) and aliases (*name) are not allowed; write the content out in full",
        "quizzes/sample-quiz.yaml:2: id: warning: quiz 'sample-quiz' is not used by any lesson",
    ],
    "bad-date": [
        "lessons/sample.yaml:10: reviewed.date: expected a date written like 2026-11-28",
    ],
    "bad-id": [
        "lessons/sample.yaml:17: steps[1].id: 'Think Again' is not a valid id; use lowercase letters, digits and single hyphens, e.g. 'nida-words-matter'",
    ],
    "bad-url": [
        "bibliography.yaml:7: sources[0].url: 'nida.nih.gov/words-matter' is not a web address; start it with https://",
    ],
    "bibliography-no-supports": [
        "bibliography.yaml:4: sources[0].supports: required key 'supports' is missing",
    ],
    "bibliography-source-twice": [
        "bibliography.yaml:3: sources: source addresses (each source once) must be unique; repeated: 'https://nida.nih.gov/words-matter'",
    ],
    "bibliography-unused-source": [
        "bibliography.yaml:10: sources[1]: warning: source 'strang-2003' is cited by no lesson or quiz; cite it or remove it",
    ],
    "comparison-ragged": [
        "lessons/sample.yaml:17: steps[1]: rows[0] ('What it is') has 1 cells but there are 2 columns",
    ],
    "deep-nesting": [
        "lessons/sample.yaml:20: nesting is too deep (more than 24 levels)",
        "quizzes/sample-quiz.yaml:2: id: warning: quiz 'sample-quiz' is not used by any lesson",
    ],
    "duplicate-key": [
        "lessons/sample.yaml:7: minutes: duplicate key 'minutes' (first given on line 6)",
    ],
    "duplicate-option-ids": [
        "quizzes/sample-quiz.yaml:11: questions[0].options: option ids must be unique; repeated: 'a'",
    ],
    "duplicate-question-ids": [
        "quizzes/sample-quiz.yaml:6: questions: question ids must be unique; repeated: 'tolerance'",
    ],
    "duplicate-step-ids": [
        "lessons/sample.yaml:12: steps: step ids must be unique; repeated: 'intro'",
    ],
    "empty-file": [
        "lessons/sample.yaml:1: file is empty; expected a mapping of keys to values",
        "quizzes/sample-quiz.yaml:2: id: warning: quiz 'sample-quiz' is not used by any lesson",
    ],
    "empty-steps": [
        "lessons/sample.yaml:12: steps: needs at least 1 item(s)",
    ],
    "id-not-file-name": [
        "lessons/sample.yaml:3: id: id 'sample-lesson' must match the file name 'sample.yaml'; rename the file or change the id",
    ],
    "knowledge-check-unknown-quiz": [
        "lessons/course.yaml:15: knowledge_check.pre: unknown quiz 'check-a'; known: 'sample-quiz'",
    ],
    "lesson-lists-sources": [
        "lessons/sample.yaml:12: sources: a lesson cites sources by id and does not list them; move each entry to bibliography.yaml (once, with what it supports) and keep the ids in the steps",
    ],
    "matching-duplicate-right": [
        "quizzes/sample-quiz.yaml:34: questions[2].pairs: right sides must be unique; repeated: 'Less effect from the same amount'",
    ],
    "minutes-out-of-range": [
        "lessons/sample.yaml:6: minutes: must be at least 1; got 0",
    ],
    "misconception-on-correct-option": [
        "quizzes/sample-quiz.yaml:12: questions[0].options[0]: a correct option cannot carry a misconception tag",
    ],
    "missing-key": [
        "lessons/sample.yaml:1: summary: required key 'summary' is missing",
    ],
    "missing-step-kind": [
        "lessons/sample.yaml:17: steps[1]: required key 'kind' is missing",
    ],
    "multiple-no-correct": [
        "quizzes/sample-quiz.yaml:7: questions[0]: a multiple-choice question needs at least one option with 'correct: true'",
    ],
    "not-utf8": [
        "lessons/sample.yaml:4: file is not valid UTF-8 (byte 0xe9); save it as UTF-8",
        "quizzes/sample-quiz.yaml:2: id: warning: quiz 'sample-quiz' is not used by any lesson",
    ],
    "number-as-text": [
        "lessons/sample.yaml:4: title: expected text, but YAML reads '2024' as a number; put it in quotes",
    ],
    "ordering-duplicate-items": [
        "quizzes/sample-quiz.yaml:34: questions[2].items: item ids must be unique; repeated: 'call'",
    ],
    "ordering-every-order": [
        "quizzes/sample-quiz.yaml:28: questions[2]: also_correct accepts every order there is; the question tests nothing",
    ],
    "ordering-other-order-incomplete": [
        "quizzes/sample-quiz.yaml:28: questions[2]: also_correct order 1 must name every item id once; missing 'stay'",
    ],
    "ordering-other-order-is-written": [
        "quizzes/sample-quiz.yaml:28: questions[2]: also_correct order 1 repeats the written order",
    ],
    "ordering-other-order-unknown-item": [
        "quizzes/sample-quiz.yaml:28: questions[2]: also_correct order 1 must name every item id once; missing 'stay'; not an item: 'stay-close'",
    ],
    "ordering-two-items": [
        "quizzes/sample-quiz.yaml:34: questions[2].items: needs at least 3 item(s)",
    ],
    "pass-mark-range": [
        "quizzes/sample-quiz.yaml:5: pass_mark: must be at most 1.0; got 70",
    ],
    "python-tag": [
        "lessons/sample.yaml:5: YAML tags such as 'tag:yaml.org,2002:python/object/apply:os.system' are not allowed",
        "quizzes/sample-quiz.yaml:2: id: warning: quiz 'sample-quiz' is not used by any lesson",
    ],
    "quiz-used-twice": [
        "lessons/other.yaml:3: id: warning: lesson 'other' is in no track",
        "lessons/sample.yaml:19: quiz: quiz 'sample-quiz' is already used by lessons/other.yaml",
    ],
    "single-no-correct": [
        "quizzes/sample-quiz.yaml:7: questions[0]: a single-choice question needs exactly one option with 'correct: true'; found 0",
    ],
    "single-two-correct": [
        "quizzes/sample-quiz.yaml:7: questions[0]: a single-choice question needs exactly one option with 'correct: true'; found 2",
    ],
    "step-without-sources": [
        "bibliography.yaml:6: sources[0]: warning: source 'nida-words' is cited by no lesson or quiz; cite it or remove it",
        "lessons/sample.yaml:13: steps[0]: warning: text step 'intro' states facts but names no sources; add 'sources:' or set 'factual: false'",
    ],
    "syntax-error": [
        "lessons/sample.yaml:8: YAML syntax error: did not find expected node content (column 3)",
        "quizzes/sample-quiz.yaml:2: id: warning: quiz 'sample-quiz' is not used by any lesson",
    ],
    "timeline-backwards": [
        "lessons/sample.yaml:22: steps[1].events[0]: end (6) is before start (12)",
    ],
    "top-level-list": [
        "lessons/sample.yaml:1: expected a mapping of keys to values at the top",
        "quizzes/sample-quiz.yaml:2: id: warning: quiz 'sample-quiz' is not used by any lesson",
    ],
    "track-unknown-lesson": [
        "lessons/course.yaml:9: tracks[0].lessons[1]: unknown lesson 'withdrawal'; known: 'sample'",
    ],
    "two-documents": [
        "lessons/sample.yaml:21: a file holds one YAML document; remove the extra '---'",
        "quizzes/sample-quiz.yaml:2: id: warning: quiz 'sample-quiz' is not used by any lesson",
    ],
    "unknown-key": [
        "lessons/sample.yaml:1: summary: required key 'summary' is missing",
        "lessons/sample.yaml:5: summery: unknown key 'summery' (did you mean 'summary'?); allowed: audience, check_again_by, id, minutes, objectives, quiz, reviewed, schema_version, steps, summary, title",
    ],
    "unknown-question-source": [
        "quizzes/sample-quiz.yaml:28: questions[1].sources[0]: unknown source 'strang-2003'; sources in bibliography.yaml: 'nida-words'",
    ],
    "unknown-quiz": [
        "lessons/sample.yaml:20: quiz: unknown quiz 'sample-quizz' (did you mean 'sample-quiz'?); known: 'sample-quiz'",
        "quizzes/sample-quiz.yaml:2: id: warning: quiz 'sample-quiz' is not used by any lesson",
    ],
    "unknown-source": [
        "bibliography.yaml:6: sources[0]: warning: source 'nida-words' is cited by no lesson or quiz; cite it or remove it",
        "lessons/sample.yaml:16: steps[0].sources[0]: unknown source 'nida-2020'; sources in bibliography.yaml: 'nida-words'",
    ],
    "unknown-step-kind": [
        "lessons/sample.yaml:17: steps[1]: unknown kind 'reflect' (did you mean 'reflection'?); allowed: 'text', 'callout', 'timeline', 'comparison', 'myth_fact', 'check', 'reflection', 'discussion', 'scenario', 'practice', 'commitment', 'drill'",
    ],
    "unused-quiz": [
        "quizzes/spare-quiz.yaml:3: id: warning: quiz 'spare-quiz' is not used by any lesson",
    ],
    "yaml11-boolean-flag": [
        "quizzes/sample-quiz.yaml:24: questions[1].answer: YAML reads 'no' as false; write true or false for a yes/no setting, or put it in quotes ('no') if you mean the word",
    ],
    "yaml11-boolean-text": [
        "lessons/sample.yaml:4: title: YAML reads 'no' as false; write true or false for a yes/no setting, or put it in quotes ('no') if you mean the word",
    ],
}

# Warnings that --strict turns into errors.
STRICT_ONLY = {"unused-quiz", "step-without-sources", "bibliography-unused-source"}


def install(case: Path, root: Path) -> Path:
    """Copy the good course to root and put the broken file where its header says."""
    shutil.copytree(GOOD, root)
    raw = case.read_bytes()
    target = raw.split(b"\n", 1)[0].decode().removeprefix("# target: ")
    (root / target).write_bytes(raw)
    return root


def test_every_bad_fixture_has_an_expectation() -> None:
    assert sorted(p.stem for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


def test_good_fixture_loads_strictly_clean() -> None:
    result = load_course(GOOD, strict=True)
    assert result.problems == ()
    assert result.course is not None
    assert list(result.course.lessons) == ["sample"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_fixture_reports_exact_messages(name: str, tmp_path: Path) -> None:
    result = load_course(install(BAD / f"{name}.yaml", tmp_path / "course"))
    assert [str(p) for p in result.problems] == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_fixture_fails_validation(name: str, tmp_path: Path) -> None:
    result = load_course(install(BAD / f"{name}.yaml", tmp_path / "course"), strict=True)
    assert result.errors, "every bad fixture must be an error, at least with --strict"
    if name not in STRICT_ONLY:
        assert load_course(tmp_path / "course").errors


@pytest.mark.parametrize("name", sorted(STRICT_ONLY))
def test_strict_turns_warnings_into_errors(name: str, tmp_path: Path) -> None:
    root = install(BAD / f"{name}.yaml", tmp_path / "course")
    assert load_course(root).errors == []
    strict = load_course(root, strict=True)
    assert [p.message for p in strict.errors] == [p.message for p in load_course(root).warnings]


def test_broken_lesson_is_left_out_and_the_rest_served(tmp_path: Path) -> None:
    root = install(BAD / "unknown-step-kind.yaml", tmp_path / "course")
    (root / "lessons" / "second.yaml").write_text(
        (GOOD / "lessons" / "sample.yaml")
        .read_text()
        .replace("id: sample\n", "id: second\n")
        .replace("quiz: sample-quiz\n", ""),
        encoding="utf-8",
    )
    result = load_course(root)
    assert result.course is not None
    assert list(result.course.lessons) == ["second"]
    assert any(p.path == "lessons/sample.yaml" and p.is_error for p in result.problems)


def test_alias_bomb_is_refused_before_it_expands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = BAD / "alias-bomb.yaml"
    assert len(bomb.read_bytes().split(b"\n", 1)[1]) == 342
    root = install(bomb, tmp_path / "course")
    built: list[object] = []
    real = yamlsafe._constructor.construct_object

    def counted(node: Any, deep: bool = False) -> Any:
        built.append(node)
        return real(node, deep=deep)

    monkeypatch.setattr(yamlsafe._constructor, "construct_object", counted)
    result = load_course(root)
    assert "anchors (&name) and aliases (*name) are not allowed" in str(result.errors[0])
    # Refused at its first anchor: not one of the bomb's 387 million "lol"s was ever built
    # (the values built come from the rest of the course). How fast: not a unit test's job.
    assert built and not [node for node in built if getattr(node, "value", None) == "lol"]


def test_file_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    root = install(BAD / "empty-file.yaml", tmp_path / "course")
    big = (GOOD / "lessons" / "sample.yaml").read_text() + "# padding\n" * 60_000
    (root / "lessons" / "sample.yaml").write_text(big, encoding="utf-8")
    errors = [str(p) for p in load_course(root).errors]
    assert errors == [
        f"lessons/sample.yaml:1: file is too large ({len(big):,} bytes; the limit is 524,288 bytes)"
    ]


def test_missing_manifest_is_one_clear_problem(tmp_path: Path) -> None:
    result = load_course(tmp_path)
    assert result.course is None
    assert result.problems == (
        Problem("lessons/course.yaml", 1, "", f"course manifest not found under {tmp_path}"),
    )


def test_every_problem_in_every_file_is_collected(tmp_path: Path) -> None:
    root = install(BAD / "unknown-source.yaml", tmp_path / "course")
    quiz = root / "quizzes" / "sample-quiz.yaml"
    quiz.write_text(quiz.read_text().replace("pass_mark: 0.5", "pasmark: 0.5"), encoding="utf-8")
    manifest = root / "lessons" / "course.yaml"
    manifest.write_text(manifest.read_text().replace("[sample]", "[sample, nope]"))
    paths = {p.path for p in load_course(root).errors}
    assert paths == {"lessons/course.yaml", "lessons/sample.yaml", "quizzes/sample-quiz.yaml"}


def test_a_scenario_picture_must_be_small_enough_for_a_phone(tmp_path: Path) -> None:
    root = install(BAD / "scenario-image-missing.yaml", tmp_path / "course")
    picture = root / "images" / "party.png"
    picture.parent.mkdir()
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 600_000)
    assert [str(p) for p in load_course(root).problems] == [
        "lessons/sample.yaml:22: steps[1].image.file: 'images/party.png' is 600,008 bytes; keep "
        "a picture under 500,000 bytes so it loads on a phone"
    ]
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 1_000)
    result = load_course(root)
    assert result.problems == () and result.course is not None
    assert "sample" in result.course.lessons


def test_a_recording_must_be_mp3_or_ogg_and_small_enough_for_a_phone(tmp_path: Path) -> None:
    root = install(BAD / "audio-missing.yaml", tmp_path / "course")
    recording = root / "audio" / "intro.mp3"
    recording.parent.mkdir()
    recording.write_bytes(b"ID3" + b"\0" * 1_100_000)
    assert [str(p) for p in load_course(root).problems] == [
        "lessons/sample.yaml:17: steps[0].audio: 'audio/intro.mp3' is 1,100,003 bytes; keep a "
        "recording under 1,000,000 bytes so it plays quickly on a phone (about two minutes of "
        "speech at 64 kbit/s)"
    ]
    recording.write_bytes(b"<html>not a recording</html>")
    assert [str(p) for p in load_course(root).problems] == [
        "lessons/sample.yaml:17: steps[0].audio: 'audio/intro.mp3' is not an MP3 file (its first "
        "bytes say otherwise)"
    ]
    recording.write_bytes(b"\xff\xfb\x90\x00" + b"\0" * 1_000)  # an MPEG audio frame
    result = load_course(root)
    assert result.problems == () and result.course is not None
    assert result.course.lessons["sample"].steps[0].audio == "audio/intro.mp3"
