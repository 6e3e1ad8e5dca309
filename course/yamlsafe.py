"""Read YAML safely: plain data only, with the line of every key, and every surprise reported.

Built on the C parser's event stream (not on ``yaml.load``), so that:
- tags (``!!python/object`` and friends), anchors and aliases are refused as soon as they are
  seen: an alias bomb fails in microseconds instead of expanding;
- duplicate keys are errors (PyYAML's loaders silently keep the last one);
- YAML 1.1 booleans such as ``no``, ``yes``, ``on`` and ``off`` are errors: they turn text into
  ``False``; only ``true`` and ``false`` are booleans here;
- nesting and size are capped, and only UTF-8 is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_BYTES = 512 * 1024
MAX_DEPTH = 24

Path = tuple[str | int, ...]

_BOOL_WORDS = {"true", "false"}
_SCALAR_KINDS = {
    "tag:yaml.org,2002:int": "number",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:bool": "true/false value",
    "tag:yaml.org,2002:null": "empty value",
}
_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()
_resolver = yaml.resolver.Resolver()


class YamlProblem(Exception):
    """A problem that stops reading the file, with the 1-based line it is on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Document:
    """Plain data from one file, with the line of each key path and per-scalar notes."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    scalars: dict[Path, tuple[str, str]] = field(default_factory=dict)  # path -> (raw, kind)
    problems: list[tuple[Path, int, str]] = field(default_factory=list)
    explained: set[Path] = field(default_factory=set)  # scalars whose type problem is reported

    def line_of(self, path: Path) -> int:
        """Return the line of the nearest key on the path that has one."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


def decode(raw: bytes) -> str:
    """Decode UTF-8 (a BOM is allowed) or raise YamlProblem pointing at the bad byte."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(
            1, f"file is too large ({len(raw):,} bytes; the limit is {MAX_BYTES:,} bytes)"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise YamlProblem(
            line, f"file is not valid UTF-8 (byte 0x{raw[err.start]:02x}); save it as UTF-8"
        ) from None


def read(raw: bytes) -> Document:
    """Parse one YAML document into plain data, or raise YamlProblem."""
    text = decode(raw)
    builder = _Builder()
    try:
        parser = _Parser(text)
        try:
            return builder.build(parser)
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        what = err.problem or err.context or "cannot be read"
        column = f" (column {mark.column + 1})" if mark else ""
        raise YamlProblem(line, f"YAML syntax error: {what}{column}") from None
    except yaml.YAMLError as err:
        raise YamlProblem(1, f"YAML error: {err}") from None


class _Builder:
    """Turn parser events into dicts, lists and scalars, noting lines and problems."""

    def __init__(self) -> None:
        self.doc = Document(data=None)

    def build(self, parser: Any) -> Document:
        parser.get_event()  # StreamStart
        if parser.check_event(yaml.StreamEndEvent):
            raise YamlProblem(1, "file is empty; expected a mapping of keys to values")
        parser.get_event()  # DocumentStart
        self.doc.data = self._value(parser, (), 0)
        parser.get_event()  # DocumentEnd
        if not parser.check_event(yaml.StreamEndEvent):
            line = parser.peek_event().start_mark.line + 1
            raise YamlProblem(line, "a file holds one YAML document; remove the extra '---'")
        return self.doc

    def _value(self, parser: Any, path: Path, depth: int) -> Any:
        event = parser.get_event()
        line = event.start_mark.line + 1
        _refuse_references(event, line)
        if depth > MAX_DEPTH:
            raise YamlProblem(line, f"nesting is too deep (more than {MAX_DEPTH} levels)")
        if isinstance(event, yaml.CollectionStartEvent) and event.tag not in (None, "!"):
            raise YamlProblem(line, f"YAML tags such as '{event.tag}' are not allowed")
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(parser, path, depth)
        if isinstance(event, yaml.SequenceStartEvent):
            return self._sequence(parser, path, depth)
        return self._scalar(event, path, line)

    def _mapping(self, parser: Any, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while not parser.check_event(yaml.MappingEndEvent):
            key_event = parser.peek_event()
            line = key_event.start_mark.line + 1
            key = self._key(parser, line)
            if key in result:
                first = self.doc.lines[(*path, key)]
                self.doc.problems.append(
                    ((*path, key), line, f"duplicate key '{key}' (first given on line {first})")
                )
                self._value(parser, (*path, key), depth + 1)
                continue
            self.doc.lines[(*path, key)] = line
            result[key] = self._value(parser, (*path, key), depth + 1)
        parser.get_event()
        return result

    def _key(self, parser: Any, line: int) -> str:
        event = parser.get_event()
        _refuse_references(event, line)
        if not isinstance(event, yaml.ScalarEvent):
            raise YamlProblem(line, "a key must be plain text, not a list or a mapping")
        if event.tag not in (None, "!"):
            raise YamlProblem(line, f"YAML tags such as '{event.tag}' are not allowed")
        return str(event.value)  # keys are names: read as written, never as true/false

    def _sequence(self, parser: Any, path: Path, depth: int) -> list[Any]:
        result: list[Any] = []
        while not parser.check_event(yaml.SequenceEndEvent):
            index = len(result)
            self.doc.lines[(*path, index)] = parser.peek_event().start_mark.line + 1
            result.append(self._value(parser, (*path, index), depth + 1))
        parser.get_event()
        return result

    def _scalar(self, event: Any, path: Path, line: int) -> Any:
        if event.tag not in (None, "!"):
            raise YamlProblem(line, f"YAML tags such as '{event.tag}' are not allowed")
        tag = _resolve(event)
        if tag == "tag:yaml.org,2002:str":
            return event.value
        self.doc.scalars[path] = (event.value, _SCALAR_KINDS.get(tag, tag))
        if tag == "tag:yaml.org,2002:bool" and event.value.lower() not in _BOOL_WORDS:
            self.doc.explained.add(path)
            self.doc.problems.append(
                (path, line, _yaml11_bool_message(event.value, event.value.lower() in _TRUE))
            )
        node = yaml.ScalarNode(tag, event.value)
        return _constructor.construct_object(node, deep=True)


_TRUE = {"yes", "y", "on"}


def _yaml11_bool_message(raw: str, value: bool) -> str:
    return (
        f"YAML reads {raw!r} as {str(value).lower()}; write true or false for a yes/no "
        f"setting, or put it in quotes ('{raw}') if you mean the word"
    )


def _resolve(event: Any) -> str:
    implicit = event.implicit
    if not implicit[0]:  # quoted: always text
        return "tag:yaml.org,2002:str"
    return str(_resolver.resolve(yaml.ScalarNode, event.value, implicit))  # type: ignore[no-untyped-call]


def _refuse_references(event: Any, line: int) -> None:
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
        raise YamlProblem(
            line,
            "anchors (&name) and aliases (*name) are not allowed; write the content out in full",
        )
