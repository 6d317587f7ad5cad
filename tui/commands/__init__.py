"""``baogong`` subcommands, one module each.

A command module defines ``HELP`` (one line), ``configure(parser)`` to add its arguments and
``run(args) -> int`` returning the exit status: 0 all good, 1 findings, 2 unusable input (or an
output that cannot be written). An exception escaping ``run`` is a bug: :func:`tui.cli.main`
logs it and exits with :data:`tui.cli.INTERNAL_ERROR`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from core.desk import Desk


def iso_date(text: str) -> date:
    """An argument's ``YYYY-MM-DD`` (argparse reports anything else as a usage error)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


#: the longest a command may be told to search (``--time-limit``), seconds
MAX_TIME_LIMIT = 3600.0
#: the most worker processes a command may be told to start (``--jobs``)
MAX_JOBS = 64


def time_limit(text: str) -> float:
    """A ``--time-limit``: a finite number of seconds from 0 to :data:`MAX_TIME_LIMIT`."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_TIME_LIMIT:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give seconds from 0 to {MAX_TIME_LIMIT:g}") from None
    return value


def jobs(text: str) -> int:
    """A ``--jobs``: a whole number of processes from 1 to :data:`MAX_JOBS`."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"{text!r}: give from 1 to {MAX_JOBS} processes")
    return value


def output_problem(path: Path, *, directory: bool = False) -> str | None:
    """Why ``path`` cannot be written as an output file (or ``directory``), or None.

    An output goes into a directory that exists: a mistyped path is reported rather than
    created. The write itself may still fail (no permission, disk full): callers catch
    :class:`OSError` and report it with :func:`cannot_write`.
    """
    parent = path.parent
    if not parent.is_dir():
        return f"no directory {parent} (create it first)"
    if not directory and path.is_dir():
        return "is a directory: give a file name"
    if directory and path.exists() and not path.is_dir():
        return "exists and is not a directory"
    return None


def cannot_write(command: str, exc: OSError, output: str | None = None) -> int:
    """Report a failed write of ``output`` in one line (``baogong CMD: cannot write ...``); 2."""
    where = output or exc.filename or ""
    print(f"baogong {command}: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
    return 2


def open_desk(args: argparse.Namespace) -> Desk | None:
    """The desk of ``--desk`` (or the default one); None, with each problem printed to stderr as
    ``path:line: message``, when it cannot be opened (the command then exits 2)."""
    from core.desk import Desk
    from core.problems import DeskError
    from tui.deskpath import resolve_desk

    try:
        return Desk.open(resolve_desk(args.desk))
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(Path.cwd()), file=sys.stderr)
        return None


class Imported(Protocol):
    """What an import reports: whether every row was taken, and its JSON for scripts."""

    @property
    def ok(self) -> bool: ...

    def as_json(self) -> dict[str, object]: ...


Result = TypeVar("Result", bound=Imported)


def run_import(
        command: str, args: argparse.Namespace, read: Callable[[Desk], Result],
        report: Callable[[Result], None], *, refused: tuple[type[Exception], ...] = (),
        refusal_note: str = "") -> int:
    """Run an import command: ``read`` a file into the desk of ``--desk``, then ``report`` what
    it did (or print its JSON with ``--json``).

    Exit status: 0 when every row was taken, 1 when some were rejected (nothing written), 2 when
    the desk or file cannot be used (each problem as ``path:line: message``) or the import is
    refused (``NotTheOperator`` and ``refused``: one line, ending with ``refusal_note``).
    """
    from core.identity import NotTheOperator
    from core.problems import DeskError

    refusals: tuple[type[Exception], ...] = (NotTheOperator, *refused)
    desk = open_desk(args)
    if desk is None:
        return 2
    try:
        result = read(desk)
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(Path.cwd()), file=sys.stderr)
        return 2
    except refusals as exc:
        print(f"baogong {command}: {exc}{refusal_note}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        report(result)
    return 0 if result.ok else 1
