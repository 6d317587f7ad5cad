"""Structuring with validator errors located at their own key.

An attrs validator runs inside ``__init__``, so when cattrs reports its error it only knows the
record, not the field: the problem would point at the table's line. Here each field's validator
is first run on its own value, so a bad value names its key and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import attrs

from core.convert import converter
from core.problems import Problem
from core.tomlio import KeyPath, line_of, locate_lines, render_path, structure

T = TypeVar("T")


def structure_located(
    data: dict[str, Any], cls: type[T], path: Path, text: str, prefix: KeyPath = ()
) -> tuple[T | None, list[Problem]]:
    """Like :func:`core.tomlio.structure`, with validator errors at the field's own line."""
    attrs.resolve_types(cls)  # type: ignore[type-var]
    lines = locate_lines(text)
    problems: list[Problem] = []
    rest = dict(data)
    for field in attrs.fields(cls):  # type: ignore[arg-type]
        if field.name not in data or field.validator is None:
            continue
        try:
            value = converter.structure(data[field.name], field.type)
        except Exception:  # a type error: structure() below reports it
            continue
        try:
            field.validator(None, field, value)
        except ValueError as exc:
            key = (*prefix, field.name)
            problems.append(Problem(path, line_of(lines, key), str(exc), render_path(key)))
            rest.pop(field.name)
    record, found = structure(converter, rest, cls, path, text, prefix)
    problems.extend(found)
    return (None if problems else record), problems
