"""Problems found in course content, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, pointing at a line and a key path."""

    path: str
    line: int
    key: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        prefix = "warning: " if self.severity == "warning" else ""
        if self.key:
            return f"{where}: {self.key}: {prefix}{self.message}"
        return f"{where}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def harden(problems: Iterable[Problem]) -> list[Problem]:
    """Turn warnings into errors, as --strict asks."""
    return [
        Problem(p.path, p.line, p.key, p.message, "error") if not p.is_error else p
        for p in problems
    ]


class ContentError(Exception):
    """Raised when content has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
