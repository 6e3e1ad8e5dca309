"""Review what I missed: missed quiz questions come back after growing intervals."""

from __future__ import annotations

import streamlit as st

from course.i18n import ntr, tr
from course.review import ReviewItem, due_now, review_quiz_id, schedule
from course.scoring import grade_answer
from course.ui import identity, nav
from course.ui.questions import ask, show_grade
from course.ui.resources import course_result, store

JUST_ANSWERED = "review_answered"  # (quiz, question, answer) shown once after answering


def show() -> None:
    learner = nav.needs_learner()
    st.title(tr("Review what I missed"))
    st.caption(
        tr(
            "Questions you missed come back after 1 day, then 3, 7 and 21 days while you keep "
            "getting them right. Going over them again helps them stick."
        )
    )
    course = course_result().course
    if course is None:
        st.error(tr("The course can't be shown right now."))
        return
    attempts = store().attempts(learner.id)
    if answered := st.session_state.pop(JUST_ANSWERED, None):
        quiz = course.quizzes.get(answered[0])
        before = quiz.question(answered[1]) if quiz else None
        if before is not None:
            show_grade(grade_answer(before, answered[2]), key=f"review-{answered[1]}",
                       can_retry=False)  # fmt: skip
    now = identity.now()
    # The knowledge check measures what a learner knew before and after: it is not drilled.
    check = course.manifest.knowledge_check
    skipped = {check.pre, check.post} if check else set()

    def servable(item: ReviewItem) -> bool:
        quiz = course.quizzes.get(item.quiz_id)
        return (
            item.quiz_id not in skipped
            and quiz is not None
            and bool(quiz.question(item.question_id))
        )

    due = [i for i in due_now(attempts, now) if servable(i)]
    if not due:
        later = [i for i in schedule(attempts) if servable(i)]
        if later:
            days = max(1, round((later[0].due - now).total_seconds() / 86400))
            st.success(
                ntr(
                    "Nothing to review today. Your next review is in about {days} day(s).",
                    "Nothing to review today. Your next review is in about {days} day(s).",
                    days,
                ).format(days=days)
            )
        else:
            st.info(tr("Nothing to review yet. Questions you miss in a quiz come back here."))
        return
    st.markdown(
        ntr(
            "**{count} question(s) to review today.**",
            "**{count} question(s) to review today.**",
            len(due),
        ).format(count=len(due))
    )
    item = due[0]
    quiz = course.quizzes[item.quiz_id]
    question = quiz.question(item.question_id)
    assert question is not None  # servable() checked it

    def record(answer: object) -> None:
        correct = grade_answer(question, answer).is_correct
        store().record_answer(
            learner.id, review_quiz_id(quiz.id), question.id, answer, correct, identity.now()
        )
        st.session_state[JUST_ANSWERED] = (quiz.id, question.id, answer)
        st.rerun()

    st.caption(quiz.title)
    ask(question, key=f"review-{quiz.id}-{question.id}-{item.streak}", seed_key=str(learner.id),
        latest=None, on_answer=record)  # fmt: skip


show()
