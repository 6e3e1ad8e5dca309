"""Quiz questions in a round, one at a time, shared by lesson quizzes and the knowledge check."""

from __future__ import annotations

import streamlit as st

from course.i18n import tr
from course.model import Quiz
from course.quizflow import Round
from course.scoring import QuizScore, grade_answer
from course.ui import identity, pagescript
from course.ui.questions import ask, confidence, show_settled
from course.ui.resources import store


def one_question(quiz: Quiz, now_round: Round, learner: identity.Learner, rounds: int) -> bool:
    """Draw the question the learner is at with Back/Next; tell whether they asked for results."""
    key = position_key(quiz, rounds)
    index = st.session_state.setdefault(key, now_round.resume_index())
    index = min(max(index, 0), len(quiz.questions) - 1)  # in case the quiz got shorter
    question_block(index + 1, quiz, now_round, quiz.questions[index].id, learner, rounds)
    return _buttons(key, index, now_round)


def position_key(quiz: Quiz, rounds: int) -> str:
    """Name the session entry that keeps the learner's place in this round of the quiz."""
    return f"quiz-at-{quiz.id}-{rounds}"


def question_block(
    number: int,
    quiz: Quiz,
    now_round: Round,
    question_id: str,
    learner: identity.Learner,
    rounds: int,
) -> None:
    """Draw one question of the round: its form while a try is left, else the final feedback."""
    question = quiz.question(question_id)
    assert question is not None
    state = now_round.questions[question_id]
    st.header(tr("Question {n} of {total}").format(n=number, total=len(quiz.questions)))
    if question.safety_critical and state.allows_retry:
        st.caption(tr("This question is about staying safe. It needs a right answer to finish."))

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

    if state.latest is not None and state.is_settled:
        show_settled(question, state.latest.answer, key=form_key)
        return
    ask(
        question,
        key=form_key,
        seed_key=str(learner.id),
        latest=state.latest.answer if state.latest else None,
        on_answer=record,
        submit_label=tr("Check my answer") if not state.tries else tr("Try again"),
        ask_confidence=quiz.ask_confidence,
    )


def _buttons(key: str, index: int, now_round: Round) -> bool:
    """Draw Back, Next and (once every question is settled) See my result; tell if it was hit."""
    questions = now_round.quiz.questions
    is_last = index + 1 == len(questions)
    here_done = now_round.questions[questions[index].id].is_settled
    back, forward = st.columns(2)
    if index > 0:
        back.button(
            tr("Back"),
            key=f"{key}-back",
            icon=":material/arrow_back:",
            on_click=_move,
            args=(key, index - 1),
            width="stretch",
        )
    if not is_last:
        forward.button(
            tr("Next"),
            key=f"{key}-next",
            type="primary" if here_done and not now_round.is_settled else "secondary",
            icon=":material/arrow_forward:",
            on_click=_move,
            args=(key, index + 1),
            width="stretch",
        )
    if not now_round.is_settled:
        return False
    place = forward if is_last else st.container()
    return place.button(tr("See my result"), key=f"{key}-result", type="primary", width="stretch")


def _move(key: str, to: int) -> None:
    pagescript.new_view()  # the next question opens at its top
    st.session_state[key] = to


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
