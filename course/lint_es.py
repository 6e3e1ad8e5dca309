"""Content lint for Spanish translations: reading ease and person-first language in Spanish.

The English lint (``course.lint``) grades reading level with Flesch-Kincaid and flags words
from NIDA's "Words Matter". A translation needs its own measures: Spanish reading ease
(``course.legibilidad``: Fernández-Huerta, target 65 or more per lesson with its quiz; INFLESZ
reported too) and a Spanish list of stigmatizing words, each with what to say instead. Facts,
sources and review dates belong to the English file and are linted there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from course import legibilidad
from course.legibilidad import SpanishCounts
from course.lint import Finding, _document, stigma, term
from course.loader import load_course
from course.model import Quiz
from course.texts import Text, lesson_texts, quiz_texts

# Words to avoid in Spanish and what to say instead (person-first, as the English list).
TERMS_ES = (
    term(
        r"(?:ex[- ]?)?(?:adict[oa]s?|drogadict[oa]s?|toxic[oó]man[oa]s?|farmacodependientes?)",
        "persona con trastorno por consumo de opioides; persona en recuperación",
    ),
    term(r"yonqui(?:s)?|yonkis?|tecat[oa]s?|drogos?|viciosos?|viciosas?", "persona que usa drogas"),
    term(
        r"(?:el |un |su |tu |mi )vicio|vicios",
        "consumo de sustancias; trastorno por consumo de sustancias",
    ),
    term(
        r"abusadore?s?(?: de (?:drogas|sustancias|opioides))?",
        "persona con un trastorno por consumo de sustancias",
    ),
    term(
        r"abuso de (?:drogas|sustancias|opioides|heroína|alcohol|medicamentos)",
        "consumo de sustancias; uso indebido (de recetas)",
    ),
    term(
        r"(?:est(?:á|ar|oy|ás|amos|án|aba|uvo)|mantenerse|seguir|sigue|sigo|llevar?|lleva)"
        r" limpi[oa]s?"
        r"|(?:prueba|análisis|resultado|orina|muestra)s? (?:limpi[oa]s?|suci[oa]s?)"
        r"|dio (?:limpio|sucio)|salió (?:limpio|sucio)|días limpi[oa]s|tiempo limpio",
        "sin consumir, en recuperación; resultado negativo o positivo",
    ),
    term(
        r"terapia de (?:sustitución|reemplazo)|tratamiento de (?:sustitución|reemplazo)"
        r"|cambiar una droga por otra|cambiar una adicción por otra",
        "medicamentos para el trastorno por consumo de opioides",
    ),
    term(r"desintoxicaci[oó]n|desintoxicarse|detox", "manejo de la abstinencia"),
    term(r"tocar fondo|mano dura", "comunicación positiva (CRAFT); consecuencias naturales"),
    term(r"mono(?= de)|estar con el mono", "abstinencia; síndrome de abstinencia"),
)
# A sentence that names a word in order to teach people not to use it is not using it.
_MENTION_ES = re.compile(
    r"en lugar de|en vez de|no diga|no decir|palabras? (?:que (?:hieren|lastiman|evitar)|como)|"
    r"se suele llamar|también llamad|a veces llamad|algunas personas (?:lo |la )?llaman|mito",
    re.IGNORECASE,
)
# Quoted words may wrap onto the next line of a paragraph (not past a blank line).
_NOT_OURS_ES = re.compile(
    r"\"(?:[^\"\n]|\n(?!\s*\n))*\"|“[^”]*”|«[^»]*»|National Institute on Drug Abuse"
    r"|Substance Abuse and Mental Health Services Administration",
)


@dataclass
class SpanishReport:
    rows: list[tuple[str, str, SpanishCounts]] = field(default_factory=list)
    stigma: list[Finding] = field(default_factory=list)

    def too_hard(self) -> list[str]:
        return [
            i
            for i, f, c in self.rows
            if f.startswith("lessons/") and c.score < legibilidad.MIN_SCORE
        ]

    def is_clean(self) -> bool:
        return not (self.too_hard() or self.stigma)


def spanish_stigma(texts: list[Text], rel: str, root: FsPath) -> list[Finding]:
    doc, raw = _document(root, rel)
    return stigma(texts, rel, doc, raw, TERMS_ES, _MENTION_ES, _NOT_OURS_ES)


def _graded(texts: list[Text]) -> SpanishCounts:
    return legibilidad.count(t.value for t in texts if t.is_graded)


def lint_spanish(root: FsPath, language: str = "es") -> SpanishReport:
    """Lint each translated lesson (with its translated quiz) and knowledge check."""
    course = load_course(root).course
    report = SpanishReport()
    if course is None or language not in course.translations:
        return report
    translated = course.in_language(language)
    owned = set()
    for lesson in translated.lessons.values():
        if lesson.id in translated.english_only:
            continue
        rel = f"lessons/{language}/{lesson.id}.yaml"
        texts = list(lesson_texts(lesson))
        report.stigma += spanish_stigma(texts, rel, root)
        counts = _graded(texts)
        quiz = translated.quiz_for(lesson)
        if quiz is not None and quiz.id not in translated.english_only:
            owned.add(quiz.id)
            counts += _lint_quiz(root, language, quiz, report)
        report.rows.append((lesson.id, rel, counts))
    for quiz in translated.quizzes.values():
        if quiz.id not in owned and quiz.id not in translated.english_only:
            counts = _lint_quiz(root, language, quiz, report)
            report.rows.append((quiz.id, f"quizzes/{language}/{quiz.id}.yaml", counts))
    return report


def _lint_quiz(root: FsPath, language: str, quiz: Quiz, report: SpanishReport) -> SpanishCounts:
    rel = f"quizzes/{language}/{quiz.id}.yaml"
    texts = list(quiz_texts(quiz))
    report.stigma += spanish_stigma(texts, rel, root)
    return _graded(texts)


def lint_spanish_text(report: SpanishReport) -> str:
    width = max([44, *(len(rel) for _, rel, _ in report.rows)])
    lines = [f"{'file':<{width}} {'F-Huerta':>8} {'INFLESZ':>7} {'words':>6}  band (INFLESZ)"]
    for _, rel, c in report.rows:
        flag = (
            f"  below {legibilidad.MIN_SCORE:g}"
            if rel in {r for i, r, _ in report.rows if i in report.too_hard()}
            else ""
        )
        lines.append(
            f"{rel:<{width}} {c.fernandez_huerta:8.1f} {c.inflesz:7.1f} {c.words:6d}  "
            f"{legibilidad.band(c.inflesz)}{flag}"
        )
    total = sum((c for _, _, c in report.rows), SpanishCounts())
    lines.append(
        f"{'all translated text':<{width}} {total.fernandez_huerta:8.1f} {total.inflesz:7.1f} "
        f"{total.words:6d}  {legibilidad.band(total.inflesz)}"
    )
    lines.append(f"palabras estigmatizantes (stigmatizing words): {len(report.stigma)}")
    lines += [f"  {item}" for item in report.stigma]
    return "\n".join(lines)


def lint_spanish_json(report: SpanishReport) -> dict[str, object]:
    return {
        "files": [
            {
                "id": i,
                "file": rel,
                "fernandez_huerta": round(c.fernandez_huerta, 1),
                "inflesz": round(c.inflesz, 1),
                "band": legibilidad.band(c.inflesz),
                "words": c.words,
                "sentences": c.sentences,
                "syllables": c.syllables,
            }
            for i, rel, c in report.rows
        ],
        "too_hard": report.too_hard(),
        "stigma": [vars(f) for f in report.stigma],
        "is_clean": report.is_clean(),
    }
