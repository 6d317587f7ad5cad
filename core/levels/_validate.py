"""Structuring with validator errors located at their own key.

Validators that raise :class:`core.problems.InvalidField` are located by
:func:`core.storage.tomlio.structure` already, but only once every field's type converts
(cattrs builds the record last). For a
signals file, which people write by hand, each field's validator is first run on its own value,
so an out-of-range value is reported together with any type errors in the same file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import attrs
from attrs import AttrsInstance

from core.problems import Problem
from core.storage.convert import converter
from core.storage.tomlio import KeyPath, line_of, locate_lines, render_path, structure

T = TypeVar("T", bound=AttrsInstance)


def structure_located(
    data: dict[str, Any], cls: type[T], path: Path, text: str, prefix: KeyPath = ()
) -> tuple[T | None, list[Problem]]:
    """Like :func:`core.storage.tomlio.structure`, with validator errors at the field's own line."""
    attrs.resolve_types(cls)
    lines = locate_lines(text)
    problems: list[Problem] = []
    rest = dict(data)
    for field in attrs.fields(cls):
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
