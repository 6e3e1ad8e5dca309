"""One question as a form: widgets for each kind, then the feedback for the stored answer."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import streamlit as st

from course.i18n import N_, tr
from course.model import AnyQuestion, Matching, MultipleChoice, Ordering, SingleChoice, TrueFalse
from course.scoring import Grade, canonical_answer, grade_answer, presentation_order, seed_for
from course.ui import listen

Answer = object
# The options' values stay in English (stored and compared); only what shows is translated.
TRUE_FALSE = (N_("True"), N_("False"))
SURE = (N_("Sure"), N_("Not sure"))
VERDICTS = {True: N_("That's right."), False: N_("Not quite.")}


def confidence(key: str) -> bool | None:
    """Return how sure the learner said they were in the form `key` (None if not asked)."""
    said = st.session_state.get(f"{key}-sure")
    return None if said is None else said == SURE[0]


def ask(
    question: AnyQuestion,
    *,
    key: str,
    seed_key: str,
    latest: object | None,
    on_answer: Callable[[object], None],
    submit_label: str | None = None,
    show_result: bool = True,
    ask_confidence: bool = False,
    lettered: bool = False,
    listenable: bool = True,
) -> None:
    """Draw the question in a form; on submit call on_answer; show feedback for `latest`.

    on_answer gets the answer in its canonical form (what every caller stores and counts).
    The form is for a question with a try left, so `latest` gets the hint, not the explanation.
    Lettered: choices in their written order as "A. ...", the letters a projector shows.
    Listenable: a Listen control reads the question and its options (and the feedback).
    submit_label: the submit button (Check my answer unless given, in the app's language).
    """
    seed = seed_for(seed_key, question.id)
    with _block(f"q-{key}", tr("this question"), listenable) as reading:
        with st.form(key=key, border=True):
            reading.md(question.prompt)
            answer = _widgets(question, key, seed, reading, lettered=lettered)
            if ask_confidence:  # read back by the caller from st.session_state[f"{key}-sure"]
                reading.say(tr("How sure are you?"), *(tr(s) for s in SURE))
                st.radio(
                    tr("How sure are you?"),
                    SURE,
                    index=None,
                    format_func=tr,
                    horizontal=True,
                    key=f"{key}-sure",
                )
            submitted = st.form_submit_button(
                submit_label or tr("Check my answer"), type="primary", key=f"{key}-submit"
            )
    if submitted:
        problem = _incomplete(question, answer)
        if problem:
            st.warning(problem)
        else:
            # One set of options is one answer, whatever order this learner saw them in.
            on_answer(canonical_answer(question, answer))
            return
    if latest is not None and show_result:
        show_grade(grade_answer(question, latest), key=key, listenable=listenable)


def _block(key: str, what: str, listenable: bool) -> AbstractContextManager[listen.Reading]:
    """A block with a Listen control, or (not listenable) one that only draws."""
    return listen.read_aloud(key, what) if listenable else nullcontext(listen.Reading())


def show_grade(
    grade: Grade,
    *,
    key: str,
    can_retry: bool = True,
    right_answer: str | None = None,
    listenable: bool = True,
) -> None:
    """Show the verdict and feedback; then the hint while a try is left, else the explanation.

    `key` names the feedback's block (its Listen control reads all of it).
    """
    with _block(f"fb-{key}", tr("the feedback"), listenable) as reading:
        box = st.success if grade.is_correct else st.error
        verdict = tr(VERDICTS[grade.is_correct])
        feedback = [_without_verdict(text, verdict) for text in grade.feedback]
        reading.md("\n\n".join((f"**{verdict}**", *filter(None, feedback))), box)
        if can_retry and not grade.is_correct:
            if grade.hint:
                reading.md(
                    tr("**Hint for another try:** {hint}").format(hint=grade.hint),
                    st.info,
                    icon=":material/lightbulb:",
                )
            return
        reading.md(tr("**Why:** {explanation}").format(explanation=grade.explanation))
        if right_answer and not grade.is_correct:
            reading.md(right_answer)


def show_settled(question: AnyQuestion, answer: object, *, key: str) -> None:
    """Show a question with no try left: its prompt, the feedback, why, and the right answer."""
    with listen.read_aloud(f"q-{key}", tr("this question")) as reading:
        with st.container(border=True):
            reading.md(question.prompt)
    show_grade(
        grade_answer(question, answer),
        key=key,
        can_retry=False,
        right_answer=right_answer(question),
    )


def _without_verdict(feedback: str, verdict: str) -> str:
    """Drop the verdict from the start of a feedback text: the box says it once, in bold."""
    # Most wrong options' feedback in the content opens with "Not quite." itself (in its
    # language: the verdict is translated as the content is, "No exactamente."). The bold
    # verdict stays (in the same place for every question kind, and one verdict even when
    # several chosen options each open with it); the repeat in the feedback goes.
    text = feedback.lstrip()
    return text.removeprefix(verdict).lstrip() if text.startswith(verdict) else feedback


def right_answer(question: AnyQuestion) -> str:
    """Say the right answer in the content's own words, as Markdown."""
    if isinstance(question, SingleChoice | MultipleChoice):
        right = [o.text for o in question.options if o.correct]
        if len(right) == 1:
            return tr("**The right answer:** {answer}").format(answer=right[0])
        return tr("**The right answers:**") + "\n\n" + "\n".join(f"- {text}" for text in right)
    if isinstance(question, TrueFalse):
        said = tr(TRUE_FALSE[0] if question.answer else TRUE_FALSE[1])
        return tr("**The right answer:** {answer}").format(answer=said)
    if isinstance(question, Ordering):
        steps = (f"{n}. {item.text}" for n, item in enumerate(question.items, start=1))
        said = tr("**The right order:**") + "\n\n" + "\n".join(steps)
        others = [other_order(question, order) for order in question.also_correct]
        return "\n\n".join([said, *others])
    pairs = (f"- {pair.left} → {pair.right}" for pair in question.pairs)
    return tr("**The right matches:**") + "\n\n" + "\n".join(pairs)


def other_order(question: Ordering, order: list[str]) -> str:
    """Say another accepted order: as a swap of two steps when that is all it is."""
    written = [item.id for item in question.items]
    texts = {item.id: item.text for item in question.items}
    differ = [n for n, (a, b) in enumerate(zip(written, order, strict=True)) if a != b]
    if len(differ) == 2 and differ[1] == differ[0] + 1:
        first, second = (texts[written[n]] for n in differ)
        return tr("**Also right:** steps {a} and {b} in either order ({first} / {second}).").format(
            a=differ[0] + 1, b=differ[1] + 1, first=first, second=second
        )
    steps = (f"{n}. {texts[item]}" for n, item in enumerate(order, start=1))
    return tr("**This order is also right:**") + "\n\n" + "\n".join(steps)


def letters_of(question: SingleChoice | MultipleChoice) -> dict[str, str]:
    """Letter each option in its written order: A, B, C..., as the projector lists them."""
    return {o.id: chr(ord("A") + n) for n, o in enumerate(question.options)}


def _widgets(
    question: AnyQuestion, key: str, seed: int, reading: listen.Reading, *, lettered: bool = False
) -> Answer:
    """Draw the answer widgets; `reading` reads their labels and options in the order shown."""
    if isinstance(question, SingleChoice | MultipleChoice) and lettered:
        letters = letters_of(question)
        texts = {o.id: f"{letters[o.id]}. {o.text}" for o in question.options}
        order = [o.id for o in question.options]
    elif isinstance(question, SingleChoice | MultipleChoice):
        texts = {o.id: o.text for o in question.options}
        order = presentation_order([o.id for o in question.options], seed)
    if isinstance(question, SingleChoice):
        reading.say(tr("Choose one answer"), *(texts[o] for o in order))
        return st.radio(
            tr("Choose one answer"),
            order,
            index=None,
            format_func=texts.__getitem__,
            key=f"{key}-radio",
        )
    if isinstance(question, MultipleChoice):
        reading.caption(tr("Choose every answer that is right."))
        reading.say(*(texts[o] for o in order))
        return [oid for oid in order if st.checkbox(texts[oid], key=f"{key}-{oid}")]
    if isinstance(question, TrueFalse):
        reading.say(tr("True or false?"), *(tr(v) for v in TRUE_FALSE))
        choice = st.radio(
            tr("True or false?"),
            TRUE_FALSE,
            index=None,
            format_func=tr,
            horizontal=True,
            key=f"{key}-tf",
        )
        return None if choice is None else choice == TRUE_FALSE[0]
    if isinstance(question, Ordering):
        return _ordering(question, key, seed, reading)
    return _matching(question, key, seed, reading)


def _lettered(ids: list[str], texts: dict[str, str], reading: listen.Reading) -> dict[str, str]:
    """Print the choices as a lettered list; boxes then show a letter, which never gets cut off."""
    letters = {item: chr(ord("A") + n) for n, item in enumerate(ids)}
    reading.md("\n".join(f"- **{letters[i]}.** {texts[i]}" for i in ids))
    return letters


def _ordering(question: Ordering, key: str, seed: int, reading: listen.Reading) -> list[str | None]:
    reading.caption(
        tr("Put the steps in order: choose the letter of what comes first, then second.")
    )
    texts = {i.id: i.text for i in question.items}
    order = presentation_order(list(texts), seed)
    letters = _lettered(order, texts, reading)
    reading.say(*(tr("Step {n}").format(n=n) for n in range(1, len(order) + 1)))
    return [
        st.selectbox(
            tr("Step {n}").format(n=n),
            order,
            index=None,
            format_func=letters.__getitem__,
            key=f"{key}-pos{n}",
        )
        for n in range(1, len(order) + 1)
    ]


def _matching(
    question: Matching, key: str, seed: int, reading: listen.Reading
) -> dict[str, str | None]:
    reading.caption(tr("Match each item with the letter of its best answer."))
    rights = {p.id: p.right for p in question.pairs}
    order = presentation_order(list(rights), seed)
    letters = _lettered(order, rights, reading)
    reading.say(*(pair.left for pair in question.pairs))
    return {
        pair.id: st.selectbox(
            pair.left, order, index=None, format_func=letters.__getitem__, key=f"{key}-{pair.id}"
        )
        for pair in question.pairs
    }


def _incomplete(question: AnyQuestion, answer: Answer) -> str | None:
    """Return a message if the form is not filled in enough to be graded."""
    if answer is None:
        return tr("Please choose an answer first.")
    if isinstance(question, MultipleChoice) and not answer:
        return tr("Please choose at least one answer.")
    if isinstance(answer, list) and isinstance(question, Ordering):
        if None in answer:
            return tr("Please choose a step for every position.")
        if len(set(answer)) != len(answer):
            return tr("Each step can be used only once. Please check your order.")
    if isinstance(answer, dict):
        if None in answer.values():
            return tr("Please choose a match for every item.")
        if len(set(answer.values())) != len(answer):
            return tr("Each answer can be used only once. Please check your matches.")
    return None
