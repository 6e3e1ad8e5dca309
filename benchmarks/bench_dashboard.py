"""Dashboard at scale: 10,000 learners and 500,000 answers in one cohort, on SQLite.

Run: ``.venv/bin/python benchmarks/bench_dashboard.py [--learners N] [--answers-per-learner K]``.
It seeds a throwaway SQLite database (course/store/seed.py: bulk INSERTs), then times, best of
``--repeat``:

- each number the dashboard shows, computed as the page does (SQL aggregates + pandas);
- a whole render of the dashboard page (Streamlit's AppTest, in this process), including
  every chart and table;
- the same page on a cohort of 200 learners (the baseline, same database and process), so the
  ratio shows how the page grows with 50x the learners;
- the naive way, as a baseline for the item statistics: read each learner's attempts one by one
  through the store (a Python loop), then count (on 1,000 learners, scaled to all).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, update  # noqa: E402

from course.dashboard import (  # noqa: E402
    cohort_gain,
    lesson_funnel,
    lessons_in_order,
    paired_outcome,
    progress_table,
    quiz_report,
    safety_table,
)
from course.engagement import cohort_numbers as engagement_numbers  # noqa: E402
from course.engagement import cohort_weeks, learner_table, program_rows, track_lessons  # noqa: E402
from course.loader import REPO_ROOT, load_course  # noqa: E402
from course.model import Course, Lesson  # noqa: E402
from course.period import Period  # noqa: E402
from course.program_report import cohort_numbers as numbers_of  # noqa: E402
from course.store import Cohorts, Facilitators, Store, write  # noqa: E402
from course.store.engagement_reports import EngagementReports  # noqa: E402
from course.store.reports import Reports  # noqa: E402
from course.store.schema import cohort_members  # noqa: E402
from course.store.seed import seed_cohort  # noqa: E402

QUIZ = "tolerance-dependence-addiction-quiz"
NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)  # after the seeded activity (September 2026)


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


LARGEST: list[int] = []  # the largest element each render sent, in bytes


def largest_element(node: object) -> int:
    """Return the serialized size of the largest element under an AppTest node."""
    proto = getattr(node, "proto", None)
    size = proto.ByteSize() if proto is not None and hasattr(proto, "ByteSize") else 0
    children = getattr(node, "children", {})
    return max([size, *(largest_element(child) for child in children.values())])


def render_page(facilitator_id: int, cohort_choice: int, period: str) -> float:
    """Render the dashboard once with AppTest; return seconds (the page's whole script run).

    ``period`` is the reporting period's choice on the page ("all", "year", ...).
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from course.ui.staff import Facilitator

    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=300)
    at.session_state["facilitator"] = Facilitator(facilitator_id, "lead")
    at.switch_page("course/ui/pages/dashboard.py")
    at.run()  # first run: caches warm (course, store)
    next(r for r in at.radio if r.label == "Reporting period").set_value(period)
    next(b for b in at.selectbox if b.label == "Cohort").set_value(cohort_choice)
    t0 = time.perf_counter()
    at.run()
    took = time.perf_counter() - t0
    assert not at.exception, at.exception
    LARGEST.append(largest_element(at._tree))  # each element is one message to the browser
    st.cache_resource.clear()
    return took


def give_program_ids(store: Store, cohort_id: int, *, share: float, rng: random.Random) -> None:
    """Give a share of the members a program ID, as the join form stores it (upper case)."""
    member = cohort_members.c
    with write(store.engine) as conn:
        ids = list(conn.scalars(select(member.learner_id).where(member.cohort_id == cohort_id)))
        for learner in ids:
            if rng.random() < share:
                conn.execute(
                    update(cohort_members)
                    .where(member.cohort_id == cohort_id, member.learner_id == learner)
                    .values(program_id=f"C-{learner:06d}")
                )


def page_parts(
    course: Course, reports: Reports, activity: EngagementReports, lesson: Lesson
) -> dict[str, Callable[[Period | None], object]]:
    """Each part of the page as the page computes it, for a period (None: all time)."""
    quiz = course.quizzes[QUIZ]
    return {
        "progress per lesson (SQL GROUP BY)": lambda p: progress_table(course, reports, period=p),
        "where people stop, one lesson": lambda p: lesson_funnel(reports, lesson, period=p),
        "knowledge gain, everyone": lambda p: cohort_gain(course, reports, period=p),
        "paired pre/post + t, Wilcoxon, d_z": lambda p: paired_outcome(course, reports, period=p),
        "safety questions": lambda p: safety_table(course.quizzes.values(), reports, period=p),
        f"item statistics + board, {QUIZ}": lambda p: quiz_report(reports, quiz, period=p),
        # A fresh EngagementReports per call, as per page run (it remembers within a run).
        "people served (program summary)": lambda p: numbers_of(
            course, "c", reports, fresh(activity), period=p, now=NOW
        ),
        "dose and engagement tables": lambda p: dose_tables(course, fresh(activity), p),
    }


def fresh(activity: EngagementReports) -> EngagementReports:
    return EngagementReports(activity.engine, activity.cohort_id)


def dose_tables(course: Course, activity: EngagementReports, period: Period | None) -> object:
    """What the dose and engagement section computes before it draws."""
    tracks = track_lessons(course)
    weeks = activity.active_weeks(period)
    table = learner_table(activity.members(tracks, NOW, period), weeks, tracks, NOW, period)
    return engagement_numbers(table), cohort_weeks(weeks), program_rows(table)


def naive_facility(store: Store, learner_ids: range, question_ids: list[str]) -> dict[str, float]:
    firsts: dict[int, dict[str, bool]] = {}
    for learner in learner_ids:
        for a in store.attempts(learner, QUIZ):
            if a.attempt_no == 1:
                firsts.setdefault(learner, {})[a.question_id] = a.is_correct
    complete = [f for f in firsts.values() if set(question_ids) <= set(f)]
    return {q: sum(f[q] for f in complete) / max(len(complete), 1) for q in question_ids}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--answers-per-learner", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    course = load_course(REPO_ROOT).course
    assert course is not None
    work = Path(tempfile.mkdtemp(prefix="bench_dashboard-"))
    url = f"sqlite:///{work / 'dash.db'}"
    os.environ["COURSE_DATABASE_URL"] = url
    os.environ.pop("COURSE_ROOT", None)
    store = Store(url)
    now = datetime.now(UTC)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", now)
    small = Cohorts(store.engine).create(lead, "Small", now)
    big = Cohorts(store.engine).create(lead, "Big", now)
    t0 = time.perf_counter()
    seeded_small = seed_cohort(
        store.engine,
        course,
        small.id,
        learners_n=200,
        answers_per_learner=args.answers_per_learner,
        rng=random.Random(1),
    )
    seeded = seed_cohort(
        store.engine,
        course,
        big.id,
        learners_n=args.learners,
        answers_per_learner=args.answers_per_learner,
        rng=random.Random(2),
    )
    size_mb = (work / "dash.db").stat().st_size / 2**20
    print(
        f"bench_dashboard: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; seeded in "
        f"{time.perf_counter() - t0:.1f} s: cohort of {seeded.learners:,} learners, "
        f"{seeded.answers:,} answers, {seeded.results:,} check results (+ a cohort of "
        f"{seeded_small.learners}); SQLite file {size_mb:.0f} MB"
    )
    give_program_ids(store, big.id, share=0.3, rng=random.Random(3))
    lesson = lessons_in_order(course)[0]
    month = Period.of_days(date(2026, 9, 1), date(2026, 9, 30))  # the seeded activity's month
    print(f"\nparts of the page, best of {args.repeat} (ms): all time | period {month.label()}")
    small_ms: dict[str, float] = {}
    for cohort_id, label in ((small.id, "200"), (big.id, f"{args.learners:,}")):
        reports = Reports(store.engine, cohort_id)
        activity = EngagementReports(store.engine, cohort_id)
        parts = page_parts(course, reports, activity, lesson)
        print(f"  cohort of {label} learners:")
        for name, fn in parts.items():
            whole = 1000 * best(lambda fn=fn: fn(None), args.repeat)
            inside = 1000 * best(lambda fn=fn: fn(month), args.repeat)
            ratio = ""
            if label == "200":
                small_ms[name] = whole
            else:
                ratio = f"  {whole / small_ms[name]:5.1f}x the 200-learner cohort"
            print(f"    {name:44} {whole:8.1f} | {inside:8.1f}{ratio}")
    reports = Reports(store.engine, big.id)
    ids = [q.id for q in course.quizzes[QUIZ].questions]
    sample = range(seeded_small.learners + 1, seeded_small.learners + 1 + 1000)
    naive = best(lambda: naive_facility(store, sample, ids), 1) * args.learners / len(sample)
    sql = best(lambda: quiz_report(reports, course.quizzes[QUIZ]), args.repeat)
    print(
        f"  baseline: the same facility by a Python loop over learners (1,000 timed, scaled "
        f"to {args.learners:,}): {1000 * naive:,.0f} ms = {naive / sql:.0f}x the SQL way"
    )
    for period in ("all", "year"):
        renders_big = [render_page(lead, big.id, period) for _ in range(args.repeat)]
        renders_small = [render_page(lead, small.id, period) for _ in range(args.repeat)]
        b, s = min(renders_big), min(renders_small)
        print(f"\nwhole dashboard render (AppTest, script run), period {period!r}, best of "
              f"{args.repeat}:")  # fmt: skip
        median = 1000 * statistics.median(renders_big)
        print(f"  {args.learners:,} learners: {1000 * b:,.0f} ms (median {median:,.0f})")
        print(f"  200 learners (baseline): {1000 * s:,.0f} ms; ratio {b / s:.2f}x for 50x the "
              "learners")  # fmt: skip
    print(
        f"  largest message (one element): {max(LARGEST) / 1000:,.0f} kB; the server's cap "
        "(server.maxMessageSize) is 16 MB"
    )
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
