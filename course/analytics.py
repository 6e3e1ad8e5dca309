"""Quiz and lesson analytics in the manner of Moodle's quiz statistics: data in, numbers out.

Every function takes rows the caller has already fetched (pandas objects) and returns plain
values; nothing here reads a database, a clock or Streamlit. Item and quiz statistics count
first attempts of learners who answered every question (Moodle's "complete attempts").
Percentages are on a 0-100 scale; a statistic that cannot be computed is ``nan``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Below this many complete learners, warn that the numbers mean little.
SMALL_GROUP = 20

# When a question needs a look, from Moodle's quiz statistics guidance ("Quiz report
# statistics", https://docs.moodle.org/28/en/Development:Quiz_report_statistics; its facility
# table is also at https://www.open.edu/openlearncreate/mod/oucontent/view.php?id=52746&section=4.2):
# facility 90-94 "very easy", 95-100 "extremely easy"; 11-20 "difficult", 6-10 "very
# difficult", 5 or less "extremely difficult or something wrong with the question".
# Discrimination bands as Moodle's question bank filter gives them (qbank_statistics,
# core/local/filter/filtertypes/discrimination): 50 and up very good, 30-49 adequate, 20-29
# weak, 0-19 "very weak discrimination", below 0 "question probably invalid"; Moodle's
# statistics table marks a question dubious when its discrimination index is below 0
# (mod/quiz/report/statistics/statistics_table.php, is_dubious_question). A negative value
# means learners who did well on the rest of the quiz got this one wrong more often: most
# often a wrong answer key.
EASY_FROM = 90.0  # facility (%) at or above: too easy
HARD_UP_TO = 20.0  # facility (%) at or below: too hard
WEAK_BELOW = 20.0  # discrimination (x100) from 0 to below this: low
FLAGS = ("too_easy", "too_hard", "low_discrimination", "negative_discrimination")


@dataclass(frozen=True)
class ItemStats:
    """Moodle-style statistics for one question."""

    question_id: str
    n: int
    facility: float
    sd: float
    discrimination: float


@dataclass(frozen=True)
class QuizStats:
    """Moodle-style statistics for a whole quiz."""

    n: int
    mean: float
    median: float
    sd: float
    alpha: float
    is_small: bool


@dataclass(frozen=True)
class Gain:
    """Pre-test to post-test change, with Hake's normalized gain on paired learners."""

    n_pre: int
    n_post: int
    n_paired: int
    mean_pre: float
    mean_post: float
    normalized: float


@dataclass(frozen=True)
class Misconception:
    """How often one misconception tag was chosen, by how many, and how confidently."""

    tag: str
    chosen: int
    learners: int
    confident: int


def score_matrix(first: pd.DataFrame, question_ids: Sequence[str]) -> pd.DataFrame:
    """Pivot first answers to learners x questions of 0/1, keeping complete learners only."""
    ids = list(dict.fromkeys(question_ids))
    rows = first.loc[first["question_id"].isin(ids), ["learner_id", "question_id", "is_correct"]]
    # The caller promises one row per learner and question; if not, the first row given wins.
    rows = rows.drop_duplicates(["learner_id", "question_id"])
    wide = rows.pivot(index="learner_id", columns="question_id", values="is_correct")
    complete = wide.reindex(columns=ids).dropna()
    return complete.astype(int).sort_index()


def item_statistics(first: pd.DataFrame, question_ids: Sequence[str]) -> list[ItemStats]:
    """Compute facility, SD and discrimination for each question, in the given order."""
    matrix = score_matrix(first, question_ids)
    total = matrix.sum(axis=1)
    return [_item(str(qid), matrix[qid], total - matrix[qid]) for qid in matrix.columns]


def _item(question_id: str, scores: pd.Series, rest: pd.Series) -> ItemStats:
    """Describe one item from its 0/1 scores and each learner's rest-of-test score."""
    return ItemStats(
        question_id=question_id,
        n=len(scores),
        facility=100 * _mean(scores),
        sd=100 * _sd(scores),
        discrimination=100 * _pearson(scores, rest),
    )


def item_flags(item: ItemStats) -> tuple[str, ...]:
    """Name what to check about a question (see FLAGS); nan numbers raise no flag."""
    flags = []
    if item.facility >= EASY_FROM:
        flags.append("too_easy")
    if item.facility <= HARD_UP_TO:
        flags.append("too_hard")
    if item.discrimination < 0:
        flags.append("negative_discrimination")
    elif item.discrimination < WEAK_BELOW:
        flags.append("low_discrimination")
    return tuple(flags)


def quiz_statistics(first: pd.DataFrame, question_ids: Sequence[str]) -> QuizStats:
    """Compute mean, median, SD and Cronbach's alpha of complete learners' totals."""
    matrix = score_matrix(first, question_ids)
    percent = 100 * matrix.sum(axis=1) / max(matrix.shape[1], 1)
    n = len(matrix)
    return QuizStats(
        n=n,
        mean=_mean(percent),
        median=float(percent.median()) if n else math.nan,
        sd=_sd(percent),
        alpha=_alpha(matrix),
        is_small=n < SMALL_GROUP,
    )


def _mean(values: pd.Series) -> float:
    """Average the values, or nan when there are none."""
    return float(values.mean()) if len(values) else math.nan


def _sd(values: pd.Series) -> float:
    """Take the sample standard deviation (ddof=1), or nan below two values."""
    return float(values.std(ddof=1)) if len(values) >= 2 else math.nan


def _pearson(x: pd.Series, y: pd.Series) -> float:
    """Correlate x with y, or nan below three pairs or when either does not vary."""
    if len(x) < 3 or x.nunique() < 2 or y.nunique() < 2:
        return math.nan
    return float(np.corrcoef(x.to_numpy(float), y.to_numpy(float))[0, 1])


def _alpha(matrix: pd.DataFrame) -> float:
    """Compute Cronbach's alpha with sample variances, or nan when it is undefined."""
    n, k = len(matrix), len(matrix.columns)
    total = matrix.sum(axis=1)
    if k < 2 or n < 2 or total.nunique() < 2:
        return math.nan
    item_variance = float(matrix.var(ddof=1).sum())
    return k / (k - 1) * (1 - item_variance / float(total.var(ddof=1)))


def knowledge_gain(pre: pd.Series, post: pd.Series) -> Gain:
    """Compare pre and post scores (fractions by learner) and compute Hake's normalized gain."""
    pre, post = _one_per_learner(pre, "pre"), _one_per_learner(post, "post")
    paired = pre.index.intersection(post.index)
    return Gain(
        n_pre=len(pre),
        n_post=len(post),
        n_paired=len(paired),
        mean_pre=100 * _mean(pre),
        mean_post=100 * _mean(post),
        normalized=_hake(100 * _mean(pre[paired]), 100 * _mean(post[paired])),
    )


def _one_per_learner(scores: pd.Series, name: str) -> pd.Series:
    """Drop missing scores and refuse a learner counted twice, which would skew the means."""
    scores = scores.dropna().astype(float)
    if scores.index.has_duplicates:
        raise ValueError(f"{name} scores: more than one score for a learner; pass one each")
    return scores


def _hake(mean_pre: float, mean_post: float) -> float:
    """Divide the class-average gain by the room left to gain, or nan if there is none."""
    if math.isnan(mean_pre) or mean_pre >= 100:
        return math.nan
    return (mean_post - mean_pre) / (100 - mean_pre)


def option_counts(answers: pd.DataFrame) -> pd.DataFrame:
    """Add each answer's share (%) of its question's total and sort the answers for display."""
    totals = answers.groupby("question_id")["count"].transform("sum")
    # A question whose counts sum to 0 has no share to give; show 0 rather than nan.
    share = (100 * answers["count"] / totals.where(totals > 0)).fillna(0.0).astype(float)
    ordered = answers.assign(share=share).sort_values(
        ["question_id", "count", "answer_key"], ascending=[True, False, True], kind="stable"
    )
    return ordered.reset_index(drop=True)


def option_tally(answers: pd.DataFrame, options: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Count, per choice question, the answers that chose each option (once per answer).

    `answers` has one row per learner's answer (question_id, answer: an option id or a list
    of them); `options` gives each question's option ids in display order. Share is % of the
    question's answers, so a multiple-choice question's shares can add up past 100.
    """
    chosen: dict[str, Counter[str]] = {qid: Counter() for qid in options}
    answered: Counter[str] = Counter()
    for qid, answer in answers[["question_id", "answer"]].itertuples(index=False, name=None):
        if qid in chosen:
            answered[qid] += 1
            chosen[qid].update(_option_ids(answer))
    rows = [
        (qid, oid, chosen[qid][oid], answered[qid])
        for qid, known in options.items()
        for oid in [*known, *sorted(set(chosen[qid]) - set(known))]
    ]
    table = pd.DataFrame(rows, columns=["question_id", "option_id", "count", "answers"])
    share = 100 * table["count"] / table["answers"].where(table["answers"] > 0)
    return table.assign(share=share.fillna(0.0).astype(float))


def _option_ids(answer: object) -> set[str]:
    """The option ids an answer names, each once; none for an answer of another shape."""
    if isinstance(answer, str):
        return {answer}
    if isinstance(answer, list | tuple):
        return {item for item in answer if isinstance(item, str)}
    return set()


def misconception_board(rows: pd.DataFrame, top: int = 10) -> list[Misconception]:
    """Rank misconception tags by confident choices, then all choices, then tag."""
    if rows.empty or top <= 0:
        return []
    # "boolean" turns None and NaN (no confidence asked) into NA, which then counts as not sure.
    is_confident = rows["confident"].astype("boolean").fillna(False).astype(bool)
    counts = (
        rows.assign(is_confident=is_confident)
        .groupby("tag")
        .agg(
            chosen=("learner_id", "size"),
            learners=("learner_id", "nunique"),
            confident=("is_confident", "sum"),
        )
        .reset_index()
        .sort_values(["confident", "chosen", "tag"], ascending=[False, False, True])
    )
    return [
        Misconception(str(tag), int(chosen), int(learners), int(confident))
        for tag, chosen, learners, confident in counts.head(top).itertuples(index=False, name=None)
    ]


def funnel(furthest: Mapping[str | None, int], step_ids: Sequence[str]) -> pd.DataFrame:
    """Count, for each step, the learners who got at least that far in the lesson.

    `furthest` maps a step id to how many learners went no further (counted in SQL);
    `step_ids` are the steps one audience sees, in order. A learner whose furthest step is
    not among them (a step since removed, or None: never named) counts as having started.
    """
    steps = list(step_ids)
    order: dict[str | None, int] = {step_id: at for at, step_id in enumerate(steps)}
    reached = [(order.get(step_id, 0), n) for step_id, n in furthest.items()]
    learners = [sum(n for index, n in reached if index >= at) for at in range(len(steps))]
    start = learners[0] if learners else 0
    share = [100 * count / start if start else 0.0 for count in learners]
    return pd.DataFrame({"step_id": steps, "learners": learners, "share": share}).astype(
        {"learners": int, "share": float}
    )
