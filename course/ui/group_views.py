"""Steps and results as a room sees them: on the projector, the console and phones."""

from __future__ import annotations

import textwrap

import streamlit as st

from course.charts import tally_figure
from course.group import Askable, bucket_labels
from course.i18n import ntr, tr
from course.model import (
    PRACTICE_FIELDS,
    AnyQuestion,
    CardsStep,
    CheckStep,
    CommitmentStep,
    DiscussionStep,
    DrillStep,
    MultipleChoice,
    Ordering,
    PracticeStep,
    ReflectionStep,
    ScenarioStep,
    SingleChoice,
    Step,
    TrueFalse,
)
from course.scoring import presentation_order
from course.store.sessions import Tally
from course.ui import listen
from course.ui.steps import draw_plain

STATIC = {"displayModeBar": False, "staticPlot": True}
# Type a room can read from across it: the projector and a family's shared screen.
LARGE_TYPE = """<style>
[data-testid="stMain"] p:not(button p, label p, summary p), [data-testid="stMain"] li,
[data-testid="stMain"] td, [data-testid="stMain"] th,
[data-testid="stMain"] [data-testid="stText"] { font-size: 1.9rem; line-height: 1.45; }
[data-testid="stMain"] h1 { font-size: 3.2rem; }
[data-testid="stMain"] h2 { font-size: 2.6rem; }
[data-testid="stMetricValue"] { font-size: 4rem; }
[data-testid="stMetricLabel"] p { font-size: 1.6rem; }
</style>"""
# A projector shows the room, not the app: no toolbar, menu, sidebar arrow or quick exit.
PROJECTOR_CHROME = """<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], .st-key-quick_exit_top { display: none !important; }
</style>"""
# Answers are drawn as the bars' labels; on a phone a long one would be cut off at the left.
LABEL_CHARS = 22


def draw_step(
    step: Step, scene_node: str | None = None, reading: listen.Reading | None = None
) -> None:
    """Draw a step's content for everyone in the room (no notes, no private boxes).

    A scenario shows the point of the story the room is at (scene_node; None: its start).
    `reading`: what a "Read this step aloud" control reads (read_aloud), if there is one.
    """
    reading = reading or listen.Reading()
    if draw_plain(step, reading, title=True):
        return
    if isinstance(step, ScenarioStep | PracticeStep | CommitmentStep | DrillStep):
        _draw_practice(step, scene_node, reading)
        return
    if isinstance(step, CardsStep):
        for card in step.cards:
            with st.container(border=True):
                reading.md(
                    tr("**Myth:** {myth}\n\n**Fact:** {fact}").format(
                        myth=card.myth, fact=card.fact
                    )
                )
    elif isinstance(step, CheckStep):
        reading.md(step.question.prompt)
    elif isinstance(step, ReflectionStep | DiscussionStep):
        reading.md(step.prompt)


def _draw_practice(
    step: ScenarioStep | PracticeStep | CommitmentStep | DrillStep,
    scene_node: str | None,
    reading: listen.Reading,
) -> None:
    """Draw a practice step as a room works through it together."""
    if isinstance(step, ScenarioStep):
        if step.body and scene_node in (None, step.start):
            reading.md(step.body)
        node = step.node(scene_node or step.start) or step.node(step.start)
        if node is None:
            return
        reading.md(node.text)
        if node.is_ending:
            reading.md(
                tr("**What to take from this:** {debrief}").format(debrief=node.debrief), st.success
            )
        else:
            lines = (f"- **{chr(ord('A') + n)}.** {c.text}" for n, c in enumerate(node.choices))
            reading.md(tr("**What would you do?**") + "\n\n" + "\n".join(lines))
    elif isinstance(step, PracticeStep):
        if step.body:
            reading.md(step.body)
        fields = [(label, step.example[name]) for name, label, _ in PRACTICE_FIELDS[step.exercise]
                  if name in step.example]  # fmt: skip
        example = (f"- **{tr(label)}** {text}" for label, text in fields)
        reading.md(tr("**A worked example**") + "\n\n" + "\n".join(example))
    elif isinstance(step, CommitmentStep):
        reading.md(step.prompt)
        reading.md("\n".join(f"- {option}" for option in step.options))
    else:
        if step.body:
            reading.md(step.body)
        reading.caption(
            tr("Each person can do this quick round on their own phone, in the lesson.")
        )


def draw_tally(askable: Askable, tally: Tally, min_group_size: int, *, large: bool = False) -> None:
    """Show the answers as a bar chart (large: for a projector), or say why they are hidden."""
    if tally.counts is None:
        said = ntr(
            "{count} answer(s) so far. Results show once at least {least} people have answered, "
            "so no one can be singled out.",
            "{count} answer(s) so far. Results show once at least {least} people have answered, "
            "so no one can be singled out.",
            tally.responses,
        )
        st.info(said.format(count=tally.responses, least=min_group_size))
        return
    labels = bucket_labels(askable.question)
    described = "; ".join(f"{labels.get(k, k)}: {n}" for k, n in tally.counts.items())
    wrapped = {key: _wrap(text, 40 if large else LABEL_CHARS) for key, text in labels.items()}
    st.plotly_chart(
        tally_figure(wrapped, tally.counts, font_size=26 if large else 15),
        config=STATIC,
        alt=tr("Answers to the question: {described}").format(described=described),
    )
    st.caption(
        ntr("{count} answer(s).", "{count} answer(s).", tally.responses).format(
            count=tally.responses
        )
    )


def choice_lines(question: AnyQuestion, seed: int) -> list[str]:
    """What a room reads before answering: the choices, lettered as a phone can't cut them.

    Choices in their written order; the items of an ordering question shuffled (their written
    order is the answer), the same way for every screen that uses the same seed.
    """
    if isinstance(question, SingleChoice | MultipleChoice):
        texts = [o.text for o in question.options]
    elif isinstance(question, TrueFalse):
        texts = [tr("True"), tr("False")]
    elif isinstance(question, Ordering):
        found = {i.id: i.text for i in question.items}
        texts = [found[i] for i in presentation_order(list(found), seed)]
    else:
        texts = [f"{p.left} → ?" for p in question.pairs]
    return [f"**{chr(ord('A') + n)}.** {text}" for n, text in enumerate(texts)]


def _wrap(label: str, width: int) -> str:
    """Break a long answer onto lines of at most `width`, so the chart shows it whole."""
    return "<br>".join(textwrap.wrap(label, width)) or label
