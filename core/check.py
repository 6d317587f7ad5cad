"""``baogong check``: validate every file of a desk and report every problem.

Like ``hledger check``: each problem is printed as ``path:line: message``; the exit status says
whether there were any.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs

from core.cases.store import load_case
from core.desk import Desk
from core.problems import DeskError, Problem
from core.storage.atomic import leftover_temporaries, not_shared
from core.storage.deskfiles import find_links, link_problem


def check_shared_modes(desk: Desk) -> list[Problem]:
    """On a ``shared_group`` desk, every directory the group cannot write into and every file
    it cannot use (see :func:`core.storage.atomic.not_shared`)."""
    if not desk.settings.shared_group:
        return []
    return [Problem(path, None, f"mode {mode:04o}: this shared desk's group cannot use it, so "
                                f"colleagues are locked out; its owner should run chmod "
                                f"{'2770' if path.is_dir() else '0660'} on it")
            for path, mode in not_shared(desk.root)]


@attrs.frozen
class CheckReport:
    root: Path
    problems: tuple[Problem, ...]
    cases: int
    opened: bool = True
    #: temporary files of interrupted writes (removed when ``sweep`` was asked for)
    leftovers: tuple[Path, ...] = ()
    swept: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_batch(paths: Sequence[str]) -> list[Problem]:
    problems: list[Problem] = []
    for name in paths:
        problems.extend(load_case(Path(name))[1])
    return problems


def check_desk(root: Path | str, *, workers: int | None = None,
               sweep: bool = False) -> CheckReport:
    """Validate the desk at ``root``: every kind of desk file (:data:`core.deskload.LOADERS`),
    the links and, on a shared desk, the modes in it, and every case file.

    Temporary files left by interrupted writes are listed in the report, and removed when
    ``sweep`` is true; they hold nothing that was saved, so they are not problems.
    """
    try:
        desk = Desk.open(root, load_all=True)
    except DeskError as exc:
        return CheckReport(Path(root), exc.problems, 0, opened=False)
    problems = desk.problems
    problems.extend(link_problem(path) for path in find_links(desk.root))
    problems.extend(check_shared_modes(desk))
    paths = [str(p) for p in desk.cases.paths()]
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if workers > 1 and len(paths) > 2000:
        size = max(500, len(paths) // (workers * 8))
        batches = [paths[i : i + size] for i in range(0, len(paths), size)]
        with ProcessPoolExecutor(workers) as pool:
            for found in pool.map(_check_batch, batches):
                problems.extend(found)
    else:
        problems.extend(_check_batch(paths))
    problems.sort(key=lambda p: (str(p.path), p.line or 0))
    leftovers = leftover_temporaries(desk.root)
    if sweep:
        for path in leftovers:
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                problems.append(Problem(path, None, f"cannot remove: {exc.strerror or exc}"))
    return CheckReport(desk.root, tuple(problems), len(paths), leftovers=tuple(leftovers),
                       swept=sweep)
