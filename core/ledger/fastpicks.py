"""Ledger lines taken from their values (读取字段): the reconciler's fast path, without records.

:func:`read_fast_picks` reads a batch in the layout :func:`core.ledger.fastread.read_fast`
reads, with the same patterns, but a line of a kind it is asked to take gives only the values of
the fields asked for and its time as a POSIX time (:func:`picker`): no record, no datetime. Its
pattern then captures only those fields. A file gives rows exactly when it gives records, and the
values are the records' fields (a property test holds both).
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence, Set
from datetime import date, datetime
from typing import Any, TypeAlias

import attrs

from core.ledger.fastread import (
    _BUILT,
    _DATETIME,
    _HEADER,
    _NOT_EMPTY,
    _READERS,
    _TABLE,
    _TABLE_LIST,
    DIRECT_KINDS,
    FIELD_ORDER,
    Convert,
    _compile,
    _pattern_for,
    _Reader,
)
from core.ledger.records import KINDS, Record

#: how many distinct lists of tables of one kind (each of at most 4,096 characters)
#: :func:`_table_values` keeps the values of
_TABLES_KEPT = 1024


def _table_pattern(cls: type) -> str | None:
    """The pattern of one ``cls`` table, its fields captured, when it states every check of
    ``cls`` and each field's value can be told from its text (:func:`_field_value`); else
    None."""
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    if hasattr(cls, "__attrs_post_init__") or len(fields) < 2:
        return None
    pattern, _build, checked = _compile(cls, [f.name for f in fields], "")
    if not checked or any(_field_value(field, "") is None for field in fields):
        return None
    return pattern


def _table_values(cls: type, stated: bool = False) -> Convert | None:
    """A list of ``cls`` tables' text to a tuple of each table's field values (a tuple), when
    :func:`_table_pattern` states ``cls``; else None.

    The list is checked whole by one pattern, unless ``stated``: the line's pattern then
    states each table exactly (:func:`picker`). A table's pattern is unambiguous (a string ends
    at its first quote, a number before a comma or a brace), so the tables it then finds are
    the list's."""
    pattern = _table_pattern(cls)
    if pattern is None:
        return None
    fields = attrs.fields(cls)
    expressions = []
    for index, field in enumerate(fields):
        expression = _field_value(field, f"r[{index}]")
        assert expression is not None  # as :func:`_table_pattern` found
        expressions.append(expression)
    whole = re.compile(f"\\[(?:{pattern}(?:, {pattern})*)?\\]").fullmatch
    namespace: dict[str, Any] = {"_findall": re.compile(pattern).findall, "_whole": whole,
                                 "_int": int, "_known": {}, "_room": _TABLES_KEPT}
    row = ", ".join(expressions)
    check = "" if stated else (
        "    if _whole(text) is None:\n"
        "        raise ValueError('unexpected text in a list of tables')\n")
    # a list written again (a unit's standing request) is read once: its values are immutable
    exec("def values(text):\n"  # code generated from the field list above
         "    got = _known.get(text)\n"
         "    if got is not None:\n"
         "        return got\n"
         f"{check}"
         f"    got = tuple([({row},) for r in _findall(text)])\n"
         "    if len(_known) < _room and len(text) <= 4096:\n"
         "        _known[text] = got\n"
         "    return got", namespace)
    values: Convert = namespace["values"]
    return values


def _field_value(field: attrs.Attribute[Any], text: str) -> str | None:
    """The expression giving a table field's value from ``text``, the text ``findall`` gives
    for its group ('' where an optional part is absent), or None when that cannot be said
    exactly: a whole number, text (default "" or none), or a text enumeration (default None or
    none, its values never empty), which equals its member."""
    _pattern, convert, optional = _pattern_for(field.type)
    default = field.default
    if convert is int and not optional and default is attrs.NOTHING:
        return f"_int({text})"
    if convert is None and not optional and default in (attrs.NOTHING, ""):
        return text
    if (isinstance(convert, type) and issubclass(convert, enum.StrEnum)
            and default in (attrs.NOTHING, None) and optional == (default is None)
            and all(member.value for member in convert)):
        return f"({text} or None)" if optional else text
    return None


#: a record, or a record not built: ``(kind, its line, POSIX time, picked values...)``
Row: TypeAlias = Record | tuple[Any, ...]


#: How a line is read (:func:`picker`, :func:`picks`): ``read(line, place)`` gives its row, and
#: a ValueError when the kind's pattern refuses the line or its id is not ``place``, the id of
#: the record at the line's place in its batch.
Take: TypeAlias = Callable[[str, str], "Row"]


#: a capturing group's opening, or what to step over: an escape or a character class
_GROUP_OR_SKIP = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|\((?!\?)")


def _captured(pattern: str, kept: Set[int]) -> str:
    """``pattern`` with only its capturing groups numbered in ``kept`` capturing."""
    number = 0

    def replace(found: re.Match[str]) -> str:
        nonlocal number
        if found.group() != "(":
            return found.group()
        number += 1
        return "(" if number in kept else "(?:"

    return _GROUP_OR_SKIP.sub(replace, pattern)

# The POSIX time of a written time without a fraction is its minute's (in its offset), cached,
# plus its seconds: ``datetime.timestamp`` alone costs a microsecond a record. A ledger's times
# come in order, so the minute looked up is most often the one before; small tables are looked
# up in less time than large ones (a table of every minute and second missed the cache).
_MINUTES: dict[str, float] = {}
_SECONDS = {f"{s:02d}": s for s in range(60)}
#: minutes kept before the table starts again (a year of a busy ledger has half a million)
_MINUTES_KEPT = 100_000


def posix(text: str) -> float:
    """``datetime.fromisoformat(text).timestamp()`` of a time a fast pattern accepts (and its
    ValueError where that refuses it)."""
    try:
        return _MINUTES[text[:16] + text[19:]] + _SECONDS[text[17:19]]
    except KeyError:
        at = datetime.fromisoformat(text).timestamp()
        if text[19:20] in ("Z", "+", "-") and text[17:19] in _SECONDS:
            if len(_MINUTES) >= _MINUTES_KEPT:
                _MINUTES.clear()
            _MINUTES[text[:16] + text[19:]] = datetime.fromisoformat(
                text[:16] + ":00" + text[19:]).timestamp()
        return at


#: a record's time as its line's pattern captures it, and the same captured in three parts:
#: up to its minute, its seconds, and the rest (a fraction and the offset)
_TIME_WHOLE = f", time = {_DATETIME}"
_TIME_PARTS = _TIME_WHOLE.replace(":[0-9][0-9]:[0-9][0-9]", ":[0-9][0-9]):([0-9][0-9])(", 1)


def _can_refuse(tp: Any) -> bool:
    """Whether converting a field of type ``tp`` its pattern accepts can still raise (a date
    out of range, a table's text); ints, flags, enums and lists of text cannot."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        tp = next(a for a in args if a is not type(None))
    if tp in (datetime, date):
        return True
    return typing.get_origin(tp) is tuple and attrs.has(typing.get_args(tp)[0])


def _table_class(tp: Any) -> type | None:
    """The class of a list-of-tables field's tables, else None."""
    if typing.get_origin(tp) is tuple and attrs.has(typing.get_args(tp)[0]):
        table: type = typing.get_args(tp)[0]
        return table
    return None


#: a value of :func:`joined_values` in the text of joined fields
_JOINED_VALUE = re.compile(' = "([^"]*)"')


def joined_values(text: str) -> tuple[str, ...]:
    """The values of the fields a take gives joined (see :func:`picker`), in their order."""
    return tuple(_JOINED_VALUE.findall(text))


def picker(kind: str, names: Sequence[str], joined: Sequence[str] = ()) -> Take:
    """How :func:`read_fast_picks` takes a record of ``kind`` (in :data:`DIRECT_KINDS`) from its
    line: ``(kind, line, POSIX time, *the values of names)``, each value as the record's field
    would be; the record built when it reverses another or its own check needs it built.

    ``joined`` names text fields that follow one another on the line, the first of them in
    ``names``: its value is then their text as written, from the first's name to the last's
    value (``community = "a", supermarket = "b", round = "c"``: one string to key a group by,
    not three and a tuple); :func:`joined_values` gives theirs.

    Every field whose conversion could refuse the line is converted (its value dropped when
    not asked for), so a line gives a row exactly when it gives a record."""
    if kind not in DIRECT_KINDS:
        raise ValueError(f"{kind}: records of this kind are always built")
    cls = KINDS[kind]
    order = FIELD_ORDER[cls]
    fields = attrs.fields_dict(cls)
    for name in joined:
        field = fields[name]
        if _pattern_for(field.type)[1:] != (None, False) or field.default is not attrs.NOTHING:
            raise ValueError(f"{kind}.{name}: only text fields without a default are joined")
    if joined and (joined[0] not in names or any(n in names for n in joined[1:])
                   or list(joined) != list(order[order.index(joined[0]):][:len(joined)])
                   or joined[-1] == order[-1]):
        raise ValueError(f"{kind}: {joined} are not fields that follow one another, the first "
                         "of them asked for")
    needed = ["time", "reverses", *names]
    needed += [name for name, _test in _BUILT.get(kind, ())]
    needed += [n for n in order if n != "time" and _can_refuse(fields[n].type)]
    needed = list(dict.fromkeys(needed))
    at = {name: index for index, name in enumerate(needed)}
    # the line's pattern capturing only the id (group 1) and what the take reads, stating
    # each table of a list the take reads exactly
    kept = [n for n in order if n == "id" or n in at]
    source, stated = _READERS[kind].pattern, set()
    for name in names:
        table_class = _table_class(fields[name].type)
        exact = None if table_class is None else _table_pattern(table_class)
        if exact is None:
            continue
        for generic in (_TABLE_LIST, _NOT_EMPTY[_TABLE_LIST]):
            written = f", {name} = {generic}"
            if source.count(written) == 1:
                source = source.replace(written, f", {name} = " + generic.replace(
                    _TABLE, _captured(exact, set())))
                stated.add(name)
                break
    lean = _captured(source, {order.index(n) + 1 for n in kept if n not in joined})
    if joined:
        first, following = f", {joined[0]} = ", f", {order[order.index(joined[-1]) + 1]} = "
        assert lean.count(first) == lean.count(following) == 1
        start, end = lean.index(first), lean.index(following)
        # none of them, nor the field after them, is optional: the joined text always has them
        if lean.startswith("(?:", start - 3) or lean.startswith("(?:", end - 3) or (
                "(?:, " in lean[start:end]):
            raise ValueError(f"{kind}: {joined} or the field after them can be left out")
        lean = f"{lean[:start]}, ({lean[start + 2 : end]}){lean[end:]}"
    # the time captured as its minute, its seconds and the rest (fraction and offset), which
    # :func:`posix` would otherwise slice it into
    assert lean.count(_TIME_WHOLE) == 1
    lean = lean.replace(_TIME_WHOLE, _TIME_PARTS)
    namespace: dict[str, Any] = {"_posix": posix, "_kind": kind}
    # each captured value as a local g0, g1, ... in the pattern's order: ``groups()`` and one
    # unpacking cost less than ``group`` with the numbers in the order the take reads them
    g = {name: f"g{index}" for index, name in enumerate(kept)}
    captured = ", ".join("tm, ts, tr" if n == "time" else g[n] for n in kept)
    g["time"] = "(tm + ':' + ts + tr)"
    # the line matched and its record built, when the take cannot give it
    namespace.update(_match=re.compile(lean).fullmatch, _built=_builder(_READERS[kind]))
    body = ["def take(line, place):", "    m = _match(line)", "    if m is None:",
            "        raise ValueError('not a line of its kind')",
            f"    {captured}, = m.groups()",
            f"    if {g['id']} != place:", "        raise ValueError('a record id out of place')",
            f"    if {g['reverses']}:", "        return _built(line, place)"]
    for name, test in _BUILT.get(kind, ()):
        body += [f"    if {test.format(g[name])}:", "        return _built(line, place)"]

    def value(name: str, checked_only: bool = False) -> str:
        field = fields[name]
        _pattern, convert, optional = _pattern_for(field.type)
        index = at[name]
        table_class = _table_class(field.type)
        if not checked_only and table_class is not None:
            table = _table_values(table_class, stated=name in stated)
            if table is None:
                raise TypeError(f"{kind}.{name}: its tables cannot be taken from their values")
            namespace[f"_c{index}"] = table
            expression = f"_c{index}({g[name]})"
        elif convert is not None:
            namespace[f"_c{index}"] = convert
            expression = f"_c{index}({g[name]})"
        else:
            expression = g[name]
        if optional or field.default is not attrs.NOTHING:
            namespace[f"_d{index}"] = field.default if field.default is not attrs.NOTHING else None
            expression = f"(_d{index} if {g[name]} is None else {expression})"
        return expression

    for name in needed[2:]:
        if name not in names and _can_refuse(fields[name].type):
            index = at[name]
            # a batch's lines share their time of writing: a text once accepted is not read again
            namespace[f"_a{index}"] = [None]
            body += [f"    if {g[name]} != _a{index}[0]:",
                     f"        {value(name, checked_only=True)}",
                     f"        _a{index}[0] = {g[name]}"]
    # :func:`posix`, in line; a ledger's lines come in time order, so most share the minute of
    # the line before, whose POSIX time is kept (``_last``: minute, rest, its POSIX time)
    # instead of being looked up again in a table of thousands
    namespace.update(_minutes=_MINUTES, _seconds=_SECONDS, _last=["", "", 0.0])
    body += ["    try:", "        if tm == _last[0] and tr == _last[1]:",
             "            at = _last[2] + _seconds[ts]",
             "        else:", "            minute = _minutes[tm + tr]",
             "            at = minute + _seconds[ts]",
             "            _last[0], _last[1], _last[2] = tm, tr, minute",
             "    except KeyError:", f"        at = _posix({g['time']})",
             f"    return (_kind, line, at, {''.join(value(n) + ', ' for n in names)})"]
    exec("\n".join(body), namespace)  # code generated from the field list above
    take: Take = namespace["take"]
    return take


def _builder(reader: _Reader) -> Callable[[str, str], Record]:
    """A kind's line to its record built (a :data:`Take` that always builds)."""
    fullmatch, build = reader.fullmatch, reader.build

    def built(line: str, place: str) -> Record:
        match = fullmatch(line)
        if match is None:
            raise ValueError("not a line of its kind")
        if match.group(1) != place:  # the id comes first
            raise ValueError("a record id out of place")
        record: Record = build(match.groups())
        return record

    return built


def build_row(row: Row) -> Record:
    """The record a row stands for."""
    if not isinstance(row, tuple):
        return row
    reader = _READERS[row[0]]
    match = reader.fullmatch(row[1])
    assert match is not None  # the line's lean pattern accepted it
    record: Record = reader.build(match.groups())
    return record


#: how each kind's line is read (its take, or its record built), by the kind's :func:`_head`,
#: as :func:`picks` makes them
Picks: TypeAlias = Mapping[str, Take]

#: where a record's kind begins in its line (after ``  {kind = "``)
_KIND_AT = 11
#: how many characters from there tell every kind from every other, the text after the kind
#: (``", id = "``) included
_HEAD = next(width for width in range(1, 64)
             if len({(kind + '", id = "')[:width] for kind in KINDS}) == len(KINDS))


def _head(kind: str) -> str:
    """The :data:`_HEAD` characters a line of ``kind`` has from :data:`_KIND_AT`: a line's
    kind by a fixed slice, without looking for the quote that ends it. A line of another kind
    (or of none) that begins the same is refused by the kind's pattern, which states its kind
    whole."""
    return (kind + '", id = "')[:_HEAD]


def picks(takes: Mapping[str, Take]) -> Picks:
    """What :func:`read_fast_picks` reads with, taking the kinds in ``takes`` (each made by
    :func:`picker`) from their values."""
    return {_head(kind): takes.get(kind) or _builder(reader) for kind, reader in _READERS.items()}


#: "1", "2", ...: the places of a batch's records, as their ids end
_PLACES: list[str] = []


def _ids(prefix: str, count: int) -> list[str]:
    """The ids of a batch's first ``count`` records, ``prefix`` being the batch's stem and -."""
    if len(_PLACES) < count:
        _PLACES.extend(str(n) for n in range(len(_PLACES) + 1, count + 1))
    return list(map(prefix.__add__, _PLACES[:count]))


def read_fast_picks(stem: str, text: str, readers: Picks) -> tuple[list[Row], int] | None:
    """As :func:`read_fast`, but a record of a kind taken by ``readers`` (see :func:`picks`)
    that reverses nothing comes as the row its take gives and is not built.

    Such a record's pattern states every check its construction would make (a reversing record
    is built: it must give its reason), and every conversion that could refuse it is made, so
    a file gives rows exactly when :func:`read_fast` gives records, and the values equal the
    records' fields.
    """
    header = _HEADER.match(text)
    if header is None or not text.endswith("\n]\n"):
        return None
    rows = _rows(stem, text[header.end() : -3], readers)
    return None if rows is None else (rows, text.count("\n", 0, header.end()) + 1)


_HEADER_DATA = re.compile(_HEADER.pattern.encode())


def read_fast_picks_data(stem: str, data: bytes, readers: Picks
                         ) -> tuple[list[Row], int] | None:
    """:func:`read_fast_picks` of ``data`` decoded as UTF-8; None where it is not UTF-8.

    Only the header and the records' lines are decoded, each on its own: the header's comment
    is Chinese, and a text holding one character beyond Latin-1 keeps two bytes a character,
    which its lines are copied out of one by one; the records' lines alone are ASCII text.
    (Every part begins and ends at a newline, so the parts decode exactly when the whole does,
    to the whole's parts.) They are decoded through a view of ``data``, not copied out of it
    first: a copy as large as the file, made and freed for every batch, had the allocator give
    its memory back and take it again, a page fault every 4 KiB (313,000 faults and a second of
    system time at a million records, against 86,000 without the copy).
    """
    header = _HEADER_DATA.match(data)
    if header is None or not data.endswith(b"\n]\n"):
        return None
    try:
        view = memoryview(data)
        str(view[: header.end()], "utf-8")
        body = str(view[header.end() : -3], "utf-8")
    except UnicodeDecodeError:
        return None
    rows = _rows(stem, body, readers)
    return None if rows is None else (rows, data.count(b"\n", 0, header.end()) + 1)


def _rows(stem: str, body: str, readers: Picks) -> list[Row] | None:
    """The rows of the records' lines ``body`` of batch ``stem`` (see :func:`read_fast_picks`),
    or None."""
    rows: list[Row] = []
    append = rows.append
    prefix = f"{stem}-"
    get = readers.get
    kind_at, head_end = _KIND_AT, _KIND_AT + _HEAD
    lines = body.split("\n")
    try:
        for line, record_id in zip(lines, _ids(prefix, len(lines)), strict=True):
            # a line that does not begin as a record's is no kind's, or its pattern refuses it
            take = get(line[kind_at:head_end])
            if take is None:
                return None
            append(take(line, record_id))
    except (ValueError, TypeError):
        return None  # a validator or a conversion objected: the exact path says where and why
    return rows
