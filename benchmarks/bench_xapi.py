"""xAPI export of a whole cohort: peak memory of the in-memory way against the streamed ways.

Run: ``.venv/bin/python benchmarks/bench_xapi.py [--learners N] [--answers-per-learner K]``.
It seeds a throwaway SQLite database (course/store/seed.py, as bench_dashboard.py does), then
exports the cohort three ways, each in a fresh child process (so one's garbage cannot lower
another's figure), measuring the peak of Python allocations (tracemalloc) and the growth of the
peak resident set (ru_maxrss, which also counts C buffers: SQLite, zlib):

- ``memory``: today's way: read every record into lists, build every statement, json.dumps the
  list (indent=1), encode it (what Streamlit does with a str);
- ``json``: statements streamed as JSON chunks into a temporary file (nothing kept);
- ``gzip``: the same chunks through gzip into a temporary file, then its bytes read back, as
  the dashboard's download does (Streamlit keeps those bytes while the session lasts).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.loader import REPO_ROOT, load_course  # noqa: E402
from course.store import Cohorts, Facilitators, Store  # noqa: E402
from course.store.limits import Limits  # noqa: E402
from course.store.reports import Reports  # noqa: E402
from course.store.seed import seed_cohort  # noqa: E402
from course.xapi import AnswerRecord, CompletionRecord, QuizRecord, Scope, statements  # noqa: E402
from course.xapi_export import cohort_statements, gzipped, json_chunks, pseudonyms  # noqa: E402

BASE = "https://course.example.org"
MODES = ("memory", "json", "gzip")
MIB = 2**20


def export(mode: str, store: Store, cohort_id: int) -> int:
    """Export the cohort one way; return the size of what it produced, in bytes."""
    course = load_course(REPO_ROOT).course
    assert course is not None
    reports, limits = Reports(store.engine, cohort_id), Limits(store.engine)
    if mode == "memory":
        scope = Scope(BASE, BASE, pseudonyms(limits, cohort_id), course.quizzes)
        answers = [AnswerRecord(*row) for row in reports.attempts()]
        completions = [CompletionRecord(*row) for row in reports.completions()]
        outcomes = [QuizRecord(*row) for row in reports.results()]
        found = list(statements(answers, completions, outcomes, scope))
        return len(json.dumps(found, ensure_ascii=False, indent=1).encode())
    chunks = json_chunks(
        cohort_statements(reports, limits, course.quizzes, base=BASE, home_page=BASE)
    )
    if mode == "gzip":
        return len(gzipped(chunks))
    with tempfile.TemporaryFile() as file:
        for chunk in chunks:
            file.write(chunk)
        return file.tell()


def child(mode: str, url: str, cohort_id: int, trace: bool) -> None:
    """Measure one export in this process; print its figures as JSON."""
    store = Store(url)
    load_course(REPO_ROOT)  # parsed once before measuring, as the app has it cached
    Limits(store.engine).sign("warm")  # the key, read once
    rss_before = _vm("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak RSS starts again from now
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    size = export(mode, store, cohort_id)
    took = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if trace else float("nan")
    rss = _vm("VmHWM") - rss_before
    print(json.dumps({"size": size, "peak": peak, "rss": rss, "s": took}))


def _vm(field: str) -> int:
    """Return a /proc/self/status memory figure (VmRSS, VmHWM) in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status (this benchmark needs Linux)")


def measure(mode: str, url: str, cohort_id: int, traced: bool) -> dict[str, float]:
    """Run one export in a child process (RSS and time), then another for tracemalloc's peak."""
    figures: dict[str, float] = {"peak": float("nan")}  # nan: not traced
    for trace in (False, True)[: 1 + traced]:
        command = [sys.executable, __file__, "--child", mode, "--url", url]
        command += ["--cohort", str(cohort_id)] + (["--trace"] if trace else [])
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        got = json.loads(done.stdout.strip().splitlines()[-1])
        figures |= {"peak": got["peak"]} if trace else got
    return figures


def seed(learners: int, per_learner: int) -> tuple[str, int]:
    """Seed a cohort in a throwaway SQLite database; return its URL and the cohort id."""
    course = load_course(REPO_ROOT).course
    assert course is not None
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench_xapi-')) / 'xapi.db'}"
    store = Store(url)
    now = datetime.now(UTC)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", now)
    cohort = Cohorts(store.engine).create(lead, "Big", now)
    seeded = seed_cohort(
        store.engine,
        course,
        cohort.id,
        learners_n=learners,
        answers_per_learner=per_learner,
        rng=random.Random(2),
    )
    print(
        f"bench_xapi: Python {sys.version.split()[0]}; cohort of {seeded.learners:,} learners, "
        f"{seeded.answers:,} answers, {seeded.results:,} check results"
    )
    store.close()
    return url, cohort.id


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--learners", type=int, default=2_000)
    parser.add_argument("--answers-per-learner", type=int, default=50)
    parser.add_argument("--child", choices=MODES)
    parser.add_argument("--url")
    parser.add_argument("--cohort", type=int)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--modes", default=",".join(MODES), help="e.g. json,gzip (skip memory)")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.cohort, args.trace)
        return 0
    url, cohort_id = seed(args.learners, args.answers_per_learner)
    modes = [m for m in MODES if m in args.modes.split(",")]
    got = {mode: measure(mode, url, cohort_id, not args.no_trace) for mode in modes}
    head = ("way", "output MiB", "peak (tracemalloc) MiB", "peak RSS +MiB", "s")
    print("\n{:8} {:>11} {:>23} {:>14} {:>6}".format(*head))
    for mode, f in got.items():
        print(
            f"{mode:8} {f['size'] / MIB:11.1f} {f['peak'] / MIB:23.1f} "
            f"{f['rss'] / MIB:14.1f} {f['s']:6.1f}"
        )
    if set(got) != set(MODES):
        return 0
    memory, packed = got["memory"], got["gzip"]
    print(
        f"\ngzip: {got['json']['size'] / packed['size']:.0f}x smaller than the JSON; "
        f"in-memory peak / streamed-gzip peak: {memory['peak'] / packed['peak']:.0f}x "
        f"(tracemalloc), {memory['rss'] / packed['rss']:.0f}x (peak RSS growth)"
    )
    print(f"in-memory JSON (indent=1) is {memory['size'] / MIB:.0f} MiB; the streamed file "
          f"{got['json']['size'] / MIB:.0f} MiB (one statement a line, no indent)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
