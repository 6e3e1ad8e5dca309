"""Retention and the data commands: who counts as inactive, purge, backup and restore."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from slowdown import slow

from course.loader import REPO_ROOT
from course.store import Store
from course.store.practice import Practice
from course.store.retention import inactive_learners

NOW = dt.datetime.now(dt.UTC)


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def test_a_learner_is_inactive_only_if_nothing_of_theirs_is_recent(store: Store) -> None:
    idle, _ = store.create_learner(ago(400))
    store.visit_step(idle, "l", "intro", 0, ago(300))
    answered, _ = store.create_learner(ago(400))
    store.record_answer(answered, "quiz", "q1", "a", True, ago(10))
    practised, _ = store.create_learner(ago(400))
    Practice(store.engine).record_drill(practised, "l", "d", 1, "i", True, 900, ago(5))
    checked_in, _ = store.create_learner(ago(400))
    made = Practice(store.engine).commit(checked_in, "l", "c", "walk", ago(200))
    Practice(store.engine).check_in(checked_in, made, "did", None, ago(1))
    new, _ = store.create_learner(ago(2))
    assert inactive_learners(store.engine, ago(90)) == [idle]
    assert inactive_learners(store.engine, ago(3)) == [idle, answered, practised]
    # Seen exactly at the cut-off counts as seen: the check-in keeps that learner.
    assert inactive_learners(store.engine, ago(1)) == [idle, answered, practised, new]


def course_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COURSE_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "course", *args], capture_output=True,
                          text=True, cwd=REPO_ROOT, env=env, timeout=slow(300))  # fmt: skip


def test_purge_counts_first_and_removes_only_with_yes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'course.db'}"
    store = Store(url)
    try:
        old, _ = store.create_learner(ago(400))
        store.save_reflection(old, "l", "s", "my notes", ago(399))
        recent, _ = store.create_learner(ago(3))
    finally:
        store.close()
    counted = course_cli(url, "purge", "--inactive-days", "365")
    assert counted.returncode == 0, counted.stderr
    assert "1 learner(s) not seen for 365 days; add --yes" in counted.stdout
    done = course_cli(url, "purge", "--inactive-days", "365", "--yes")
    assert done.returncode == 0, done.stderr
    assert "removed 1 learner(s) not seen for 365 days" in done.stdout
    store = Store(url)
    try:
        assert store.export_learner(old)["learners"] == []
        assert store.export_learner(old)["reflections"] == []
        assert len(store.export_learner(recent)["learners"]) == 1
    finally:
        store.close()
    assert course_cli(url, "purge", "--inactive-days", "0").returncode == 1


def test_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'course.db'}"
    store = Store(source)
    try:
        learner, _ = store.create_learner(NOW)
        store.save_reflection(learner, "l", "s", "kept as typed: <b>*hi*</b>", NOW)
    finally:
        store.close()
    file = tmp_path / "saved" / "course.jsonl.gz"
    made = course_cli(source, "backup", str(file))
    assert made.returncode == 0, made.stderr
    assert f"to {file}" in made.stdout and file.is_file()
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    loaded = course_cli(target, "restore", str(file))
    assert loaded.returncode == 0, loaded.stderr
    assert "then upgraded to the newest schema" in loaded.stdout
    again = course_cli(target, "restore", str(file))
    assert again.returncode == 1 and "already holds data" in again.stderr
    store = Store(target)
    try:
        assert store.reflections(learner) == {("l", "s"): "kept as typed: <b>*hi*</b>"}
    finally:
        store.close()
    assert course_cli(target, "restore", str(tmp_path / "none.gz")).returncode == 1


@pytest.mark.parametrize("days", ["-1", "x"])
def test_purge_refuses_a_number_that_is_not_one(tmp_path: Path, days: str) -> None:
    done = course_cli(f"sqlite:///{tmp_path / 'course.db'}", "purge", "--inactive-days", days)
    assert done.returncode != 0
