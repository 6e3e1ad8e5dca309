"""xAPI 1.0.3 interaction activities: quiz questions as definitions, answers as responses.

The response patterns are those of xAPI 1.0.3 section 2.4.4.1 (from SCORM 2004):
``true``/``false``; choice ``a[,]b``; sequencing ``a[,]b[,]c``; matching
``source[.]target[,]source[.]target``. The same format serves ``correctResponsesPattern``
and ``result.response``, so a right answer's response is its question's pattern, verbatim.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import assert_never

from course.model import AnyQuestion, Matching, MultipleChoice, Ordering, SingleChoice, TrueFalse
from course.scoring import AnswerError, correct_answers, normalize_answer

Definition = dict[str, object]

LANGUAGE = "en-US"
INTERACTION_TYPES = (
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
)
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
# Which component lists each interaction type takes (xAPI 1.0.3, 2.4.4.1 s15, table 2).
LISTS_OF = {
    "choice": ("choices",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "matching": ("source", "target"),
    "performance": ("steps",),
}
ITEMS = "[,]"
PAIR = "[.]"
CMI_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
TYPE_RULE = f"one of {', '.join(INTERACTION_TYPES)}"
MAP_RULE = "a language map such as {'en-US': 'text'}"


def definition(question: AnyQuestion | None) -> Definition:
    """Return the interaction properties of a question's activity definition.

    A question no longer in the course (its answers outlive it) is an ``other`` interaction.
    """
    if question is None:
        return {"interactionType": "other"}
    kind, lists = _kind_and_lists(question)
    patterns = [response(question, right) for right in correct_answers(question)]
    return {"interactionType": kind, "correctResponsesPattern": patterns, **lists}


def _kind_and_lists(question: AnyQuestion) -> tuple[str, dict[str, list[Definition]]]:
    """Return the question's interaction type and its component lists."""
    match question:
        case SingleChoice() | MultipleChoice():
            return "choice", {"choices": _components((o.id, o.text) for o in question.options)}
        case TrueFalse():
            return "true-false", {}
        case Ordering():
            return "sequencing", {"choices": _components((i.id, i.text) for i in question.items)}
        case Matching():
            source = _components((pair.id, pair.left) for pair in question.pairs)
            target = _components((pair.id, pair.right) for pair in question.pairs)
            return "matching", {"source": source, "target": target}
        case _:
            assert_never(question)


def response(question: AnyQuestion | None, answer: object) -> str:
    """Write an answer in the response format, in its canonical form when it fits the question."""
    if question is not None:
        with contextlib.suppress(AnswerError):
            answer = normalize_answer(question, answer)
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, str):
        return answer
    if isinstance(answer, list) and all(isinstance(item, str) for item in answer):
        return ITEMS.join(answer)
    if isinstance(answer, dict) and all(isinstance(v, str) for v in answer.values()):
        return ITEMS.join(f"{source}{PAIR}{target}" for source, target in answer.items())
    # Not an answer shape the course stores: keep it whole, as compact JSON.
    return json.dumps(answer, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _components(pairs: Iterable[tuple[str, str]]) -> list[Definition]:
    """Return interaction components: each an id and its text as the description."""
    return [{"id": key, "description": {LANGUAGE: text}} for key, text in pairs]


# --- checks, for the statement validator ------------------------------------------------


def definition_problems(d: Mapping[str, object], response_text: object) -> list[str]:
    """Return how an activity definition (and the response to it) breaks the interaction rules."""
    given = [name for name in COMPONENT_LISTS if name in d]
    if "interactionType" not in d:
        is_interaction = d.get("type") == CMI_INTERACTION or given
        if is_interaction or "correctResponsesPattern" in d:
            return [f"object.definition.interactionType: missing; must be {TYPE_RULE}"]
        return []
    kind = d["interactionType"]
    if not isinstance(kind, str) or kind not in INTERACTION_TYPES:
        return []  # the field table reports it
    problems, ids = _list_problems(d, kind, given)
    patterns = d.get("correctResponsesPattern")
    for i, pattern in enumerate(patterns if isinstance(patterns, list) else []):
        problem = _format_problem(kind, pattern, ids) if isinstance(pattern, str) else None
        problems += (
            [f"object.definition.correctResponsesPattern[{i}]: {problem}"] if problem else []
        )
    if isinstance(response_text, str):
        problem = _format_problem(kind, response_text, None)
        problems += [f"result.response: {problem}"] if problem else []
    return problems


def _list_problems(
    d: Mapping[str, object], kind: str, given: list[str]
) -> tuple[list[str], dict[str, set[str]]]:
    """Return the problems of the component lists, and the ids of the well-formed ones."""
    allowed = LISTS_OF.get(kind, ())
    problems: list[str] = []
    ids: dict[str, set[str]] = {}
    for name in given:
        path = f"object.definition.{name}"
        if name not in allowed:
            takes = ", ".join(allowed) or "no component list"
            problems.append(f"{path}: not used by {kind!r} interactions; they take {takes}")
            continue
        value = d[name]
        found = _component_problems(path, value)
        problems += found
        if not found and isinstance(value, list):
            ids[name] = {str(c.get("id")) for c in value if isinstance(c, Mapping)}
    return problems, ids


def _component_problems(path: str, components: object) -> list[str]:
    """Return how a list of interaction components breaks the rules (ids distinct, no spaces)."""
    if not isinstance(components, list):
        return [f"{path}: must be an array of interaction components; got {components!r}"]
    problems = []
    seen: set[str] = set()
    for i, c in enumerate(components):
        if not isinstance(c, Mapping):
            problems.append(f"{path}[{i}]: must be an object with id and description; got {c!r}")
            continue
        cid = c.get("id")
        if not _is_id(cid):
            problems.append(f"{path}[{i}].id: must be text without whitespace; got {cid!r}")
        elif cid in seen:
            problems.append(f"{path}[{i}].id: {cid!r} is repeated; ids must be distinct")
        else:
            seen.add(str(cid))
        if "description" in c and not is_language_map(c["description"]):
            problems.append(
                f"{path}[{i}].description: must be {MAP_RULE}; got {c['description']!r}"
            )
        problems += [
            f"{path}[{i}].{key}: not an interaction component property; allowed: description, id"
            for key in c
            if key not in ("id", "description")
        ]
    return problems


def _format_problem(kind: str, text: str, ids: Mapping[str, set[str]] | None) -> str | None:
    """Say how text breaks the response format of the kind; with ids, name unknown ids too."""
    if kind == "true-false":
        return None if text in ("true", "false") else f"must be 'true' or 'false'; got {text!r}"
    if kind in ("choice", "sequencing"):
        items = text.split(ITEMS) if text or kind == "sequencing" else []
        if not all(_is_id(item) for item in items):
            return f"must be ids joined by '{ITEMS}' for a {kind} interaction; got {text!r}"
        return _unknown(items, ids, "choices")
    if kind == "matching":
        pairs = [pair.split(PAIR) for pair in text.split(ITEMS)] if text else []
        if not all(len(p) == 2 and _is_id(p[0]) and _is_id(p[1]) for p in pairs):
            return f"must be source{PAIR}target pairs joined by '{ITEMS}'; got {text!r}"
        sources = _unknown([p[0] for p in pairs], ids, "source")
        return sources or _unknown([p[1] for p in pairs], ids, "target")
    return None  # fill-in, likert, numeric, performance, other: never made here, not checked


def _unknown(items: list[str], ids: Mapping[str, set[str]] | None, name: str) -> str | None:
    """Name the first item that is not an id of the component list, if the list is known."""
    known = (ids or {}).get(name)
    missing = [item for item in items if known is not None and item not in known]
    if not missing:
        return None
    return f"{missing[0]!r} is not an id in {name}; ids: {', '.join(sorted(known or ()))}"


def _is_id(value: object) -> bool:
    """Return whether value is a component id: non-empty text without whitespace."""
    return isinstance(value, str) and value != "" and not any(ch.isspace() for ch in value)


def is_language_map(value: object) -> bool:
    """Return whether value maps language tags to text."""
    return isinstance(value, Mapping) and all(
        isinstance(k, str) and LANGUAGE_TAG.fullmatch(k) and isinstance(v, str)
        for k, v in value.items()
    )
