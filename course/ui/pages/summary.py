"""After a session: per question, the answers, the share right and the misconceptions."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from course.charts import tally_figure
from course.export import to_csv
from course.group import (
    QuestionSummary,
    answer_text,
    askables,
    bucket_labels,
    misconception_rows,
    shares,
    summarize,
)
from course.i18n import tr
from course.risk import is_risky
from course.store.sessions import NotAllowed
from course.ui import room, staff
from course.ui.group_views import STATIC
from course.ui.resources import course_result, sessions


def show() -> None:
    facilitator = staff.needs_facilitator()
    st.title(tr("Session summary"))
    mine = sessions().sessions_of(facilitator.id)
    if not mine:
        st.info(tr("No sessions yet."))
        return
    wanted = st.query_params.get("room")
    ids = [s.id for s in mine]
    # Compared as text: "²" is a digit to isdigit() but not to int(), and the address is typed.
    default = next((n for n, i in enumerate(ids) if str(i) == wanted), 0)
    course_now = course_result().course
    titles = {lid: lesson.title for lid, lesson in course_now.lessons.items()} if course_now else {}
    labels = {
        s.id: f"{s.created_at:%Y-%m-%d %H:%M} · {titles.get(s.lesson_id, s.lesson_id)} · "
        f"{s.join_code}"
        for s in mine
    }
    chosen = st.selectbox(tr("Session"), ids, index=default, format_func=labels.__getitem__)
    try:
        current = sessions().owned(int(chosen), facilitator.id)
    except NotAllowed:
        st.error(tr("That session is not yours."))
        return
    lesson = room.lesson_of(current)
    course = course_result().course
    if lesson is None or course is None:
        st.warning(tr("The lesson of this session is no longer served."))
        return
    responses = sessions().responses(current.id, facilitator.id)
    by_key = {a.key: a for a in askables(course, lesson)}

    def labels_of(key: str) -> dict[str, str]:
        return bucket_labels(by_key[key].question)

    summaries = []
    for askable in askables(course, lesson):
        answers = [r.answer for r in responses if r.question_key == askable.key]
        if answers:
            summaries.append(summarize(askable, answers))
    thoughts = {s.key: s for s in shares(lesson)}
    shared = [r for r in responses if r.question_key in thoughts]
    if not summaries and not shared:
        st.info(tr("No answers in this session yet."))
        return
    table = pd.DataFrame(
        [
            {
                tr("Question"): s.label,
                tr("Answers"): s.responses,
                tr("% right"): None if s.share_correct is None else round(100 * s.share_correct),
                tr("Answer counts"): "; ".join(
                    f"{labels_of(s.key).get(k, k)}: {n}" for k, n in s.distribution.items()
                ),
            }
            for s in summaries
        ]
    )
    if summaries:
        st.dataframe(table, hide_index=True)
        _charts(summaries, labels_of)
        st.header(tr("Misconceptions that showed up"))
        for tag, count in misconception_rows(summaries) or [(tr("none"), 0)]:
            st.markdown(f"- {tag.replace('-', ' ')}: {count}")
    if shared:
        st.header(tr("Thoughts people shared"))
        extra = course.manifest.risk_phrases
        for r in shared:
            with st.container(border=True):
                st.text(answer_text(r.answer))  # as typed: plain text, never Markdown
                if is_risky(answer_text(r.answer), extra):
                    st.caption(
                        tr("Kept off the big screen: it may have meant someone was at risk.")
                    )
                elif r.is_approved:
                    st.caption(tr("Shown on the big screen"))
    csv = to_csv(
        ["question", "answer", "correct", "answered_at"],
        [(r.question_key, answer_text(r.answer), r.is_correct, r.answered_at.isoformat())
         for r in responses],
    )  # fmt: skip
    st.download_button(
        tr("Download answers (CSV)"), csv, file_name=f"session-{current.join_code}.csv",
        mime="text/csv", on_click="ignore",
    )  # fmt: skip


def _charts(summaries: list[QuestionSummary], labels_of: Callable[[str], dict[str, str]]) -> None:
    """Draw each question's answers as bars, with the numbers beside them in the table above."""
    for summary in summaries:
        with st.expander(summary.label):
            labels = labels_of(summary.key)
            shown = "; ".join(f"{labels.get(k, k)}: {n}" for k, n in summary.distribution.items())
            st.plotly_chart(
                tally_figure(labels, summary.distribution),
                config=STATIC,
                alt=tr("Answers to {question}: {answers}").format(
                    question=summary.label, answers=shown
                ),
                key=f"chart-{summary.key}",
            )


show()
