"""The safe YAML reader on its own: what it accepts, what it refuses, and where it says so."""

from __future__ import annotations

import datetime as dt

import pytest

from course.yamlsafe import MAX_DEPTH, YamlProblem, read


def test_reads_plain_data_with_lines() -> None:
    doc = read(b"title: Hello\nsteps:\n  - id: one\n    when: 2026-11-28\n  - id: two\n")
    assert doc.data == {
        "title": "Hello",
        "steps": [{"id": "one", "when": dt.date(2026, 11, 28)}, {"id": "two"}],
    }
    assert doc.line_of(("steps", 1, "id")) == 5
    assert doc.line_of(("steps", 0, "missing")) == 3
    assert doc.problems == []


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        (b"a: !!python/object/apply:os.system ['id']\n", 1, "YAML tags such as"),
        (b"a: !!python/name:os.system\n", 1, "YAML tags such as"),
        (b"a: !custom x\n", 1, "YAML tags such as"),
        (b"? !!python/tuple [1, 2]\n: v\n", 1, "a key must be plain text"),
        (b"? !!str k\n: v\n", 1, "YAML tags such as"),
        (b"a: 1\nb: &x hello\n", 2, "anchors (&name) and aliases (*name) are not allowed"),
        (b"a:\n  - *x\n", 2, "anchors (&name) and aliases (*name) are not allowed"),
        (b"[a, b]: c\n", 1, "a key must be plain text"),
        (b"a: \x00\n", 1, "YAML error"),
        (b"\xff\xfea\x00:\x00", 1, "file is not valid UTF-8"),
        (b"a: 1\n...\n---\nb: 2\n", 3, "a file holds one YAML document"),
        (b"   \n# only a comment\n", 1, "file is empty"),
    ],
)
def test_refuses_unsafe_or_surprising_input(source: bytes, line: int, message: str) -> None:
    with pytest.raises(YamlProblem) as caught:
        read(source)
    assert caught.value.line == line
    assert message in caught.value.message


@pytest.mark.parametrize("word", ["no", "No", "NO", "yes", "on", "Off"])
def test_yaml11_booleans_are_problems(word: str) -> None:
    doc = read(f"title: {word}\n".encode())
    assert doc.problems == [
        (
            ("title",),
            1,
            f"YAML reads {word!r} as {str(word.lower() in {'yes', 'on'}).lower()}; "
            f"write true or false for a yes/no setting, or put it in quotes ('{word}') "
            "if you mean the word",
        )
    ]


@pytest.mark.parametrize("text", ["'no'", '"yes"', "true", "false", "True", "y", "n"])
def test_quoted_words_and_real_booleans_are_fine(text: str) -> None:
    assert read(f"a: {text}\n".encode()).problems == []


def test_keys_are_read_as_written() -> None:
    assert read(b"on: 1\nno: 2\n").data == {"on": 1, "no": 2}


def test_duplicate_keys_are_reported_at_each_repeat() -> None:
    doc = read(b"a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert doc.data == {"a": 1, "b": {"c": 1}}
    assert doc.problems == [
        (("b", "c"), 4, "duplicate key 'c' (first given on line 3)"),
        (("a",), 5, "duplicate key 'a' (first given on line 1)"),
    ]


def test_nesting_cap() -> None:
    ok = b"a: " + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"\n"
    read(ok)
    with pytest.raises(YamlProblem, match="nesting is too deep"):
        read(b"a: " + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"\n")


def test_hostile_text_is_kept_as_plain_text() -> None:
    text = "<script>alert(1)</script> ' OR 1=1; -- \u202e \U0001f600"
    doc = read(f"body: {text!r}\n".encode())
    assert doc.data == {"body": text}


def test_bom_is_allowed() -> None:
    assert read(b"\xef\xbb\xbfa: b\n").data == {"a": "b"}
