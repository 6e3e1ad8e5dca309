"""What a group session can ask: the lesson's check steps and quiz questions, by a stable key.

Pure: keys, lookups, answer buckets for tallies, and a per-question summary of anonymous
answers (distribution, share correct, misconceptions that showed up).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from course.i18n import tr
from course.model import (
    AnyQuestion,
    CheckStep,
    Course,
    DiscussionStep,
    Lesson,
    MultipleChoice,
    Option,
    ScenarioStep,
    SingleChoice,
    TrueFalse,
)
from course.readability import plain_text
from course.scoring import AnswerError, Grade, grade_answer
from course.store.inputs import clean_text


@dataclass(frozen=True)
class Askable:
    key: str  # "step:<step id>", "quiz:<question id>" or "scene:<step id>:<node id>"
    label: str
    question: AnyQuestion
    # A scenario's choice put to the room: a vote with no right answer, never graded.
    is_vote: bool = False


# A picker's line: enough of the question to tell it from the others at a glance.
LABEL_CHARS = 70


def question_label(kind: str, question: AnyQuestion) -> str:
    """Name a question by its own words: "Quiz 3: Why does tolerance drop after a…"."""
    return f"{kind}: {_cut(' '.join(plain_text(question.prompt).split()))}"


def askables(course: Course, lesson: Lesson) -> list[Askable]:
    """List the questions a facilitator can open: inline checks, then the lesson's quiz."""
    found = [
        Askable(f"step:{s.id}", question_label(tr("Quick check"), s.question), s.question)
        for s in lesson.steps
        if isinstance(s, CheckStep)
    ]
    quiz = course.quiz_for(lesson)
    if quiz is not None:
        found += [
            Askable(f"quiz:{q.id}", question_label(tr("Quiz {n}").format(n=n), q), q)
            for n, q in enumerate(quiz.questions, start=1)
        ]
    return found


def find_askable(course: Course, lesson: Lesson, key: str) -> Askable | None:
    found = [*askables(course, lesson), *scene_votes(lesson)]
    return next((a for a in found if a.key == key), None)


SCENE_PREFIX = "scene:"


def scene_key(step: ScenarioStep, node_id: str) -> str:
    return f"{SCENE_PREFIX}{step.id}:{node_id}"


def is_scene_vote(key: str | None) -> bool:
    """Tell whether a question key is a scenario's vote (run by its own controls)."""
    return bool(key and key.startswith(SCENE_PREFIX))


def scene_votes(lesson: Lesson) -> list[Askable]:
    """List a vote for each point of each scenario where the story offers choices.

    The room votes on what the person in the story should do; the counselor reveals the
    votes and moves the story to the branch the room will talk about. A vote has no right
    answer: it is never graded, and no option is marked right.
    """
    return [
        scene_vote(step, node.id)
        for step in lesson.steps
        if isinstance(step, ScenarioStep)
        for node in step.nodes
        if not node.is_ending
    ]


def scene_vote(step: ScenarioStep, node_id: str) -> Askable:
    """Build the vote on one point of a scenario: its text, then its choices as options."""
    node = step.node(node_id)
    if node is None or node.is_ending:
        raise ValueError(f"no point with choices '{node_id}' in scenario '{step.id}'")
    options = [
        Option.model_construct(
            id=f"choice-{n}", text=choice.text, correct=False, feedback="", misconception=None
        )  # fmt: skip
        for n, choice in enumerate(node.choices, start=1)
    ]
    # Built without validation: a vote is a single choice with no right answer.
    question = SingleChoice.model_construct(
        id=f"{step.id}-{node.id}", kind="single",
        prompt=node.text + "\n\n" + tr("**What would you do?**"),
        explanation="", hint=None, safety_critical=False, options=options,
    )  # fmt: skip
    label = tr("Scenario: {text}").format(text=_cut(" ".join(plain_text(node.text).split())))
    return Askable(scene_key(step, node.id), label, question, is_vote=True)


def scene_choice(askable: Askable, step: ScenarioStep, option_id: str) -> str | None:
    """Return the node a vote's option leads to (None if it is not one of its options)."""
    node_id = askable.key.rsplit(":", 1)[-1]
    node = step.node(node_id)
    if node is None or not option_id.startswith("choice-"):
        return None
    number = int(option_id.removeprefix("choice-") or 0)
    return node.choices[number - 1].next if 0 < number <= len(node.choices) else None


def _cut(words: str) -> str:
    if len(words) <= LABEL_CHARS:
        return words
    return words[:LABEL_CHARS].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


# A thought shared from a phone: short enough for a projector and a glance from the counselor.
SHARE_CHARS = 280


@dataclass(frozen=True)
class Share:
    """A discussion prompt answered in a few words; the projector shows approved ones only."""

    key: str  # "share:<step id>"
    label: str
    prompt: str


def shares(lesson: Lesson) -> list[Share]:
    """List the lesson's discussion prompts that phones can answer in free text."""
    return [
        Share(
            f"share:{s.id}", tr("Share a thought: {title}").format(title=s.title or s.id), s.prompt
        )
        for s in lesson.steps
        if isinstance(s, DiscussionStep)
    ]


def find_share(lesson: Lesson, key: str) -> Share | None:
    return next((s for s in shares(lesson) if s.key == key), None)


def clean_share(text: str) -> str:
    """Tidy a shared thought (clean_text, on one line); refuse an empty or long one."""
    tidy = clean_text(text, one_line=True)
    if not tidy:
        raise ValueError(tr("Please write something first."))
    if len(tidy) > SHARE_CHARS:
        raise ValueError(
            tr("Please keep it to {limit} characters (this has {count}).").format(
                limit=SHARE_CHARS, count=len(tidy)
            )
        )
    return tidy


def buckets(question: AnyQuestion, answer: object) -> list[str]:
    """Name the bars an answer counts toward: chosen options, true/false, or right/wrong."""
    if isinstance(question, SingleChoice):
        return [str(answer)]
    if isinstance(question, MultipleChoice) and isinstance(answer, list):
        return [str(choice) for choice in answer]
    if isinstance(question, TrueFalse):
        return ["true" if answer else "false"]
    try:
        return ["correct" if grade_answer(question, answer).is_correct else "incorrect"]
    except AnswerError:
        return ["incorrect"]


def bucket_labels(question: AnyQuestion) -> dict[str, str]:
    """Map bucket names to what the projector shows."""
    if isinstance(question, SingleChoice | MultipleChoice):
        return {o.id: o.text for o in question.options}
    if isinstance(question, TrueFalse):
        return {"true": tr("True"), "false": tr("False")}
    right = tr("In the right order") if question.kind == "ordering" else tr("All matched")
    return {"correct": right, "incorrect": tr("Not yet")}


@dataclass(frozen=True)
class QuestionSummary:
    key: str
    label: str
    responses: int
    share_correct: float | None
    distribution: dict[str, int]
    misconceptions: dict[str, int]


def summarize(askable: Askable, answers: Sequence[object]) -> QuestionSummary:
    """Summarize the anonymous answers to one question."""
    counts: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    right = 0
    for answer in answers:
        counts.update(buckets(askable.question, answer))
        if askable.is_vote:
            continue  # a vote has no right answer and no misconceptions
        grade = _grade(askable.question, answer)
        right += bool(grade and grade.is_correct)
        tags.update(grade.misconceptions if grade else ())
    share = right / len(answers) if answers and not askable.is_vote else None
    return QuestionSummary(
        askable.key, askable.label, len(answers), share, dict(counts), dict(tags)
    )


def _grade(question: AnyQuestion, answer: object) -> Grade | None:
    try:
        return grade_answer(question, answer)
    except AnswerError:
        return None


def answer_text(answer: object) -> str:
    """Render a stored answer for a CSV cell."""
    return answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)


def misconception_rows(summaries: Iterable[QuestionSummary]) -> list[tuple[str, int]]:
    """Total the misconceptions over all questions, most frequent first."""
    total: Counter[str] = Counter()
    for summary in summaries:
        total.update(summary.misconceptions)
    return total.most_common()
