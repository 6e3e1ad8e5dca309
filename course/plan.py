"""A family support plan: the worksheet's questions, and tidying what a family typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from course.i18n import N_, tr
from course.store.inputs import clean_text

# Enough for a few lines per answer; the store caps a whole plan at 20,000 characters.
FIELD_CHARS = 1_500


@dataclass(frozen=True)
class PlanField:
    """One question of the worksheet: label and help are English, marked N_; show them with tr()."""

    key: str
    label: str
    help: str


PLAN_FIELDS: tuple[PlanField, ...] = (
    PlanField(
        "warning_signs",
        N_("Warning signs we watch for"),
        N_("Changes that tell us our loved one may be struggling or using again."),
    ),
    PlanField(
        "triggers",
        N_("Triggers and hard times"),
        N_("People, places, feelings or dates that make things harder."),
    ),
    PlanField(
        "who_to_call",
        N_("Who we call"),
        N_("Names and numbers: a doctor or clinic, a counselor, a sponsor or peer, family."),
    ),
    PlanField(
        "naloxone",
        N_("Where the naloxone is"),
        N_("Where it is kept, and who in the home knows how to use it."),
    ),
    PlanField(
        "if_overdose",
        N_("What we will do if there is an overdose"),
        N_("For example: call 911, give naloxone, give rescue breaths, stay with them."),
    ),
    PlanField(
        "if_lapse",
        N_("What we will do if there is a slip"),
        N_("How we will stay calm, keep talking, and get help, without blame."),
    ),
    PlanField(
        "our_support",
        N_("Our own support"),
        N_("What we will do for ourselves: a group, a friend, rest, time out."),
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
            raise ValueError(  # shown to the family, in their language
                tr("'{label}' has {count} characters; at most {most}").format(
                    label=tr(field.label), count=len(text), most=FIELD_CHARS
                )
            )
        if text:
            plan[field.key] = text
    return plan


def emptied_labels(values: Mapping[str, object], plan: Mapping[str, str]) -> list[str]:
    """Name the fields where something was typed but nothing visible, so nothing was kept.

    The names are the English labels (marked N_): show each with tr().
    """
    return [
        f.label for f in PLAN_FIELDS if f.key not in plan and str(values.get(f.key) or "").strip()
    ]


def _tidy(text: str) -> str:
    """Clean the text (clean_text) and trim the blank edges of each line."""
    return "\n".join(line.strip() for line in clean_text(text).strip().split("\n"))
