"""A family support plan: the worksheet's questions, and tidying what a family typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from course.store.inputs import clean_text

# Enough for a few lines per answer; the store caps a whole plan at 20,000 characters.
FIELD_CHARS = 1_500


@dataclass(frozen=True)
class PlanField:
    key: str
    label: str
    help: str


PLAN_FIELDS: tuple[PlanField, ...] = (
    PlanField(
        "warning_signs",
        "Warning signs we watch for",
        "Changes that tell us our loved one may be struggling or using again.",
    ),
    PlanField(
        "triggers",
        "Triggers and hard times",
        "People, places, feelings or dates that make things harder.",
    ),
    PlanField(
        "who_to_call",
        "Who we call",
        "Names and numbers: a doctor or clinic, a counselor, a sponsor or peer, family.",
    ),
    PlanField(
        "naloxone",
        "Where the naloxone is",
        "Where it is kept, and who in the home knows how to use it.",
    ),
    PlanField(
        "if_overdose",
        "What we will do if there is an overdose",
        "For example: call 911, give naloxone, give rescue breaths, stay with them.",
    ),
    PlanField(
        "if_lapse",
        "What we will do if there is a slip",
        "How we will stay calm, keep talking, and get help, without blame.",
    ),
    PlanField(
        "our_support",
        "Our own support",
        "What we will do for ourselves: a group, a friend, rest, time out.",
    ),
)
FIELD_KEYS = tuple(f.key for f in PLAN_FIELDS)


def clean_plan(values: Mapping[str, object]) -> dict[str, str]:
    """Keep the worksheet's own fields as tidy text; refuse unknown fields or long answers."""
    unknown = sorted(set(values) - set(FIELD_KEYS))
    if unknown:
        raise ValueError(f"unknown plan field(s): {', '.join(unknown)}")
    plan: dict[str, str] = {}
    for field in PLAN_FIELDS:
        value = values.get(field.key)
        text = _tidy(value if isinstance(value, str) else "")
        if len(text) > FIELD_CHARS:
            raise ValueError(f"'{field.label}' has {len(text)} characters; at most {FIELD_CHARS}")
        if text:
            plan[field.key] = text
    return plan


def emptied_labels(values: Mapping[str, object], plan: Mapping[str, str]) -> list[str]:
    """Name the fields where something was typed but nothing visible, so nothing was kept."""
    return [
        f.label for f in PLAN_FIELDS if f.key not in plan and str(values.get(f.key) or "").strip()
    ]


def _tidy(text: str) -> str:
    """Clean the text (clean_text) and trim the blank edges of each line."""
    return "\n".join(line.strip() for line in clean_text(text).strip().split("\n"))
