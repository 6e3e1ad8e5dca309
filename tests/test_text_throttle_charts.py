"""Pure helpers: Markdown link safety, the guessing throttle, chart builders."""

from __future__ import annotations

import datetime as dt

import pytest

from course.charts import LessonBar, ResultPoint, lessons_figure, results_figure, timeline_figure
from course.model import TimelineStep
from course.text import plain, safe_markdown
from course.throttle import Throttle


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


def test_throttle_limits_one_key_then_frees_it() -> None:
    throttle = Throttle(per_key=3, overall=100, window=60)
    for second in range(3):
        assert throttle.wait_time("a", now=float(second)) == 0
        throttle.record_failure("a", now=float(second))
    assert throttle.wait_time("a", now=3.0) == pytest.approx(57.0)
    assert throttle.wait_time("b", now=3.0) == 0
    assert throttle.wait_time("a", now=60.5) == 0


def test_throttle_limits_all_keys_together() -> None:
    throttle = Throttle(per_key=100, overall=4, window=10)
    for n in range(4):
        throttle.record_failure(f"k{n}", now=1.0)
    assert throttle.wait_time("fresh", now=2.0) == pytest.approx(9.0)


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


def test_lessons_figure_percentages() -> None:
    figure = lessons_figure([LessonBar("A", 3, 4, False), LessonBar("B", 4, 4, True)])
    assert list(figure.data[0].x) == [75.0, 100.0]
    assert list(figure.data[0].text) == ["3 of 4 steps", "complete"]


def test_results_figure_one_line_per_quiz() -> None:
    when = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    figure = results_figure(
        [
            ResultPoint("Quiz A", when, 50.0, False),
            ResultPoint("Quiz B", when, 90.0, True),
            ResultPoint("Quiz A", when + dt.timedelta(hours=1), 80.0, True),
        ]
    )
    assert [trace.name for trace in figure.data] == ["Quiz A", "Quiz B"]
    assert list(figure.data[0].y) == [50.0, 80.0]
    assert list(figure.data[0].marker.symbol) == ["x", "circle"]
    assert list(figure.layout.xaxis.range) == [
        when - dt.timedelta(days=1),
        when + dt.timedelta(hours=1, days=1),
    ]
