"""The fast path of reading a ledger batch: one compiled pattern per record kind.

A batch the desk wrote itself has one record per line in a fixed layout, so each line is read
by one regular expression instead of a TOML parser (about a microsecond a record; ``tomllib``
takes fifty). Anything the patterns do not accept (a hand-edited file, a comment, an escaped
string) makes :func:`read_fast` return None, and :mod:`core.ledger.files` reads the file down
the exact path, which gives the same records or the located problem.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

import attrs

from core.ledger.records import (
    KINDS,
    Record,
    Source,
    StockReceipt,
    check_aware,
    check_non_negative,
    check_not_empty,
    check_not_zero,
    check_optional_code,
    check_optional_record_id,
    check_positive,
    check_record_id,
    check_record_ids,
    check_uid,
    field_order,
)
from core.reference import check_code, check_not_blank

# Each kind gets one regular expression for a whole line, built from its fields in the order the
# writer uses, and a constructor generated for it. Where a field's validator can be said as a
# pattern (a code, an id, a UUID, a positive whole number, text that is not blank, a time with an
# offset) the pattern *is* the check and the constructor does not repeat it; any other validator
# is called after construction, and ``__attrs_post_init__`` always runs. Whatever the pattern does
# not accept goes down the exact path, which gives the same record or the located problem.

#: attrs types ``Factory(list)`` as the list it makes; this is the class to test defaults with
FACTORY: type[object] = type(attrs.Factory(list))

_TEXT = r'[^"\\\x00-\x1f\x7f]*'
_STR = f'"({_TEXT})"'
_INT = r"(-?(?:0|[1-9][0-9]*))"
_BOOL = r"(true|false)"
# digits spelt out one by one: the same strings as [0-9]{4}-[0-9]{2}..., matched in less time
_D = "[0-9]"
_DATETIME = (f"({_D * 4}-{_D * 2}-{_D * 2}T{_D * 2}:{_D * 2}:{_D * 2}(?:\\.[0-9]{{1,6}})?"
             f"(?:Z|[+-]{_D * 2}:{_D * 2}))")
_DATE = r"([0-9]{4}-[0-9]{2}-[0-9]{2})"
_STR_LIST = f'(\\[(?:"{_TEXT}"(?:, "{_TEXT}")*)?\\])'
_PLAIN = r'[^{}\[\]"\n]'
# text and quoted strings in any order, "unrolled" (plain* (string plain*)*): the same strings as
# (plain|string)*, without trying an alternative at every character
_TABLE = f'\\{{{_PLAIN}*(?:"{_TEXT}"{_PLAIN}*)*\\}}'
_TABLE_LIST = f"(\\[(?:{_TABLE}(?:, {_TABLE})*)?\\])"
#: the same lists with at least one entry (:func:`check_not_empty`)
_NOT_EMPTY = {_TABLE_LIST: f"(\\[{_TABLE}(?:, {_TABLE})*\\])",
              _STR_LIST: f'(\\["{_TEXT}"(?:, "{_TEXT}")*\\])'}
_STRINGS_IN = re.compile(r'"([^"]*)"')
_ID = r"(?:[A-Z][A-Z0-9]{1,5}-)?[0-9]{8}-[0-9]{4,6}-[0-9]{1,7}"
_CODE = r"[a-z0-9][a-z0-9_-]{0,63}"

#: validators whose check a pattern states exactly
_CHECKED_BY_PATTERN: dict[Any, str] = {
    check_record_id: f'"({_ID})"',
    check_optional_record_id: f'"((?:{_ID})?)"',
    check_record_ids: f'(\\["{_ID}"(?:, "{_ID}")*\\])',
    check_uid: r'"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"',
    check_code: f'"({_CODE})"',
    check_optional_code: f'"((?:{_CODE})?)"',
    # blank allowed characters, one that is not blank, then any allowed: the same strings as
    # "(?=[^"]*[^\s"])_TEXT", read once, without looking ahead
    check_not_blank: r'"([^\S"\\\x00-\x1f\x7f]*[^\s"\\\x00-\x1f\x7f]' f'{_TEXT})"',
    check_aware: _DATETIME,
    check_positive: r"([1-9][0-9]*)",
    check_non_negative: r"(0|[1-9][0-9]*)",
    check_not_zero: r"(-?[1-9][0-9]*)",
}

Convert = Callable[[str], Any]


def _scalar(tp: Any) -> tuple[str, Convert | None] | None:
    if tp is str:
        return _STR, None
    if tp is bool:
        return _BOOL, lambda s: s == "true"
    if tp is int:
        return _INT, int
    if tp is datetime:
        return _DATETIME, datetime.fromisoformat
    if tp is date:
        return _DATE, date.fromisoformat
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        values = "|".join(re.escape(str(m.value)) for m in tp)
        return f'"({values})"', tp
    return None


def _pattern_for(tp: Any) -> tuple[str, Convert | None, bool]:
    """(pattern with one group, converter or None for text, optional) for a field type."""
    optional = False
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        tp = next(a for a in args if a is not type(None))
        optional = True
    scalar = _scalar(tp)
    if scalar is not None:
        return scalar[0], scalar[1], optional
    if typing.get_origin(tp) is tuple:
        inner = typing.get_args(tp)[0]
        if inner is str:
            return _STR_LIST, lambda s: tuple(_STRINGS_IN.findall(s)), optional
        if attrs.has(inner):
            return _TABLE_LIST, _table_reader(inner), optional
    raise TypeError(f"no fast pattern for {tp!r}")


def _table_reader(cls: type) -> Convert:
    attrs.resolve_types(cls)
    pattern, build, _checked = _compile(cls, [f.name for f in attrs.fields(cls)], "")
    element = re.compile(pattern)

    def read(text: str) -> tuple[Any, ...]:
        body = text[1:-1]
        found = []
        position = 0
        for match in element.finditer(body):
            if match.start() != position:
                raise ValueError("unexpected text between tables")
            found.append(build(match.groups()))
            position = match.end()
            if body.startswith(", ", position):
                position += 2
        if position != len(body):
            raise ValueError("unexpected text after tables")
        return tuple(found)

    return read


class _Compiled(NamedTuple):
    pattern: str
    #: the instance from the pattern's groups, checked by the validators the pattern does not state
    build: Callable[[Sequence[str | None]], Any]
    #: whether the pattern states every field's validator
    checked: bool


def _compile(cls: type, names: Sequence[str], head: str) -> _Compiled:
    """The pattern of an inline table of ``cls``, a constructor taking its groups, and more."""
    fields = attrs.fields_dict(cls)
    parts = [re.escape(head)] if head else []
    namespace: dict[str, Any] = {"_new": object.__new__, "_set": object.__setattr__,
                                 "_cls": cls}
    body = ["def build(g):", "    self = _new(_cls)"]
    for index, name in enumerate(names):
        field = fields[name]
        value, convert, optional = _pattern_for(field.type)
        if field.validator in _CHECKED_BY_PATTERN:
            value = _CHECKED_BY_PATTERN[field.validator]
        elif field.validator is check_not_empty and value in _NOT_EMPTY:
            value = _NOT_EMPTY[value]
        elif field.validator is not None:
            namespace[f"_v{index}"] = field.validator
            namespace[f"_f{index}"] = field
        separator = ", " if parts else ""
        piece = f"{separator}{name} = {value}"
        has_default = field.default is not attrs.NOTHING
        if isinstance(field.default, FACTORY):
            raise TypeError(f"{cls.__name__}.{name}: factories are not supported")
        if optional or has_default:
            piece = f"(?:{piece})?"
        parts.append(piece)
        expression = f"g[{index}]"
        if convert is not None:
            namespace[f"_c{index}"] = convert
            expression = f"_c{index}(g[{index}])"
        if optional or has_default:
            namespace[f"_d{index}"] = field.default if has_default else None
            expression = f"(_d{index} if g[{index}] is None else {expression})"
        body.append(f"    _set(self, {name!r}, {expression})")
    for index, name in enumerate(names):
        if f"_v{index}" in namespace:
            body.append(f"    _v{index}(self, _f{index}, self.{name})")
    if hasattr(cls, "__attrs_post_init__"):
        body.append("    self.__attrs_post_init__()")
    body.append("    return self")
    missing = set(fields) - set(names)
    if missing:
        raise TypeError(f"{cls.__name__}: fields not in the written order: {sorted(missing)}")
    checked = not any(f"_v{index}" in namespace for index in range(len(names)))
    exec("\n".join(body), namespace)  # code generated from the field list above
    return _Compiled(r"\{" + "".join(parts) + r"\}", namespace["build"], checked)


class _Reader(NamedTuple):
    """How a kind's line is read."""

    read: Callable[[str], Record | None]
    #: the line's pattern: one group a field, in :data:`FIELD_ORDER`
    pattern: str
    fullmatch: Callable[[str], re.Match[str] | None]
    build: Callable[[Sequence[str | None]], Record]
    #: the pattern checks all that constructing a record that reverses nothing would check
    direct: bool


def _record_reader(cls: type[Record]) -> _Reader:
    """A kind's reader of one line, its test alone (a match or None), and its parts."""
    attrs.resolve_types(cls)
    pattern, build, checked = _compile(cls, FIELD_ORDER[cls], f'kind = "{cls.KIND}"')
    line_pattern = r"  " + pattern + r",?[ \t]*"
    fullmatch = re.compile(line_pattern).fullmatch

    def read(line: str) -> Record | None:
        match = fullmatch(line)
        if match is None:
            return None
        record: Record = build(match.groups())
        return record

    # Record's own check after construction concerns only ``reverses``; a kind with a check of
    # its own is direct only where :data:`_BUILT` names the fields that check rests on
    direct = checked and (cls.__attrs_post_init__ is Record.__attrs_post_init__
                          or cls.KIND in _BUILT)
    return _Reader(read, line_pattern, fullmatch, build, direct)


#: kinds whose check after construction needs a field only some records have: (field, test of
#: its text or None) for each; a record that passes a test is built and checked. A donation must
#: name its donor and only a donation is designated (see :class:`StockReceipt`).
_BUILT: dict[str, tuple[tuple[str, str], ...]] = {StockReceipt.KIND: (
    ("source", f"{{}} == {Source.DONATION.value!r}"), ("designated", "({} or '').strip()"))}


#: each kind's fields in the order a batch line holds them (the writer uses it too)
FIELD_ORDER: dict[type[Record], tuple[str, ...]] = {cls: field_order(cls) for cls in KINDS.values()}
_READERS = {kind: _record_reader(cls) for kind, cls in KINDS.items()}
_FAST: dict[str, Callable[[str], Record | None]] = {k: r.read for k, r in _READERS.items()}
_MATCHES: dict[str, Callable[[str], object]] = {k: r.fullmatch for k, r in _READERS.items()}
#: kinds :func:`core.ledger.fastpicks.read_fast_picks` can give as field values, not records
DIRECT_KINDS = frozenset(k for k, r in _READERS.items() if r.direct)


_HEADER = re.compile(r"# [^\n]*\nschema_version = 1\nrecord = \[\n")
_RECORD_START = '  {kind = "'


def read_fast(stem: str, text: str) -> tuple[tuple[Record, ...], int] | None:
    """The records of batch ``stem`` and the line of the first, when ``text`` is in exactly the
    layout :func:`core.ledger.files.encode_batch` writes; else None."""
    header = _HEADER.match(text)
    if header is None or not text.endswith("\n]\n"):
        return None
    lines = text[header.end() : -3].split("\n")
    records: list[Record] = []
    append = records.append
    prefix = f"{stem}-"
    fast = _FAST
    try:
        for number, line in enumerate(lines, start=1):
            if not line.startswith(_RECORD_START):
                return None
            reader = fast.get(line[11 : line.find('"', 11)])
            if reader is None:
                return None
            record = reader(line)
            if record is None or record.id != prefix + str(number):
                return None
            append(record)
    except (ValueError, TypeError):
        return None  # a validator objected: let the exact path say where and why
    return tuple(records), text.count("\n", 0, header.end()) + 1


def read_fast_wanted(stem: str, text: str, wanted: Callable[[str, str], bool]
                     ) -> list[Record] | None:
    """The records of batch ``stem`` whose line ``wanted(kind, line)`` accepts, when ``text`` is
    in the layout :func:`read_fast` reads; else None.

    The other lines are only matched against their kind's pattern, not built: a line that
    matches is valid TOML, so whichever path reads the file, the wanted records are the same (a
    validator that objects to an unwanted record sends the file down the exact path, which
    keeps every other record). An id out of place does not matter for the same reason.
    """
    header = _HEADER.match(text)
    if header is None or not text.endswith("\n]\n"):
        return None
    records: list[Record] = []
    fast, matches = _FAST, _MATCHES
    try:
        for line in text[header.end() : -3].split("\n"):
            if not line.startswith(_RECORD_START):
                return None
            kind = line[11 : line.find('"', 11)]
            reader = fast.get(kind)
            if reader is None:
                return None
            if wanted(kind, line):
                record = reader(line)
                if record is None:
                    return None
                records.append(record)
            elif matches[kind](line) is None:
                return None
    except (ValueError, TypeError):
        return None
    return records
