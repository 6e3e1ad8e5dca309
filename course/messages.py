"""Turn pydantic validation errors into plain-word messages at a key path and line."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from course.yamlsafe import Document, Path

ID_PATTERN_HINT = "use lowercase letters, digits and single hyphens, e.g. 'nida-words-matter'"


def quoted(values: typing.Iterable[object]) -> str:
    """Return values as a comma-separated list of quoted strings."""
    return ", ".join(repr(str(v)) for v in values)


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    """Return ' (did you mean 'x'?)' when a choice is close to the word, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def format_key(path: Path) -> str:
    """Render ('steps', 3, 'sources', 0) as 'steps[3].sources[0]'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def explain(
    err: ValidationError, model: type[BaseModel], doc: Document
) -> Iterator[tuple[Path, int, str]]:
    """Yield (data path, line, message) for each error, skipping ones the reader explained."""
    for detail in err.errors(include_url=False):
        path = _data_path(doc.data, detail["loc"], detail["type"] == "missing")
        if path in doc.explained:
            continue
        message = _message(detail, _model_at(model, detail["loc"]), doc.scalars.get(path))
        yield path, doc.line_of(path), message


def _data_path(data: Any, loc: tuple[int | str, ...], is_missing: bool) -> Path:
    """Follow loc through the data, dropping parts that are union tags, not keys."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        elif is_missing and index == len(loc) - 1:
            pass  # a missing key: keep it in the path
        else:
            continue
        path.append(part)
    return tuple(path)


def _message(detail: ErrorDetails, owner: type[BaseModel] | None, raw: Any) -> str:
    kind, ctx, last = detail["type"], detail.get("ctx", {}), _last(detail["loc"])
    if kind == "missing":
        return f"required key '{last}' is missing"
    if kind == "extra_forbidden":
        allowed = sorted(owner.model_fields) if owner else []
        hint = did_you_mean(str(last), allowed)
        return f"unknown key '{last}'{hint}; allowed: {', '.join(allowed)}"
    if kind == "union_tag_invalid":
        expected = ctx.get("expected_tags", "")
        hint = did_you_mean(str(ctx.get("tag")), expected.replace("'", "").split(", "))
        return f"unknown kind '{ctx.get('tag')}'{hint}; allowed: {expected}"
    if kind == "union_tag_not_found":
        return f"required key '{ctx.get('discriminator', 'kind').strip(chr(39))}' is missing"
    if kind == "string_type" and raw is not None:
        return f"expected text, but YAML reads {raw[0]!r} as a {raw[1]}; put it in quotes"
    return _simple_message(kind, ctx, detail)


def _last(loc: tuple[int | str, ...]) -> int | str:
    return loc[-1] if loc else ""


_SIMPLE = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "date_type": "expected a date written like 2026-11-28",
    "date_parsing": "expected a date written like 2026-11-28",
    "date_from_datetime_parsing": "expected a date written like 2026-11-28",
    "date_from_datetime_inexact": "expected a date without a time, like 2026-11-28",
    "list_type": "expected a list (lines starting with '- ')",
    "model_type": "expected a mapping (lines of 'key: value')",
    "model_attributes_type": "expected a mapping (lines of 'key: value')",
    "dict_type": "expected a mapping (lines of 'key: value')",
    "string_too_short": "must not be empty",
}


def _simple_message(kind: str, ctx: dict[str, Any], detail: ErrorDetails) -> str:
    if kind in _SIMPLE:
        return _SIMPLE[kind]
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        if "http" in pattern:
            return f"{detail['input']!r} is not a web address; start it with https://"
        if "mp3" in pattern:
            return (
                f"{detail['input']!r} is not a recording the course can play: give a path in "
                "the content folder ending in .mp3 or .ogg, e.g. audio/withdrawal-intro.mp3"
            )
        if "png" in pattern:
            return (
                f"{detail['input']!r} is not a picture the course can show: give a path in the "
                "content folder ending in .png, .jpg or .webp, e.g. images/party.png"
            )
        return f"{detail['input']!r} is not a valid id; {ID_PATTERN_HINT}"
    if kind == "literal_error":
        return f"{detail['input']!r} is not allowed; allowed: {ctx.get('expected')}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"has too many items (at most {ctx.get('max_length')})"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}; got {detail['input']}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}; got {detail['input']}"
    if kind == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    return str(detail["msg"])


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """Return the model class that holds the last part of loc."""
    current: Any = model
    for part in loc[:-1]:
        current = _descend(current, part)
        if current is None:
            return None
    return _as_model(current)


def _descend(tp: Any, part: int | str) -> Any:
    tp = _unwrap(tp)
    if isinstance(part, int):
        return _unwrap(get_args(tp)[0]) if get_origin(tp) is list else None
    model = _as_model(tp)
    if model is not None:
        field = model.model_fields.get(part)
        return _unwrap(field.annotation) if field else None
    for member in _union_members(tp):
        kind = getattr(member, "model_fields", {}).get("kind")
        if kind is not None and part in get_args(kind.annotation):
            return member
    return None


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    members = [m for m in _union_members(tp) if m is not type(None)]
    return members[0] if len(members) == 1 else tp


def _union_members(tp: Any) -> tuple[Any, ...]:
    if get_origin(tp) in (Union, types.UnionType):
        return tuple(_unwrap(m) for m in get_args(tp))
    return ()


def _as_model(tp: Any) -> type[BaseModel] | None:
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None
