"""After a session: per question, the answers, the share right and the misconceptions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from course.export import to_csv
from course.group import answer_text, askables, bucket_labels, misconception_rows, summarize
from course.store.sessions import NotAllowed
from course.ui import room, staff
from course.ui.resources import course_result, sessions


def show() -> None:
    facilitator = staff.needs_facilitator()
    st.title("Session summary")
    mine = sessions().sessions_of(facilitator.id)
    if not mine:
        st.info("No sessions yet.")
        return
    wanted = st.query_params.get("room")
    ids = [s.id for s in mine]
    default = ids.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in ids else 0
    course_now = course_result().course
    titles = {lid: lesson.title for lid, lesson in course_now.lessons.items()} if course_now else {}
    labels = {
        s.id: f"{s.created_at:%Y-%m-%d %H:%M} · {titles.get(s.lesson_id, s.lesson_id)} · "
        f"{s.join_code}"
        for s in mine
    }
    chosen = st.selectbox("Session", ids, index=default, format_func=labels.__getitem__)
    try:
        current = sessions().owned(int(chosen), facilitator.id)
    except NotAllowed:
        st.error("That session is not yours.")
        return
    lesson = room.lesson_of(current)
    course = course_result().course
    if lesson is None or course is None:
        st.warning("The lesson of this session is no longer served.")
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
    if not summaries:
        st.info("No answers in this session yet.")
        return
    table = pd.DataFrame(
        [
            {
                "Question": s.label,
                "Answers": s.responses,
                "% right": None if s.share_correct is None else round(100 * s.share_correct),
                "Answer counts": "; ".join(
                    f"{labels_of(s.key).get(k, k)}: {n}" for k, n in s.distribution.items()
                ),
            }
            for s in summaries
        ]
    )
    st.dataframe(table, hide_index=True)
    st.header("Misconceptions that showed up")
    for tag, count in misconception_rows(summaries) or [("none", 0)]:
        st.markdown(f"- {tag.replace('-', ' ')}: {count}")
    csv = to_csv(
        ["question", "answer", "correct", "answered_at"],
        [(r.question_key, answer_text(r.answer), r.is_correct, r.answered_at.isoformat())
         for r in responses],
    )  # fmt: skip
    st.download_button(
        "Download answers (CSV)", csv, file_name=f"session-{current.join_code}.csv",
        mime="text/csv", on_click="ignore",
    )  # fmt: skip


show()
