"""JSON Schema of the content files, for editors' YAML plugins."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from course.model import Bibliography, CourseManifest, LessonFile, Quiz

KINDS: dict[str, type[BaseModel]] = {
    "lesson": LessonFile,
    "quiz": Quiz,
    "course": CourseManifest,
    "bibliography": Bibliography,
}
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def file_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema of one kind of file: 'lesson', 'quiz', 'course' or 'bibliography'."""
    schema = KINDS[kind].model_json_schema()
    return {"$schema": DIALECT, **schema}


def combined_schema() -> dict[str, Any]:
    """Return one schema that accepts a lesson, a quiz, the course manifest or the bibliography."""
    refs, schema = models_json_schema([(m, "validation") for m in KINDS.values()])
    return {
        "$schema": DIALECT,
        "title": "Recovery course content file",
        "anyOf": [refs[(m, "validation")] for m in KINDS.values()],
        **schema,
    }
