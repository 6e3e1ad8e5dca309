"""The counselor dashboard's numbers for one cohort: SQL aggregates in, tables out.

Each table counts one group of learners, named in its docstring (and on the page).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pandas as pd

from course.analytics import (
    Gain,
    ItemStats,
    Misconception,
    QuizStats,
    funnel,
    item_flags,
    item_statistics,
    knowledge_gain,
    misconception_board,
    option_counts,
    option_tally,
    quiz_statistics,
    score_matrix,
)
from course.export import to_csv
from course.group import answer_text
from course.i18n import N_, tr
from course.model import AnyQuestion, Course, Lesson, MultipleChoice, Quiz, SingleChoice
from course.outcomes import PrePost, pre_post
from course.period import Period
from course.scoring import AnswerError, grade_answer
from course.store.limits import Limits
from course.store.progress import AUDIENCES
from course.store.reports import Reports
from course.xapi_export import cohort_statements, json_chunks


def lessons_in_order(course: Course) -> list[Lesson]:
    """List the served lessons in track order, each once."""
    seen: dict[str, Lesson] = {}
    for track in course.manifest.tracks:
        for lesson in course.track_lessons(track):
            seen.setdefault(lesson.id, lesson)
    return list(seen.values())


def progress_table(
    course: Course, reports: Reports, *, period: Period | None = None
) -> pd.DataFrame:
    """Count, per lesson, the learners who started and who completed it in the period.

    Columns are in English (marked for translation): the page translates them when shown.
    Completion is given as a share of everyone enrolled (by the period's end), not only of
    those who started: a program reports what share of the people it enrolled finished.
    """
    counts = {c.lesson_id: c for c in reports.lesson_counts(period)}
    enrolled = reports.enrolled(period)
    rows = []
    for lesson in lessons_in_order(course):
        found = counts.get(lesson.id)
        started, completed = (found.started, found.completed) if found else (0, 0)
        rows.append({N_("Lesson"): lesson.title, N_("Started"): started,
                     N_("Completed"): completed,
                     N_("% of everyone enrolled who completed"): _share(completed, enrolled),
                     N_("% of starters who completed"): _share(completed, started)})  # fmt: skip
    return pd.DataFrame(rows)


def _share(part: int, whole: int) -> float:
    """Part of whole in percent, one decimal (nan when there is no whole)."""
    return round(100 * part / whole, 1) if whole else float("nan")


# What learners call each audience when they choose it (start page, course map).
# Marked for translation; the page translates the name when it shows it.
AUDIENCE_NAMES = {"learner": N_("For myself"), "family": N_("For someone I care about")}


@dataclass(frozen=True)
class StepFunnel:
    """How far one audience got in a lesson, over the steps that audience sees."""

    audience: str | None  # None: every audience sees the same steps, counted together
    name: str  # the audience as learners name it ("For myself"); "" for everyone
    steps: pd.DataFrame  # step_id, step ("9. Title", numbered as shown), learners, share


def lesson_funnel(
    reports: Reports, lesson: Lesson, *, period: Period | None = None
) -> list[StepFunnel]:
    """Count how far the cohort got in the lesson: one funnel per audience if steps differ.

    With a period: the learners who started the lesson in it.
    """
    counts = reports.furthest(lesson.id, period)
    views = {audience: lesson.for_audience(audience) for audience in AUDIENCES}
    if len({tuple(s.id for s in view.steps) for view in views.values()}) == 1:
        everyone: dict[str | None, int] = {}
        for (_, step_id), n in counts.items():
            everyone[step_id] = everyone.get(step_id, 0) + n
        return [_step_funnel(None, views[AUDIENCES[0]], everyone)]
    return [
        _step_funnel(audience, view, {s: n for (a, s), n in counts.items() if a == audience})
        for audience, view in views.items()
    ]


def _step_funnel(audience: str | None, view: Lesson, counts: dict[str | None, int]) -> StepFunnel:
    """Build one audience's funnel over the steps it sees (view: Lesson.for_audience)."""
    table = funnel(counts, [s.id for s in view.steps])
    labels = [f"{n}. {s.title or s.id}" for n, s in enumerate(view.steps, start=1)]
    steps = table.assign(step=labels)[["step_id", "step", "learners", "share"]]
    return StepFunnel(audience, AUDIENCE_NAMES.get(audience or "", ""), steps)


def cohort_gain(course: Course, reports: Reports, *, period: Period | None = None) -> Gain | None:
    """Compare the first "before" check with the latest "after" check, if the course has one.

    Everyone who took each check (in the period, by finished_at): not only the same people.
    """
    check = course.manifest.knowledge_check
    if check is None:
        return None
    pre = pd.Series(reports.scores(check.pre, latest=False, period=period), dtype=float)
    post = pd.Series(reports.scores(check.post, latest=True, period=period), dtype=float)
    return knowledge_gain(pre, post)


def paired_outcome(
    course: Course, reports: Reports, *, period: Period | None = None
) -> PrePost | None:
    """Compare check A with check B for the learners who took both, A first (None: no checks).

    Each learner's first check A and latest check B count (in the period, by finished_at).
    """
    check = course.manifest.knowledge_check
    if check is None:
        return None
    pairs = list(reports.paired_scores(check.pre, check.post, period=period).values())
    return pre_post([pre for pre, _ in pairs], [post for _, post in pairs])


# Marked for translation; the page translates the headers when it shows the table.
SAFETY_COLUMNS = [
    N_("Quiz"),
    N_("Question"),
    N_("Learners"),
    N_("Right the first time"),
    N_("Right in the end"),
]


def safety_table(
    quizzes: Iterable[Quiz], reports: Reports, *, period: Period | None = None
) -> pd.DataFrame:
    """Per safety-critical question: of the learners who tried it, right first and in the end.

    A learner counts if their first try is in the period (by answered_at).
    """
    asked = [(quiz, q) for quiz in quizzes for q in quiz.questions if q.safety_critical]
    found = reports.safety_counts([(quiz.id, q.id) for quiz, q in asked], period=period)
    counts = {(c.quiz_id, c.question_id): c for c in found}
    rows = []
    for quiz, question in asked:
        c = counts.get((quiz.id, question.id))
        n, first, last = (c.learners, c.right_first, c.right_in_end) if c else (0, 0, 0)
        rows.append((quiz.title, _short(question.prompt), n, _of(first, n), _of(last, n)))
    return pd.DataFrame(rows, columns=SAFETY_COLUMNS)


def _of(part: int, whole: int) -> str:
    """Say "k of n (p%)", or that nobody has answered yet."""
    if not whole:
        return tr("no answers yet")
    return tr("{part} of {whole} ({percent}%)").format(
        part=part, whole=whole, percent=f"{100 * part / whole:.0f}"
    )


def _short(prompt: str, limit: int = 90) -> str:
    """Give the first line of a prompt, cut to fit a table cell."""
    lines = prompt.strip().splitlines() or [""]
    return lines[0] if len(lines[0]) <= limit else lines[0][: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class QuizReport:
    """A quiz's numbers, each table over one stated group of learners.

    Items, stats and options: the first answers of the learners who answered every question
    (stats.n of them). Board: the wrong first answers of everyone who answered at least one
    question (answered).
    """

    quiz: Quiz
    stats: QuizStats
    items: list[ItemStats]
    options: pd.DataFrame  # question_id, answer_key, label, is_right, count, share
    board: list[Misconception]
    answered: int


FIRST_COLUMNS = ["learner_id", "question_id", "answer", "is_correct", "confident"]
ANSWER_COLUMNS = ["question_id", "answer_key", "label", "is_right", "count", "share"]


def quiz_report(reports: Reports, quiz: Quiz, *, period: Period | None = None) -> QuizReport:
    """Compute Moodle-style statistics, answer counts and misconceptions of a quiz.

    One query gives every first answer (in the period, by answered_at), so the statistics
    and the answer counts are sure to count the same learners.
    """
    ids = [q.id for q in quiz.questions]
    first = pd.DataFrame(reports.first_answers(quiz.id, period=period), columns=FIRST_COLUMNS)
    complete = score_matrix(first, ids).index
    population = first[first["learner_id"].isin(complete) & first["question_id"].isin(ids)]
    return QuizReport(
        quiz,
        quiz_statistics(first, ids),
        item_statistics(first, ids),
        answer_table(quiz, population),
        misconception_board(_tag_rows(first, quiz)),
        int(first["learner_id"].nunique()),
    )


def answer_table(quiz: Quiz, first: pd.DataFrame) -> pd.DataFrame:
    """Count first answers: per option for choice questions, per whole answer for the others.

    A multiple-choice answer counts once for each option it names; share is % of answers.
    """
    parts = [
        _choice_counts(q, first) if isinstance(q, SingleChoice | MultipleChoice)
        else _answer_counts(q, first)
        for q in quiz.questions
    ]  # fmt: skip
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ANSWER_COLUMNS)


def _choice_counts(question: SingleChoice | MultipleChoice, first: pd.DataFrame) -> pd.DataFrame:
    answers = first.loc[first["question_id"] == question.id, ["question_id", "answer"]]
    tally = option_tally(answers, {question.id: [o.id for o in question.options]})
    options = {o.id: o for o in question.options}
    keys = list(tally["option_id"])
    return tally.rename(columns={"option_id": "answer_key"}).assign(
        label=[options[k].text if k in options else k for k in keys],
        is_right=[k in options and options[k].correct for k in keys],
    )[ANSWER_COLUMNS]


def _answer_counts(question: AnyQuestion, first: pd.DataFrame) -> pd.DataFrame:
    mine = first[first["question_id"] == question.id]
    keyed = mine.assign(answer_key=[answer_text(a) for a in mine["answer"]])
    grouped = keyed.groupby(["question_id", "answer_key"], as_index=False).agg(
        count=("learner_id", "size"), is_right=("is_correct", "max")
    )
    counted = option_counts(grouped)
    return counted.assign(label=counted["answer_key"])[ANSWER_COLUMNS]


def _tag_rows(first: pd.DataFrame, quiz: Quiz) -> pd.DataFrame:
    """One row per misconception carried by a wrong first answer, with how sure it was."""
    questions = {q.id: q for q in quiz.questions}
    # Grade each distinct answer once: thousands of learners share a few wrong answers.
    tags: dict[tuple[str, str], tuple[str, ...]] = {}
    rows = []
    wrong = first.loc[~first["is_correct"].astype(bool)]
    columns = ["learner_id", "question_id", "answer", "confident"]
    for learner, question_id, answer, sure in wrong[columns].itertuples(index=False, name=None):
        if question_id not in questions:
            continue
        key = (question_id, json.dumps(answer, sort_keys=True))
        if key not in tags:
            tags[key] = _tags(questions[question_id], answer)
        rows += [(tag, learner, sure) for tag in tags[key]]
    return pd.DataFrame(rows, columns=["tag", "learner_id", "confident"])


def _tags(question: AnyQuestion, answer: object) -> tuple[str, ...]:
    try:
        return tuple(grade_answer(question, answer).misconceptions)
    except AnswerError:
        return ()


# What each item flag means, in plain words (see course.analytics.item_flags).
FLAG_WORDS = {
    "too_easy": N_(
        "Very easy: 9 in 10 or more got it right the first time, so it shows little "
        "about who needs help."
    ),
    "too_hard": N_(
        "Very hard: 2 in 10 or fewer got it right the first time. Check the wording and the lesson."
    ),
    "low_discrimination": N_(
        "Does not tell apart who knows more: people who did well on the rest "
        "of the quiz were not much more likely to get it right."
    ),
    "negative_discrimination": N_(
        "Check this question's answer key: people who did well on the "
        "rest of the quiz got it wrong more often."
    ),
}


def what_to_check(item: ItemStats) -> str:
    """Say in plain words what to check about a question ("" when nothing)."""
    return " ".join(tr(FLAG_WORDS[flag]) for flag in item_flags(item))


def items_csv(report: QuizReport) -> str:
    """Write the quiz's item statistics as CSV, numbers as numbers (nan: an empty cell)."""
    return to_csv(
        ["question", "learners", "facility_pct", "sd_pct", "discrimination", "check"],
        [(i.question_id, i.n, round(i.facility, 1), round(i.sd, 1), round(i.discrimination, 1),
          what_to_check(i)) for i in report.items],
    )  # fmt: skip


def answers_csv(
    reports: Reports,
    *,
    period: Period | None = None,
    name: Callable[[int], str] = lambda learner: f"learner-{learner}",
) -> Iterator[str]:
    """Write every answer of the cohort (in the period) as safe CSV, a batch of lines at a time.

    ``name`` names a learner; the page passes the cohort's pseudonyms (the xAPI actor names),
    so rows of one person cannot be linked across cohorts.
    """
    header = ["learner", "quiz", "question", "attempt", "answer", "correct", "answered_at"]
    yield to_csv(header, [])
    batch: list[tuple[object, ...]] = []
    for learner, quiz_id, question_id, attempt_no, answer, ok, at in reports.attempts(period):
        batch.append((name(learner), quiz_id, question_id, attempt_no,
                      answer_text(answer), ok, at.isoformat()))  # fmt: skip
        if len(batch) >= 5_000:
            yield to_csv(None, batch)
            batch = []
    yield to_csv(None, batch)


def xapi_json(
    reports: Reports,
    course: Course,
    limits: Limits,
    *,
    base: str,
    home_page: str,
    period: Period | None = None,
) -> Iterator[bytes]:
    """Write the cohort's answers, completions and quiz outcomes as xAPI statements (JSON).

    In chunks, reading the store in batches: never the whole export in memory. Learners are
    per-cohort pseudonyms (keyed hashes under the app's key), never their id or code.
    """
    found = cohort_statements(
        reports, limits, course.quizzes, base=base, home_page=home_page, period=period
    )
    return json_chunks(found)
