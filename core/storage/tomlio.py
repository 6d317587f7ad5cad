"""Reading and writing TOML documents with errors that point at a file, a line and a field.

``tomllib`` knows where a syntax error is but not where a key lives, so validation errors are
mapped back to lines with :func:`locate_lines`, a small scanner that records the line of every
key path in a document (tables, arrays of tables, dotted keys).

Documents are parsed by ``toml-rs`` (TOML 1.0, compiled) when it is installed: about ten times
faster than ``tomllib`` on case files, which decides how fast a desk opens without its index and
how fast ``check`` runs (``tests/bench/bench_toml.py`` measures the parsers on our files). It
gives the same values (``tests/core/test_toml_parsers.py``); anything it refuses, and any
document nested deep enough to exhaust its stack, is parsed by ``tomllib``, so the error a user
sees, and its line, are ``tomllib``'s either way.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from core.problems import InvalidField, Problem
from core.storage import tomlwrite
from core.storage.deskfiles import FileKind, read_or_problem

_compiled_loads: Callable[..., dict[str, Any]] | None
try:
    from toml_rs import loads as _toml_rs_loads
except ImportError:  # pragma: no cover - the compiled parser is optional
    _compiled_loads = None
else:
    _compiled_loads = _toml_rs_loads

#: documents with more brackets than this go to ``tomllib``: the compiled parser recurses on the
#: C stack and crashes (it cannot raise) a few thousand levels down
COMPILED_MAX_BRACKETS = 512

T = TypeVar("T")
KeyPath = tuple[str | int, ...]

_SYNTAX_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*(\]\]?)\s*(#.*)?$")
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")


def _split_key(raw: str) -> list[str]:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)", raw)
    return [a or b or c for a, b, c in parts]


def locate_lines(text: str) -> dict[KeyPath, int]:
    """Map every key path in a TOML document to the 1-based line that defines it."""
    lines: dict[KeyPath, int] = {}
    table: KeyPath = ()
    array_counts: dict[KeyPath, int] = {}
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                # an array of tables: each [[a.b]] appends an element to the array at a.b
                base = _resolve(tuple(names), array_counts)
                index = array_counts.get(base, -1) + 1
                array_counts[base] = index
                table = (*base, index)
                lines.setdefault(base, number)
            else:
                table = _resolve(tuple(names), array_counts)
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = (*table, *_split_key(key.group(1)))
            lines.setdefault(path, number)
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return lines


def _resolve(names: tuple[str, ...], array_counts: Mapping[KeyPath, int]) -> KeyPath:
    """Insert the current index of every enclosing array of tables into a header's path."""
    resolved: list[str | int] = []
    for name in names:
        resolved.append(name)
        index = array_counts.get(tuple(resolved))
        if index is not None and tuple(resolved) != names:
            resolved.append(index)
    return tuple(resolved)


def line_of(lines: Mapping[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, or of its nearest enclosing key that has one."""
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return None


def render_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def parse_toml(path: Path, data: bytes) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Decode and parse ``data`` read from ``path``; problems instead of exceptions."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, "", [Problem(path, line, f"not UTF-8 text (byte {exc.start})")]
    if not text.strip():
        return None, text, [Problem(path, 1, "file is empty")]
    try:
        return loads(text), text, []
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        return None, text, [syntax_problem(path, text, exc)]


def loads(text: str) -> dict[str, Any]:
    """Parse a TOML 1.0 document exactly as ``tomllib.loads`` does (its errors included), with
    the compiled parser when it is installed and the document is safe for it."""
    if _compiled_loads is not None and (
            text.count("[") + text.count("{") <= COMPILED_MAX_BRACKETS):
        try:
            return _compiled_loads(text, toml_version="1.0.0")
        except ValueError:
            pass  # refused: tomllib says why, and where
    return tomllib.loads(text)


def syntax_problem(path: Path, text: str, exc: tomllib.TOMLDecodeError | RecursionError
                   ) -> Problem:
    """What ``tomllib`` could not parse in ``text``, at its line.

    An unexpected end of the document (a truncated file) is placed on the last line, and values
    nested deeper than the parser can follow on the line where they get too deep.
    """
    if isinstance(exc, RecursionError):
        return Problem(path, nesting_line(text),
                       f"TOML syntax error: values nested more than {MAX_NESTING} deep")
    message = str(exc)
    position = _SYNTAX_POSITION.search(message)
    line = int(position.group(1)) if position else None
    if line is None and "end of document" in message:
        line = max(1, len(text.splitlines()))
    message = _SYNTAX_POSITION.sub("", message).replace("(at end of document)", "").strip()
    return Problem(path, line, f"TOML syntax error: {message}")


#: deeper than any desk file is written; ``tomllib`` runs out of stack a few hundred levels down
MAX_NESTING = 100

_NESTING_TOKEN = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}\n]')


def nesting_line(text: str) -> int | None:
    """The line where arrays and inline tables first nest more than :data:`MAX_NESTING` deep."""
    depth = 0
    line = 1
    for token in _NESTING_TOKEN.finditer(text):
        value = token.group()
        if value in ("[", "{"):
            depth += 1
            if depth > MAX_NESTING:
                return line
        elif value in ("]", "}"):
            depth -= 1
        line += value.count("\n")
    return None


def read_toml(path: Path, kind: FileKind = FileKind.DESK
              ) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """Read and parse a TOML file; a missing, refused or unreadable file is a problem.

    The file is read with :func:`core.storage.deskfiles.read_desk_file`: no links, regular files
    only, within the size limit of its ``kind``.
    """
    data, problem = read_or_problem(path, kind)
    if data is None:
        return None, "", [problem] if problem else []
    return parse_toml(path, data)


def structure_errors(exc: BaseException, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    """Flatten a cattrs validation error into ``(key path, message)`` pairs."""
    if isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            yield (*path, key), "unknown field"
    elif isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for inner, note in with_notes:
            yield from structure_errors(inner, (*path, note.name))
        for inner in without:
            yield from structure_errors(inner, path)
    elif isinstance(exc, IterableValidationError):
        indexed, unindexed = exc.group_exceptions()
        for inner, item_note in indexed:
            yield from structure_errors(inner, (*path, item_note.index))
        for inner in unindexed:
            yield from structure_errors(inner, path)
    elif isinstance(exc, BaseExceptionGroup):
        for member in exc.exceptions:
            yield from structure_errors(member, path)
    elif isinstance(exc, InvalidField):
        yield (*path, exc.field), exc.message
    elif isinstance(exc, KeyError):
        yield path, "required field is missing"
    elif isinstance(exc, cattrs.errors.StructureHandlerNotFoundError):
        yield path, f"unsupported value ({exc})"
    else:
        yield path, _describe(exc)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ValueError | TypeError) and str(exc):
        message = str(exc)
        if message.startswith("invalid literal for int()"):
            return "expected a whole number"
        return message
    return f"invalid value ({type(exc).__name__}: {exc})"


def problems_from(
    exc: BaseException, path: Path, text: str, prefix: KeyPath = ()
) -> list[Problem]:
    lines = locate_lines(text)
    found = []
    for key_path, message in structure_errors(exc, prefix):
        found.append(Problem(path, line_of(lines, key_path), message, render_path(key_path)))
    return found


def structure(
    converter: cattrs.Converter,
    data: Any,
    cls: type[T],
    path: Path,
    text: str,
    prefix: KeyPath = (),
) -> tuple[T | None, list[Problem]]:
    """Structure ``data`` into ``cls``; on failure every problem, located in ``text``."""
    try:
        return converter.structure(data, cls), []
    except Exception as exc:  # cattrs raises groups of arbitrary validator errors
        return None, problems_from(exc, path, text, prefix)


def structure_list(
    converter: cattrs.Converter,
    rows: Sequence[Any],
    cls: type[T],
    path: Path,
    text: str,
    key: str,
) -> tuple[list[T], list[Problem]]:
    """Structure each row of an array of tables on its own, keeping the good ones."""
    good: list[T] = []
    problems: list[Problem] = []
    for index, row in enumerate(rows):
        value, found = structure(converter, row, cls, path, text, (key, index))
        problems.extend(found)
        if value is not None:
            good.append(value)
    return good, problems


def read_record_files(converter: cattrs.Converter, directory: Path, cls: type[T]
                      ) -> tuple[list[tuple[Path, str, T]], list[Problem]]:
    """Every record file of ``directory`` (one ``cls`` per ``*.toml``, by name; none when the
    directory does not exist), each with its path and text, and the problems of unusable files."""
    if not directory.is_dir():
        return [], []
    records: list[tuple[Path, str, T]] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.toml")):
        if path.name.startswith("."):
            continue
        data, text, found = read_toml(path)
        if data is None:
            problems.extend(found)
            continue
        record, found = structure(converter, data, cls, path, text)
        if record is None:
            problems.extend(found)
            continue
        records.append((path, text, record))
    return records, problems


def drop_none(value: Any) -> Any:
    """TOML has no null: drop ``None`` values from unstructured data, recursively."""
    if isinstance(value, dict):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_none(v) for v in value]
    return value


def dumps(data: Mapping[str, Any]) -> str:
    """TOML text of ``data`` in tomli-w's layout (see :mod:`core.storage.tomlwrite`)."""
    return tomlwrite.dumps(data)
