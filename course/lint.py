"""Content lint: reading grade, stigmatizing words, missing sources, stale reviews, due checks.

Pure over loaded content: the caller passes the course, the YAML documents (for lines) and
``today``. Learner-facing text is every string a learner reads: titles, bodies, callouts,
timeline labels, table cells, cards, prompts, options, feedback, hints and explanations.
Facilitator notes are not graded for reading level (counselors read them) but are checked
for stigmatizing words like everything else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from course.loader import load_course
from course.messages import format_key
from course.model import (
    CardsStep,
    FactualStep,
    Lesson,
    Quiz,
)
from course.readability import Counts, count
from course.texts import Text, lesson_texts, quiz_texts
from course.yamlsafe import Document, Path, YamlProblem, read

MAX_GRADE = 8.0
REVIEW_DAYS = 365


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern[str]
    say: str


def term(regex: str, say: str) -> Term:
    """A word to avoid (a regular expression, any case, whole words) and what to say."""
    return Term(re.compile(rf"\b(?:{regex})\b", re.IGNORECASE), say)


# Words to avoid and what to say instead (person-first language, as in NIDA's "Words Matter").
TERMS = (
    term(
        r"(?:former |reformed |fellow |heroin |drug |opioid )?addicts?",
        "person with opioid use disorder; person in recovery",
    ),
    term(r"junkies?|druggies?|dope ?fiends?", "person who uses drugs"),
    term(r"(?:drug|heroin|opioid|substance|iv|needle) users?", "person who uses drugs"),
    term(
        r"(?:drug|substance|opioid|heroin|alcohol) abusers?|abusers?",
        "person with a substance use disorder",
    ),
    term(
        r"(?:drug|substance|opioid|heroin|alcohol|prescription) abuse",
        "substance use; misuse (for prescriptions)",
    ),
    term(
        r"clean and sober|clean time|tested (?:clean|dirty)|dirty"
        r"|(?:stay|stays|stayed|staying|get|gets|got|getting|been|being|is|was|am|are) clean"
        r"|(?:clean|dirty) (?:urine|test|tests|drug tests?|screens?)",
        "not using, in recovery; testing negative or positive",
    ),
    term(r"(?:drug|heroin|opioid|his|her|their|your|my) habit", "substance use disorder"),
    term(
        r"(?:opioid )?(?:replacement|substitution) (?:therapy|treatment)|opioid replacement"
        r"|(?:trading|swapping) one (?:drug|addiction) for another",
        "medication for opioid use disorder (MOUD)",
    ),
    term(
        r"medication[- ]assisted treatment|(?-i:MAT)", "medication for opioid use disorder (MOUD)"
    ),
    term(r"dope ?sick(?:ness)?", "withdrawal"),
    term(r"rock bottom|tough love", "CRAFT-style positive communication; natural consequences"),
    term(r"detox(?:ing|ed)?", "withdrawal management"),
)
# A sentence that names a word in order to teach people not to use it is not using it.
_MENTION = re.compile(
    r"instead of|rather than|words? (?:to avoid|that hurt)|don'?t say|do not say|not say|"
    r"often called|also called|sometimes called|some people call|myth",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
# Words in quotation marks are somebody's words being discussed; agency names are names.
_NOT_OURS = re.compile(
    r"\"[^\"\n]*\"|“[^”\n]*”|National Institute on Drug Abuse"
    r"|Substance Abuse and Mental Health Services Administration",
)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.key}: {self.message}"


@dataclass
class Report:
    rows: list[tuple[str, str, Counts]] = field(default_factory=list)  # (id, file, counts)
    stigma: list[Finding] = field(default_factory=list)
    unsourced: list[Finding] = field(default_factory=list)
    stale: list[Finding] = field(default_factory=list)
    due: list[Finding] = field(default_factory=list)  # check_again_by dates that have passed

    @property
    def course_counts(self) -> Counts:
        return sum((c for _, _, c in self.rows), Counts())

    @property
    def lesson_mean(self) -> float:
        lessons = [c.grade for _, f, c in self.rows if f.startswith("lessons/")]
        return sum(lessons) / len(lessons) if lessons else 0.0

    def too_hard(self) -> list[str]:
        return [i for i, _, c in self.rows if c.grade > MAX_GRADE]

    def is_clean(self) -> bool:
        return not (self.too_hard() or self.stigma or self.unsourced or self.due)


def stigma(
    texts: list[Text],
    rel: str,
    doc: Document | None,
    raw: list[str],
    terms: tuple[Term, ...] = TERMS,
    mention: re.Pattern[str] = _MENTION,
    not_ours: re.Pattern[str] = _NOT_OURS,
) -> list[Finding]:
    """Find stigmatizing words, skipping sentences that name a word to teach against it."""
    found = []
    for text in texts:
        if text.is_quoted_myth:
            continue
        for sentence in _SENTENCE.findall(not_ours.sub(" ", text.value)):
            if mention.search(sentence):
                continue
            for term in terms:
                for match in term.pattern.finditer(sentence):
                    line = _line_of(match.group(0), text.path, doc, raw)
                    message = f"'{match.group(0)}': say '{term.say}' instead"
                    found.append(Finding(rel, line, _key(text.path), message))
    return found


def _line_of(word: str, path: Path, doc: Document | None, raw: list[str]) -> int:
    """Return the line of the word: the first line at or after the key's line that has it."""
    start = doc.line_of(path) if doc else 1
    for number in range(start, min(len(raw), start + 200) + 1):
        if word.lower() in raw[number - 1].lower():
            return number
    return start


def _key(path: Path) -> str:
    return format_key(path)


def unsourced(lesson: Lesson, rel: str, doc: Document | None) -> list[Finding]:
    """List factual steps that name no source."""
    found = []
    for i, step in enumerate(lesson.steps):
        if isinstance(step, FactualStep) and step.factual and not step.sources:
            if isinstance(step, CardsStep) and all(card.sources for card in step.cards):
                continue
            line = doc.line_of(("steps", i)) if doc else 1
            found.append(Finding(rel, line, f"steps[{i}]", f"{step.kind} step names no sources"))
    return found


def stale(lesson: Lesson, rel: str, doc: Document | None, today: dt.date) -> list[Finding]:
    """Report a review date more than a year old."""
    age = (today - lesson.reviewed.date).days
    if age <= REVIEW_DAYS:
        return []
    line = doc.line_of(("reviewed", "date")) if doc else 1
    message = f"last reviewed {lesson.reviewed.date} ({age} days ago); review it again"
    return [Finding(rel, line, "reviewed.date", message)]


def due(lesson: Lesson, rel: str, doc: Document | None, today: dt.date) -> list[Finding]:
    """Report a check_again_by date that has passed: its time-sensitive facts need checking."""
    when = lesson.check_again_by
    if when is None or when >= today:
        return []
    line = doc.line_of(("check_again_by",)) if doc else 1
    message = (
        f"check again by {when} has passed ({(today - when).days} days ago); check its "
        "time-sensitive figures and sources, then set a new date"
    )
    return [Finding(rel, line, "check_again_by", message)]


def graded(texts: list[Text]) -> Counts:
    return count(t.value for t in texts if t.is_graded)


def lint(root: FsPath, today: dt.date) -> Report:
    """Lint every lesson that loads (with its quiz) and every quiz no lesson owns."""
    course = load_course(root, today=today).course
    report = Report()
    if course is None:
        return report
    owned = set()
    for lesson in course.lessons.values():
        rel = f"lessons/{lesson.id}.yaml"
        doc, raw = _document(root, rel)
        texts = list(lesson_texts(lesson))
        report.stigma += stigma(texts, rel, doc, raw)
        report.unsourced += unsourced(lesson, rel, doc)
        report.stale += stale(lesson, rel, doc, today)
        report.due += due(lesson, rel, doc, today)
        counts = graded(texts)
        quiz = course.quiz_for(lesson)
        if quiz is not None:
            owned.add(quiz.id)
            counts += _lint_quiz(root, quiz, report)
        report.rows.append((lesson.id, rel, counts))
    for quiz in course.quizzes.values():
        if quiz.id not in owned:
            report.rows.append((quiz.id, f"quizzes/{quiz.id}.yaml", _lint_quiz(root, quiz, report)))
    return report


def _lint_quiz(root: FsPath, quiz: Quiz, report: Report) -> Counts:
    rel = f"quizzes/{quiz.id}.yaml"
    doc, raw = _document(root, rel)
    texts = list(quiz_texts(quiz))
    report.stigma += stigma(texts, rel, doc, raw)
    return graded(texts)


def _document(root: FsPath, rel: str) -> tuple[Document | None, list[str]]:
    raw = (root / rel).read_bytes()
    try:
        doc: Document | None = read(raw)
    except YamlProblem:
        doc = None
    return doc, raw.decode("utf-8", errors="replace").splitlines()


def lint_text(report: Report) -> str:
    """Render the report as the table and lists an author reads."""
    w = max([48, *(len(rel) for _, rel, _ in report.rows)])  # the widest file name sets the column
    lines = [f"{'file':<{w}} {'grade':>6} {'words':>6} {'sentences':>9}"]
    for _, rel, counts in report.rows:
        flag = "  above grade 8" if counts.grade > MAX_GRADE else ""
        lines.append(
            f"{rel:<{w}} {counts.grade:6.1f} {counts.words:6d} {counts.sentences:9d}{flag}"
        )
    total = report.course_counts
    lines.append(f"{'course, all learner-facing text':<{w}} {total.grade:6.1f} {total.words:6d}")
    lines.append(f"{'course, mean of lessons':<{w}} {report.lesson_mean:6.1f}")
    for title, items in (
        ("stigmatizing words", report.stigma),
        ("factual steps without sources", report.unsourced),
        ("reviews older than 12 months", report.stale),
        ("lessons past their check-again date", report.due),
    ):
        lines.append(f"{title}: {len(items)}")
        lines += [f"  {item}" for item in items]
    return "\n".join(lines)


def lint_json(report: Report) -> dict[str, object]:
    """Render the report as plain data."""
    total = report.course_counts
    return {
        "files": [
            {
                "id": i,
                "file": rel,
                "grade": round(c.grade, 2),
                "words": c.words,
                "sentences": c.sentences,
                "syllables": c.syllables,
            }
            for i, rel, c in report.rows
        ],
        "course": {
            "grade": round(total.grade, 2),
            "lesson_mean": round(report.lesson_mean, 2),
            "words": total.words,
        },
        "too_hard": report.too_hard(),
        "stigma": [vars(f) for f in report.stigma],
        "unsourced": [vars(f) for f in report.unsourced],
        "stale": [vars(f) for f in report.stale],
        "due": [vars(f) for f in report.due],
        "is_clean": report.is_clean(),
    }
