"""Print-ready HTML pages: a lesson handout and a family support plan.

Everything a file or a person wrote is escaped: markdown is rendered with raw HTML turned off
and only http(s) and mailto links kept. The pages carry no scripts and load nothing.

A page comes out in one language: the app's words (tr) and the course's own text both in the
language given, else the current one (course.i18n.current()). A download made when clicked runs
outside the script run, so its caller passes the language it had.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import date

from markdown_it import MarkdownIt

from course import i18n
from course.i18n import N_, current, ntr, tr, use
from course.model import (
    PRACTICE_FIELDS,
    CalloutStep,
    CardsStep,
    CheckStep,
    CommitmentStep,
    ComparisonStep,
    Course,
    DiscussionStep,
    DrillStep,
    Lesson,
    MultipleChoice,
    PracticeStep,
    ReflectionStep,
    ScenarioStep,
    SingleChoice,
    Step,
    TextStep,
    TimelineStep,
    TrueFalse,
)
from course.plan import PLAN_FIELDS

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
_SAFE_LINK = ("http://", "https://", "mailto:")
_MD.validateLink = lambda url: url.strip().lower().startswith(_SAFE_LINK)  # type: ignore[method-assign]

PRINT_CSS = """
@page { size: auto; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 12pt;
  line-height: 1.45; color: #111; max-width: 46em; margin: 0 auto; padding: 1em; }
h1 { font-size: 20pt; margin: 0 0 .2em; } h2 { font-size: 14pt; margin: 1.2em 0 .3em; }
.muted { color: #444; font-size: 10pt; }
section, .box, table, .card { break-inside: avoid; }
.box { border: 2px solid #333; border-radius: 6px; padding: .5em .8em; margin: .6em 0; }
.warning { border-color: #a40000; } .tip { border-color: #1b5e20; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; font-size: 10.5pt; }
th, td { border: 1px solid #777; padding: .3em .4em; text-align: left; vertical-align: top; }
.lines { border-bottom: 1px solid #999; height: 1.8em; }
span.lines { display: inline-block; width: 20em; height: 1.2em; }
td.write { width: 40%; min-height: 4em; height: 4em; }
ul.plain { list-style: none; padding-left: .5em; }
.answer { white-space: pre-wrap; border: 1px solid #999; border-radius: 4px; padding: .4em .6em;
  min-height: 3.2em; }
.crisis { border: 3px solid #111; padding: .5em .8em; margin-top: 1.5em; break-inside: avoid; }
a { color: #0b3d91; }
a[href^="http"]:not(.url)::after { content: " (" attr(href) ")"; font-size: 9pt; }
@media print { body { padding: 0; } .noprint { display: none; } }
"""


def markdown_html(text: str) -> str:
    """Render author markdown as HTML with any raw HTML shown as text."""
    return str(_MD.render(text))


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def page(title: str, body: Iterable[str]) -> str:
    """Wrap the body in a complete, self-contained HTML document (in the current language)."""
    return (
        f'<!doctype html>\n<html lang="{esc(current())}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{PRINT_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def handout_html(
    course: Course,
    lesson: Lesson,
    *,
    audience: str | None = None,
    language: str | None = None,
) -> str:
    """Render a lesson as a printable handout: its steps, sources and the crisis resources.

    In `language` (default: the current one): the app's words, and the course and lesson as
    translated where they are.
    """
    language = language or current()
    translated = course.in_language(language)
    if translated is not course:  # the same lesson, in the page's language
        course, lesson = translated, translated.lessons.get(lesson.id, lesson)
    with use(language):
        steps = [s for s in lesson.steps if audience is None or s.audience in ("both", audience)]
        not_advice = esc(tr("This is education, not medical advice."))
        you_will = _h2(N_("In this lesson you will"))
        parts = [
            f"<header><p class='muted'>{esc(course.title)}</p><h1>{esc(lesson.title)}</h1>",
            f"<p>{esc(lesson.summary)}</p>",
            f"<p class='muted'>{_review_note(lesson)} {not_advice}</p>",
            "</header>",
            f"{you_will}<ul>",
            *(f"<li>{esc(o)}</li>" for o in lesson.objectives),
            "</ul>",
            *(_step_html(step) for step in steps),
            _sources_html(lesson),
            crisis_html(course),
        ]
        return page(tr("{title} (handout)").format(title=lesson.title), parts)


def _review_note(lesson: Lesson) -> str:
    if lesson.reviewed.clinical:
        return esc(
            tr("Reviewed {date} by a {role}.").format(
                date=i18n.date_text(lesson.reviewed.date, "%B %Y", "yMMMM"),
                role=lesson.reviewed.reviewer_role,
            )
        )
    return esc(tr("This lesson has not yet been reviewed by a clinician."))


def _h2(text: str) -> str:
    """A heading of the app's own words, in the page's language."""
    return f"<h2>{esc(tr(text))}</h2>"


def _step_html(step: Step) -> str:
    title = f"<h2>{esc(step.title)}</h2>" if step.title else ""
    if isinstance(step, TextStep):
        return f"<section>{title}{markdown_html(step.body)}</section>"
    if isinstance(step, CalloutStep):
        return f"<section class='box {step.style}'>{title}{markdown_html(step.body)}</section>"
    if isinstance(step, TimelineStep):
        rows = "".join(
            f"<tr><td>{esc(e.label)}</td><td>{when(e.start, e.end, step.unit)}</td>"
            f"<td>{esc(e.detail or '')}</td></tr>"
            for e in step.events
        )
        head = (
            "<tr>"
            + "".join(
                f"<th>{esc(tr(h))}</th>" for h in (N_("What happens"), N_("When"), N_("More"))
            )
            + "</tr>"
        )
        return f"<section>{title}{_md(step.body)}<table>{head}{rows}</table></section>"
    if isinstance(step, ComparisonStep):
        head = "<tr><th></th>" + "".join(f"<th>{esc(c)}</th>" for c in step.columns) + "</tr>"
        rows = "".join(
            f"<tr><th>{esc(r.label)}</th>" + "".join(f"<td>{esc(c)}</td>" for c in r.cells)
            for r in step.rows
        )
        return f"<section>{title}{_md(step.body)}<table>{head}{rows}</table></section>"
    if isinstance(step, CardsStep):
        myth, fact = esc(tr("Myth:")), esc(tr("Fact:"))
        cards = "".join(
            f"<div class='box card'><p><strong>{myth}</strong> {esc(c.myth)}</p>"
            f"<strong>{fact}</strong> {markdown_html(c.fact)}</div>"
            for c in step.cards
        )
        return f"<section>{title}{_md(step.body)}{cards}</section>"
    if isinstance(step, CheckStep):
        head = title or _h2(N_("Quick check"))
        return f"<section>{head}{_question_html(step)}</section>"
    if isinstance(step, ReflectionStep):
        lines = "<div class='lines'></div>" * 4  # room to write on paper
        head = title or _h2(N_("Think about it"))
        return f"<section>{head}{markdown_html(step.prompt)}{lines}</section>"
    if isinstance(step, DiscussionStep):
        head = title or _h2(N_("Talk it over"))
        return f"<section>{head}{markdown_html(step.prompt)}</section>"
    return _practice_html(step, title)


def _practice_html(step: Step, title: str) -> str:
    """Render the steps one practises with, for paper: a story to follow, forms to fill in."""
    if isinstance(step, ScenarioStep):
        heading = title or _h2(N_("A story: what would you do?"))
        return f"<section>{heading}{_scenario_html(step)}"
    if isinstance(step, PracticeStep):
        rows = "".join(
            f"<tr><th>{esc(tr(label))}</th><td>{esc(step.example.get(name, ''))}</td>"
            "<td class='write'></td></tr>"
            for name, label, _ in PRACTICE_FIELDS[step.exercise]
        )
        example, yours = esc(tr("A worked example")), esc(tr("Your turn"))
        head = f"<tr><th></th><th>{example}</th><th>{yours}</th></tr>"
        heading = title or _h2(N_("Practice"))
        return f"<section>{heading}{_md(step.body)}<table>{head}{rows}</table></section>"
    if isinstance(step, CommitmentStep):
        items = "".join(f"<li>&#9744; {esc(option)}</li>" for option in step.options)
        if step.allow_own:
            own = esc(tr("Something else:"))
            items += f"<li>&#9744; {own} <span class='lines'></span></li>"
        heading = title or _h2(N_("Try this before next time"))
        prompt = markdown_html(step.prompt)
        return f"<section>{heading}{prompt}<ul class='plain'>{items}</ul></section>"
    if isinstance(step, DrillStep):
        answer = esc(tr("Answer:"))
        items = "".join(
            f"<li>{markdown_html(item.prompt)}<p class='muted'>{answer} "
            f"{esc(_drill_answer(item))}</p></li>"
            for item in step.items
        )
        heading = title or _h2(N_("Quick round"))
        return f"<section>{heading}{_md(step.body)}<ol>{items}</ol></section>"
    return ""


def _scenario_html(step: ScenarioStep) -> str:
    """Number the story's points in order; each choice says which point to read next."""
    number = {node.id: n for n, node in enumerate(step.nodes, start=1)}
    parts = [_md(step.body)]
    for node in step.nodes:
        point = esc(tr("Point {number}").format(number=number[node.id]))
        parts.append(f"<div class='box'><h3>{point}</h3>{markdown_html(node.text)}")
        if node.is_ending:
            take = esc(tr("What to take from this:"))
            parts.append(f"<p><strong>{take}</strong></p>{_md(node.debrief)}")
        else:
            go_to = tr("Go to point {number}.")
            choices = "".join(
                f"<li>{esc(c.text)} <em>{esc(go_to.format(number=number[c.next]))}</em></li>"
                for c in node.choices
            )
            parts.append(f"<ol type='A'>{choices}</ol>")
        parts.append("</div>")
    return "".join(parts) + "</section>"


def _drill_answer(item: SingleChoice | TrueFalse) -> str:
    if isinstance(item, TrueFalse):
        return tr("True") if item.answer else tr("False")
    return next(o.text for o in item.options if o.correct)


def _question_html(step: CheckStep) -> str:
    question = step.question
    out = [markdown_html(question.prompt)]
    if isinstance(question, SingleChoice | MultipleChoice):
        out.append("<ol type='A'>" + "".join(f"<li>{esc(o.text)}</li>" for o in question.options))
        out.append("</ol>")
    elif isinstance(question, TrueFalse):
        out.append("<p>" + esc(tr("True or false?")) + "</p>")
    answer = esc(tr("Answer"))
    out.append(f"<details open><summary>{answer}</summary>{markdown_html(question.explanation)}")
    return "".join(out) + "</details>"


def when(start: float, end: float, unit: str) -> str:
    """Say when a timeline event happens in words: "right away", "2 to 3 minutes", "1 to 3 days"."""
    if start == end == 0:
        return tr("Right away")
    if unit == "hours" and end < 1:
        start, end, unit = round(start * 60, 1), round(end * 60, 1), "minutes"
    units = _unit_words(unit, end)
    if start == 0:
        return tr("Up to {end} {units}").format(end=f"{end:g}", units=units)
    if start == end:
        return tr("{end} {units}").format(end=f"{end:g}", units=units)
    return tr("{start} to {end} {units}").format(start=f"{start:g}", end=f"{end:g}", units=units)


def _unit_words(unit: str, end: float) -> str:
    """Name the unit of time, singular for exactly one ("1 week"), else plural ("0.5 hours")."""
    n = 1 if end == 1 else 2  # a count the plural rule reads; ends need not be whole numbers
    if unit == "minutes":
        return ntr("minute", "minutes", n)
    if unit == "hours":
        return ntr("hour", "hours", n)
    if unit == "days":
        return ntr("day", "days", n)
    if unit == "weeks":
        return ntr("week", "weeks", n)
    if unit == "months":
        return ntr("month", "months", n)
    return unit.removesuffix("s") if n == 1 else unit


def _md(text: str | None) -> str:
    return markdown_html(text) if text else ""


def _sources_html(lesson: Lesson) -> str:
    items = "".join(
        f"<li>{esc(s.title)}. {esc(s.publisher)}, {s.year}. "
        f"<a class='url' href='{esc(s.url)}'>{esc(s.url)}</a></li>"
        for s in lesson.sources
    )
    head = _h2(N_("Sources"))
    return f"<section>{head}<ol class='muted'>{items}</ol></section>"


def crisis_html(course: Course) -> str:
    """Render the course's crisis resources as a box for the end of a printed page."""
    items = "".join(
        f"<li><strong>{esc(r.name)}: {esc(r.contact)}.</strong> {esc(r.detail)}</li>"
        for r in course.manifest.crisis_resources
    )
    head = _h2(N_("Help right now"))
    return f"<aside class='crisis'>{head}<ul>{items}</ul></aside>"


def plan_html(
    course: Course, plan: Mapping[str, str], *, made_on: date, language: str | None = None
) -> str:
    """Render a family support plan as a printable page, with the crisis resources.

    In `language` (default: the current one), the course's crisis resources too.
    """
    language = language or current()
    course = course.in_language(language)
    with use(language):
        title = tr("Our family support plan")
        made = tr("Made on {date}.").format(date=i18n.date_text(made_on, "%B %-d, %Y", "yMMMMd"))
        keep = tr("Keep it where everyone can find it.")
        not_advice = tr("This is education, not medical advice.")
        parts = [
            f"<header><p class='muted'>{esc(course.title)}</p><h1>{esc(title)}</h1>",
            f"<p class='muted'>{esc(made)} {esc(keep)} {esc(not_advice)}</p></header>",
        ]
        for field in PLAN_FIELDS:
            text = plan.get(field.key, "")
            parts.append(
                f"<section><h2>{esc(tr(field.label))}</h2>"
                f"<p class='muted'>{esc(tr(field.help))}</p>"
                f"<div class='answer'>{esc(text)}</div></section>"
            )
        parts.append(crisis_html(course))
        return page(title, parts)
