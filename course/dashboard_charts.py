"""Plotly figures for the counselor dashboard: data in, figure out (pure)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from course.analytics import Gain, ItemStats, Misconception
from course.charts import PALETTE, tidy
from course.i18n import tr
from course.outcomes import PrePost


def progress_figure(
    titles: Sequence[str], started: Sequence[int], completed: Sequence[int]
) -> go.Figure:
    """Draw, per lesson, how many started it and how many completed it."""
    figure = go.Figure()
    for name, values, color in (
        (tr("Started"), started, PALETTE[0]),
        (tr("Completed"), completed, PALETTE[1]),
    ):
        bar = go.Bar(y=list(titles), x=list(values), name=name, orientation="h")
        figure.add_trace(bar.update(marker_color=color, text=list(values), textposition="auto"))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title=tr("Learners"), rangemode="tozero")
    return tidy(figure.update_layout(barmode="group"), height=160 + 52 * len(titles))


def funnel_figure(steps: pd.DataFrame, labels: dict[str, str] | None = None) -> go.Figure:
    """Draw how many learners got at least as far as each step of a lesson.

    Steps are named by labels (step id: name), else by the "step" column, else by their id.
    """
    if labels is None and "step" in steps:
        labels = dict(zip(steps["step_id"], steps["step"], strict=True))
    figure = go.Figure(
        go.Funnel(
            y=[(labels or {}).get(s, s) for s in steps["step_id"]],
            x=list(steps["learners"]),
            textinfo="value+percent initial",
            marker_color=PALETTE[0],
        )
    )
    return tidy(figure, height=140 + 40 * len(steps))


def gain_figure(gain: Gain) -> go.Figure:
    """Draw the mean score before and after the course."""
    figure = go.Figure(
        go.Bar(
            x=[tr("Before (check A)"), tr("After (check B)")],
            y=[gain.mean_pre, gain.mean_post],
            marker_color=[PALETTE[0], PALETTE[1]],
            text=[
                f"{gain.mean_pre:.0f}% (n={gain.n_pre})",
                f"{gain.mean_post:.0f}% (n={gain.n_post})",
            ],
            textposition="auto",
        )
    )
    figure.update_yaxes(range=[0, 100], title=tr("Mean score (%)"))
    return tidy(figure, height=320)


def pre_post_figure(outcome: PrePost) -> go.Figure:
    """Draw the mean before and after for the same learners (those who took both checks)."""
    figure = go.Figure(
        go.Bar(
            x=[tr("Before (check A)"), tr("After (check B)")],
            y=[outcome.mean_pre, outcome.mean_post],
            marker_color=[PALETTE[0], PALETTE[1]],
            text=[f"{outcome.mean_pre:.0f}%", f"{outcome.mean_post:.0f}%"],
            textposition="auto",
        )
    )
    figure.update_yaxes(
        range=[0, 100], title=tr("Mean score (%), the same {n} learners").format(n=outcome.n)
    )
    return tidy(figure, height=320)


def facility_figure(items: Sequence[ItemStats], labels: dict[str, str]) -> go.Figure:
    """Draw each question's facility (share right at first try) and its discrimination."""
    names = [labels.get(i.question_id, i.question_id) for i in items]
    figure = go.Figure()
    figure.add_trace(go.Bar(y=names, x=[i.facility for i in items], name=tr("Facility (% right)"),
                            orientation="h", marker_color=PALETTE[0]))  # fmt: skip
    figure.add_trace(go.Bar(y=names, x=[i.discrimination for i in items], name=tr("Discrimination"),
                            orientation="h", marker_color=PALETTE[2]))  # fmt: skip
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(range=[-100, 100])
    return tidy(figure.update_layout(barmode="group"), height=160 + 60 * len(items))


def misconception_figure(board: Sequence[Misconception]) -> go.Figure:
    """Draw the misconceptions chosen most often."""
    figure = go.Figure(
        go.Bar(
            y=[m.tag.replace("-", " ") for m in board],
            x=[m.chosen for m in board],
            orientation="h",
            marker_color=PALETTE[4],
            text=[m.chosen for m in board],
            textposition="auto",
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title=tr("Times chosen (first answers)"), rangemode="tozero")
    return tidy(figure, height=140 + 44 * len(board))
