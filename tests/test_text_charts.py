"""Pure helpers: Markdown link safety, chart builders."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterator

import pandas as pd
import plotly.graph_objects as go
import pytest

from course.analytics import Gain, ItemStats, Misconception
from course.charts import (
    AXIS_TEXT,
    BACKGROUNDS,
    BAR_TEXT,
    PALETTE,
    TEXT,
    TITLE_CHARS,
    LessonBar,
    ResultPoint,
    contrast_ratio,
    describe_results,
    lessons_figure,
    results_figure,
    tally_figure,
    timeline_figure,
)
from course.dashboard_charts import (
    facility_figure,
    funnel_figure,
    gain_figure,
    misconception_figure,
    progress_figure,
)
from course.model import TimelineStep
from course.text import plain, safe_markdown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[x](javascript:alert(1))", "x"),
        ("[x]( JavaScript:alert(1) )", "x"),
        ("[a](<javascript:alert(1)>)", "a"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "x"),
        ("[x](vbscript:msgbox)", "x"),
        ("<javascript:alert(1)>", "javascript:alert(1)"),
        ("![pixel](https://tracker.example/p.gif)", "[pixel](https://tracker.example/p.gif)"),
        ("![](javascript:x)", ""),
        ("see [x][1]\n\n[1]: javascript:alert(1)\n", "see [x][1]\n\n\n"),
        ("[ok](https://nida.nih.gov/a_(b))", "[ok](https://nida.nih.gov/a_(b))"),
        ("[call](tel:988) or [mail](mailto:a@b.org)", "[call](tel:988) or [mail](mailto:a@b.org)"),
        ("<https://findtreatment.gov>", "<https://findtreatment.gov>"),
        ('[2]: https://ok.org "t"', '[2]: https://ok.org "t"'),
        ("plain **bold** text", "plain **bold** text"),
    ],
)
def test_safe_markdown(text: str, expected: str) -> None:
    assert safe_markdown(text) == expected


def test_plain_escapes_markdown() -> None:
    assert plain("**hi** [x](y) <b>") == r"\*\*hi\*\* \[x\]\(y\) \<b\>"


def test_timeline_figure_has_one_bar_per_event() -> None:
    step = TimelineStep.model_validate(
        {
            "id": "t",
            "kind": "timeline",
            "unit": "hours",
            "sources": ["s"],
            "events": [
                {"label": "Early", "start": 6, "end": 12, "detail": "Yawning"},
                {"label": "Onset", "start": 12, "end": 12},
            ],
        }
    )
    bar = timeline_figure(step).data[0]
    assert list(bar.y) == ["Early", "Onset"]
    assert list(bar.base) == [6, 12]
    assert list(bar.x) == [6, pytest.approx(0.12)]
    assert list(bar.hovertext) == ["Yawning", "Onset"]


def visible_texts(figure: go.Figure) -> list[str]:
    """The words a static chart shows: its annotations and bar texts, as a reader sees them."""
    written = [a.text for a in figure.layout.annotations]
    written += [t for trace in figure.data for t in (getattr(trace, "text", None) or [])]
    return [html.unescape(str(t).replace("<br>", " ")) for t in written]


LONG_TITLES = [
    "How heroin and other opioids affect the brain",
    "Withdrawal: hour by hour and day by day",
    "Overdose: be ready",
]


def test_lessons_figure_writes_every_title_and_how_far() -> None:
    bars = [
        LessonBar(LONG_TITLES[0], 3, 11, False),
        LessonBar(LONG_TITLES[1], 9, 9, True),
        LessonBar(LONG_TITLES[2], 0, 8, False),
    ]
    figure = lessons_figure(bars)
    assert list(figure.data[0].x) == [pytest.approx(300 / 11), 100.0, pytest.approx(0, abs=0.1)]
    assert list(figure.data[0].text) == ["3 of 11 steps", "Complete", "0 of 8 steps"]
    assert visible_texts(figure)[:3] == LONG_TITLES
    assert figure.layout.yaxis.visible is False, "titles above the bars, not squeezed beside"


def test_chart_titles_are_wrapped_to_fit_a_phone() -> None:
    figure = lessons_figure([LessonBar(title, 1, 2, False) for title in LONG_TITLES])
    lines = [line for a in figure.layout.annotations for line in a.text.split("<br>")]
    assert max(len(html.unescape(line)) for line in lines) <= TITLE_CHARS
    assert len(lines) > len(LONG_TITLES), "the long titles take two lines"
    rows = [a.y for a in figure.layout.annotations]
    assert rows == sorted(rows) and figure.layout.height >= 90 + 50 * len(LONG_TITLES)


def test_chart_titles_never_become_markup() -> None:
    hostile = "<b>bold</b> & <a href='javascript:alert(1)'>link</a>"
    figure = lessons_figure([LessonBar(hostile, 1, 2, False)])
    written = figure.layout.annotations[0].text
    assert "<a" not in written and "<b>" not in written
    assert visible_texts(figure)[0] == hostile


def when(hours: int) -> dt.datetime:
    return dt.datetime(2026, 11, 28, tzinfo=dt.UTC) + dt.timedelta(hours=hours)


RESULTS = [
    ResultPoint("Quiz: tolerance, dependence and addiction", when(0), 50.0, False),
    ResultPoint("Knowledge check (form A)", when(1), 90.0, None),
    ResultPoint("Quiz: tolerance, dependence and addiction", when(2), 80.0, True),
    ResultPoint("Quiz: overdose, be ready", when(3), 40.0, False),
]


def test_results_figure_names_each_quiz_with_its_latest_score() -> None:
    figure = results_figure(RESULTS)
    titles = list(dict.fromkeys(p.quiz_title for p in RESULTS))
    assert visible_texts(figure)[: len(titles)] == titles
    assert list(figure.data[0].x) == [80.0, 90.0, 40.0]
    assert list(figure.data[0].text) == [
        "80%, passed (2 tries)",
        "90% (1 try)",
        "40%, not passed yet (1 try)",
    ]


def test_results_are_described_with_every_try() -> None:
    assert describe_results(RESULTS) == (
        "Quiz: tolerance, dependence and addiction: 80%, passed (2 tries); scores 50%, 80%; "
        "Knowledge check (form A): 90% (1 try); scores 90%; "
        "Quiz: overdose, be ready: 40%, not passed yet (1 try); scores 40%"
    )


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#000000", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes 4.5:1 on white
        ("#777777", "#ffffff", 4.48),
        ("#2e8b57", "#ffffff", 4.25),  # the old green: too light for white text on it
    ],
)
def test_contrast_ratio(first: str, second: str, ratio: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("background", BACKGROUNDS)
@pytest.mark.parametrize("colour", PALETTE)
def test_palette_colour_stands_out_from_the_background(colour: str, background: str) -> None:
    assert contrast_ratio(colour, background) >= 3.0  # WCAG 1.4.11, non-text contrast


@pytest.mark.parametrize("colour", PALETTE)
def test_text_on_a_palette_colour_is_readable(colour: str) -> None:
    assert contrast_ratio(BAR_TEXT, colour) >= 4.5  # WCAG 1.4.3, text contrast


@pytest.mark.parametrize("text", [TEXT, AXIS_TEXT])
@pytest.mark.parametrize("background", BACKGROUNDS)
def test_text_beside_a_bar_or_on_an_axis_is_readable(text: str, background: str) -> None:
    assert contrast_ratio(text, background) >= 4.5


STEP = TimelineStep.model_validate(
    {
        "id": "t",
        "kind": "timeline",
        "unit": "hours",
        "sources": ["s"],
        "events": [{"label": f"E{n}", "start": n, "end": n + 2} for n in range(8)],
    }
)
ITEMS = [ItemStats(f"q{n}", 10, 60.0, 1.0, 30.0) for n in range(3)]
FIGURES: dict[str, Callable[[], go.Figure]] = {
    "timeline": lambda: timeline_figure(STEP),
    "lessons": lambda: lessons_figure([LessonBar("A", 1, 2, False), LessonBar("B", 2, 2, True)]),
    "results": lambda: results_figure(RESULTS),
    "tally": lambda: tally_figure({"a": "Yes", "b": "No"}, {"a": 3, "b": 1}),
    "progress": lambda: progress_figure(["A", "B"], [3, 2], [1, 0]),
    "funnel": lambda: funnel_figure(
        pd.DataFrame({"step_id": ["s1", "s2"], "learners": [5, 3]}), {}
    ),
    "gain": lambda: gain_figure(Gain(4, 4, 4, 50.0, 75.0, 0.5)),
    "facility": lambda: facility_figure(ITEMS, {}),
    "misconceptions": lambda: misconception_figure([Misconception("fentanyl-myth", 4, 3, 2)]),
}


def marks(figure: go.Figure) -> Iterator[tuple[str, go.Bar | go.Funnel | go.Scatter]]:
    """Yield every marker and line colour a figure draws, with its trace."""
    for trace in figure.data:
        colours = trace.marker.color
        yield from ((c, trace) for c in ([colours] if isinstance(colours, str) else colours))
        if isinstance(trace, go.Scatter) and trace.line.color:
            yield trace.line.color, trace


@pytest.mark.parametrize("name", FIGURES)
def test_every_chart_colour_has_enough_contrast(name: str) -> None:
    figure = FIGURES[name]()
    seen = list(marks(figure))
    assert seen, "the figure draws something"
    assert figure.layout.xaxis.tickfont.color == figure.layout.yaxis.tickfont.color == AXIS_TEXT
    for colour, trace in seen:
        for background in BACKGROUNDS:
            assert contrast_ratio(colour, background) >= 3.0, (colour, background)
        if getattr(trace, "text", None) is not None:
            assert trace.insidetextfont.color == BAR_TEXT, "text on a bar has a set colour"
            assert contrast_ratio(BAR_TEXT, colour) >= 4.5, colour
