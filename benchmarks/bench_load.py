"""Course load + validate vs a raw ``yaml.CSafeLoader`` parse of the same files.

Run: ``.venv/bin/python benchmarks/bench_load.py [--lessons 1000] [--repeat 5]``.
Prints wall time per run (best of --repeat) for the shipped course and for a generated course
of N lessons (copies of the shipped lessons and quizzes under new ids), and the ratio
load/raw-parse measured in this same process.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.loader import load_course  # noqa: E402
from course.yamlsafe import read  # noqa: E402


def content_files(root: Path) -> list[Path]:
    files = [*(root / "lessons").glob("*.yaml"), *(root / "quizzes").glob("*.yaml")]
    return sorted([*files, root / "bibliography.yaml"])


def raw_parse(root: Path) -> None:
    for path in content_files(root):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)  # noqa: S506 - the baseline


def safe_read_only(root: Path) -> None:
    for path in content_files(root):
        read(path.read_bytes())


def full_load(root: Path) -> None:
    result = load_course(root, strict=True)
    assert not result.errors, result.errors[:3]


def best_of(repeat: int, fn: Callable[[Path], None], root: Path) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn(root)
        times.append(time.perf_counter() - started)
    return min(times)


def generate(count: int, into: Path) -> Path:
    """Write a course of `count` lessons, each a renamed copy of a shipped lesson and quiz."""
    shipped = load_course(ROOT, strict=True).course
    assert shipped is not None
    (into / "lessons").mkdir(parents=True)
    (into / "quizzes").mkdir()
    templates = list(shipped.lessons.values())
    ids = []
    for n in range(count):
        lesson = templates[n % len(templates)]
        new_id, quiz_id = f"gen-{n:05d}", f"gen-{n:05d}-quiz"
        text = (ROOT / "lessons" / f"{lesson.id}.yaml").read_text(encoding="utf-8")
        text = text.replace(f"id: {lesson.id}\n", f"id: {new_id}\n", 1)
        text = text.replace(f"quiz: {lesson.quiz}", f"quiz: {quiz_id}")
        (into / "lessons" / f"{new_id}.yaml").write_text(text, encoding="utf-8")
        quiz_text = (ROOT / "quizzes" / f"{lesson.quiz}.yaml").read_text(encoding="utf-8")
        quiz_text = quiz_text.replace(f"id: {lesson.quiz}\n", f"id: {quiz_id}\n", 1)
        (into / "quizzes" / f"{quiz_id}.yaml").write_text(quiz_text, encoding="utf-8")
        ids.append(new_id)
    manifest = (ROOT / "lessons" / "course.yaml").read_text(encoding="utf-8")
    head, _, _ = manifest.partition("tracks:")
    resources = manifest[manifest.index("crisis_resources:") :]
    track = "tracks:\n  - id: all\n    title: All\n    lessons:\n" + "".join(
        f"      - {i}\n" for i in ids
    )
    (into / "lessons" / "course.yaml").write_text(head + track + resources, encoding="utf-8")
    shutil.copy(ROOT / "bibliography.yaml", into / "bibliography.yaml")  # the sources, once
    return into


def report(label: str, root: Path, repeat: int) -> None:
    files = content_files(root)
    size = sum(p.stat().st_size for p in files)
    raw = best_of(repeat, raw_parse, root)
    reader = best_of(repeat, safe_read_only, root)
    full = best_of(repeat, full_load, root)
    print(f"{label}: {len(files)} files, {size / 1024:.0f} KiB")
    print(f"  raw yaml.CSafeLoader parse : {raw * 1000:9.1f} ms")
    print(f"  safe reader only           : {reader * 1000:9.1f} ms  ({reader / raw:.2f}x raw)")
    print(f"  load + validate (strict)   : {full * 1000:9.1f} ms  ({full / raw:.2f}x raw)")


def bomb_time() -> None:
    bomb = (ROOT / "tests" / "fixtures" / "bad" / "alias-bomb.yaml").read_bytes()
    started = time.perf_counter()
    try:
        read(bomb)
    except Exception as err:  # noqa: BLE001 - any refusal counts; we time it
        elapsed = time.perf_counter() - started
        print(f"alias bomb ({len(bomb)} bytes) refused in {elapsed * 1000:.3f} ms: {err}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    report("shipped course", ROOT, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(args.lessons, Path(tmp) / "course")
        report(f"generated course ({args.lessons} lessons)", root, max(1, args.repeat // 2))
        shutil.rmtree(root)
    bomb_time()


if __name__ == "__main__":
    main()
