"""The bibliography: lessons cite it by id; stale time-sensitive sources and due dates flagged."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

from slowdown import slow

from course.lint import lint
from course.loader import load_course

GOOD = Path(__file__).parent / "fixtures" / "good"
REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 6)


def copy_good(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(GOOD, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def time_sensitive(root: Path, year: int) -> None:
    """Mark the fixture's one source time-sensitive and from the given year."""
    edit(root / "bibliography.yaml", "year: 2023", f"year: {year}\n    time_sensitive: true")


def test_a_served_lesson_carries_the_entries_it_and_its_quiz_cite(tmp_path: Path) -> None:
    root = copy_good(tmp_path)
    with (root / "bibliography.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "  - id: strang-2003\n"
            "    title: Loss of tolerance and overdose mortality after inpatient detoxification\n"
            "    publisher: BMJ\n"
            "    url: http://www.bmj.com/content/326/7396/959\n"
            "    year: 2003\n"
            "    supports: Overdose risk after leaving a withdrawal unit.\n"
        )
    edit(
        root / "quizzes" / "sample-quiz.yaml",
        "    safety_critical: true",
        "    safety_critical: true\n    sources: [strang-2003]",
    )
    result = load_course(root, strict=True, today=TODAY)
    assert result.problems == ()
    assert result.course is not None
    lesson = result.course.lessons["sample"]
    assert [s.id for s in lesson.sources] == ["nida-words", "strang-2003"]
    assert lesson.sources[1].supports == "Overdose risk after leaving a withdrawal unit."
    assert sorted(result.course.sources) == ["nida-words", "strang-2003"]


def test_citations_without_a_bibliography_are_one_clear_error(tmp_path: Path) -> None:
    root = copy_good(tmp_path)
    (root / "bibliography.yaml").unlink()
    messages = [str(p) for p in load_course(root, today=TODAY).errors]
    assert messages == [
        "bibliography.yaml:1: bibliography not found: lessons and quizzes cite sources by id, "
        "so list each source once in bibliography.yaml at the content root "
        "(id, title, publisher, url, year, supports)",
        "lessons/sample.yaml:15: steps[0].sources[0]: unknown source 'nida-words'; "
        "sources in bibliography.yaml: (none)",
    ]


def test_an_old_time_sensitive_source_is_flagged_and_strict_fails(tmp_path: Path) -> None:
    root = copy_good(tmp_path)
    time_sensitive(root, 2022)
    edit(root / "lessons" / "sample.yaml", "steps:", "check_again_by: 2027-06-30\nsteps:")
    warnings = [str(p) for p in load_course(root, today=TODAY).warnings]
    assert warnings == [
        "bibliography.yaml:9: sources[0].year: warning: source 'nida-words' backs "
        "time-sensitive facts but is from 2022, 4 years ago (the limit is max_age_years: 3); "
        "find a newer source, or confirm the facts on the live page and set last_checked"
    ]
    assert load_course(root, strict=True, today=TODAY).errors


def test_a_time_sensitive_source_within_the_age_limit_passes(tmp_path: Path) -> None:
    root = copy_good(tmp_path)
    time_sensitive(root, 2023)
    edit(root / "lessons" / "sample.yaml", "steps:", "check_again_by: 2027-06-30\nsteps:")
    assert load_course(root, strict=True, today=TODAY).problems == ()
    # The same content ages: a year on, the 2023 source is past the limit.
    assert load_course(root, strict=True, today=dt.date(2027, 12, 6)).errors


def test_the_age_limit_is_set_in_the_bibliography(tmp_path: Path) -> None:
    root = copy_good(tmp_path)
    time_sensitive(root, 2022)
    edit(root / "lessons" / "sample.yaml", "steps:", "check_again_by: 2027-06-30\nsteps:")
    edit(root / "bibliography.yaml", "max_age_years: 3", "max_age_years: 5")
    assert load_course(root, strict=True, today=TODAY).problems == ()


def test_a_lesson_on_time_sensitive_sources_needs_a_check_again_date(tmp_path: Path) -> None:
    root = copy_good(tmp_path)
    time_sensitive(root, 2025)
    warnings = [str(p) for p in load_course(root, today=TODAY).warnings]
    assert warnings == [
        "lessons/sample.yaml:2: id: warning: lesson 'sample' cites time-sensitive sources "
        "('nida-words') but has no check_again_by date; add one, e.g. check_again_by: 2027-06-30"
    ]


def test_lint_reports_a_passed_check_again_date_and_strict_fails(tmp_path: Path) -> None:
    root = copy_good(tmp_path)
    edit(root / "lessons" / "sample.yaml", "steps:", "check_again_by: 2026-12-01\nsteps:")
    report = lint(root, TODAY)
    assert [str(f) for f in report.due] == [
        "lessons/sample.yaml:11: check_again_by: check again by 2026-12-01 has passed "
        "(5 days ago); check its time-sensitive figures and sources, then set a new date"
    ]
    assert not report.is_clean()
    assert lint(root, dt.date(2026, 12, 1)).is_clean(), "due on the day itself is not yet past"
    run = [sys.executable, "-m", "course", "lint", "--root", str(root), "--strict"]
    # The CLI dates the check with the real today, long after 2026-12-01.
    result = subprocess.run(run, capture_output=True, text=True, cwd=REPO, timeout=slow(60))
    assert result.returncode == 1
    assert "lessons past their check-again date: 1" in result.stdout


def test_a_recent_check_keeps_an_old_time_sensitive_source_current(tmp_path: Path) -> None:
    root = copy_good(tmp_path)
    time_sensitive(root, 2019)
    edit(root / "lessons" / "sample.yaml", "steps:", "check_again_by: 2027-06-30\nsteps:")
    edit(
        root / "bibliography.yaml",
        "    time_sensitive: true",
        "    time_sensitive: true\n    last_checked: 2026-11-20",
    )
    assert load_course(root, strict=True, today=TODAY).problems == ()
    # Three whole years after the check it still passes; four years on it is flagged.
    assert load_course(root, strict=True, today=dt.date(2029, 11, 20)).problems == ()
    warnings = [str(p) for p in load_course(root, today=dt.date(2030, 11, 20)).warnings]
    assert warnings == [
        "bibliography.yaml:11: sources[0].last_checked: warning: source 'nida-words' backs "
        "time-sensitive facts but was last checked on 2026-11-20, 4 years ago (the limit is "
        "max_age_years: 3); find a newer source, or confirm the facts on the live page and set "
        "last_checked"
    ]
