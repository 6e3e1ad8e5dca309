"""Plotly figure builders: data in, figure out; no Streamlit, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import plotly.graph_objects as go

from course.model import TimelineStep

PALETTE = ("#1f5f8b", "#2e8b57", "#b5651d", "#6a4c93", "#8b1e3f", "#3b7d7d")
FONT = {"size": 15}


def timeline_figure(step: TimelineStep) -> go.Figure:
    """Draw timeline events as horizontal bars along an axis in the step's unit."""
    labels = [event.label for event in step.events]
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=[max(event.end - event.start, _min_width(step)) for event in step.events],
            base=[event.start for event in step.events],
            orientation="h",
            marker_color=[PALETTE[i % len(PALETTE)] for i in range(len(labels))],
            hovertext=[event.detail or event.label for event in step.events],
            hoverinfo="text",
        )
    )
    figure.update_yaxes(autorange="reversed", title=None)
    figure.update_xaxes(title=step.unit.capitalize(), rangemode="tozero")
    return tidy(figure, height=120 + 48 * len(labels))


def _min_width(step: TimelineStep) -> float:
    """Give an instant (start == end) a visible width: 1% of the whole span."""
    span = max(event.end for event in step.events) or 1.0
    return span / 100


@dataclass(frozen=True)
class LessonBar:
    title: str
    steps_done: int
    steps_total: int
    is_complete: bool


def lessons_figure(bars: Sequence[LessonBar]) -> go.Figure:
    """Draw each lesson's share of steps done, marking completed lessons."""
    figure = go.Figure(
        go.Bar(
            y=[bar.title for bar in bars],
            x=[100 * bar.steps_done / max(bar.steps_total, 1) for bar in bars],
            orientation="h",
            marker_color=[PALETTE[1] if bar.is_complete else PALETTE[0] for bar in bars],
            text=[_bar_text(bar) for bar in bars],
            textposition="auto",
        )
    )
    figure.update_xaxes(range=[0, 100], title="Steps done (%)")
    figure.update_yaxes(autorange="reversed")
    return tidy(figure, height=140 + 44 * len(bars))


def _bar_text(bar: LessonBar) -> str:
    done = "complete" if bar.is_complete else f"{bar.steps_done} of {bar.steps_total} steps"
    return done


@dataclass(frozen=True)
class ResultPoint:
    quiz_title: str
    finished_at: datetime
    score_percent: float
    passed: bool


def results_figure(points: Sequence[ResultPoint]) -> go.Figure:
    """Draw quiz scores over time, one line per quiz."""
    figure = go.Figure()
    for n, title in enumerate(dict.fromkeys(p.quiz_title for p in points)):
        mine = [p for p in points if p.quiz_title == title]
        figure.add_trace(
            go.Scatter(
                x=[p.finished_at for p in mine],
                y=[p.score_percent for p in mine],
                mode="lines+markers",
                name=title,
                line_color=PALETTE[n % len(PALETTE)],
                marker_symbol=["circle" if p.passed else "x" for p in mine],
                marker_size=11,
            )
        )
    figure.update_yaxes(range=[0, 105], title="Score (%)")
    figure.update_xaxes(
        title="Date", tickformat="%b %d", dtick=86_400_000, range=_day_range(points)
    )
    return tidy(figure, height=320)


def _day_range(points: Sequence[ResultPoint]) -> list[datetime] | None:
    """Pad the time axis by a day each side, so one result doesn't get a millisecond scale."""
    if not points:
        return None
    times = [p.finished_at for p in points]
    return [min(times) - timedelta(days=1), max(times) + timedelta(days=1)]


def tidy(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        font=FONT,
        showlegend=len(figure.data) > 1,
        legend={"orientation": "h", "y": -0.3},
    )
    return figure


def tally_figure(
    labels: dict[str, str], counts: dict[str, int], *, font_size: int = FONT["size"]
) -> go.Figure:
    """Draw how many chose each answer, in the question's own order of answers."""
    keys = list(labels) + [k for k in counts if k not in labels]
    figure = go.Figure(
        go.Bar(
            y=[labels.get(k, k) for k in keys],
            x=[counts.get(k, 0) for k in keys],
            orientation="h",
            marker_color=PALETTE[0],
            text=[counts.get(k, 0) for k in keys],
            textposition="auto",
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title="Answers", rangemode="tozero", dtick=1)
    scale = font_size / FONT["size"]
    figure = tidy(figure, height=round((140 + 56 * len(keys)) * scale))
    # Set on the axes and bars too: Streamlit's chart theme sets its own sizes there.
    size = {"size": font_size}
    figure.update_yaxes(tickfont=size)
    figure.update_xaxes(tickfont=size, title_font=size)
    figure.update_traces(textfont=size)
    return figure.update_layout(font=size)
