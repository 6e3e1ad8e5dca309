"""A family support plan: fill it in, download it to print, save it only if you choose."""

from __future__ import annotations

import streamlit as st

from course.i18n import current, tr
from course.pdf import find_font, plan_pdf
from course.plan import FIELD_CHARS, PLAN_FIELDS, clean_plan, emptied_labels
from course.printable import plan_html
from course.ui import identity, listen
from course.ui.resources import course_result, plans

PLAN = "support_plan"


def show() -> None:
    st.title(tr("Family support plan"))
    learner = identity.current()
    saved = plans().get(learner.id) if learner else None
    start = st.session_state.get(PLAN) or saved or {}
    with listen.read_aloud("plan-questions", tr("the plan's questions")) as reading:
        reading.md(
            tr(
                "Fill this in together: what to watch for, who to call, where the naloxone is, "
                "and how you will look after yourselves. It stays on this screen only, **unless "
                "you choose to save it** under your code. You can print it or save it as a PDF."
            )
        )
        for field in PLAN_FIELDS:  # each box's question, then the hint it shows while empty
            reading.say(tr(field.label), tr(field.help))
        _form(start)
    plan = st.session_state.get(PLAN)
    if plan:
        _downloads(plan)
        _keep_or_not(plan, learner, saved is not None)
    elif saved is not None and learner is not None:
        _delete(learner)


def _form(start: dict[str, str]) -> None:
    with st.form("plan"):
        typed = {
            f.key: st.text_area(
                tr(f.label),
                value=start.get(f.key, ""),
                help=tr(f.help),
                max_chars=FIELD_CHARS,
                placeholder=tr(f.help),
                key=f"plan-{f.key}",
            )  # fmt: skip
            for f in PLAN_FIELDS
        }
        if st.form_submit_button(tr("Make our plan"), type="primary"):
            try:
                made = clean_plan(typed)
            except ValueError as problem:
                st.error(str(problem))
            else:
                st.session_state[PLAN] = made
                for label in emptied_labels(typed, made):
                    st.warning(
                        tr("“{label}” held only hidden characters, so it was left empty.").format(
                            label=tr(label)
                        )
                    )


def _downloads(plan: dict[str, str]) -> None:
    course = course_result().course
    if course is None:
        return
    st.subheader(tr("Print or keep a copy"))
    made_on = identity.now().date()
    language = current()  # the PDF is made on a click, outside this run: keep its language
    left, right = st.columns(2)
    left.download_button(
        tr("Download to print (web page)"),
        plan_html(course, plan, made_on=made_on, language=language),
        file_name="family-support-plan.html",
        mime="text/html",
        icon=":material/print:",
        on_click="ignore",
        width="stretch",
    )
    font = find_font()
    right.download_button(
        tr("Download as PDF"),
        # made when clicked, in the language of this page
        lambda: plan_pdf(course, plan, made_on=made_on, font=font, language=language).data,
        file_name="family-support-plan.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        width="stretch",
    )
    if font is None:
        st.caption(
            tr(
                "This server has no font for every alphabet, so the PDF may leave out some "
                "characters. The web page keeps everything."
            )
        )


def _keep_or_not(plan: dict[str, str], learner: identity.Learner | None, is_saved: bool) -> None:
    st.subheader(tr("Save it?"))
    if learner is None:
        st.markdown(
            tr(
                "Nothing is saved. To keep the plan for next time, start the course or enter "
                "your code on the Start page first, then come back here."
            )
        )
        return
    st.markdown(tr("Saving keeps the plan under your code only. You can delete it at any time."))
    if st.button(tr("Save the plan under my code"), icon=":material/save:"):
        plans().save(learner.id, plan, identity.now())
        st.success(tr("Saved. Open this page with your code to see it again."))
        is_saved = True
    if is_saved:
        _delete(learner)


def _delete(learner: identity.Learner) -> None:
    if st.button(tr("Delete the saved plan"), icon=":material/delete:"):
        plans().delete(learner.id)
        st.session_state.pop(PLAN, None)
        st.success(tr("The saved plan was deleted."))


show()
