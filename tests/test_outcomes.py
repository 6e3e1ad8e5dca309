"""Outcome statistics for an evaluator: every expected number is worked by hand in a comment.

The p-values and the interval come from scipy in the code; the numbers here come from closed
forms, exact counting or (for the noncentral t) a quadrature written out below, not from scipy.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from course.analytics import FLAGS, ItemStats, item_flags, option_tally
from course.dashboard import FLAG_WORDS, what_to_check
from course.outcomes import SMALL_PAIRS, pre_post

# Example A: five learners who took both checks (scores as fractions, worked in percent).
#
#   learner  pre   post  diff  individual gain (post-pre)/(100-pre)
#   1         40    50    +10   10/60 = 0.1666667
#   2         50    70    +20   20/50 = 0.4
#   3         30    60    +30   30/70 = 0.4285714
#   4         65    60     -5   -5/35 = -0.1428571
#   5        100   100      0   (pre 100%: no room to gain, left out of the mean)
#
# Means: pre 285/5 = 57, post 340/5 = 68. Hake <g> = (68-57)/(100-57) = 11/43 = 0.2558140.
# Mean of individual gains over 4 learners: 0.8523810/4 = 0.2130952; 1 left out.
# Improved 3, same 1, worse 1.
# Differences d = [10, 20, 30, -5, 0]: mean 11; deviations -1, 9, 19, -16, -11;
#   sum of squares 1+81+361+256+121 = 820; sd = sqrt(820/4) = sqrt(205) = 14.3178211.
#   d_z = 11/14.3178211 = 0.7682733. t = d_z*sqrt(5) = 1.7179114, df = 4.
#   Student t CDF for 4 df in closed form: F(t) = 1/2 + 3/8 * x * (1 - t^2/(12 u)),
#   u = 1 + t^2/4, x = t/sqrt(u): u = 1.7378, x = 1.3031..., F = 0.9195285;
#   two-sided p = 2(1 - F) = 0.1609430.
# Wilcoxon (zeros dropped): |d| = 5, 10, 20, 30 -> ranks 1, 2, 3, 4; W+ = 2+3+4 = 9, W- = 1.
#   Exact: of the 2^4 = 16 sign patterns, rank sums <= 1 come from {} and {1}: 2/16;
#   two-sided p = 2 * 2/16 = 0.25.
# 95% interval for d_z (noncentral t): find delta with P(T_4(delta) <= 1.7179114) = 0.975 and
#   = 0.025, then divide by sqrt(5). With P(T <= t) = integral over u > 0 of
#   Phi(t u / sqrt(4) - delta) * chi_4(u) du, chi_4(u) = u^3 exp(-u^2/2) / 2, Simpson's rule on
#   [0, 12] with 20,000 steps and bisection on delta: delta = -0.6278560 and 3.9156054, so
#   d_z from -0.2807858 to 1.7511120. (The normal approximation d_z -/+ 1.96 sqrt(1/n +
#   d_z^2/(2n)) would give -0.229 to 1.766: too narrow for so few pairs.)
EXAMPLE_A = ([0.40, 0.50, 0.30, 0.65, 1.00], [0.50, 0.70, 0.60, 0.60, 1.00])


def test_pre_post_worked_example() -> None:
    result = pre_post(*EXAMPLE_A)
    assert (result.n, result.improved, result.same, result.worse) == (5, 3, 1, 1)
    assert (result.n_individual, result.n_at_ceiling, result.is_small) == (4, 1, True)
    expected = {
        "mean_pre": 57.0,
        "mean_post": 68.0,
        "class_gain": 11 / 43,
        "mean_individual_gain": 0.2130952,
        "t_p": 0.1609430,
        "wilcoxon_p": 0.25,
        "d_z": 0.7682733,
        "d_z_low": -0.2807858,
        "d_z_high": 1.7511120,
    }
    for name, value in expected.items():
        assert getattr(result, name) == pytest.approx(value, abs=1e-6), name


def test_d_z_of_zero_has_the_exact_interval_plus_minus_1_96_over_root_n() -> None:
    # d = [10, -10, 20, -20]: mean 0, so d_z = 0 and t = 0. The noncentral t's sign is the sign
    # of its normal part, so P(T(delta) <= 0) = Phi(-delta) exactly: delta = -/+ 1.959964, and
    # the interval is -/+ 1.959964/sqrt(4) = -/+ 0.979982.
    # t = 0 gives p = 1. Wilcoxon: |d| ranks 1.5, 1.5, 3.5, 3.5; W+ = W- = 5, the middle of the
    # null distribution, so p = 1.
    result = pre_post([0.5, 0.5, 0.5, 0.5], [0.6, 0.4, 0.7, 0.3])
    assert result.d_z == pytest.approx(0.0, abs=1e-12)
    assert result.d_z_low == pytest.approx(-0.979982, abs=1e-6)
    assert result.d_z_high == pytest.approx(0.979982, abs=1e-6)
    assert result.t_p == pytest.approx(1.0) and result.wilcoxon_p == pytest.approx(1.0)
    assert (result.improved, result.same, result.worse) == (2, 0, 2)


@pytest.mark.parametrize(
    ("pre", "post", "same"),
    [
        # Nobody's score moved: no test can say anything (scipy's Wilcoxon would divide 0 by 0).
        ([0.5, 0.25, 1.0], [0.5, 0.25, 1.0], 3),
        # One pair: no spread, so no t-test, no d_z.
        ([0.5], [0.75], 0),
        # Everyone moved by exactly the same amount: sd 0, so d_z would be infinite.
        ([0.25, 0.5], [0.5, 0.75], 0),
    ],
)
def test_no_test_where_it_cannot_be_computed(
    pre: list[float], post: list[float], same: int
) -> None:
    result = pre_post(pre, post)
    assert result.same == same
    for name in ("t_p", "d_z", "d_z_low", "d_z_high"):
        assert math.isnan(getattr(result, name)), name
    if same == len(pre):
        assert math.isnan(result.wilcoxon_p)


def test_no_pairs_gives_nan_and_zero_counts() -> None:
    result = pre_post([], [])
    assert (result.n, result.improved, result.same, result.worse, result.n_at_ceiling) == (
        0, 0, 0, 0, 0,
    )  # fmt: skip
    assert all(math.isnan(v) for v in (result.mean_pre, result.class_gain, result.t_p))
    assert math.isnan(result.mean_individual_gain)


def test_scores_stored_as_thirds_still_count_as_same() -> None:
    # 1/3 and 1/3 read back from two databases as floats: a difference of 0, not 1e-17.
    result = pre_post([1 / 3, 2 / 3], [0.1 + 0.2 + 1 / 3 - 0.3, 2 / 3])
    assert (result.improved, result.same, result.worse) == (0, 2, 0)


def test_pre_post_refuses_unpaired_lists() -> None:
    with pytest.raises(ValueError, match="one post score for each pre score"):
        pre_post([0.5, 0.6], [0.7])


@pytest.mark.parametrize(("n", "is_small"), [(SMALL_PAIRS - 1, True), (SMALL_PAIRS, False)])
def test_fewer_than_twenty_pairs_is_small(n: int, is_small: bool) -> None:
    assert pre_post([0.5] * n, [0.5 + (i % 3) / 10 for i in range(n)]).is_small is is_small


# Flags (thresholds from Moodle's quiz statistics guidance; see course/analytics.py).
@pytest.mark.parametrize(
    ("facility", "discrimination", "flags"),
    [
        (95.0, 10.0, ("too_easy", "low_discrimination")),
        (90.0, 45.0, ("too_easy",)),
        (89.9, 45.0, ()),
        (20.0, 45.0, ("too_hard",)),
        (20.1, 45.0, ()),
        (50.0, -57.4, ("negative_discrimination",)),
        (50.0, 0.0, ("low_discrimination",)),
        (50.0, 19.9, ("low_discrimination",)),
        (50.0, 20.0, ()),
        (100.0, math.nan, ("too_easy",)),  # everyone right: no spread, no discrimination
        (math.nan, math.nan, ()),  # nobody answered every question
    ],
)
def test_item_flags(facility: float, discrimination: float, flags: tuple[str, ...]) -> None:
    assert item_flags(ItemStats("q", 30, facility, 40.0, discrimination)) == flags


def test_every_flag_has_plain_words() -> None:
    assert set(FLAG_WORDS) == set(FLAGS)
    reversed_key = ItemStats("q", 30, 50.0, 40.0, -57.4)
    assert what_to_check(reversed_key).startswith("Check this question's answer key")
    assert what_to_check(ItemStats("q", 30, 50.0, 40.0, 45.0)) == ""


def test_option_tally_counts_each_option_once_per_answer() -> None:
    # m (multiple, options a b c): answers [a,b], [a], [c,b,c], [b,a] ->
    #   a: answers 1, 2, 4 = 3 of 4 = 75%; b: 1, 3, 4 = 3 = 75%; c: answer 3 once = 1 = 25%.
    # s (single, options x y z): x, x, y, gone, 5 -> 5 answers: x 2 = 40%, y 1 = 20%, z 0 = 0%;
    # "gone" (an option the quiz no longer has) is still counted, after the known ones: 1 = 20%;
    # the answer 5 names no option: it counts in the 5 answers but for no option.
    answers = pd.DataFrame(
        [
            ("m", ["a", "b"]),
            ("m", ["a"]),
            ("m", ["c", "b", "c"]),
            ("m", ["b", "a"]),
            ("s", "x"),
            ("s", "x"),
            ("s", "y"),
            ("s", "gone"),
            ("s", 5),
        ],
        columns=["question_id", "answer"],
    )
    tally = option_tally(answers, {"m": ["a", "b", "c"], "s": ["x", "y", "z"]})
    assert list(tally.columns) == ["question_id", "option_id", "count", "answers", "share"]
    assert [tuple(r) for r in tally.itertuples(index=False)] == [
        ("m", "a", 3, 4, 75.0),
        ("m", "b", 3, 4, 75.0),
        ("m", "c", 1, 4, 25.0),
        ("s", "x", 2, 5, 40.0),
        ("s", "y", 1, 5, 20.0),
        ("s", "z", 0, 5, 0.0),
        ("s", "gone", 1, 5, 20.0),
    ]


def test_option_tally_of_a_question_nobody_answered() -> None:
    empty = pd.DataFrame(columns=["question_id", "answer"])
    tally = option_tally(empty, {"s": ["x", "y"]})
    assert [tuple(r) for r in tally.itertuples(index=False)] == [
        ("s", "x", 0, 0, 0.0),
        ("s", "y", 0, 0, 0.0),
    ]
