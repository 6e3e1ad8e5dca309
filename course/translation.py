"""Translations of the content: files in another language that mirror the English ones.

Layout under the content root, for a language such as ``es``: ``lessons/es/<id>.yaml``,
``quizzes/es/<id>.yaml`` and ``lessons/es/course.yaml``. A translation holds only what is
translated: the English file's structure with its ids (so the two line up) and every
learner-facing text in the other language. Everything else (step kinds, sources, right answers,
numbers, audio) comes from the English file, so the two can never disagree on a fact or an
answer, and answers pool by the same ids in every language.

Each unit of a translation (the lesson's title, summary and objectives; each step; the quiz
title; each question; the manifest) keeps ``translated_from``: a fingerprint of the English text
it was made from. When the English changes, the fingerprint no longer matches and the unit is
reported as stale until a translator updates it and stamps it again
(``python -m course translations --stamp FILE``).

``translation_reviewed:`` (a date and the reviewer's role, never a name) records that a
qualified translator checked the file; until then the app says the translation awaits review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from pydantic import Field, ValidationError

from course.i18n import ENGLISH, LANGUAGES
from course.messages import explain, format_key
from course.model import Course, CourseManifest, LessonFile, Model, Quiz, Text
from course.problems import Problem
from course.texts import lesson_texts, manifest_texts, quiz_texts
from course.yamlsafe import Document, Path, YamlProblem, read

# The languages content is translated into: the app's (course.i18n) but English.
TRANSLATED = tuple(code for code in LANGUAGES if code != ENGLISH)
FINGERPRINT = "translated_from"
REVIEW = "translation_reviewed"
# Keys a translation repeats to line up with the English, which must match it exactly.
ALIGN = ("id", "schema_version")
# Keys of a translated course.yaml that are the language's own, not translations of English.
OWN_KEYS = ("pronunciations", "risk_phrases")
Fingerprint = str


class TranslationReview(Model):
    """A qualified translator's sign-off: when, and their role (never a name)."""

    date: dt.date
    reviewer_role: Text = Field(
        description="e.g. 'certified medical translator (ATA), English to Spanish'"
    )


class ManifestExtras(Model):
    """What a translated course.yaml adds in its own language."""

    pronunciations: dict[Text, Text] = {}
    risk_phrases: list[Text] = []


def fingerprint(texts: Iterable[tuple[Path, str]]) -> Fingerprint:
    """Return a short fingerprint of texts (their places and words)."""
    canonical = json.dumps([[list(map(str, p)), v] for p, v in texts], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def unit_of(path: Path) -> Path:
    """Name the unit a text belongs to: a step or question, or the file's header ()."""
    if len(path) >= 2 and path[0] in ("steps", "questions"):
        return path[:2]
    return ()


def units(texts: Iterable[tuple[Path, str]]) -> dict[Path, list[tuple[Path, str]]]:
    """Group texts by unit, in order."""
    grouped: dict[Path, list[tuple[Path, str]]] = {}
    for path, value in texts:
        grouped.setdefault(unit_of(path), []).append((path, value))
    return grouped


def fingerprints(texts: Iterable[tuple[Path, str]]) -> dict[Path, Fingerprint]:
    """Fingerprint each unit from its texts (the path inside the unit and the words)."""
    return {
        unit: fingerprint((p[len(unit) :], v) for p, v in items)
        for unit, items in units(texts).items()
    }


def texts_of(model: LessonFile | Quiz | CourseManifest) -> list[tuple[Path, str]]:
    """Every learner-facing text of a content model with its path."""
    if isinstance(model, LessonFile):
        found = lesson_texts(model)
    elif isinstance(model, Quiz):
        found = quiz_texts(model)
    else:
        found = manifest_texts(model)
    return [(t.path, t.value) for t in found]


def translation_path(rel: str, language: str) -> str:
    """lessons/x.yaml -> lessons/es/x.yaml"""
    folder, name = rel.split("/", 1)
    return f"{folder}/{language}/{name}"


def letter_words(text: str) -> int:
    """Count the words of two letters or more: a text with three is worth translating."""
    return len(re.findall(r"[^\W\d_]{2,}", text))


# --- reading one translation --------------------------------------------------------------


@dataclass
class Translated:
    """One translation file checked against its English file."""

    rel: str
    language: str
    english_rel: str
    model: LessonFile | Quiz | CourseManifest | None = None
    extras: ManifestExtras | None = None
    review: TranslationReview | None = None
    problems: list[Problem] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # units whose English changed
    unstamped: list[Path] = field(default_factory=list)
    untranslated: list[Path] = field(default_factory=list)  # texts missing or still English
    texts: list[tuple[Path, str]] = field(default_factory=list)  # the translated texts
    doc: Document | None = None

    @property
    def is_clean(self) -> bool:
        return self.model is not None and not any(p.is_error for p in self.problems)

    @property
    def status(self) -> str:
        if self.model is None or any(p.is_error for p in self.problems):
            return "errors"
        if self.stale or self.unstamped:
            return "stale"
        return "translated"


def check(
    root: FsPath,
    rel: str,
    language: str,
    english_rel: str,
    english_doc: Document,
    english: LessonFile | Quiz | CourseManifest,
) -> Translated:
    """Read a translation and check it against the English: structure, coverage, freshness."""
    result = Translated(rel, language, english_rel)
    try:
        doc = read((root / rel).read_bytes())
    except YamlProblem as err:
        result.problems.append(Problem(rel, err.line, "", err.message))
        return result
    except OSError as err:
        result.problems.append(Problem(rel, 1, "", f"cannot read file: {err}"))
        return result
    result.doc = doc
    problems = result.problems
    problems += [Problem(rel, line, format_key(p), msg) for p, line, msg in doc.problems]
    data = doc.data
    if not isinstance(data, dict):
        problems.append(Problem(rel, 1, "", "expected a mapping of keys to values at the top"))
        return result
    data = dict(data)
    if REVIEW in data:
        result.review = _model(TranslationReview, data.pop(REVIEW), (REVIEW,), rel, doc, problems)
    if isinstance(english, CourseManifest):
        own = {k: data.pop(k) for k in OWN_KEYS if k in data}
        result.extras = _model(ManifestExtras, own, (), rel, doc, problems)
    english_texts = texts_of(english)
    places = {p for p, _ in english_texts}
    merged = _Merge(places, rel, doc, english_rel).run(english_doc.data, data)
    problems += merged.problems
    result.texts = [(p, v) for p, v in merged.found.items()]
    for path, value in english_texts:
        said = merged.found.get(path)
        if said is None:
            result.untranslated.append(path)
            problems.append(Problem(rel, doc.line_of(path), format_key(path), "not translated yet"))
        elif said.strip() == value.strip() and letter_words(value) >= 3:
            result.untranslated.append(path)
            problems.append(
                Problem(rel, doc.line_of(path), format_key(path), "still the English text")
            )
    _check_fingerprints(result, english_texts, data, doc, english_rel, english_doc)
    model_type = type(english)
    try:
        result.model = model_type.model_validate(merged.data)
    except ValidationError as err:
        problems += [
            Problem(rel, line, format_key(p), msg) for p, line, msg in explain(err, model_type, doc)
        ]
    return result


def _model(
    model: type[Any], data: Any, at: Path, rel: str, doc: Document, out: list[Problem]
) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        for detail in err.errors(include_url=False):
            path = (*at, *detail["loc"])
            out.append(Problem(rel, doc.line_of(path), format_key(path), detail["msg"]))
        return None


def _check_fingerprints(
    result: Translated,
    english_texts: list[tuple[Path, str]],
    data: dict[str, Any],
    doc: Document,
    english_rel: str,
    english_doc: Document,
) -> None:
    """Compare each unit's translated_from with the English it should come from."""
    for unit, expected in fingerprints(english_texts).items():
        held = _get(data, (*unit, FINGERPRINT))
        where = _unit_name(unit, english_doc)
        line = doc.line_of((*unit, FINGERPRINT)) if held is not None else doc.line_of(unit)
        if held is None:
            result.unstamped.append(unit)
            message = (
                f"{where} has no {FINGERPRINT}: when its translation is done, run "
                f"`python -m course translations --stamp {result.rel}`"
            )
        elif str(held) != expected:
            result.stale.append(unit)
            message = (
                f"stale: the English of {where} changed after this was translated "
                f"({english_rel}:{english_doc.line_of(unit)}); update the translation, then run "
                f"`python -m course translations --stamp {result.rel}`"
            )
        else:
            continue
        result.problems.append(
            Problem(result.rel, line, format_key((*unit, FINGERPRINT)), message, "warning")
        )


def _unit_name(unit: Path, doc: Document) -> str:
    if not unit:
        return "the header (title, summary)"
    item = _get(doc.data, unit)
    ident = item.get("id") if isinstance(item, dict) else None
    kind = "step" if unit[0] == "steps" else "question"
    return f"{kind} '{ident}'" if ident else f"{kind} {unit[1]}"


def _get(data: Any, path: Path) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


class _Merge:
    """Lay a translation over the English data: texts from the translation, the rest English."""

    def __init__(self, places: set[Path], rel: str, doc: Document, english_rel: str) -> None:
        self.places = places
        self.rel = rel
        self.doc = doc
        self.english_rel = english_rel
        self.problems: list[Problem] = []
        self.found: dict[Path, str] = {}
        self.data: Any = None

    def run(self, english: Any, translated: Any) -> _Merge:
        self.data = self._merge(english, translated, ())
        return self

    def _problem(self, path: Path, message: str) -> None:
        self.problems.append(Problem(self.rel, self.doc.line_of(path), format_key(path), message))

    def _merge(self, english: Any, translated: Any, path: Path) -> Any:
        if path in self.places:
            if not isinstance(translated, str) or not translated.strip():
                self._problem(path, "needs the translated text here")
                return english
            self.found[path] = translated
            return translated
        if isinstance(english, dict):
            return self._mapping(english, translated, path)
        if isinstance(english, list):
            if not isinstance(translated, list) or len(translated) != len(english):
                size = len(translated) if isinstance(translated, list) else "no"
                self._problem(
                    path,
                    f"has {size} items but the English has {len(english)}: a translation "
                    "keeps every item, in the same order",
                )
                return english
            pairs = enumerate(zip(english, translated, strict=True))
            return [self._merge(e, t, (*path, i)) for i, (e, t) in pairs]
        self._problem(
            path,
            f"only text is translated; '{format_key(path)}' comes from {self.english_rel}: "
            "remove it here",
        )
        return english

    def _mapping(self, english: dict[str, Any], translated: Any, path: Path) -> Any:
        if not isinstance(translated, dict):
            self._problem(path, "expected a mapping here, as in the English")
            return english
        out = dict(english)
        for key, value in translated.items():
            at = (*path, key)
            if key == FINGERPRINT:
                continue
            if key not in english:
                self._problem(at, f"'{key}' is not in {self.english_rel} here")
            elif key in ALIGN:
                if value != english[key]:
                    self._problem(
                        at,
                        f"is {value!r} but the English has {english[key]!r}: a translation "
                        "keeps the English ids, in the same order",
                    )
            else:
                out[key] = self._merge(english[key], value, at)
        return out


# --- loading every translation of a course ------------------------------------------------


@dataclass
class Translations:
    """Every translation found, by language, and what loading them found wrong."""

    files: dict[str, list[Translated]] = field(default_factory=dict)  # language -> files
    missing: dict[str, list[str]] = field(default_factory=dict)  # language -> English files
    problems: list[Problem] = field(default_factory=list)

    def file(self, language: str, english_rel: str) -> Translated | None:
        return next((t for t in self.files.get(language, []) if t.english_rel == english_rel), None)


def languages_present(root: FsPath) -> list[str]:
    """The languages that have a folder of translations under lessons/ or quizzes/."""
    return [
        code
        for code in TRANSLATED
        if (root / "lessons" / code).is_dir() or (root / "quizzes" / code).is_dir()
    ]


def load(root: FsPath, english: Iterable[tuple[str, Document | None, Any]]) -> Translations:
    """Check every translation of the English files (rel, document, model) that loaded."""
    found = Translations()
    originals = [(rel, doc, model) for rel, doc, model in english if doc and model is not None]
    known = {rel for rel, _, _ in originals}
    for language in languages_present(root):
        files: list[Translated] = []
        missing: list[str] = []
        for rel, doc, model in originals:
            target = translation_path(rel, language)
            if (root / target).is_file():
                files.append(check(root, target, language, rel, doc, model))
            else:
                missing.append(rel)
                found.problems.append(
                    Problem(
                        rel, 1, "", f"no {LANGUAGES[language]} translation ({target})", "warning"
                    )
                )
        for folder in ("lessons", "quizzes"):
            for path in sorted((root / folder / language).glob("*.y*ml")):
                english_rel = f"{folder}/{path.name}"
                if english_rel not in known:
                    rel = f"{folder}/{language}/{path.name}"
                    found.problems.append(
                        Problem(rel, 1, "", f"translates {english_rel}, which is not there")
                    )
        found.files[language] = files
        found.missing[language] = missing
        found.problems += [p for f in files for p in f.problems]
    return found


def translated_course(course: Course, language: str, found: Translations) -> Course:
    """Make the course in a language: each clean translation, else the English lesson/quiz."""
    by_rel = {t.english_rel: t for t in found.files.get(language, []) if t.is_clean}
    manifest = course.manifest
    extras = ManifestExtras()
    if (item := by_rel.get("lessons/course.yaml")) is not None:
        assert isinstance(item.model, CourseManifest)
        manifest = item.model
        extras = item.extras or extras
        manifest = manifest.model_copy(
            update={
                "pronunciations": dict(extras.pronunciations),
                "risk_phrases": [*course.manifest.risk_phrases, *extras.risk_phrases],
            }
        )
    quizzes = {}
    english_only: set[str] = set()
    pending: set[str] = set()
    for quiz_id, quiz in course.quizzes.items():
        item = by_rel.get(f"quizzes/{quiz_id}.yaml")
        if item is None or not isinstance(item.model, Quiz):
            english_only.add(quiz_id)
            quizzes[quiz_id] = quiz
            continue
        quizzes[quiz_id] = item.model
        if item.review is None:
            pending.add(quiz_id)
    lessons = {}
    for lesson_id, lesson in course.lessons.items():
        item = by_rel.get(f"lessons/{lesson_id}.yaml")
        if item is None or not isinstance(item.model, LessonFile):
            english_only.add(lesson_id)
            lessons[lesson_id] = lesson
            continue
        fields = {name: getattr(item.model, name) for name in LessonFile.model_fields}
        lessons[lesson_id] = type(lesson)(**fields, sources=lesson.sources)
        if item.review is None:
            pending.add(lesson_id)
    return Course(
        manifest,
        lessons,
        quizzes,
        course.sources,
        language=language,
        english_only=frozenset(english_only),
        pending_review=frozenset(pending),
    )


# --- stamping and starting ----------------------------------------------------------------


def stamp(root: FsPath, rel: str, english_doc: Document, english: Any) -> list[str]:
    """Write the current English fingerprints into a translation file; return what changed."""
    path = root / rel
    raw = path.read_text(encoding="utf-8")
    doc = read(raw.encode("utf-8"))
    lines = raw.split("\n")
    changed: list[tuple[int, str, str | None]] = []  # (line index, new line, or insert)
    said = []
    for unit, value in fingerprints(texts_of(english)).items():
        held = _get(doc.data, (*unit, FINGERPRINT))
        if held is not None and str(held) == value:
            continue
        said.append(_unit_name(unit, english_doc))
        if held is not None:
            index = doc.line_of((*unit, FINGERPRINT)) - 1
            lines[index] = re.sub(
                rf"({FINGERPRINT}:\s*)\S+", rf"\g<1>{value}", lines[index], count=1
            )
            continue
        anchors = [(*unit, "id")] if unit else [("id",), ("schema_version",)]
        index = next((doc.lines[a] for a in anchors if a in doc.lines), doc.line_of(unit)) - 1
        line = lines[index]
        indent = len(line) - len(line.lstrip(" -"))
        changed.append((index + 1, " " * indent + f"{FINGERPRINT}: {value}", None))
    for index, text, _ in sorted(changed, reverse=True):
        lines.insert(index, text)
    if said:
        path.write_text("\n".join(lines), encoding="utf-8")
    return said


class _Literal(str):
    pass


def _dumper() -> type[yaml.SafeDumper]:
    class Dumper(yaml.SafeDumper):
        pass

    def literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")

    Dumper.add_representer(_Literal, literal)
    return Dumper


def skeleton(english_data: Mapping[str, Any], english: Any, english_rel: str, language: str) -> str:
    """Write the start of a translation: ids and the English texts to translate in place."""
    places = {p for p, _ in texts_of(english)}

    def keep(value: Any, path: Path) -> Any:
        if path in places:
            text = str(value).strip("\n")
            return _Literal(text) if "\n" in text else text
        if isinstance(value, dict):
            out = {key: value[key] for key in ALIGN if key in value}
            for key, item in value.items():
                if key not in ALIGN and (kept := keep(item, (*path, key))) is not _DROP:
                    out[key] = kept
            return out if len(out) > sum(k in value for k in ALIGN) or not path else _DROP
        if isinstance(value, list):
            items = [keep(v, (*path, i)) for i, v in enumerate(value)]
            if all(i is _DROP for i in items):
                return _DROP
            return [{} if i is _DROP else i for i in items]
        return _DROP

    kept = keep(dict(english_data), ())
    head = (
        f"# {LANGUAGES[language]}: translation of {english_rel}. Translate every text in place;\n"
        "# keep the ids and the order. Kinds, sources, answers and numbers come from the English.\n"
    )
    return head + yaml.dump(
        kept, Dumper=_dumper(), allow_unicode=True, sort_keys=False, width=88, indent=2
    )


_DROP: Any = object()


def report_rows(found: Translations, language: str) -> Iterator[dict[str, Any]]:
    """One row per English file: its translation's status, counts and review."""
    for item in found.files.get(language, []):
        yield {
            "english": item.english_rel,
            "file": item.rel,
            "status": item.status,
            "stale": [format_key(u) or "header" for u in item.stale],
            "unstamped": len(item.unstamped),
            "untranslated": len(item.untranslated),
            "errors": sum(p.is_error for p in item.problems),
            "reviewed": (
                f"{item.review.date} ({item.review.reviewer_role})" if item.review else None
            ),
        }
    for rel in found.missing.get(language, []):
        yield {
            "english": rel,
            "file": translation_path(rel, language),
            "status": "missing",
            "stale": [],
            "unstamped": 0,
            "untranslated": 0,
            "errors": 0,
            "reviewed": None,
        }
