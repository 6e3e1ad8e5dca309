"""Quiz questions in a round, shared by lesson quizzes and the course knowledge check."""

from __future__ import annotations

import streamlit as st

from course.model import Quiz
from course.quizflow import Round
from course.scoring import QuizScore, grade_answer
from course.ui import identity
from course.ui.questions import ask, confidence, show_grade
from course.ui.resources import store


def question_block(
    number: int,
    quiz: Quiz,
    now_round: Round,
    question_id: str,
    learner: identity.Learner,
    rounds: int,
    *,
    allow_retry: bool = True,
) -> None:
    """Draw one question of the round: its form, or the feedback once it is settled."""
    question = quiz.question(question_id)
    assert question is not None
    state = now_round.questions[question_id]
    st.header(f"Question {number}")
    if question.safety_critical and allow_retry:
        st.caption("This question is about staying safe. It needs a right answer to finish.")

    form_key = f"quiz-{quiz.id}-{question.id}-{rounds}-{state.tries}"

    def record(answer: object) -> None:
        grade = grade_answer(question, answer)
        store().record_answer(
            learner.id,
            quiz.id,
            question.id,
            answer,
            grade.is_correct,
            identity.now(),
            request_key=f"{quiz.id}:{rounds}:{question.id}:{state.tries + 1}",
            confident=confidence(form_key) if quiz.ask_confidence else None,
        )
        st.session_state.pop(f"retry-{quiz.id}", None)
        st.rerun()

    settled = state.latest is not None and (state.latest.is_correct or not allow_retry)
    if state.latest is not None and settled:
        show_grade(grade_answer(question, state.latest.answer), can_retry=allow_retry)
        return
    ask(
        question,
        key=form_key,
        seed_key=str(learner.id),
        latest=state.latest.answer if state.latest else None,
        on_answer=record,
        submit_label="Check my answer" if not state.tries else "Try again",
        ask_confidence=quiz.ask_confidence,
    )


def finish_round(now_round: Round, learner: identity.Learner) -> QuizScore:
    """Score the round's counted answers and save the result."""
    score = now_round.score()
    store().record_quiz_result(
        learner.id,
        now_round.quiz.id,
        score.correct,
        score.total,
        score.passed,
        score.safety_ok,
        identity.now(),
    )
    st.session_state.pop(f"retry-{now_round.quiz.id}", None)
    return score
