"""Steps a learner practises with: scenarios, skill exercises, commitments, fluency drills.

What a learner writes or chooses here is theirs alone (course.store.practice): kept under their
code, in their export, gone with a delete, never shown to a program.
"""

from __future__ import annotations

import base64
import html
import math
import random
import time
from datetime import datetime

import streamlit as st

from course.i18n import N_, ptr, said, tr
from course.loader import default_root
from course.model import (
    PRACTICE_FIELDS,
    CommitmentStep,
    DrillStep,
    Lesson,
    PracticeStep,
    ScenarioStep,
)
from course.scoring import grade_answer
from course.store.practice import MAX_ACTION_CHARS, MAX_FIELD_CHARS, DrillRound
from course.text import plain
from course.ui import identity, listen
from course.ui.live import live
from course.ui.questions import ask, show_grade
from course.ui.resources import practice

OWN = "__own__"
# How a check-in went: the stored value, and its label (marked N_, shown with tr()).
OUTCOME_LABELS = {"did": N_("I did it"), "partly": N_("Partly"), "not_yet": N_("Not yet")}
MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


# --- scenario ------------------------------------------------------------------------------


def draw_scenario(lesson: Lesson, step: ScenarioStep, reading: listen.Reading) -> None:
    """Tell the story so far, then offer the current point's choices, or its debrief.

    Listen reads the story so far, what the learner chose, and the choices now open.
    """
    key = f"scene-{lesson.id}-{step.id}"
    path: list[str] = st.session_state.setdefault(key, [step.start])
    if step.body:
        reading.md(step.body)
    if step.image:
        scene_image(step)
    for earlier, following in zip(path, path[1:], strict=False):
        node = step.node(earlier)
        chosen = next((c for c in node.choices if c.next == following), None) if node else None
        with st.container(border=True):
            reading.md(node.text if node else "")
            if chosen:
                reading.caption(tr("You chose: {choice}").format(choice=chosen.text))
    current = step.node(path[-1])
    if current is None:  # the content changed under an old path: start over
        st.session_state[key] = [step.start]
        st.rerun()
    with st.container(border=True, key=f"scene-now-{step.id}"):
        reading.md(current.text)
        if current.is_ending:
            reading.md(tr("**What to take from this:** {debrief}").format(
                debrief=current.debrief), st.success)  # fmt: skip
        else:
            reading.md(tr("**What would you do?**"))
            reading.say(*(choice.text for choice in current.choices))  # the choice buttons
            for n, choice in enumerate(current.choices):
                st.button(
                    choice.text,
                    key=f"{key}-{len(path)}-{n}",
                    on_click=_choose,
                    args=(key, choice.next),
                    width="stretch",
                )
    if len(path) > 1:
        label = tr("Try another path") if current.is_ending else tr("Start the story again")
        st.button(label, key=f"{key}-again", on_click=_restart, args=(key, step.start),
                  icon=":material/replay:")  # fmt: skip


def _choose(key: str, node_id: str) -> None:
    st.session_state[key] = [*st.session_state.get(key, []), node_id]


def _restart(key: str, start: str) -> None:
    st.session_state[key] = [start]


def scene_image(step: ScenarioStep) -> None:
    """Show the scenario's picture with its words for people who can't see it."""
    if step.image is None:
        return
    found = default_root() / step.image.file
    try:
        data = base64.b64encode(found.read_bytes()).decode()
    except OSError:
        st.caption(step.image.alt)  # the validator reports a missing file; say what it shows
        return
    mime = MIME[found.suffix.lstrip(".").lower()]
    alt = html.escape(step.image.alt, quote=True)
    st.html(  # our tag: the picture from the content folder, its alt text escaped
        f'<img src="data:{mime};base64,{data}" alt="{alt}" '
        'style="max-width:100%;height:auto;border-radius:0.5rem">'
    )


# --- practice ------------------------------------------------------------------------------


def draw_practice(
    lesson: Lesson, step: PracticeStep, learner: identity.Learner, reading: listen.Reading
) -> None:
    """Show the worked example, then the learner's own exercise (saved for them only)."""
    if step.body:
        reading.md(step.body)
    fields = PRACTICE_FIELDS[step.exercise]
    with st.container(border=True, key=f"example-{step.id}"):
        reading.md(tr("**A worked example**"))
        for name, label, _ in fields:
            if name in step.example:
                reading.md(f"**{tr(label)}** {step.example[name]}")
    if step.exercise == "urge_surfing":
        _urge_timer(lesson, step, reading)
    saved = practice().entry(learner.id, lesson.id, step.id)
    with st.form(f"practice-{lesson.id}-{step.id}"):
        reading.md(tr("**Your turn** (only you can see this)"))
        typed: dict[str, str | int] = {}
        for name, english, kind in fields:
            label = tr(english)
            reading.say(label)  # each box's label: what to write there
            if kind == "rating":
                value = saved.get(name)
                typed[name] = st.slider(label, 0, 10, value if isinstance(value, int) else 5,
                                        key=f"{step.id}-{name}")  # fmt: skip
            else:
                typed[name] = st.text_area(
                    label, value=str(saved.get(name, "")), max_chars=MAX_FIELD_CHARS, height=90,
                    key=f"{step.id}-{name}",
                )  # fmt: skip
        if st.form_submit_button(tr("Save my practice"), type="primary"):
            _save_practice(lesson, step, learner, typed)


def _save_practice(
    lesson: Lesson, step: PracticeStep, learner: identity.Learner, typed: dict[str, str | int]
) -> None:
    if not any(isinstance(v, str) and v.strip() for v in typed.values()):
        st.warning(tr("Write something in at least one box first."))
        return
    try:
        practice().save_entry(learner.id, lesson.id, step.id, typed, identity.now())
    except ValueError as problem:
        st.error(said(problem))
        return
    st.success(tr("Saved. Only you can see this."))


def _urge_timer(lesson: Lesson, step: PracticeStep, reading: listen.Reading) -> None:
    """A timer the learner starts (never on its own), counting down while they ride the urge."""
    key = f"urge-{lesson.id}-{step.id}"
    minutes = step.minutes or 3
    with st.container(border=True, key=f"urge-timer-{step.id}"):
        reading.md(
            tr("**Ride the urge for {minutes} minutes.** Rate it below first, then start.").format(
                minutes=minutes
            )
        )
        if key not in st.session_state:
            st.button(tr("Start the timer"), key=f"{key}-start", on_click=_start_timer, args=(key,),
                      icon=":material/timer:")  # fmt: skip
        else:
            _countdown(key, minutes * 60)


def _start_timer(key: str) -> None:
    st.session_state[key] = time.time()


@live(1.0)
def _countdown(key: str, seconds: int) -> None:
    started = st.session_state.get(key)
    if started is None:
        return
    left = max(0, math.ceil(seconds - (time.time() - started)))
    if left:
        st.metric(tr("Time left"), f"{left // 60}:{left % 60:02d}")
        st.caption(
            tr("Breathe slowly. Notice where you feel the urge, and watch it rise and fall.")
        )
    else:
        st.metric(tr("Time left"), tr("Done"))
        st.caption(tr("The urge passed its peak. Rate it again below and note what you noticed."))
    if st.button(tr("Stop the timer"), key=f"{key}-stop"):
        del st.session_state[key]
        st.rerun()


# --- commitment ----------------------------------------------------------------------------


def draw_commitment(
    lesson: Lesson, step: CommitmentStep, learner: identity.Learner, reading: listen.Reading
) -> None:
    """Let the learner pick or write one thing to try; next visit asks how it went."""
    reading.md(step.prompt)
    mine = [
        c
        for c in practice().commitments(learner.id)
        if (c.lesson_id, c.step_id) == (lesson.id, step.id) and c.checked_at is None
    ]
    if mine:
        # What the learner wrote is shown as typed (plain text), and read as typed.
        chose = tr("You chose to try: {action}")
        next_time = tr("Next time you open the course, we'll ask how it went.")
        st.info(
            f"{chose.format(action=plain(mine[-1].action))}\n\n{next_time}",
            icon=":material/flag:",
        )
        reading.say(chose.format(action=mine[-1].action))
        reading.say(next_time)
    options = [*step.options, *([OWN] if step.allow_own else [])]
    with st.form(f"commit-{lesson.id}-{step.id}"):
        reading.say(tr("I will try"), *(o for o in step.options))
        if step.allow_own:
            reading.say(tr("Something else"), tr("Something else (write your own)"))
        chosen = st.radio(  # the options' values: the content's own text, or OWN
            tr("I will try"), options, index=None,
            format_func=lambda o: tr("Something else") if o == OWN else o,
            key=f"{step.id}-choice",
        )  # fmt: skip
        own = ""
        if step.allow_own:
            own = st.text_input(tr("Something else (write your own)"),
                                max_chars=MAX_ACTION_CHARS, key=f"{step.id}-own")  # fmt: skip
        if st.form_submit_button(tr("I'll try this"), type="primary"):
            action = (own or "") if chosen == OWN else (chosen or "")
            if chosen is None and own.strip():
                action = own
            try:
                practice().commit(learner.id, lesson.id, step.id, action, identity.now())
            except ValueError as problem:
                st.warning(said(problem))
            else:
                st.rerun()


def visit_started() -> datetime:
    """Return when this visit to the course began (the first page this browser session ran)."""
    started: datetime = st.session_state.setdefault("visit_started", identity.now())
    return started


def check_ins(learner: identity.Learner) -> None:
    """Ask how each thing the learner chose to try on an earlier visit went."""
    for commitment in practice().to_check_in(learner.id, visit_started()):
        with st.container(border=True, key=f"check-in-{commitment.id}"):
            st.markdown(tr("**Last time, you chose to try:**"))
            st.text(commitment.action)  # as the learner wrote it: plain text
            with st.form(f"check-in-form-{commitment.id}"):
                outcome = st.radio(
                    tr("How did it go?"), list(OUTCOME_LABELS), index=None, horizontal=True,
                    format_func=lambda o: tr(OUTCOME_LABELS[o]), key=f"outcome-{commitment.id}",
                )  # fmt: skip
                obstacle = st.text_input(
                    tr("What got in the way? (optional)"), key=f"obstacle-{commitment.id}"
                )
                if st.form_submit_button(tr("Save")):
                    if outcome is None:
                        st.warning(tr("Please choose how it went."))
                    else:
                        practice().check_in(learner.id, commitment.id, str(outcome), obstacle,
                                            identity.now())  # fmt: skip
                        st.session_state["checked_in"] = str(outcome)  # the value, not its words
                        st.rerun()
    if went := st.session_state.pop("checked_in", None):
        said = tr(OUTCOME_LABELS.get(went, went))
        kind = (
            tr("Well done.") if went == "did" else tr("Thanks for checking in. Every try counts.")
        )
        st.success(f"{said}. {kind}")


# --- drill ---------------------------------------------------------------------------------


def draw_drill(
    lesson: Lesson, step: DrillStep, learner: identity.Learner, reading: listen.Reading
) -> None:
    """Run rounds of quick questions; time each answer; show the best round to the learner."""
    if step.body:
        reading.md(step.body)
    key = f"drill-{lesson.id}-{step.id}"
    rounds = practice().drill_rounds(learner.id, lesson.id, step.id)
    state = st.session_state.get(key)
    if state is None:
        _drill_summary(step, rounds, reading)
        label = tr("Start a round") if not rounds else tr("Go again")
        if st.button(label, key=f"{key}-go", type="primary", icon=":material/bolt:"):
            _new_round(key, step, len(rounds) + 1 if rounds else 1, learner)
            st.rerun()
        return
    _drill_item(lesson, step, learner, key, state, reading)


def _new_round(key: str, step: DrillStep, round_no: int, learner: identity.Learner) -> None:
    order = [item.id for item in step.items]
    random.Random(f"{learner.id}-{step.id}-{round_no}").shuffle(order)
    st.session_state[key] = {"round": round_no, "order": order, "at": 0, "shown": None,
                             "answered": None}  # fmt: skip


def _drill_item(
    lesson: Lesson,
    step: DrillStep,
    learner: identity.Learner,
    key: str,
    state: dict[str, object],
    reading: listen.Reading,
) -> None:
    order: list[str] = state["order"]  # type: ignore[assignment]
    at: int = state["at"]  # type: ignore[assignment]
    round_no: int = state["round"]  # type: ignore[assignment]
    if at >= len(order):
        del st.session_state[key]
        st.rerun()
    item = next(i for i in step.items if i.id == order[at])
    reading.caption(
        tr("Round {round} · question {n} of {total}").format(
            round=round_no, n=at + 1, total=len(order)
        )
    )
    answered = state["answered"]
    if answered is not None:
        grade = grade_answer(item, answered)
        show_grade(grade, key=f"{key}-{round_no}-{item.id}", can_retry=False)
        last = at + 1 == len(order)
        if st.button(tr("See my round") if last else tr("Next question"), key=f"{key}-next-{at}",
                     type="primary"):  # fmt: skip
            state.update(at=at + 1, shown=None, answered=None)
            st.rerun()
        return
    if state["shown"] is None:
        state["shown"] = time.monotonic()

    def record(answer: object) -> None:
        took = round((time.monotonic() - float(state["shown"])) * 1000)  # type: ignore[arg-type]
        grade = grade_answer(item, answer)
        practice().record_drill(learner.id, lesson.id, step.id, round_no, item.id,
                                grade.is_correct, took, identity.now())  # fmt: skip
        state.update(answered=answer)
        st.rerun()

    ask(item, key=f"{key}-{round_no}-{item.id}", seed_key=str(learner.id), latest=None,
        on_answer=record, submit_label=ptr("button", "Answer"))  # fmt: skip


def _drill_summary(step: DrillStep, rounds: list[DrillRound], reading: listen.Reading) -> None:
    items, target = len(step.items), step.target_seconds * 1000
    done = [r for r in rounds if r.is_complete(items)]
    if not done:
        reading.caption(
            tr(
                "{items} quick questions a round. Aim for every answer right, each in "
                "{seconds} seconds or less."
            ).format(items=items, seconds=step.target_seconds)
        )
        return
    last = done[-1]
    pace = tr("{seconds} s per answer").format(seconds=f"{last.total_ms / items / 1000:.1f}")
    score = tr("{right} of {total} right").format(right=last.right, total=items)
    st.metric(tr("Last round"), score, pace, delta_color="off")
    reading.say(tr("Last round"), score, pace)
    perfect = [r for r in done if r.right == items]
    if perfect:
        best = min(perfect, key=lambda r: r.total_ms)
        reading.caption(
            tr("Your best round with every answer right: {pace} (round {round}).").format(
                pace=tr("{seconds} s per answer").format(
                    seconds=f"{best.total_ms / items / 1000:.1f}"
                ),
                round=best.round_no,
            )
        )
    if last.is_fluent(items, target):
        reading.md(tr("Every answer right and quick. You know this well."), st.success)
    else:
        reading.md(tr("Go again until every answer is right and quick."), st.info)
