"""A cohort's xAPI statements, read from the store in batches and written out as a stream.

Streamlit keeps a download's bytes in memory (its media file manager reads a callable's
result, or a file, whole), so the dashboard offers the statements gzip-compressed: the JSON is
written chunk by chunk through gzip into a temporary file, and only the compressed bytes (about
a ninth of the JSON) are ever held whole. benchmarks/bench_xapi.py measures it.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

from course.model import Quiz
from course.period import Period
from course.store.limits import Limits
from course.store.reports import Reports
from course.xapi import AnswerRecord, CompletionRecord, QuizRecord, Scope, Statement, statements

T = TypeVar("T")
HOME_PAGE_ENV = "COURSE_XAPI_HOME_PAGE"
STATEMENTS_PER_CHUNK = 500


def pseudonyms(limits: Limits, cohort_id: int) -> Callable[[int], str]:
    """Return the actor name of each learner: a keyed hash of the cohort and the learner.

    The key is the app's own (``app_secrets``), so nobody without the database can link a name
    to a learner id; the cohort is hashed in, so one person's names in two cohorts differ, and
    every export of one cohort names them alike.
    """
    names: dict[int, str] = {}

    def name(learner_id: int) -> str:
        if learner_id not in names:
            proof = limits.sign(f"xapi-actor|{cohort_id}|{learner_id}")
            # base64url may start with "-", which a CSV export must escape as "'-…" (a formula
            # start), so that name would differ between the CSV and the xAPI. "~" is outside the
            # base64url alphabet: no two learners can end up with one name.
            names[learner_id] = "~" + proof[1:] if proof.startswith("-") else proof
        return names[learner_id]

    return name


def home_page(fallback: str) -> str:
    """Return the accounts' homePage: COURSE_XAPI_HOME_PAGE if set, else the fallback."""
    # A fixed setting keeps actors the same whichever address the counselor used.
    return os.environ.get(HOME_PAGE_ENV) or fallback


def cohort_statements(
    reports: Reports,
    limits: Limits,
    quizzes: Mapping[str, Quiz],
    *,
    base: str,
    home_page: str,
    period: Period | None = None,
) -> Iterator[Statement]:
    """Yield the cohort's statements (in the period), reading answers in batches."""
    scope = Scope(base, home_page, pseudonyms(limits, reports.cohort_id), quizzes)
    answers = (AnswerRecord(*row) for row in reports.attempts(period))
    completions = (CompletionRecord(*row) for row in _later(lambda: reports.completions(period)))
    outcomes = (QuizRecord(*row) for row in _later(lambda: reports.results(period)))
    return statements(answers, completions, outcomes, scope)


def json_chunks(found: Iterable[Statement]) -> Iterator[bytes]:
    """Write statements as one JSON array, a statement per line, in chunks of UTF-8."""
    lines: list[str] = ["["]
    separator = "\n"
    for s in found:
        lines.append(separator + json.dumps(s, ensure_ascii=False, separators=(",", ":")))
        separator = ",\n"
        if len(lines) >= STATEMENTS_PER_CHUNK:
            yield "".join(lines).encode()
            lines = []
    yield ("".join(lines) + "\n]\n").encode()


def gzipped(chunks: Iterable[bytes]) -> bytes:
    """Compress chunks through a temporary file; return only the compressed bytes."""
    # A BytesIO would hold the compressed data twice at the end (getvalue copies it).
    with tempfile.TemporaryFile() as file:
        # mtime=0: the same statements give the same bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=file, mtime=0) as packed:
            for chunk in chunks:
                packed.write(chunk)
        file.seek(0)
        return file.read()


def _later(read: Callable[[], Iterable[T]]) -> Iterator[T]:
    """Yield what read() returns, calling it only when the first item is wanted."""
    yield from read()
