"""Giving an existing desk's cases its site code (``baogong site-ids``), out loud.

A desk that ran alone has ids like ``20261123-0042``; once it replicates, every site's ids must
carry the site code (``HX-20261123-0042``). :func:`plan` lists each rename; :func:`renumber`
carries them out, each case:

- gets its new id and keeps the old one as ``former_id``, which the index searches, so the
  number a caller was given still finds the case;
- records the rename in its history (a note by the operator who ran the command);
- is written under its new name (created atomically, never over another file) and only then
  is the old file removed, holding the case's lock. A run interrupted between the two leaves
  both; the next run finds the new file is this case's and removes the old one.

Nothing is renamed silently: the caller prints every pair.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import attrs

from core.cases.case import CASE_ID_PATTERN, Action, CaseEvent
from core.cases.store import LOCKS_DIR, CaseStore, encode_case, load_case, lock_path
from core.problems import DeskError, Problem
from core.storage.atomic import create_atomic, exclusive_lock
from core.storage.deskfiles import make_desk_directories


@attrs.frozen
class Rename:
    """One case's id before and after."""

    old: str
    new: str
    path: Path


def plan(store: CaseStore, site: str) -> Iterator[Rename]:
    """Every case of ``store`` whose id has no site code, with the id it gets at ``site``."""
    if not site:
        raise DeskError([Problem(store.desk_root / "desk.toml", None,
                                 "the desk has no site code: set one first (baogong init "
                                 "--existing --site CODE)", "site")])
    for path in store.paths():
        match = CASE_ID_PATTERN.match(path.stem)
        if match is not None and match.group(1) is None:
            yield Rename(path.stem, f"{site}-{path.stem}", path)


def renumber(store: CaseStore, renames: Iterator[Rename] | list[Rename], *, operator: str,
             now: datetime, report: Callable[[Rename], None] = lambda _r: None) -> int:
    """Carry out ``renames``; returns how many cases were renamed. Each is reported as it is
    done; a case file that cannot be read stops the run with its problems (those renamed so
    far stay renamed)."""
    operator = store.acting(operator)
    lock_dir = store.desk_root / LOCKS_DIR
    make_desk_directories(store.desk_root, lock_dir, mode=store.file_mode)
    done = 0
    for rename in renames:
        with exclusive_lock(lock_path(lock_dir, rename.old), mode=store.file_mode):
            case, problems = load_case(rename.path)
            if case is None:
                raise DeskError(problems)
            target = store.path_for(rename.new)
            note = f"编号改为 id changed: {rename.old} -> {rename.new} (site code)"
            event = CaseEvent(time=now, operator=operator, action=Action.NOTE, note=note)
            renamed = attrs.evolve(case, id=rename.new, former_id=rename.old,
                                   revision=case.revision + 1, history=(*case.history, event))
            try:
                create_atomic(target, encode_case(renamed), mode=store.file_mode)
            except FileExistsError:
                already, _problems = load_case(target)
                if already is None or already.uid != case.uid:
                    raise DeskError([Problem(target, None, f"{rename.new} is another case: "
                                                           f"{rename.old} was not renamed")]
                                    ) from None
                renamed = already
            rename.path.unlink()
        store.index.upsert(renamed, target)
        report(rename)
        done += 1
    store.refresh()
    return done
