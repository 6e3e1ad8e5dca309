"""The command line, run as a real subprocess: output format, exit codes, --root, COURSE_ROOT."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from slowdown import slow

REPO = Path(__file__).resolve().parent.parent
GOOD = Path(__file__).parent / "fixtures" / "good"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "COURSE_ROOT"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "course", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=full_env,
        timeout=slow(60),
    )


def test_validate_good_content_exits_zero() -> None:
    result = run("validate", "--root", str(GOOD), "--strict")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "0 error(s), 0 warning(s)" in result.stderr


def test_validate_prints_one_line_per_problem_and_exits_one(tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(GOOD, root)
    lesson = root / "lessons" / "sample.yaml"
    text = lesson.read_text().replace("sources: [nida-words]", "sources: [nida-2020]")
    lesson.write_text(text.replace("summary:", "summery:"))
    result = run("validate", "--root", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "lessons/sample.yaml:1: summary: required key 'summary' is missing",
        "lessons/sample.yaml:4: summery: unknown key 'summery' (did you mean 'summary'?); "
        "allowed: audience, check_again_by, id, minutes, objectives, quiz, reviewed, "
        "schema_version, steps, summary, title",
    ]


def test_strict_makes_warnings_fail(tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(GOOD, root)
    shutil.copy(root / "quizzes" / "sample-quiz.yaml", root / "quizzes" / "spare.yaml")
    spare = root / "quizzes" / "spare.yaml"
    spare.write_text(spare.read_text().replace("id: sample-quiz", "id: spare"))
    assert run("validate", "--root", str(root)).returncode == 0
    strict = run("validate", "--root", str(root), "--strict")
    assert strict.returncode == 1
    assert strict.stdout.splitlines() == [
        "quizzes/spare.yaml:2: id: quiz 'spare' is not used by any lesson"
    ]


def test_course_root_environment_variable_sets_the_root(tmp_path: Path) -> None:
    result = run("validate", env={"COURSE_ROOT": str(tmp_path)})
    assert result.returncode == 1
    assert result.stdout.strip() == (
        f"lessons/course.yaml:1: course manifest not found under {tmp_path}"
    )


def test_yaml_syntax_error_uses_the_same_form(tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(GOOD, root)
    (root / "quizzes" / "sample-quiz.yaml").write_text("id: [unclosed\ntitle: x\n")
    result = run("validate", "--root", str(root))
    assert result.returncode == 1
    assert "quizzes/sample-quiz.yaml:2: YAML syntax error: " in result.stdout


@pytest.mark.parametrize("kind", ["lesson", "quiz", "course"])
def test_schema_of_one_kind(kind: str) -> None:
    result = run("schema", "--kind", kind)
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert "schema_version" in schema["required"]


def test_combined_schema_accepts_every_kind_by_reference() -> None:
    schema = json.loads(run("schema").stdout)
    refs = {entry["$ref"] for entry in schema["anyOf"]}
    assert refs == {
        "#/$defs/LessonFile",
        "#/$defs/Quiz",
        "#/$defs/CourseManifest",
        "#/$defs/Bibliography",
    }
    assert "sources" not in schema["$defs"]["LessonFile"]["properties"]  # cited by id only
    step_kinds = {
        ref["$ref"].rsplit("/", 1)[1]
        for ref in schema["$defs"]["LessonFile"]["properties"]["steps"]["items"]["oneOf"]
    }
    assert step_kinds == {
        "TextStep",
        "CalloutStep",
        "TimelineStep",
        "ComparisonStep",
        "CardsStep",
        "CheckStep",
        "ReflectionStep",
        "DiscussionStep",
        "ScenarioStep",
        "PracticeStep",
        "CommitmentStep",
        "DrillStep",
    }


def test_committed_schema_files_are_up_to_date(tmp_path: Path) -> None:
    assert run("schema", "--out", str(tmp_path)).returncode == 0
    for generated in sorted(tmp_path.glob("*.schema.json")):
        committed = REPO / "schema" / generated.name
        assert committed.read_text() == generated.read_text(), (
            f"schema/{generated.name} is stale: run `python -m course schema --out schema`"
        )
