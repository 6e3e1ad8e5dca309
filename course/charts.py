"""Plotly figure builders: data in, figure out; no Streamlit, no database."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import plotly.graph_objects as go

from course.i18n import ntr, tr
from course.model import TimelineStep

# Each colour has at least 4.5:1 against BAR_TEXT (text drawn on a bar) and 3:1 against every
# colour in BACKGROUNDS (WCAG 1.4.3 and 1.4.11); tests/test_text_charts.py checks it.
PALETTE = ("#1f5f8b", "#2a7f50", "#a85c1a", "#6a4c93", "#8b1e3f", "#3b7d7d")
BACKGROUNDS = ("#ffffff", "#eef3f7")  # the theme's backgroundColor and secondaryBackgroundColor
BAR_TEXT = "#ffffff"
TEXT = "#1a1a1a"  # the theme's textColor: text beside a bar, on the background
AXIS_TEXT = "#5a5e6e"  # muted, yet 4.5:1 (the chart theme's own grey has 3.7:1)
FONT = {"size": 15}
# A bar's title goes above it, wrapped to fit a 390 px phone at FONT size; heights in pixels.
TITLE_CHARS = 32
LINE_PX = 20
BAR_PX = 28
GAP_PX = 14
HAIR_PERCENT = 0.01  # the narrowest bar: well under a pixel


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
    return tidy(
        figure,
        height=120 + 48 * len(labels),
        xaxis={"title": {"text": step.unit.capitalize()}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "title": {"text": None}},
    )


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
    """Draw each lesson's share of steps done under its title, marking completed lessons."""
    return labelled_bars(
        [
            LabelledBar(
                bar.title,
                100 * bar.steps_done / max(bar.steps_total, 1),
                _bar_text(bar),
                PALETTE[1] if bar.is_complete else PALETTE[0],
            )
            for bar in bars
        ],
        axis_title=tr("Steps done"),
    )


def _bar_text(bar: LessonBar) -> str:
    if bar.is_complete:
        return tr("Complete")
    return tr("{done} of {total} steps").format(done=bar.steps_done, total=bar.steps_total)


@dataclass(frozen=True)
class ResultPoint:
    quiz_title: str
    finished_at: datetime
    score_percent: float
    passed: bool | None  # None: the quiz has no pass mark (a knowledge check)


def results_figure(points: Sequence[ResultPoint]) -> go.Figure:
    """Draw each quiz's latest score under the quiz's title, with whether it passed and tries."""
    bars = []
    for title, tries in _by_quiz(points).items():
        latest = max(tries, key=lambda p: p.finished_at)
        color = PALETTE[1] if latest.passed else PALETTE[0]
        bars.append(LabelledBar(title, latest.score_percent, _result_text(tries), color))
    return labelled_bars(bars, axis_title=tr("Latest score"))


def describe_results(points: Sequence[ResultPoint]) -> str:
    """Say in words what results_figure draws, every try included (a chart's alt text)."""
    return "; ".join(
        tr("{title}: {result}; scores {scores}").format(
            title=title,
            result=_result_text(tries),
            scores=", ".join(
                f"{p.score_percent:.0f}%" for p in sorted(tries, key=lambda p: p.finished_at)
            ),
        )
        for title, tries in _by_quiz(points).items()
    )


def _by_quiz(points: Sequence[ResultPoint]) -> dict[str, list[ResultPoint]]:
    """Group results by quiz title, quizzes in the order first finished."""
    grouped: dict[str, list[ResultPoint]] = {}
    for point in sorted(points, key=lambda p: p.finished_at):
        grouped.setdefault(point.quiz_title, []).append(point)
    return grouped


def _result_text(tries: Sequence[ResultPoint]) -> str:
    latest = max(tries, key=lambda p: p.finished_at)
    count = ntr("{n} try", "{n} tries", len(tries)).format(n=len(tries))
    score = f"{latest.score_percent:.0f}%"
    if latest.passed is None:
        return f"{score} ({count})"
    if latest.passed:
        return tr("{score}, passed ({count})").format(score=score, count=count)
    return tr("{score}, not passed yet ({count})").format(score=score, count=count)


@dataclass(frozen=True)
class LabelledBar:
    title: str
    percent: float
    text: str
    color: str


def labelled_bars(bars: Sequence[LabelledBar], axis_title: str) -> go.Figure:
    """Draw 0-100% bars, each with its title written above it: readable on a narrow phone.

    Titles beside the bars (axis labels) would leave a phone a sliver of chart. The y axis
    counts pixels of the plot area, so each title gets exactly the room its lines need.
    """
    titles = [_wrap(bar.title) for bar in bars]
    tops = _tops(titles)
    centres = [top + _title_px(title) + BAR_PX / 2 for top, title in zip(tops, titles, strict=True)]
    figure = go.Figure(_bar_trace(bars, centres))
    for top, title in zip(tops, titles, strict=True):
        figure.add_annotation(
            x=0, y=top, text=title, showarrow=False, align="left", xanchor="left",
            yanchor="top", font={"color": TEXT},
        )  # fmt: skip
    height = round(centres[-1] + BAR_PX / 2) if bars else BAR_PX
    figure.update_yaxes(range=[height, 0], visible=False, fixedrange=True)
    figure.update_xaxes(range=[0, 100], ticksuffix="%", title=axis_title, fixedrange=True)
    figure = tidy(figure, height=height + 90)
    # Room below for the ticks and the axis title, and at the sides for half of "0%" and "100%".
    return figure.update_layout(margin={"t": 10, "b": 80, "l": 16, "r": 28})


def _bar_trace(bars: Sequence[LabelledBar], centres: Sequence[float]) -> go.Bar:
    """Build the horizontal bars, centred on the given pixel rows, each with its text."""
    return go.Bar(
        y=list(centres),
        # Plotly writes no text by a bar of zero; a hair's width keeps "0 of 8 steps" shown.
        x=[max(bar.percent, HAIR_PERCENT) for bar in bars],
        width=BAR_PX,
        orientation="h",
        marker_color=[bar.color for bar in bars],
        text=[html.escape(bar.text) for bar in bars],
        textposition="auto",
        cliponaxis=False,
        hoverinfo="skip",
    )


def _wrap(title: str) -> str:
    """Break a title into lines that fit a phone, escaped: content never becomes markup."""
    lines = textwrap.wrap(title, TITLE_CHARS, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(html.escape(line) for line in lines) or " "


def _title_px(title: str) -> int:
    return LINE_PX * (title.count("<br>") + 1) + 4


def _tops(titles: Sequence[str]) -> list[int]:
    """Return where each row (title, then bar) starts, in pixels from the top."""
    tops: list[int] = []
    top = 0
    for title in titles:
        tops.append(top)
        top += _title_px(title) + BAR_PX + GAP_PX
    return tops


def tidy(
    figure: go.Figure,
    height: int,
    xaxis: dict[str, Any] | None = None,
    yaxis: dict[str, Any] | None = None,
) -> go.Figure:
    """Size the figure and set every text colour (the contrast tests rest on these colours)."""
    # One layout update and plain attribute writes: update_traces/update_xaxes each walk and
    # validate the whole figure, which doubled a timeline step's rerun cost.
    for trace in figure.data:
        if trace.type in ("bar", "funnel"):
            trace.insidetextfont.color = BAR_TEXT
            trace.outsidetextfont.color = TEXT
    axis = {"tickfont": {"color": AXIS_TEXT}, "title": {"font": {"color": AXIS_TEXT}}}
    return figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        font=FONT,
        showlegend=len(figure.data) > 1,
        legend={"orientation": "h", "y": -0.3, "font": {"color": AXIS_TEXT}},
        xaxis={**axis, **(xaxis or {})},
        yaxis={**axis, **(yaxis or {})},
    )


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG 2 contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a #rrggbb colour."""
    red, green, blue = (_linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _linear(channel: float) -> float:
    """Undo the sRGB gamma of one channel (0 to 1)."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


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
    figure.update_xaxes(title=tr("Answers"), rangemode="tozero", dtick=1)
    scale = font_size / FONT["size"]
    figure = tidy(figure, height=round((140 + 56 * len(keys)) * scale))
    # Set on the axes and bars too: Streamlit's chart theme sets its own sizes there.
    size = {"size": font_size}
    figure.update_yaxes(tickfont=size)
    figure.update_xaxes(tickfont=size, title_font=size)
    figure.update_traces(textfont=size)
    return figure.update_layout(font=size)
