"""Scenario steps as graphs: every point reachable, every path ending, endings debriefed.

A scenario is a small story told as nodes: each node says what happens and offers two to four
choices, each leading to another node; a node with no choices is an ending and carries a
debrief. The checks here need the whole step (and, for pictures, the content folder), so they
run after the lesson file validated, each pointing at the node or choice at fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

from course.messages import did_you_mean, format_key
from course.model import LessonFile, ScenarioStep
from course.problems import Problem
from course.yamlsafe import Path

if TYPE_CHECKING:
    from course.loader import Loaded

MIN_CHOICES = 2
# A picture is read on a phone, often over a slow line.
MAX_IMAGE_BYTES = 500_000


def check(lessons: list[Loaded[LessonFile]], root: FsPath) -> list[Problem]:
    """Return every problem with the lessons' scenario steps."""
    problems = []
    for item in lessons:
        if item.model is None:
            continue
        for index, step in enumerate(item.model.steps):
            if isinstance(step, ScenarioStep):
                at: Path = ("steps", index)
                for path, message in [*graph_problems(step), *_image_problems(step, root)]:
                    full = (*at, *path)
                    line = item.doc.line_of(full) if item.doc else 1
                    problems.append(Problem(item.rel, line, format_key(full), message))
    return problems


def graph_problems(step: ScenarioStep) -> Iterator[tuple[Path, str]]:
    """Yield (path within the step, message) for each way the story's graph is broken."""
    index = {node.id: n for n, node in enumerate(step.nodes)}
    if step.start not in index:
        yield ("start",), f"no node '{step.start}'{did_you_mean(step.start, list(index))}"
        return
    broken = False
    for n, node in enumerate(step.nodes):
        if node.is_ending and not node.debrief:
            yield ("nodes", n), f"node '{node.id}' ends the story (no choices) but has no debrief"
        if not node.is_ending and len(node.choices) < MIN_CHOICES:
            yield (
                ("nodes", n, "choices"),
                f"node '{node.id}' has one choice; give two to four, or none to end the story",
            )
        if not node.is_ending and node.debrief:
            yield (
                ("nodes", n, "debrief"),
                (
                    f"node '{node.id}' has choices, so the story goes on; a debrief belongs to an "
                    "ending (a node without choices)"
                ),
            )
        for c, choice in enumerate(node.choices):
            if choice.next not in index:
                broken = True
                yield (
                    ("nodes", n, "choices", c, "next"),
                    (f"no node '{choice.next}'{did_you_mean(choice.next, list(index))}"),
                )
            elif choice.next == node.id:
                broken = True
                yield (
                    ("nodes", n, "choices", c, "next"),
                    (f"choice leads back to node '{node.id}' itself; the story would not move"),
                )
    if broken:
        return  # the rest needs every edge to land somewhere
    yield from _unreachable(step, index)
    yield from _loops(step, index)
    yield from _dead_ends(step, index)


def _edges(step: ScenarioStep, *, with_loops: bool = True) -> dict[str, list[str]]:
    return {
        node.id: [c.next for c in node.choices if with_loops or not c.loop] for node in step.nodes
    }


def _reach(edges: dict[str, list[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in edges[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _unreachable(step: ScenarioStep, index: dict[str, int]) -> Iterator[tuple[Path, str]]:
    reached = _reach(_edges(step), step.start)
    for node in step.nodes:
        if node.id not in reached:
            yield (
                ("nodes", index[node.id]),
                (f"node '{node.id}' can't be reached from the start '{step.start}'"),
            )


def _loops(step: ScenarioStep, index: dict[str, int]) -> Iterator[tuple[Path, str]]:
    """Report a choice that closes a cycle unless it is marked `loop: true`."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    found: list[tuple[str, int]] = []

    def visit(node_id: str) -> None:
        state[node_id] = 1
        node = step.nodes[index[node_id]]
        for c, choice in enumerate(node.choices):
            if choice.loop:
                continue
            if state.get(choice.next) == 1:
                found.append((node_id, c))
            elif choice.next not in state:
                visit(choice.next)
        state[node_id] = 2

    for node in step.nodes:
        if node.id not in state:
            visit(node.id)
    for node_id, c in found:
        target = step.nodes[index[node_id]].choices[c].next
        yield (
            ("nodes", index[node_id], "choices", c, "next"),
            (
                f"this choice goes back to '{target}', so the story can go round in a loop; "
                "mark it `loop: true` if that is meant"
            ),
        )


def _dead_ends(step: ScenarioStep, index: dict[str, int]) -> Iterator[tuple[Path, str]]:
    """Report nodes from which no ending can be reached (the story would never end)."""
    edges = _edges(step)
    endings = {n.id for n in step.nodes if n.is_ending}
    if not endings:
        yield ("nodes",), "no node ends the story; give at least one node no choices"
        return
    for node in step.nodes:
        if node.is_ending or node.id not in _reach(edges, step.start):
            continue
        if not _reach(edges, node.id) & endings:
            yield (
                ("nodes", index[node.id]),
                (f"from node '{node.id}' no path reaches an ending; the story would never end"),
            )


def _image_problems(step: ScenarioStep, root: FsPath) -> Iterator[tuple[Path, str]]:
    if step.image is None:
        return
    found = (root / step.image.file).resolve()
    if not found.is_relative_to(root.resolve()) or not found.is_file():
        yield ("image", "file"), f"no picture at '{step.image.file}' under the content folder"
    elif found.stat().st_size > MAX_IMAGE_BYTES:
        yield (
            ("image", "file"),
            (
                f"'{step.image.file}' is {found.stat().st_size:,} bytes; keep a picture under "
                f"{MAX_IMAGE_BYTES:,} bytes so it loads on a phone"
            ),
        )
