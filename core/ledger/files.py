"""Ledger files: batches of immutable records, created atomically, never edited.

Layout under the desk::

    ledgers/YYYY/MM/DD/YYYYMMDD-NNNN.toml    one batch: the records written together that day
                                             (SITE-YYYYMMDD-NNNN.toml on a replicated desk)
    ledgers/periods/START--END.toml          a period signed off (core.ledger.periods)
    ledgers/.lock                            the ledger lock: appends and sign-offs take turns
    ledgers/matches/M-....toml               match records written by the reconciler (derived)

A batch is a TOML document whose ``record`` array holds one inline table per line::

    # 保供台账 ledger batch 20261123-0007: written once, never edited; correct with a reversal
    schema_version = 1
    record = [
      {kind = "collection", id = "20261123-0007-1", uid = "...", time = 2026-11-23T09:30:00+08:00,
       ...},   (on one line)
      {kind = "iou", id = "20261123-0007-2", ...},
    ]

Why batches, and why one record per line (measured on this machine, see ``tests/bench``):

* One file per record would mean a million files for a million records: creating and listing them
  costs more than reading them, and a desk copied to a USB stick chokes on them. A batch is what an
  operator (or a script importing a supermarket's sheet) writes in one go, so it is also the unit
  that is created atomically: a new batch takes the next free name of its day by ``link`` (see
  :func:`core.storage.atomic.create_atomic`), as cases do, so writers need no server to agree.
* ``tomllib`` parses about 20,000 records a second: 50 s for a million, slower than the peer tool.
  Every record on its own line lets the loader read the batches it wrote itself with one compiled
  regular expression per kind (:mod:`core.ledger.fastread`, about a microsecond a record) and know
  each record's line for free.
  Anything it does not recognise (a hand-edited file, a comment between records, an escaped string,
  ``[[record]]`` tables) sends that file down the exact path: ``tomllib`` plus the strict cattrs
  converter, which names the file, line and field of every problem. Both paths give equal records;
  a property test holds them to it.

A record's id is its batch's name and its place in the batch (``20261123-0007-2``), so ids are
unique without coordination and a reversal can find the file of the record it reverses.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import attrs

from core.ledger.fastpicks import Picks, Row, read_fast_picks_data
from core.ledger.fastread import FACTORY, FIELD_ORDER, read_fast
from core.ledger.records import (
    KINDS,
    RECORD_ID_PATTERN,
    Record,
)
from core.problems import Problem
from core.storage.atomic import PRIVATE_FILE_MODE, create_atomic, exclusive_lock
from core.storage.convert import converter
from core.storage.deskfiles import FileKind, make_desk_directories, read_or_problem
from core.storage.tomlio import line_of, locate_lines, render_path, structure_errors, syntax_problem

LEDGERS_DIR = "ledgers"
SCHEMA_VERSION = 1
LOCK_NAME = ".lock"
#: a sign-off reads every batch to seal its period: a million records take a few seconds
LEDGER_LOCK_SECONDS = 30.0


def ledger_lock(root: Path, *, mode: int = PRIVATE_FILE_MODE,
                timeout: float = LEDGER_LOCK_SECONDS) -> AbstractContextManager[None]:
    """The desk-wide ledger lock (``ledgers/.lock``), held to append a batch or sign a period off.

    An append checks that no period covering its records is closed and writes its batch while
    holding it, and a sign-off seals its period and writes the close while holding it, so a
    batch is either in the seal or was checked against the close: none lands in a period after
    its sign-off. ``mode`` is the desk's file mode: on a shared desk every writer opens it.
    """
    directory = root / LEDGERS_DIR
    make_desk_directories(root, directory, mode=mode)
    return exclusive_lock(directory / LOCK_NAME, timeout=timeout, mode=mode)

# --- writing -----------------------------------------------------------------------------------


def _string(value: str) -> str:
    # JSON's escapes are TOML's escapes; TOML also forbids a raw DEL
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def format_value(value: Any) -> str:
    """``value`` as a TOML value on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):  # includes StrEnum members
        return _string(str(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if attrs.has(type(value)):
        return format_table(value, [f.name for f in attrs.fields(type(value))])
    raise TypeError(f"cannot write {type(value).__name__} to a ledger")


def _is_default(value: object, field: attrs.Attribute[Any]) -> bool:
    if value is None:
        return True
    default = field.default
    if default is attrs.NOTHING:
        return False
    if isinstance(default, FACTORY):
        return False
    return bool(value == default)


def format_table(value: Any, names: Sequence[str], head: str = "") -> str:
    fields = attrs.fields_dict(type(value))
    parts = [head] if head else []
    for name in names:
        item = getattr(value, name)
        if _is_default(item, fields[name]):
            continue
        parts.append(f"{name} = {format_value(item)}")
    return "{" + ", ".join(parts) + "}"


def format_record(record: Record) -> str:
    """One record as an inline table, the way a batch file holds it."""
    return format_table(record, FIELD_ORDER[type(record)], f'kind = "{record.KIND}"')


def encode_batch(stem: str, records: Sequence[Record]) -> bytes:
    out = [
        f"# 保供台账 ledger batch {stem}: written once, never edited; correct with a reversal",
        f"schema_version = {SCHEMA_VERSION}",
        "record = [",
    ]
    out.extend(f"  {format_record(r)}," for r in records)
    out.append("]")
    return ("\n".join(out) + "\n").encode("utf-8")


@attrs.frozen
class Draft:
    """A record not yet written: its kind and fields, without id, uid or ``recorded``."""

    kind: type[Record]
    fields: Mapping[str, Any]


def draft(kind: type[Record], **fields: Any) -> Draft:
    return Draft(kind, fields)


def reversal(record: Record, *, reason: str, time: datetime, note: str = "") -> Draft:
    """A draft that reverses ``record`` (红冲): same kind and body, naming it and saying why."""
    return Draft(type(record), {**record.body(), "time": time, "reverses": record.id,
                                "reason": reason, "note": note})


class PeriodClosedError(ValueError):
    """A record would be dated in a period a supervisor has signed off."""


def batch_directory(root: Path, day: date) -> Path:
    return root / LEDGERS_DIR / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"


def write_batch(
    root: Path,
    drafts: Sequence[Draft],
    *,
    operator: str,
    zone: tzinfo,
    recorded: datetime | None = None,
    mode: int = PRIVATE_FILE_MODE,
    uid_factory: Callable[[], str] | None = None,
    check_open: Callable[[Record], str | None] | None = None,
    site: str = "",
) -> tuple[Path, list[Record]]:
    """Write ``drafts`` as one new batch under the desk at ``root``; returns its path and records.

    The batch takes the next free sequence number of the day it is recorded on; if another writer
    takes that name first, it tries the next one. Raises ``ValueError`` (from the record classes)
    for an invalid draft and :class:`PeriodClosedError` if ``check_open`` objects to a record,
    before anything is written. The check holds only if the caller holds :func:`ledger_lock`
    from reading the closes to the end of the write (:meth:`core.ledger.Ledgers.append` does).
    On a replicated desk the batch's name starts with this replica's ``site`` code
    (``HX-20261123-0007``): each site numbers its own batches, so two never take one name.
    """
    if not drafts:
        raise ValueError("a batch needs at least one record")
    recorded = recorded or datetime.now(zone).replace(microsecond=0)
    if recorded.tzinfo is None:
        raise ValueError("recorded time must carry a UTC offset")
    day = recorded.astimezone(zone).date()
    directory = batch_directory(root, day)
    make_desk_directories(root, directory, mode=mode)
    uid_factory = uid_factory or (lambda: str(uuid.uuid4()))
    uids = [str(d.fields.get("uid") or uid_factory()) for d in drafts]
    prefix = f"{site}-{day:%Y%m%d}" if site else f"{day:%Y%m%d}"
    sequence = _highest_sequence(directory, prefix) + 1
    while True:
        stem = f"{prefix}-{sequence:04d}"
        records = []
        for index, (item, uid) in enumerate(zip(drafts, uids, strict=True), start=1):
            fields = {"operator": operator, **item.fields, "id": f"{stem}-{index}", "uid": uid,
                      "recorded": recorded}
            record = item.kind(**fields)
            if check_open is not None:
                problem = check_open(record)
                if problem:
                    raise PeriodClosedError(problem)
            records.append(record)
        path = directory / f"{stem}.toml"
        try:
            create_atomic(path, encode_batch(stem, records), mode=mode)
        except FileExistsError:
            sequence += 1
            continue
        return path, records


def _highest_sequence(directory: Path, prefix: str) -> int:
    highest = 0
    start = f"{prefix}-"
    with os.scandir(directory) as entries:
        for entry in entries:
            name = entry.name
            if name.endswith(".toml") and name.startswith(start):
                digits = name[len(start):-5]
                if digits.isascii() and digits.isdigit():
                    highest = max(highest, int(digits))
    return highest


# --- reading -----------------------------------------------------------------------------------


@attrs.frozen
class Batch:
    """One batch file as read: its good records with their lines, and every problem found."""

    path: Path
    records: tuple[Record, ...]
    lines: tuple[int, ...]
    problems: tuple[Problem, ...]


def batch_paths(root: Path) -> Iterator[Path]:
    """Every batch file under the desk at ``root``, oldest day and lowest sequence first."""
    base = root / LEDGERS_DIR
    if not base.is_dir():
        return
    for year in _digit_dirs(base):
        for month in _digit_dirs(year):
            for day in _digit_dirs(month):
                with os.scandir(day) as entries:
                    names = sorted(e.name for e in entries
                                   if e.name.endswith(".toml") and not e.name.startswith("."))
                for name in names:
                    yield day / name


def _digit_dirs(path: Path) -> list[Path]:
    with os.scandir(path) as entries:
        return sorted((Path(e.path) for e in entries if e.is_dir() and e.name.isdigit()),
                      key=lambda p: p.name)


def read_batch(path: Path) -> Batch:
    """Read one batch: the fast path for files this module wrote, else the exact one."""
    data, problem = read_or_problem(path, FileKind.LEDGER)
    if data is None:
        return Batch(path, (), (), (problem,) if problem else ())
    return decode_batch(path, data)


def read_batch_rows(path: Path, readers: Picks) -> Batch | tuple[list[Row], int]:
    """The rows of a batch file in the layout :func:`encode_batch` writes and its first
    record's line (see :func:`core.ledger.fastpicks.read_fast_picks`); any other file read down
    the exact path as :func:`read_batch` reads it."""
    data, problem = read_or_problem(path, FileKind.LEDGER)
    if data is None:
        return Batch(path, (), (), (problem,) if problem else ())
    rows = read_fast_picks_data(path.stem, data, readers)
    if rows is not None:
        return rows
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_batch(path, data)
    return _read_exact(path, text)


def decode_batch(path: Path, data: bytes) -> Batch:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Batch(path, (), (), (Problem(path, line, f"not UTF-8 text (byte {exc.start})"),))
    fast = _read_fast(path, text)
    if fast is not None:
        return fast
    return _read_exact(path, text)


def _read_fast(path: Path, text: str) -> Batch | None:
    """Records of a batch in exactly the layout :func:`encode_batch` writes, else None."""
    read = read_fast(path.stem, text)
    if read is None:
        return None
    records, first = read
    return Batch(path, records, tuple(range(first, first + len(records))), ())


def _read_exact(path: Path, text: str) -> Batch:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        return Batch(path, (), (), (syntax_problem(path, text, exc),))
    located = locate_lines(text)
    problems: list[Problem] = []
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        problems.append(Problem(path, line_of(located, ("schema_version",)),
                                f"schema_version must be {SCHEMA_VERSION}, got {version!r}",
                                "schema_version"))
    unknown = sorted(set(data) - {"schema_version", "record"})
    for key in unknown:
        problems.append(Problem(path, line_of(located, (key,)), "unknown field", key))
    rows = data.get("record", [])
    if not isinstance(rows, list):
        problems.append(Problem(path, line_of(located, ("record",)),
                                "expected an array of records", "record"))
        return Batch(path, (), (), tuple(problems))
    element_lines, inline = _element_lines(text, located, len(rows))
    records: list[Record] = []
    lines: list[int] = []
    for index, row in enumerate(rows):
        where = element_lines[index]
        field_prefix = f"record[{index}]"
        if not isinstance(row, dict):
            problems.append(Problem(path, where, "expected a table", field_prefix))
            continue
        kind = row.get("kind")
        cls = KINDS.get(kind) if isinstance(kind, str) else None
        if cls is None:
            allowed = ", ".join(KINDS)
            problems.append(Problem(path, where, f"unknown kind {kind!r} (one of: {allowed})",
                                    f"{field_prefix}.kind"))
            continue
        body = {k: v for k, v in row.items() if k != "kind"}
        try:
            record = converter.structure(body, cls)
        except Exception as exc:  # cattrs raises groups of arbitrary validator errors
            for key_path, message in structure_errors(exc):
                if not key_path:
                    key_path = _pin(cls, body)
                line = where if inline else line_of(located, ("record", index, *key_path))
                name = f"{field_prefix}.{render_path(key_path)}" if key_path else field_prefix
                problems.append(Problem(path, line, message, name))
            continue
        expected = f"{path.stem}-{index + 1}"
        if record.id != expected:
            problems.append(Problem(
                path, where, f"record id {record.id!r} does not match its place in the batch "
                f"(expected {expected!r})", f"{field_prefix}.id"))
        records.append(record)
        lines.append(where or 0)
    return Batch(path, tuple(records), tuple(lines), tuple(problems))


def _pin(cls: type[Record], row: Mapping[str, Any]) -> tuple[str, ...]:
    """The field whose validator failed, when the error came from the class as a whole."""
    for field in attrs.fields(cls):
        if field.validator is None or field.name not in row:
            continue
        try:
            field.validator(None, field, converter.structure(row[field.name], field.type))
        except Exception:  # the validator's own complaint; we only want to know which field
            return (field.name,)
    return ()


_ELEMENT_START = re.compile(r"^\s*\{", re.MULTILINE)


def _element_lines(text: str, located: Mapping[tuple[str | int, ...], int], count: int
                   ) -> tuple[list[int | None], bool]:
    """The line each element of ``record`` starts on, and whether they are inline tables."""
    if ("record", 0) in located:  # [[record]] tables
        return [located.get(("record", i)) for i in range(count)], False
    starts: list[int | None] = [
        text.count("\n", 0, m.start()) + 1 for m in _ELEMENT_START.finditer(text)
    ]
    if len(starts) == count:
        return starts, True
    return [located.get(("record",))] * count, True


def batch_of(record_id: str) -> str | None:
    """The batch file stem a record id lives in (``20261123-0007-2`` -> ``20261123-0007``)."""
    match = RECORD_ID_PATTERN.match(record_id)
    return record_id.rpartition("-")[0] if match else None


def path_of_batch(root: Path, stem: str) -> Path:
    day = stem.rsplit("-", 2)[-2]  # after the site code, if any
    return root / LEDGERS_DIR / day[:4] / day[4:6] / day[6:8] / f"{stem}.toml"
