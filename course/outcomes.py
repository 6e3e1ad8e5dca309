"""Before-and-after outcomes an evaluator can report: data in, numbers out (pure, scipy).

Scores come in as fractions (0-1) and go out in percent. Every number is about one group:
the learners who took both checks, each once (their first "before" and latest "after").
A number that cannot be computed is ``nan``; the page then says why in words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

# Below this many pairs, tests and effect sizes swing a lot with one more person.
SMALL_PAIRS = 20
# Scores are right/total; differences are rounded so that equal scores count as "same" and
# tied differences rank as ties (scipy's Wilcoxon warns that roundoff breaks ties).
_DECIMALS = 9
_LEVEL = 0.95


@dataclass(frozen=True)
class PrePost:
    """Paired before/after numbers for the learners who took both checks."""

    n: int
    mean_pre: float  # %
    mean_post: float  # %
    class_gain: float  # Hake's <g> on the two means
    mean_individual_gain: float  # mean of each learner's (post-pre)/(100-pre)
    n_individual: int  # learners in that mean
    n_at_ceiling: int  # learners left out of it: 100% before, no room to gain
    t_p: float  # paired t-test, two-sided
    wilcoxon_p: float  # Wilcoxon signed-rank, two-sided, zero differences dropped
    d_z: float  # mean difference / sd of differences
    d_z_low: float  # 95% interval (noncentral t)
    d_z_high: float
    improved: int
    same: int
    worse: int

    @property
    def is_small(self) -> bool:
        """Tell whether there are fewer than SMALL_PAIRS pairs."""
        return self.n < SMALL_PAIRS


def pre_post(pre: Sequence[float], post: Sequence[float]) -> PrePost:
    """Compare each learner's before score with their after score (same position, fractions)."""
    if len(pre) != len(post):
        raise ValueError("pre_post needs one post score for each pre score")
    before, after = 100 * np.asarray(pre, float), 100 * np.asarray(post, float)
    diff = np.round(after - before, _DECIMALS)
    low, high = _d_z_interval(diff)
    individual = _individual_gains(before, after)
    return PrePost(
        n=len(diff),
        mean_pre=_mean(before),
        mean_post=_mean(after),
        class_gain=hake(_mean(before), _mean(after)),
        mean_individual_gain=_mean(individual),
        n_individual=len(individual),
        n_at_ceiling=len(diff) - len(individual),
        t_p=_t_p(diff),
        wilcoxon_p=_wilcoxon_p(diff),
        d_z=_d_z(diff),
        d_z_low=low,
        d_z_high=high,
        improved=int((diff > 0).sum()),
        same=int((diff == 0).sum()),
        worse=int((diff < 0).sum()),
    )


def hake(mean_pre: float, mean_post: float) -> float:
    """Hake's class-average normalized gain <g> = (post - pre) / (100 - pre), in percent."""
    if math.isnan(mean_pre) or mean_pre >= 100:
        return math.nan
    return (mean_post - mean_pre) / (100 - mean_pre)


def _individual_gains(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Each learner's (post - pre) / (100 - pre), leaving out those who had 100% before."""
    room = 100 - before
    has_room = np.round(room, _DECIMALS) > 0
    gains: np.ndarray = (after[has_room] - before[has_room]) / room[has_room]
    return gains


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else math.nan


def _has_spread(diff: np.ndarray) -> bool:
    """Two or more differences that are not all equal (else t and d_z are undefined)."""
    return len(diff) >= 2 and float(np.ptp(diff)) > 0


def _t_p(diff: np.ndarray) -> float:
    """The paired t-test's two-sided p (t on the differences, like scipy.stats.ttest_rel)."""
    if not _has_spread(diff):
        return math.nan
    return float(stats.ttest_rel(diff, np.zeros_like(diff)).pvalue)


def _wilcoxon_p(diff: np.ndarray) -> float:
    """The Wilcoxon signed-rank two-sided p; nan when no difference is other than zero."""
    if not np.any(diff != 0):
        return math.nan  # scipy would divide 0 by 0: nobody changed, nothing to test
    return float(stats.wilcoxon(diff, zero_method="wilcox").pvalue)


def _d_z(diff: np.ndarray) -> float:
    """Cohen's d_z: the mean difference over the sample SD of the differences."""
    if not _has_spread(diff):
        return math.nan
    return float(diff.mean() / diff.std(ddof=1))


def _d_z_interval(diff: np.ndarray) -> tuple[float, float]:
    """The 95% interval of d_z by inverting the noncentral t (Cumming and Finch, 2001).

    t = d_z * sqrt(n) has a noncentral t distribution with n-1 df and noncentrality
    delta = true d_z * sqrt(n); the bounds are the deltas that put t at the 97.5th and
    2.5th percentiles, divided by sqrt(n).
    """
    d_z = _d_z(diff)
    if math.isnan(d_z):
        return math.nan, math.nan
    n = len(diff)
    t, tail = d_z * math.sqrt(n), (1 - _LEVEL) / 2
    low = _noncentrality(t, n - 1, 1 - tail)
    high = _noncentrality(t, n - 1, tail)
    return low / math.sqrt(n), high / math.sqrt(n)


def _noncentrality(t: float, df: int, prob: float) -> float:
    """Find delta with P(T <= t) = prob for T noncentral t(df, delta); the CDF falls in delta."""

    def gap(delta: float) -> float:
        return float(stats.nct.cdf(t, df, delta)) - prob

    step = 1.0
    low, high = t - step, t + step
    while gap(low) < 0 or gap(high) > 0:
        if step > 1e4:
            return math.nan
        step *= 2
        low, high = t - step, t + step
    return float(optimize.brentq(gap, low, high, xtol=1e-12))
