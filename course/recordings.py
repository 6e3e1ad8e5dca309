"""Recorded audio for lesson steps: the file is there, is MP3 or Ogg, and is small for a phone.

A step may name a recording (``audio: audio/some-step.mp3``, a path from the content root);
Listen then plays it instead of the device's voice, and the step's own text is its transcript.
A learner often listens on a phone over a slow or metered line, so a recording is kept under
MAX_AUDIO_BYTES: 1 MB holds about two minutes of speech at 64 kbit/s, longer than any step
takes to read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

from course.messages import format_key
from course.model import LessonFile, Step
from course.problems import Problem
from course.yamlsafe import Path

if TYPE_CHECKING:
    from course.loader import Loaded

MAX_AUDIO_BYTES = 1_000_000
MIME_TYPES = {".mp3": "audio/mpeg", ".ogg": "audio/ogg"}


def check(lessons: list[Loaded[LessonFile]], root: FsPath) -> list[Problem]:
    """Return a problem, at the step's `audio:` line, for each recording that can't be played."""
    problems = []
    for item in lessons:
        if item.model is None:
            continue
        for index, step in enumerate(item.model.steps):
            for message in audio_problems(step, root):
                at: Path = ("steps", index, "audio")
                line = item.doc.line_of(at) if item.doc else 1
                problems.append(Problem(item.rel, line, format_key(at), message))
    return problems


def audio_problems(step: Step, root: FsPath) -> Iterator[str]:
    if step.audio is None:
        return
    found = (root / step.audio).resolve()
    if not found.is_relative_to(root.resolve()) or not found.is_file():
        yield f"no recording at '{step.audio}' under the content folder"
        return
    size = found.stat().st_size
    if size > MAX_AUDIO_BYTES:
        yield (
            f"'{step.audio}' is {size:,} bytes; keep a recording under {MAX_AUDIO_BYTES:,} bytes "
            "so it plays quickly on a phone (about two minutes of speech at 64 kbit/s)"
        )
    with found.open("rb") as f:
        head = f.read(4)
    if not is_audio(head, found.suffix):
        kind = "an Ogg" if found.suffix == ".ogg" else "an MP3"
        yield f"'{step.audio}' is not {kind} file (its first bytes say otherwise)"


def is_audio(head: bytes, suffix: str) -> bool:
    """Tell whether a file's first bytes are those of an Ogg or MP3 file, as its name says."""
    if suffix == ".ogg":
        return head.startswith(b"OggS")
    # MP3: an ID3 tag, or straight away an MPEG audio frame (11 sync bits set).
    return head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] >= 0xE0)


def mime_type(path: str) -> str:
    return MIME_TYPES[FsPath(path).suffix]
