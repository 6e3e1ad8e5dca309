"""Content model: course manifest, lessons with their steps, quizzes with their questions.

Every model is frozen and rejects unknown keys. Rules that need only one object live here
(a single-choice question has exactly one correct option); rules that span files live in
``course.validate``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from course.i18n import N_
from course.speech import Pronunciations

SCHEMA_VERSION = 1
T = TypeVar("T")

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", min_length=1, max_length=80),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Markdown = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]
PhoneNumber = Annotated[str, StringConstraints(pattern=r"^\+?[0-9]{3,15}$")]
ShortLabel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=24)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=80)]
SayWord = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Audience = Literal["learner", "family", "both"]


class Model(BaseModel):
    """Base for all content: frozen, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def quoted_list(values: list[str]) -> str:
    return ", ".join(repr(v) for v in values)


def _duplicates(values: list[str]) -> list[str]:
    return sorted(value for value, n in Counter(values).items() if n > 1)


def _require_unique(values: list[str], what: str) -> None:
    dupes = _duplicates(values)
    if dupes:
        raise ValueError(f"{what} must be unique; repeated: {', '.join(map(repr, dupes))}")


def unique(attribute: str, what: str) -> AfterValidator:
    """Validate that the items of a list differ in one attribute (or are distinct strings)."""

    def check(items: list[T]) -> list[T]:
        _require_unique([str(getattr(i, attribute, i)) for i in items], what)
        return items

    return AfterValidator(check)


# --- sources and review -------------------------------------------------------------------


class Source(Model):
    """A published source a step rests on: one entry of the course's bibliography."""

    id: Id
    title: Text
    publisher: Text
    url: Url
    year: int = Field(ge=1900, le=2100)
    supports: Text = Field(description="What the course uses this source for, in a sentence.")
    time_sensitive: bool = Field(
        default=False,
        description=(
            "True for figures, laws, rules and services that change (death counts, drug supply, "
            "prescribing rules, phone lines): the validator flags such a source when it is old."
        ),
    )
    last_checked: dt.date | None = Field(
        default=None,
        description=(
            "For a time-sensitive source: the day someone confirmed on the live page that the "
            "facts it backs still hold. Its age is counted from this day instead of its year."
        ),
    )


class Bibliography(Model):
    """The course's sources, each listed once (bibliography.yaml); lessons cite them by id."""

    schema_version: Literal[1]
    max_age_years: int = Field(
        default=3,
        ge=1,
        le=30,
        description="How many years old a time-sensitive source may be before it is flagged.",
    )
    sources: Annotated[
        list[Source],
        Field(min_length=1),
        unique("id", "source ids"),
        unique("url", "source addresses (each source once)"),
    ]


class Review(Model):
    """When the lesson was last checked, by whom (a role, never a name), and whether clinically."""

    date: dt.date
    reviewer_role: Text
    clinical: bool = False


# --- questions ----------------------------------------------------------------------------


class QuestionBase(Model):
    id: Id
    prompt: Markdown
    hint: Text | None = None
    explanation: Markdown
    misconception: Id | None = None
    safety_critical: bool = False
    sources: list[Id] = []


class Option(Model):
    id: Id
    text: Text
    correct: bool = False
    feedback: Markdown
    misconception: Id | None = None

    @model_validator(mode="after")
    def _tag_on_wrong_only(self) -> Option:
        if self.correct and self.misconception:
            raise ValueError("a correct option cannot carry a misconception tag")
        return self


class _Choice(QuestionBase):
    options: Annotated[
        list[Option],
        Field(min_length=2, max_length=8),
        unique("id", "option ids"),
        unique("text", "option texts"),
    ]

    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)


class SingleChoice(_Choice):
    kind: Literal["single"]

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoice:
        count = len(self.correct_ids())
        if count != 1:
            raise ValueError(
                f"a single-choice question needs exactly one option with 'correct: true'; "
                f"found {count}"
            )
        return self


class MultipleChoice(_Choice):
    kind: Literal["multiple"]

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoice:
        if not self.correct_ids():
            raise ValueError(
                "a multiple-choice question needs at least one option with 'correct: true'"
            )
        return self


class TrueFalse(QuestionBase):
    kind: Literal["true_false"]
    answer: bool
    feedback_true: Markdown
    feedback_false: Markdown


class OrderItem(Model):
    id: Id
    text: Text


MAX_ORDERS = 6


class Ordering(QuestionBase):
    """Items are written in a correct order; the app shows them shuffled.

    ``also_correct`` lists other orders that are just as right, each naming every item id once
    (for example "give naloxone, then call 911" beside "call 911, then give naloxone").
    """

    kind: Literal["ordering"]
    items: Annotated[
        list[OrderItem],
        Field(min_length=3, max_length=10),  # with two, any shuffled order gives the answer away
        unique("id", "item ids"),
        unique("text", "item texts"),
    ]
    also_correct: list[list[Id]] = Field(
        default=[],
        max_length=MAX_ORDERS - 1,
        description="Other orders that are also right; each lists every item id exactly once.",
    )
    feedback_correct: Markdown
    feedback_incorrect: Markdown

    @model_validator(mode="after")
    def _orders_are_whole(self) -> Ordering:
        written = [item.id for item in self.items]
        seen = [written]
        for n, order in enumerate(self.also_correct, start=1):
            missing = [i for i in written if i not in order]
            unknown = [i for i in order if i not in written]
            repeated = _duplicates(order)
            if missing or unknown or repeated:
                said = [
                    f"missing {', '.join(map(repr, missing))}" if missing else "",
                    f"not an item: {', '.join(map(repr, unknown))}" if unknown else "",
                    f"repeated: {', '.join(map(repr, repeated))}" if repeated else "",
                ]
                raise ValueError(
                    f"also_correct order {n} must name every item id once; "
                    + "; ".join(part for part in said if part)
                )
            if order in seen:
                raise ValueError(
                    f"also_correct order {n} repeats "
                    + ("the written order" if order == written else "an earlier order")
                )
            seen.append(order)
        if len(seen) >= math.factorial(len(written)):
            raise ValueError(
                "also_correct accepts every order there is; the question tests nothing"
            )
        return self

    def correct_orders(self) -> list[list[str]]:
        """Every order that counts as right: the written one first, then the others."""
        return [[item.id for item in self.items], *map(list, self.also_correct)]


class Pair(Model):
    id: Id
    left: Text
    right: Text


class Matching(QuestionBase):
    """Each left side matches the right side written beside it."""

    kind: Literal["matching"]
    pairs: Annotated[
        list[Pair],
        Field(min_length=2, max_length=10),
        unique("id", "pair ids"),
        unique("left", "left sides"),
        unique("right", "right sides"),
    ]
    feedback_correct: Markdown
    feedback_incorrect: Markdown


AnyQuestion = SingleChoice | MultipleChoice | TrueFalse | Ordering | Matching
Question = Annotated[AnyQuestion, Field(discriminator="kind")]
QUESTION_KINDS = ("single", "multiple", "true_false", "ordering", "matching")


class Quiz(Model):
    schema_version: Literal[1]
    id: Id
    title: Text
    pass_mark: float = Field(ge=0.0, le=1.0, description="Fraction of questions right to pass.")
    ask_confidence: bool = Field(
        default=False, description="Ask 'How sure are you?' with each answer (for the dashboard)."
    )
    questions: Annotated[
        list[Question], Field(min_length=1, max_length=60), unique("id", "question ids")
    ]

    def question(self, question_id: str) -> AnyQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def safety_critical_ids(self) -> frozenset[str]:
        return frozenset(q.id for q in self.questions if q.safety_critical)


# --- steps --------------------------------------------------------------------------------


# A recording of a step, kept in the content folder: MP3 or Ogg (course/recordings.py checks it).
AudioFile = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9_-]+(?:/[a-z0-9_.-]+)*\.(?:mp3|ogg)$")
]


class StepBase(Model):
    id: Id
    title: Text | None = None
    audience: Audience = "both"
    sources: list[Id] = []
    audio: AudioFile | None = Field(
        default=None,
        description=(
            "A recording of the step's text (MP3 or Ogg, under 1 MB), path from the content "
            "root, e.g. audio/withdrawal-timeline-intro.mp3. Listen plays it instead of the "
            "device's voice; its transcript is the step's own text."
        ),
    )


class FactualStep(StepBase):
    """A step that states facts: it should name the sources it rests on."""

    factual: bool = True


class TextStep(FactualStep):
    kind: Literal["text"]
    body: Markdown


class CalloutStep(FactualStep):
    kind: Literal["callout"]
    style: Literal["key_point", "warning", "tip"] = "key_point"
    body: Markdown


class TimelineEvent(Model):
    label: Text
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    detail: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> TimelineEvent:
        if self.end < self.start:
            raise ValueError(f"end ({self.end:g}) is before start ({self.start:g})")
        return self


class TimelineStep(FactualStep):
    kind: Literal["timeline"]
    unit: Literal["hours", "days", "weeks", "months"]
    body: Markdown | None = None
    events: list[TimelineEvent] = Field(min_length=1, max_length=30)


class ComparisonRow(Model):
    label: Text
    cells: list[Text] = Field(min_length=1)


class ComparisonStep(FactualStep):
    kind: Literal["comparison"]
    body: Markdown | None = None
    columns: Annotated[list[Text], Field(min_length=1, max_length=6), unique("", "column names")]
    rows: list[ComparisonRow] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _rectangular(self) -> ComparisonStep:
        for index, row in enumerate(self.rows):
            if len(row.cells) != len(self.columns):
                raise ValueError(
                    f"rows[{index}] ('{row.label}') has {len(row.cells)} cells "
                    f"but there are {len(self.columns)} columns"
                )
        return self


class Card(Model):
    myth: Text
    fact: Markdown
    sources: list[Id] = []


class CardsStep(FactualStep):
    """Myth-or-fact cards that turn over."""

    kind: Literal["myth_fact"]
    body: Markdown | None = None
    cards: list[Card] = Field(min_length=1, max_length=12)


class CheckStep(StepBase):
    """An inline question for retrieval practice; not scored toward the quiz."""

    kind: Literal["check"]
    question: Question


class ReflectionStep(StepBase):
    """A private prompt; the answer is saved for the learner only."""

    kind: Literal["reflection"]
    prompt: Markdown


class DiscussionStep(StepBase):
    """A prompt for groups and families; notes are shown to the facilitator only."""

    kind: Literal["discussion"]
    prompt: Markdown
    facilitator_notes: Markdown


class SceneChoice(Model):
    """One thing the person in the story could do, and the point of the story it leads to."""

    text: Text
    next: Id = Field(description="The id of the node this choice leads to.")
    loop: bool = Field(
        default=False,
        description="True if this choice goes back to an earlier point on purpose (a loop).",
    )


class SceneNode(Model):
    """A point in a scenario: what happens, then two to four choices, or an ending's debrief."""

    id: Id
    text: Markdown
    choices: list[SceneChoice] = Field(default=[], max_length=4)
    debrief: Markdown | None = Field(
        default=None, description="For an ending (no choices): what to take from this path."
    )

    @property
    def is_ending(self) -> bool:
        return not self.choices


ImageFile = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9_-]+(?:/[a-z0-9_.-]+)*\.(?:png|jpe?g|webp)$")
]


class SceneImage(Model):
    """A picture for a scenario, kept in the content folder, with words for those who can't see."""

    file: ImageFile = Field(description="Path from the content root, e.g. images/party.png.")
    alt: Text


class ScenarioStep(FactualStep):
    """A short branching story: choices lead to what happens, each path ends in a debrief."""

    kind: Literal["scenario"]
    body: Markdown | None = None
    image: SceneImage | None = None
    start: Id = Field(description="The id of the node the story begins at.")
    nodes: Annotated[list[SceneNode], Field(min_length=2, max_length=30), unique("id", "node ids")]
    facilitator_notes: Markdown | None = None

    def node(self, node_id: str) -> SceneNode | None:
        return next((n for n in self.nodes if n.id == node_id), None)


# The fields each practice exercise asks for: (id, label, "text" or "rating" 0-10).
# Labels are marked N_ and translated with tr() where they are shown.
PRACTICE_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "thought_record": (
        ("situation", N_("What happened"), "text"),
        ("thought", N_("The thought that came"), "text"),
        ("trap", N_("The thought trap it fell into"), "text"),
        ("kinder_thought", N_("A kinder, truer thought"), "text"),
    ),
    "urge_surfing": (
        ("before", N_("How strong is the urge now? (0 = none, 10 = strongest)"), "rating"),
        ("after", N_("And now, after riding it out? (0 to 10)"), "rating"),
        ("noticed", N_("What I noticed as the urge rose and fell"), "text"),
    ),
    "cost_benefit": (
        ("use_good", N_("What using seems to give me"), "text"),
        ("use_cost", N_("What using costs me"), "text"),
        ("stop_good", N_("What not using gives me"), "text"),
        ("stop_cost", N_("What not using is hard about"), "text"),
    ),
    "halt": (
        ("hungry", N_("Hungry? What do I need?"), "text"),
        ("angry", N_("Angry? What is it about?"), "text"),
        ("lonely", N_("Lonely? Who could I reach?"), "text"),
        ("tired", N_("Tired? How can I rest?"), "text"),
        ("plan", N_("What I will do now"), "text"),
    ),
    "refusal": (
        ("offer", N_("What they say"), "text"),
        ("my_no", N_("How I say no"), "text"),
        ("next_step", N_("What I do right after"), "text"),
    ),
    "i_statement": (
        ("feel", N_("I feel…"), "text"),
        ("when", N_("when…"), "text"),
        ("because", N_("because…"), "text"),
        ("ask", N_("Would you…?"), "text"),
    ),
}
PracticeKind = Literal[
    "thought_record", "urge_surfing", "cost_benefit", "halt", "refusal", "i_statement"
]


class PracticeStep(StepBase):
    """A skill exercise: a worked example first, then the learner's own, kept private."""

    kind: Literal["practice"]
    exercise: PracticeKind
    body: Markdown | None = None
    example: dict[Id, Text] = Field(
        description="A worked example: a text for each of the exercise's text fields."
    )
    minutes: int | None = Field(
        default=None, ge=1, le=20, description="urge_surfing only: how long the timer runs."
    )
    facilitator_notes: Markdown | None = None

    @model_validator(mode="after")
    def _fits_exercise(self) -> PracticeStep:
        texts = [f for f, _, kind in PRACTICE_FIELDS[self.exercise] if kind == "text"]
        missing = [f for f in texts if f not in self.example]
        extra = [f for f in self.example if f not in texts]
        if missing or extra:
            said = [f"missing {quoted_list(missing)}"] if missing else []
            said += [f"not a field of {self.exercise}: {quoted_list(extra)}"] if extra else []
            raise ValueError(
                f"example must give each field of {self.exercise} "
                f"({quoted_list(texts)}); {'; '.join(said)}"
            )
        if (self.minutes is not None) != (self.exercise == "urge_surfing"):
            raise ValueError("minutes is for urge_surfing (and urge_surfing needs it)")
        return self


class CommitmentStep(StepBase):
    """ "Try this before next time": pick or write one action; asked how it went next time."""

    kind: Literal["commitment"]
    prompt: Markdown
    options: Annotated[
        list[Text], Field(min_length=2, max_length=6), unique("", "commitment options")
    ]
    allow_own: bool = Field(default=True, description="Offer 'Something else' to write one's own.")


DrillQuestion = Annotated[SingleChoice | TrueFalse, Field(discriminator="kind")]


class DrillStep(FactualStep):
    """Short timed rounds of safety-critical facts, repeated until right and quick."""

    kind: Literal["drill"]
    body: Markdown | None = None
    items: Annotated[
        list[DrillQuestion], Field(min_length=3, max_length=12), unique("id", "drill item ids")
    ]
    target_seconds: int = Field(
        default=8, ge=2, le=60, description="An answer this quick or quicker counts as fluent."
    )


Step = Annotated[
    TextStep
    | CalloutStep
    | TimelineStep
    | ComparisonStep
    | CardsStep
    | CheckStep
    | ReflectionStep
    | DiscussionStep
    | ScenarioStep
    | PracticeStep
    | CommitmentStep
    | DrillStep,
    Field(discriminator="kind"),
]
STEP_KINDS = (
    "text",
    "callout",
    "timeline",
    "comparison",
    "myth_fact",
    "check",
    "reflection",
    "discussion",
    "scenario",
    "practice",
    "commitment",
    "drill",
)


class LessonFile(Model):
    """A lesson as its file is written: steps cite sources by id from the bibliography."""

    schema_version: Literal[1]
    id: Id
    title: Text
    summary: Text
    audience: Audience = "both"
    minutes: int = Field(ge=1, le=240)
    objectives: list[Text] = Field(min_length=1, max_length=10)
    reviewed: Review
    check_again_by: dt.date | None = Field(
        default=None,
        description=(
            "For a lesson with figures or rules that change: the date to check them again; "
            "'lint' reports it once past."
        ),
    )
    steps: Annotated[list[Step], Field(min_length=1, max_length=40), unique("id", "step ids")]
    quiz: Id | None = None


class Lesson(LessonFile):
    """A loaded lesson, with the bibliography entries that it and its quiz cite."""

    sources: Annotated[list[Source], unique("id", "source ids")] = []

    def step_index(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)

    def for_audience(self, audience: str) -> Lesson:
        """Return the lesson with only the steps meant for this audience (and for both)."""
        kept = [s for s in self.steps if s.audience in ("both", audience)]
        if len(kept) == len(self.steps) or not kept:
            return self
        return self.model_copy(update={"steps": kept})


# --- the course manifest ------------------------------------------------------------------


class Track(Model):
    id: Id
    title: Text
    audience: Audience = "learner"
    description: Text | None = None
    lessons: Annotated[list[Id], Field(min_length=1), unique("", "lessons in a track")]


class KnowledgeCheck(Model):
    """The course-level check taken before the first lesson (pre) and after the last (post)."""

    pre: Id
    post: Id


class CrisisResource(Model):
    name: Text
    contact: Text
    detail: Text
    url: Url | None = None
    # One-tap links: the number to dial (tel:) and to text (sms:), digits only, e.g. "988".
    call: PhoneNumber | None = None
    text: PhoneNumber | None = None
    # What the top line calls it on a button, e.g. "988" -> "Call 988", "Text 988".
    short: ShortLabel | None = None

    @property
    def label(self) -> str:
        """Name the resource on a one-tap button."""
        return self.short or self.call or self.text or self.name


class CourseManifest(Model):
    schema_version: Literal[1]
    title: Text
    description: Text
    tracks: Annotated[list[Track], Field(min_length=1), unique("id", "track ids")]
    knowledge_check: KnowledgeCheck | None = None
    crisis_resources: list[CrisisResource] = Field(min_length=1)
    risk_phrases: list[ShortText] = Field(
        default=[],
        description=(
            "More words that, in a thought shared in a group, suggest someone may be at risk "
            "(added to the built-in list): such a thought never reaches the projector and "
            "alerts the counselor privately."
        ),
    )
    crisis_policy: Text | None = Field(
        default=None,
        description="The program's own steps for a counselor when someone may be at risk.",
    )
    pronunciations: dict[SayWord, SayWord] = Field(
        default={},
        description=(
            "How Listen should say words a voice gets wrong: word -> how people say it, e.g. "
            "988: 9 8 8, naloxone: nuh-LOX-own. A key with a capital letter matches only as "
            "written (NA); an all-lowercase key matches any case."
        ),
    )


# --- a loaded course ----------------------------------------------------------------------


@dataclass(frozen=True)
class Course:
    """The lessons and quizzes that loaded cleanly, in track order, with the manifest."""

    manifest: CourseManifest
    lessons: Mapping[str, Lesson]
    quizzes: Mapping[str, Quiz]
    sources: Mapping[str, Source] = field(default_factory=dict)  # the bibliography, by id
    language: str = "en"
    # The same course in other languages, by code (course.translation); each has the same
    # lessons, quizzes and ids, so progress and answers carry across languages.
    translations: Mapping[str, Course] = field(default_factory=dict)
    english_only: frozenset[str] = frozenset()  # lessons and quizzes not (cleanly) translated
    pending_review: frozenset[str] = frozenset()  # translated, not yet checked by a translator

    @property
    def title(self) -> str:
        return self.manifest.title

    @property
    def sayings(self) -> Pronunciations:
        """How Listen says the course's hard words (course.yaml `pronunciations:`)."""
        return Pronunciations(self.manifest.pronunciations)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return self.lessons.get(lesson_id)

    @property
    def languages(self) -> list[str]:
        """The languages this course can be shown in, English first."""
        return [self.language, *self.translations]

    def in_language(self, language: str) -> Course:
        """Return the course in a language it has, else this course."""
        return self.translations.get(language, self)

    def quiz_for(self, lesson: Lesson) -> Quiz | None:
        return self.quizzes.get(lesson.quiz) if lesson.quiz else None

    def track_lessons(self, track: Track) -> list[Lesson]:
        """Return the track's lessons that are being served, in order."""
        return [self.lessons[i] for i in track.lessons if i in self.lessons]
