"""Tests for course.analytics: every expected number is worked by hand in a comment."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import pytest

from course.analytics import (
    SMALL_GROUP,
    Gain,
    ItemStats,
    Misconception,
    funnel,
    item_statistics,
    knowledge_gain,
    misconception_board,
    option_counts,
    quiz_statistics,
    score_matrix,
)

QUIZ = ["q1", "q2", "q3"]

# The worked example: five complete learners, three questions.
#
#        q1 q2 q3 | total  total %
#   L1    1  1  1 |   3    100
#   L2    1  1  0 |   2     66.667
#   L3    1  1  0 |   2     66.667
#   L4    1  0  1 |   2     66.667
#   L5    0  0  0 |   0      0
WORKED = {
    "L1": (1, 1, 1),
    "L2": (1, 1, 0),
    "L3": (1, 1, 0),
    "L4": (1, 0, 1),
    "L5": (0, 0, 0),
}


def answers(table: Mapping[str, tuple[int, ...]], questions: list[str]) -> pd.DataFrame:
    """Build first-attempt rows (learner_id, question_id, is_correct as int) from a table."""
    rows = [
        (learner, question, score)
        for learner, scores in table.items()
        for question, score in zip(questions, scores, strict=True)
    ]
    return pd.DataFrame(rows, columns=["learner_id", "question_id", "is_correct"])


def worked_rows(*, as_bool: bool) -> pd.DataFrame:
    """Give the worked example, plus noise that must be ignored, shuffled."""
    extra = pd.DataFrame(
        [
            ("L6", "q1", 1),  # L6 never answered q3: not a complete learner
            ("L6", "q2", 1),
            ("L1", "q-other", 0),  # a question outside the quiz
            ("L5", "q-other", 1),
        ],
        columns=["learner_id", "question_id", "is_correct"],
    )
    rows = pd.concat([answers(WORKED, QUIZ), extra]).sample(frac=1, random_state=3)
    return rows.assign(is_correct=rows["is_correct"].astype(bool)) if as_bool else rows


@pytest.mark.parametrize("as_bool", [False, True])
def test_score_matrix_keeps_complete_learners_in_question_order(as_bool: bool) -> None:
    matrix = score_matrix(worked_rows(as_bool=as_bool), ["q3", "q1", "q2"])
    assert list(matrix.columns) == ["q3", "q1", "q2"]
    assert list(matrix.index) == ["L1", "L2", "L3", "L4", "L5"]
    assert matrix.loc["L2"].tolist() == [0, 1, 1]  # L2 is q1 1, q2 1, q3 0
    assert all(str(dtype).startswith("int") for dtype in matrix.dtypes)


# Item arithmetic (ddof=1 everywhere; "rest" = total minus the item):
#
# q1 = [1,1,1,1,0]: facility 4/5 = 80%.
#   deviations from 0.8: .2,.2,.2,.2,-.8; Sxx = 4(.04) + .64 = 0.8; var = 0.8/4 = 0.2;
#   sd = sqrt(0.2) = 0.4472136 -> 44.72136%.
#   rest = [2,1,1,1,0], mean 1.0, deviations 1,0,0,0,-1; Syy = 2.
#   Sxy = .2(1) + (-.8)(-1) = 1.0; r = 1.0 / sqrt(0.8 * 2) = 1/sqrt(1.6) = 0.7905694.
# q2 = [1,1,1,0,0]: facility 60%.
#   deviations .4,.4,.4,-.6,-.6; Sxx = 3(.16) + 2(.36) = 1.2; var = 0.3;
#   sd = sqrt(0.3) = 0.5477226 -> 54.77226%.
#   rest = [2,1,1,2,0], mean 1.2, deviations .8,-.2,-.2,.8,-1.2;
#   Syy = .64+.04+.04+.64+1.44 = 2.8; Sxy = .32-.08-.08-.48+.72 = 0.4;
#   r = 0.4 / sqrt(1.2 * 2.8) = 0.4/sqrt(3.36) = sqrt(1/21) = 0.2182179.
# q3 = [1,0,0,1,0]: facility 40%.
#   deviations .6,-.4,-.4,.6,-.4; Sxx = 2(.36) + 3(.16) = 1.2; sd = sqrt(0.3) -> 54.77226%.
#   rest = [2,2,2,1,0], mean 1.4, deviations .6,.6,.6,-.4,-1.4;
#   Syy = 3(.36)+.16+1.96 = 3.2; Sxy = .36-.24-.24-.24+.56 = 0.2;
#   r = 0.2 / sqrt(1.2 * 3.2) = 0.2/sqrt(3.84) = sqrt(1/96) = 0.1020621.
WORKED_ITEMS = [
    ItemStats("q1", 5, 80.0, 44.721360, 79.056942),
    ItemStats("q2", 5, 60.0, 54.772256, 21.821789),
    ItemStats("q3", 5, 40.0, 54.772256, 10.206207),
]


@pytest.mark.parametrize("as_bool", [False, True])
def test_item_statistics_worked_example(as_bool: bool) -> None:
    items = item_statistics(worked_rows(as_bool=as_bool), QUIZ)
    assert [item.question_id for item in items] == QUIZ
    for item, expected in zip(items, WORKED_ITEMS, strict=True):
        assert item.n == expected.n
        assert item.facility == pytest.approx(expected.facility, abs=1e-6)
        assert item.sd == pytest.approx(expected.sd, abs=1e-6)
        assert item.discrimination == pytest.approx(expected.discrimination, abs=1e-6)


def test_quiz_statistics_worked_example() -> None:
    # Totals [3,2,2,2,0], mean 9/5 = 1.8 of 3 = 60%; median 2 of 3 = 66.666667%.
    # Total deviations 1.2,.2,.2,.2,-1.8; S = 1.44 + 3(.04) + 3.24 = 4.8; var = 4.8/4 = 1.2;
    # sd = sqrt(1.2) = 1.0954451 of 3 = 36.514837%.
    # Alpha: item variances .2 + .3 + .3 = .8; alpha = 3/2 * (1 - .8/1.2) = 1.5 * 1/3 = 0.5.
    stats = quiz_statistics(worked_rows(as_bool=True), QUIZ)
    assert stats.n == 5
    assert stats.mean == pytest.approx(60.0, abs=1e-6)
    assert stats.median == pytest.approx(66.666667, abs=1e-6)
    assert stats.sd == pytest.approx(36.514837, abs=1e-6)
    assert stats.alpha == pytest.approx(0.5, abs=1e-6)
    assert stats.is_small


def test_cronbach_alpha_second_example_and_item_everyone_got_right() -> None:
    # A Guttman pattern; everyone got a1 right, so it has variance 0 and no discrimination.
    #        a1 a2 a3 a4 | total
    #   A     1  1  1  1 |  4
    #   B     1  1  1  0 |  3
    #   C     1  1  0  0 |  2
    #   D     1  0  0  0 |  1
    # Item variances (ddof=1): a1 0; a2 p=.75: (3(.0625)+.5625)/3 = .25;
    #   a3 p=.5: 4(.25)/3 = 1/3; a4 p=.25: .75/3 = .25. Sum = 5/6.
    # Totals mean 2.5, S = 2.25+.25+.25+2.25 = 5, var = 5/3.
    # alpha = 4/3 * (1 - (5/6)/(5/3)) = 4/3 * 1/2 = 2/3.
    table = {"A": (1, 1, 1, 1), "B": (1, 1, 1, 0), "C": (1, 1, 0, 0), "D": (1, 0, 0, 0)}
    questions = ["a1", "a2", "a3", "a4"]
    rows = answers(table, questions)
    assert quiz_statistics(rows, questions).alpha == pytest.approx(2 / 3, abs=1e-9)
    first = item_statistics(rows, questions)[0]
    assert (first.facility, first.sd) == (100.0, 0.0)
    assert math.isnan(first.discrimination)


def test_discrimination_sign_good_item_positive_reversed_item_negative() -> None:
    # Strong learners (A, B) get "good" right and "reversed" wrong; weak ones the opposite.
    # good = [1,1,0,0], rest = [2,2,2,1]: Sxy = .5(.25)*2 - .5(.25) + .5(.75) = .5 > 0,
    #   r = .5/sqrt(1 * .75) = 0.5773503.
    # reversed = [0,0,1,1], rest = [3,3,1,0], mean 1.75: Sxy = -.5(1.25)*2 + .5(-.75) + .5(-1.75)
    #   = -2.5; Syy = 2(1.5625) + .5625 + 3.0625 = 6.75; r = -2.5/sqrt(6.75) = -0.9622504.
    table = {"A": (1, 1, 1, 0), "B": (1, 1, 1, 0), "C": (0, 1, 0, 1), "D": (0, 0, 0, 1)}
    questions = ["anchor1", "anchor2", "good", "reversed"]
    by_id = {
        item.question_id: item for item in item_statistics(answers(table, questions), questions)
    }
    assert by_id["good"].discrimination == pytest.approx(57.735027, abs=1e-6)
    assert by_id["reversed"].discrimination == pytest.approx(-96.225045, abs=1e-6)


def test_single_question_quiz_has_no_alpha() -> None:
    rows = answers({"A": (1,), "B": (0,), "C": (1,)}, ["only"])
    stats = quiz_statistics(rows, ["only"])
    # Totals 100, 0, 100: mean 66.667; median 100.
    assert (stats.n, stats.median) == (3, 100.0)
    assert stats.mean == pytest.approx(200 / 3)
    assert math.isnan(stats.alpha)


@pytest.mark.parametrize(
    ("table", "n", "is_sd_nan", "is_discrimination_nan"),
    [
        ({}, 0, True, True),
        ({"A": (1, 0)}, 1, True, True),
        ({"A": (1, 0), "B": (0, 1)}, 2, False, True),  # two learners: r is always +-1
        ({"A": (1, 0), "B": (0, 1), "C": (1, 1)}, 3, False, False),
    ],
)
def test_small_groups_give_nan_where_undefined(
    table: Mapping[str, tuple[int, ...]], n: int, is_sd_nan: bool, is_discrimination_nan: bool
) -> None:
    rows = answers(table, ["x", "y"])
    item = item_statistics(rows, ["x", "y"])[0]
    assert item.n == n
    assert math.isnan(item.sd) is is_sd_nan
    assert math.isnan(item.discrimination) is is_discrimination_nan
    assert math.isnan(quiz_statistics(rows, ["x", "y"]).sd) is is_sd_nan


def test_empty_input_gives_nan_and_no_crash() -> None:
    empty = pd.DataFrame(columns=["learner_id", "question_id", "is_correct"])
    assert score_matrix(empty, QUIZ).shape == (0, 3)
    items = item_statistics(empty, QUIZ)
    assert [(item.question_id, item.n) for item in items] == [("q1", 0), ("q2", 0), ("q3", 0)]
    assert all(math.isnan(item.facility) and math.isnan(item.sd) for item in items)
    stats = quiz_statistics(empty, QUIZ)
    assert stats.n == 0 and stats.is_small
    assert all(math.isnan(v) for v in (stats.mean, stats.median, stats.sd, stats.alpha))


def test_all_totals_equal_gives_no_alpha() -> None:
    rows = answers({"A": (1, 0), "B": (0, 1), "C": (1, 0)}, ["x", "y"])
    assert math.isnan(quiz_statistics(rows, ["x", "y"]).alpha)


@pytest.mark.parametrize(("learners", "is_small"), [(SMALL_GROUP - 1, True), (SMALL_GROUP, False)])
def test_is_small_below_small_group(learners: int, is_small: bool) -> None:
    table = {f"L{i:02d}": (i % 2, i % 3 // 2) for i in range(learners)}
    assert quiz_statistics(answers(table, ["x", "y"]), ["x", "y"]).is_small is is_small


def series(scores: dict[str, float]) -> pd.Series:
    """Build a score series indexed by learner id."""
    return pd.Series(scores, dtype=float)


@pytest.mark.parametrize(
    ("pre", "post", "expected"),
    [
        # Paired a, b: pre 40, 50 -> 45; post 70, 80 -> 75; gain (75-45)/(100-45) = 30/55.
        # c (pre only) and d (post only) count in the means but not in the gain:
        # mean_pre = (40+50+90)/3 = 60; mean_post = (70+80+20)/3 = 56.666667.
        (
            {"a": 0.4, "b": 0.5, "c": 0.9},
            {"a": 0.7, "b": 0.8, "d": 0.2},
            Gain(3, 3, 2, 60.0, 170 / 3, 30 / 55),
        ),
        # Scores fell: pre 60 -> post 40; gain (40-60)/(100-60) = -0.5.
        ({"a": 0.6}, {"a": 0.4}, Gain(1, 1, 1, 60.0, 40.0, -0.5)),
        # Nobody paired: no gain.
        ({"a": 0.4}, {"b": 0.8}, Gain(1, 1, 0, 40.0, 80.0, math.nan)),
        # Paired pre already 100%: no room to gain.
        ({"a": 1.0, "b": 0.2}, {"a": 1.0}, Gain(2, 1, 1, 60.0, 100.0, math.nan)),
        # A missing score is no score; nothing at all gives nan means.
        ({"a": math.nan}, {}, Gain(0, 0, 0, math.nan, math.nan, math.nan)),
    ],
)
def test_knowledge_gain(pre: dict[str, float], post: dict[str, float], expected: Gain) -> None:
    gain = knowledge_gain(series(pre), series(post))
    assert (gain.n_pre, gain.n_post, gain.n_paired) == (
        expected.n_pre,
        expected.n_post,
        expected.n_paired,
    )
    for name in ("mean_pre", "mean_post", "normalized"):
        assert getattr(gain, name) == pytest.approx(getattr(expected, name), nan_ok=True), name


def test_knowledge_gain_worked_value() -> None:
    gain = knowledge_gain(series({"a": 0.4, "b": 0.5}), series({"a": 0.7, "b": 0.8}))
    assert gain.normalized == pytest.approx(0.545454545, abs=1e-6)


def test_knowledge_gain_refuses_two_scores_for_one_learner() -> None:
    pre = pd.Series([0.4, 0.5], index=["a", "a"])
    with pytest.raises(ValueError, match="pre scores: more than one score for a learner"):
        knowledge_gain(pre, series({"a": 0.9}))


def test_option_counts_adds_shares_and_sorts() -> None:
    # q1: 6 + 3 + 1 = 10 -> 60%, 30%, 10%. q2: 2 + 2 = 4 -> 50% each, tie broken by key.
    # q3: nobody -> share 0 rather than 0/0.
    grouped = pd.DataFrame(
        [
            ("q2", "true", 2),
            ("q1", "c", 1),
            ("q3", "a", 0),
            ("q1", "a", 6),
            ("q2", "false", 2),
            ("q1", "b", 3),
        ],
        columns=["question_id", "answer_key", "count"],
    )
    result = option_counts(grouped)
    assert list(result.columns) == ["question_id", "answer_key", "count", "share"]
    assert result.to_dict("records") == [
        {"question_id": "q1", "answer_key": "a", "count": 6, "share": 60.0},
        {"question_id": "q1", "answer_key": "b", "count": 3, "share": 30.0},
        {"question_id": "q1", "answer_key": "c", "count": 1, "share": 10.0},
        {"question_id": "q2", "answer_key": "false", "count": 2, "share": 50.0},
        {"question_id": "q2", "answer_key": "true", "count": 2, "share": 50.0},
        {"question_id": "q3", "answer_key": "a", "count": 0, "share": 0.0},
    ]


def test_option_counts_empty() -> None:
    empty = pd.DataFrame(columns=["question_id", "answer_key", "count"])
    assert list(option_counts(empty).columns) == ["question_id", "answer_key", "count", "share"]


MISCONCEPTION_ROWS = pd.DataFrame(
    [
        ("x", "a", True),
        ("x", "a", None),  # no confidence asked
        ("x", "b", False),
        ("y", "a", True),
        ("y", "c", True),
        ("z", "a", True),
        ("z", "b", math.nan),
        ("w", "a", True),
        ("w", "b", False),
        ("w", "c", False),
    ],
    columns=["tag", "learner_id", "confident"],
)
# confident, chosen, learners: y 2,2,2; w 1,3,3; x 1,3,2 (a twice); z 1,2,2.
# Order: y (most confident), then w and x tie on confident and chosen so tag asc, then z.
BOARD = [
    Misconception("y", 2, 2, 2),
    Misconception("w", 3, 3, 1),
    Misconception("x", 3, 2, 1),
    Misconception("z", 2, 2, 1),
]


@pytest.mark.parametrize(("top", "expected"), [(10, BOARD), (2, BOARD[:2]), (0, [])])
def test_misconception_board_order_and_top(top: int, expected: list[Misconception]) -> None:
    assert misconception_board(MISCONCEPTION_ROWS, top=top) == expected


def test_misconception_board_empty() -> None:
    assert misconception_board(pd.DataFrame(columns=["tag", "learner_id", "confident"])) == []


def test_funnel_counts_learners_who_got_at_least_this_far() -> None:
    # Furthest step per learner, counted: 2 stopped at s1, 0 at s2, 3 at s3, 3 at s4; 1 at a
    # step the lesson no longer has and 1 whose step was never named (None): they started, so
    # they count at s1 only. s1: 10 (100%); s2: 3+3 = 6 (60%); s3: 6 (60%); s4: 3 (30%).
    furthest = {"s1": 2, "s3": 3, "s4": 3, "removed": 1, None: 1}
    result = funnel(furthest, ["s1", "s2", "s3", "s4"])
    assert result.to_dict("records") == [
        {"step_id": "s1", "learners": 10, "share": 100.0},
        {"step_id": "s2", "learners": 6, "share": 60.0},
        {"step_id": "s3", "learners": 6, "share": 60.0},
        {"step_id": "s4", "learners": 3, "share": 30.0},
    ]


def test_funnel_follows_the_order_of_the_steps_given() -> None:
    # One audience's steps: "family-only" sits between s1 and s2 for that audience alone.
    furthest = {"family-only": 1, "s2": 1}
    assert list(funnel(furthest, ["s1", "family-only", "s2"])["learners"]) == [2, 2, 1]
    assert list(funnel({"s2": 1}, ["s1", "s2"])["learners"]) == [1, 1]


def test_funnel_with_nobody_gives_zero_shares() -> None:
    result = funnel({}, ["s1", "s2"])
    assert result.to_dict("records") == [
        {"step_id": "s1", "learners": 0, "share": 0.0},
        {"step_id": "s2", "learners": 0, "share": 0.0},
    ]
