"""Draw one lesson step of any kind; content text goes through Markdown, never raw HTML."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from course.charts import timeline_figure
from course.i18n import N_, tr
from course.model import (
    CalloutStep,
    CardsStep,
    CheckStep,
    CommitmentStep,
    ComparisonStep,
    DiscussionStep,
    DrillStep,
    Lesson,
    PracticeStep,
    ReflectionStep,
    ScenarioStep,
    Source,
    Step,
    TextStep,
    TimelineStep,
)
from course.quizflow import question_state
from course.scoring import grade_answer
from course.store import MAX_REFLECTION_CHARS
from course.store.inputs import clean_text
from course.text import safe_markdown
from course.ui import identity, listen, practice_steps
from course.ui.questions import ask, show_settled
from course.ui.resources import store

CALLOUTS = {"key_point": st.info, "warning": st.warning, "tip": st.success}
CALLOUT_ICONS = {
    "key_point": ":material/key:",
    "warning": ":material/warning:",
    "tip": ":material/lightbulb:",
}


def draw(lesson: Lesson, step: Step, learner: identity.Learner) -> None:
    """Draw a step with its Listen control (reading what shows), then the sources it rests on."""
    key = f"step-{lesson.id}-{step.id}"
    with listen.read_aloud(key, tr("this step"), title=step.title, audio=step.audio) as reading:
        if not draw_plain(step, reading):
            _draw_personal(lesson, step, learner, reading)
    _sources(lesson, step.sources)


def _draw_personal(
    lesson: Lesson, step: Step, learner: identity.Learner, reading: listen.Reading
) -> None:
    """Draw the steps a learner does something with: cards, checks, notes, prompts."""
    if isinstance(step, CardsStep):
        _cards(lesson, step, reading)
    elif isinstance(step, CheckStep):
        _check(lesson, step, learner, reading)
    elif isinstance(step, ReflectionStep):
        _reflection(lesson, step, learner, reading)
    elif isinstance(step, DiscussionStep):
        reading.md(step.prompt)
        reading.caption(
            tr("Take a moment to think about this, or talk it over with someone you trust.")
        )
    elif isinstance(step, ScenarioStep):
        practice_steps.draw_scenario(lesson, step, reading)
    elif isinstance(step, PracticeStep):
        practice_steps.draw_practice(lesson, step, learner, reading)
    elif isinstance(step, CommitmentStep):
        practice_steps.draw_commitment(lesson, step, learner, reading)
    elif isinstance(step, DrillStep):
        practice_steps.draw_drill(lesson, step, learner, reading)


def draw_plain(step: Step, reading: listen.Reading | None = None, *, title: bool = False) -> bool:
    """Draw a step that reads the same for everyone; tell whether it was one.

    `title`: draw the step's title too (a lesson page draws it with its Listen control).
    """
    reading = reading or listen.Reading()
    if title and step.title:
        reading.header(step.title)
    if isinstance(step, TextStep):
        reading.md(step.body)
    elif isinstance(step, CalloutStep):
        reading.md(step.body, CALLOUTS[step.style], icon=CALLOUT_ICONS[step.style])
    elif isinstance(step, TimelineStep):
        draw_timeline(step, reading)
    elif isinstance(step, ComparisonStep):
        draw_comparison(step, reading)
    else:
        return False
    return True


def draw_timeline(step: TimelineStep, reading: listen.Reading) -> None:
    if step.body:
        reading.md(step.body)
    described = "; ".join(
        tr("{label}: {start} to {end} {unit}").format(
            label=e.label, start=f"{e.start:g}", end=f"{e.end:g}", unit=step.unit
        )
        for e in step.events
    )
    st.plotly_chart(
        timeline_figure(step),
        config={"displayModeBar": False, "staticPlot": True},
        alt=tr("Timeline in {unit}. {described}").format(unit=step.unit, described=described),
    )
    for event in step.events:
        when = f"{event.start:g}–{event.end:g} {step.unit}"
        reading.md(f"- **{when}: {event.label}.** {event.detail or ''}")


# Both forms are drawn; below 600 px only the cards show, from 600 px only the table.
# display:none also takes the hidden form out of the accessibility tree.
COMPARISON_CSS = """<style>
@media (max-width: 599.98px) { [class*="st-key-comparison-table-"] { display: none; } }
@media (min-width: 600px) { [class*="st-key-comparison-cards-"] { display: none; } }
</style>"""


def draw_comparison(step: ComparisonStep, reading: listen.Reading) -> None:
    """Show a table on a wide screen and one box per row on a phone, where a table gets cut off.

    Listen reads it row by row, as the boxes show it: the row, then each column and its cell.
    """
    if step.body:
        reading.md(step.body)
    st.html(COMPARISON_CSS)  # safe: a fixed style sheet of ours, no content
    with st.container(key=f"comparison-cards-{step.id}"):
        for row in step.rows:
            with st.container(border=True):
                reading.md(f"**{row.label}**")
                cells = (
                    f"- **{column}:** {cell}"
                    for column, cell in zip(step.columns, row.cells, strict=True)
                )
                reading.md("\n".join(cells))
    with st.container(key=f"comparison-table-{step.id}"):
        st.table(
            _comparison_frame(step),
            alt=tr("Comparison of {columns}").format(columns=", ".join(step.columns)),
        )


def _comparison_frame(step: ComparisonStep) -> pd.DataFrame:
    """Lay the step out as a table: its columns as headers, each row under its label."""
    return pd.DataFrame(
        [[safe_markdown(cell) for cell in row.cells] for row in step.rows],
        index=[safe_markdown(row.label) for row in step.rows],
        columns=[safe_markdown(column) for column in step.columns],
    )


def _cards(lesson: Lesson, step: CardsStep, reading: listen.Reading) -> None:
    if step.body:
        reading.md(step.body)
    for n, card in enumerate(step.cards):
        key = f"card-{lesson.id}-{step.id}-{n}"
        with st.container(border=True):
            reading.md(tr("**Myth:** {myth}").format(myth=card.myth))
            if st.session_state.get(key):
                reading.md(tr("**Fact:** {fact}").format(fact=card.fact))
                st.button(tr("Turn back"), key=f"{key}-back", on_click=_flip, args=(key,))
            else:
                st.button(
                    tr("Turn over to see the facts"),
                    key=f"{key}-turn",
                    on_click=_flip,
                    args=(key,),
                    icon=":material/flip:",
                )
            _sources(lesson, card.sources)


def _flip(key: str) -> None:
    st.session_state[key] = not st.session_state.get(key, False)


def check_quiz_id(lesson: Lesson) -> str:
    """Inline checks are stored as answers to a per-lesson practice set."""
    return f"check:{lesson.id}"


def _check(
    lesson: Lesson, step: CheckStep, learner: identity.Learner, reading: listen.Reading
) -> None:
    """Ask a quick check: a hint after a wrong try; the explanation once it is settled."""
    # Imported here: the rest of this module belongs to the lesson page's owner.

    question = step.question
    quiz_id = check_quiz_id(lesson)
    tries = [a for a in store().attempts(learner.id, quiz_id) if a.question_id == question.id]
    state = question_state(tries)

    def record(answer: object) -> None:
        grade = grade_answer(question, answer)
        store().record_answer(
            learner.id,
            quiz_id,
            question.id,
            answer,
            grade.is_correct,
            identity.now(),
            request_key=f"{quiz_id}:{question.id}:{len(tries) + 1}",
        )
        st.rerun()

    reading.caption(tr("Quick check: this does not count toward your score."))
    if state.latest is not None and state.is_settled:
        show_settled(question, state.latest.answer, key=f"check-{lesson.id}-{step.id}")
        return
    ask(
        question,
        key=f"check-{lesson.id}-{step.id}",
        seed_key=str(learner.id),
        latest=state.latest.answer if state.latest else None,
        on_answer=record,
        submit_label=tr("Try again") if tries else tr("Check my answer"),
    )


NOTES_LABEL = N_("Your private notes (only you can see these)")


def _reflection(
    lesson: Lesson, step: ReflectionStep, learner: identity.Learner, reading: listen.Reading
) -> None:
    reading.md(step.prompt)
    saved = store().reflections(learner.id).get((lesson.id, step.id), "")
    with st.form(key=f"reflect-{lesson.id}-{step.id}"):
        reading.say(tr(NOTES_LABEL))
        text = st.text_area(
            tr(NOTES_LABEL),
            value=saved,
            max_chars=MAX_REFLECTION_CHARS,
            height=160,
        )
        if st.form_submit_button(tr("Save my notes")):
            _save_notes(lesson, step, learner, text or "")


def _save_notes(
    lesson: Lesson, step: ReflectionStep, learner: identity.Learner, typed: str
) -> None:
    kept = clean_text(typed)
    if typed.strip() and not kept.strip():  # an earlier note must not be wiped by accident
        st.warning(
            tr(
                "Nothing was saved: your note held only hidden characters that can't be kept. "
                "Please type it again."
            )
        )
        return
    store().save_reflection(learner.id, lesson.id, step.id, kept, identity.now())
    st.success(tr("Saved. Only you can see this."))


def _sources(lesson: Lesson, ids: list[str]) -> None:
    if not ids:
        return
    known = {s.id: s for s in lesson.sources}
    with st.expander(tr("Sources"), icon=":material/menu_book:"):
        st.markdown(safe_markdown("\n".join(_source_line(known[i]) for i in ids if i in known)))


def _source_line(source: Source) -> str:
    return f"- [{source.title}]({source.url}). {source.publisher}, {source.year}."
