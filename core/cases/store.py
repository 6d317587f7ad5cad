"""The case store: one TOML file per case, written atomically, never silently overwritten.

Files live at ``cases/YYYY/MM/DD/YYYYMMDD-NNNN.toml``, or ``SITE-YYYYMMDD-NNNN.toml`` on a desk
with a site code (one replica of a desk shared through git, :mod:`core.replica`): each site
numbers its own cases, so two sites never take the same name. Ids are the intake date (in the
desk's time zone) and a daily sequence number an operator can read aloud; a new case takes the
next free number by creating its file with ``link``, which fails if another writer took that
name first, so many writers need no server to agree. Updates hold the case's lock (one of a
fixed set of lock files, see :func:`lock_path`) and compare the revision they loaded with the one
on disk (compare-and-swap): an operator who edited a stale copy gets a :class:`ConflictError`
carrying both versions instead of overwriting a colleague's work. Every change is attributed to
the process's OS account (:mod:`core.identity`).

A file that cannot be read or validated is reported as a :class:`~core.problems.Problem` and is
never written to. The SQLite index under ``.index/`` is derived data for fast listing and search;
delete it and it is rebuilt from the files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tomllib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypedDict, Unpack

import attrs

from core.cases.case import (
    CASE_ID_PATTERN,
    DESK_CLOCK,
    SCHEMA_VERSION,
    Action,
    Caller,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Category,
    Evaluation,
    ItemLine,
    Priority,
    apply,
    default_department,
    new_case,
)
from core.cases.facts import DeliveryShortfall, Facts, PriceReport, ReliefRequest
from core.cases.fastrow import fast_row
from core.cases.index import CaseIndex, CaseRow, Progress, Query
from core.cases.indexing import refreshing, row_values
from core.cases.migrations import migrate
from core.identity import NotASupervisor
from core.problems import DeskError, Problem
from core.reference import DeskSettings, PriorityFlag
from core.storage.atomic import PRIVATE_FILE_MODE, create_atomic, exclusive_lock, write_atomic
from core.storage.convert import converter
from core.storage.deskfiles import FileKind, make_desk_directories, read_or_problem
from core.storage.tomlio import dumps, loads, parse_toml, structure

CASES_DIR = "cases"
LOCKS_DIR = ".locks"
INDEX_DIR = ".index"

#: how many lock files ``.locks/`` holds at most; see :func:`lock_path`
LOCK_STRIPES = 64


class CaseNotFound(KeyError):
    """No case file has this id."""


class ConflictError(Exception):
    """Someone else changed the case since it was loaded; nothing was written.

    ``current`` is the case as it is on disk now, ``attempted`` what this writer wanted to save.
    """

    def __init__(self, current: Case, attempted: Case) -> None:
        self.current = current
        self.attempted = attempted
        who = current.history[-1].operator if current.history else "?"
        super().__init__(
            f"case {current.id} was changed by {who} (revision {current.revision}) "
            f"since revision {attempted.revision} was loaded"
        )


def encode_case(case: Case) -> bytes:
    data: dict[str, Any] = {"schema_version": case.schema_version}
    data.update(converter.unstructure(case))
    return dumps(data).encode("utf-8")


def decode_case(path: Path, raw: bytes) -> tuple[Case | None, list[Problem]]:
    data, text, problems = parse_toml(path, raw)
    if data is None:
        return None, problems
    return decode_table(path, data, text)


def case_row(root: str, relative: str, raw: bytes) -> tuple[tuple[object, ...] | None,
                                                            list[Problem]]:
    """The index row of the case file at ``relative`` in the ``cases/`` directory ``root``,
    whose bytes are ``raw``, or its problems: straight from the parsed table where it is as the
    store writes it (:func:`core.cases.fastrow.fast_row`), else through :func:`decode_case`."""
    try:
        row = fast_row(loads(raw.decode("utf-8")), relative)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        row = None
    if row is not None:
        return row, []
    case, problems = decode_case(Path(root, relative), raw)
    return (row_values(case, relative) if case is not None else None), problems


def decode_table(path: Path, data: dict[str, Any], text: str
                 ) -> tuple[Case | None, list[Problem]]:
    """The case of the TOML table ``data`` parsed from ``text`` at ``path``, or its problems."""
    current, problems = migrate(data, path, text)
    if current is None:
        return None, problems
    case, problems = structure(converter, current, Case, path, text)
    if case is not None and path.stem != case.id:
        return None, [Problem(path, None, f"file name does not match case id {case.id!r}", "id")]
    return case, problems


def load_case(path: Path) -> tuple[Case | None, list[Problem]]:
    """Read and decode one case file (see :func:`core.storage.deskfiles.read_desk_file`)."""
    raw, problem = read_or_problem(path, FileKind.CASE)
    if raw is None:
        return None, [problem] if problem else []
    return decode_case(path, raw)


def case_path(root: Path, case_id: str) -> Path:
    """Where case ``case_id`` lives; rejects anything that is not a case id (no path tricks)."""
    match = CASE_ID_PATTERN.match(case_id)
    if not match:
        raise CaseNotFound(f"{case_id!r} is not a case id (YYYYMMDD-NNNN or SITE-YYYYMMDD-NNNN)")
    day = match.group(2)
    return root / day[:4] / day[4:6] / day[6:8] / f"{case_id}.toml"


def lock_path(locks: Path, case_id: str) -> Path:
    """The lock file an update of ``case_id`` holds: one of :data:`LOCK_STRIPES` files in
    ``locks``, chosen by a hash of the id, so ``.locks/`` never grows past that many.

    Why a fixed set: a lock file per case would have to be removed after use to keep the
    directory bounded, and removing a file others may be waiting on breaks ``flock`` (a waiter
    wakes holding the removed file while a newcomer locks a new one of the same name: two
    writers at once). Locking the case file itself fails differently: an update replaces the
    file by ``rename``, so the next writer opens a different inode than the one still locked.
    Stripe files are created once, with the desk's mode, and never removed. Two cases that share
    a stripe only wait for each other for the milliseconds of a save; no code holds two case
    locks at once, so sharing cannot deadlock.
    """
    digest = hashlib.sha256(case_id.encode("utf-8")).digest()
    return locks / f"case-{int.from_bytes(digest[:4], 'big') % LOCK_STRIPES:02d}.lock"


class QueryFilters(TypedDict, total=False):
    """The filters of a :class:`~core.cases.index.Query`, given as keywords."""

    status: frozenset[CaseStatus] | None
    kind: CaseKind | None
    category: Category | None
    community: str | None
    department: str | None
    flags: frozenset[PriorityFlag] | None
    open_only: bool
    overdue_at: datetime | None
    phone: str | None
    text: str
    since: datetime | None
    limit: int | None
    offset: int


#: who a change is recorded under, given the name a caller claims (None: the process's own);
#: on a desk, :func:`core.identity.acting_name` for that desk
Acting = Callable[[str | None], str]


@attrs.define
class CaseStore:
    """The cases of one desk at ``desk_root``, opened with the desk's ``settings``.

    Everything the store needs comes in through the constructor: ``file_mode`` for the files it
    writes, ``acting`` to attribute changes (:data:`Acting`), and the ``clock`` and
    ``uid_factory`` that new cases and events take their time and uid from (the desk's zone and
    random UUIDs without them). A desk opens its store with :meth:`core.desk.Desk.case_store`.
    """

    desk_root: Path
    settings: DeskSettings
    acting: Acting
    file_mode: int = PRIVATE_FILE_MODE
    clock: Callable[[], datetime] | None = None
    uid_factory: Callable[[], str] | None = None
    #: where a new case goes when no department is named (the desk's routing); without it,
    #: ``desk.toml``'s ``[routing]``, else the category's own department
    route: Callable[[Category], str] | None = None
    #: the site code new case ids start with (``HX-20261123-0042``); none: ``20261123-0042``
    site: str = ""
    #: whether an account may approve or send back a resolution (the desk's supervisors);
    #: without it nobody may
    approver: Callable[[str], bool] | None = None
    _index: CaseIndex | None = None

    @property
    def root(self) -> Path:
        return self.desk_root / CASES_DIR

    @property
    def index(self) -> CaseIndex:
        if self._index is None:
            self._index = CaseIndex(self.desk_root / INDEX_DIR, self.root,
                                    self.settings.zone, self.file_mode)
        return self._index

    def now(self) -> datetime:
        if self.clock is not None:
            return self.clock()
        return datetime.now(self.settings.zone).replace(microsecond=0)

    def path_for(self, case_id: str) -> Path:
        return case_path(self.root, case_id)

    # --- reading ------------------------------------------------------------------------------

    def load(self, path: Path) -> tuple[Case | None, list[Problem]]:
        return load_case(path)

    def get(self, case_id: str) -> Case:
        """The case with this id; :class:`CaseNotFound`, or :class:`DeskError` if it is corrupt."""
        path = self.path_for(case_id)
        if not path.exists():
            raise CaseNotFound(case_id)
        case, problems = self.load(path)
        if case is None:
            raise DeskError(problems)
        return case

    def paths(self) -> Iterator[Path]:
        """Every case file, oldest day first."""
        if not self.root.is_dir():
            return
        for year in _sorted_dirs(self.root):
            for month in _sorted_dirs(year):
                for day in _sorted_dirs(month):
                    with os.scandir(day) as entries:
                        names = sorted(
                            e.name for e in entries
                            if e.name.endswith(".toml") and not e.name.startswith(".")
                        )
                    for name in names:
                        yield day / name

    def scan(self) -> Iterator[tuple[Path, Case | None, list[Problem]]]:
        """Parse every case file: ``(path, case or None, problems)``."""
        for path in self.paths():
            case, problems = self.load(path)
            yield path, case, problems

    def __iter__(self) -> Iterator[Case]:
        for _path, case, _problems in self.scan():
            if case is not None:
                yield case

    # --- the index ----------------------------------------------------------------------------

    def refresh(self, progress: Progress | None = None) -> int:
        """Bring the index up to date with the files; returns how many files were re-read.
        Many files to read (a desk opened without its index) are parsed on every core, and
        ``progress`` hears ``(files read, files to read)`` as it goes. One refresh of an index
        at a time in a process (:func:`core.cases.indexing.refreshing`)."""
        with refreshing(self.index.directory):
            return self.index.refresh(case_row, progress=progress)

    def query(self, query: Query | None = None, **filters: Unpack[QueryFilters]
              ) -> list[CaseRow]:
        """Rows of the index matching ``query`` (newest first); call :meth:`refresh` first."""
        return self.index.query(query or Query(**filters))

    def count(self, query: Query | None = None, **filters: Unpack[QueryFilters]) -> int:
        return self.index.count(query or Query(**filters))

    def newest(self, limit: int = 100) -> list[CaseRow]:
        self.refresh()
        return self.index.query(Query(limit=limit))

    def problems(self) -> list[Problem]:
        """Case files that could not be read, as of the last :meth:`refresh`."""
        return self.index.problems()

    # --- writing ------------------------------------------------------------------------------

    def create(
        self,
        category: Category,
        *,
        operator: str | None = None,
        created: datetime | None = None,
        priority: Priority | str = Priority.NORMAL,
        flags: Iterable[PriorityFlag | str] = (),
        department: str = "",
        note: str = "",
        community: str = "",
        household: str = "",
        caller: Caller | None = None,
        items: Iterable[ItemLine] = (),
        description: str = "",
        facts: Facts | None = None,
    ) -> Case:
        """Accept a new case: allocate its id, write its file, index it.

        Without a ``department`` the case goes where the desk routes its category
        (:func:`core.cases.case.default_department`). ``facts`` are the structured facts of the
        call (:mod:`core.cases.facts`), kept in the field their kind belongs to. ``operator``
        must be the process's own account unless the desk is a training desk
        (:func:`core.identity.acting_name`)."""
        created = created or self.now()
        operator = self.acting(operator)
        department = department or (self.route(category) if self.route is not None
                                     else default_department(category, self.settings.routing))
        day = created.astimezone(self.settings.zone).strftime("%Y%m%d")
        directory = self.root / day[:4] / day[4:6] / day[6:8]
        make_desk_directories(self.desk_root, directory, mode=self.file_mode)
        uid = self.uid_factory() if self.uid_factory else None
        prefix = f"{self.site}-{day}" if self.site else day
        sequence = self._next_sequence(directory, prefix)
        while True:
            case_id = f"{prefix}-{sequence:04d}"
            case = new_case(
                case_id=case_id, category=category, created=created, operator=operator,
                rules=self.settings.sla, uid=uid, priority=priority, flags=flags,
                department=department, note=note, community=community, household=household,
                caller=caller, items=items, description=description,
                price=facts if isinstance(facts, PriceReport) else None,
                shortfall=facts if isinstance(facts, DeliveryShortfall) else None,
                relief=facts if isinstance(facts, ReliefRequest) else None,
            )
            path = directory / f"{case_id}.toml"
            data = encode_case(case)
            try:
                create_atomic(path, data, mode=self.file_mode)
            except FileExistsError:
                sequence += 1
                continue
            self.index.upsert(case, path, data)
            return case

    def _next_sequence(self, directory: Path, prefix: str) -> int:
        """The number after the highest of the day's case files: after the highest the index
        knows, stepping past files written since (a few ``lstat`` calls, where listing a busy
        day's directory reads thousands of names); the directory is listed when the index
        knows none of that day or is far behind. ``link`` still decides who gets a name."""
        try:
            known = self.index.db.execute(
                "SELECT max(CAST(substr(id, ?) AS INTEGER)) FROM cases WHERE id > ? AND id < ?",
                (len(prefix) + 2, f"{prefix}-", f"{prefix}.")).fetchone()[0]
        except sqlite3.Error:
            known = None
        if known:
            for sequence in range(int(known) + 1, int(known) + 64):
                if not os.path.lexists(directory / f"{prefix}-{sequence:04d}.toml"):
                    return sequence
        return _highest_sequence(directory, prefix) + 1

    @contextlib.contextmanager
    def every_lock(self, timeout: float = 60.0) -> Iterator[None]:
        """Hold every case's lock for the block: no case is saved meanwhile (a sync merging
        other sites' changes into the files). Taken in a fixed order, and no save holds two,
        so it cannot deadlock with one."""
        lock_dir = self.desk_root / LOCKS_DIR
        make_desk_directories(self.desk_root, lock_dir, mode=self.file_mode)
        with contextlib.ExitStack() as stack:
            for stripe in range(LOCK_STRIPES):
                stack.enter_context(exclusive_lock(lock_dir / f"case-{stripe:02d}.lock",
                                                   timeout=timeout, mode=self.file_mode))
            yield

    def save(self, loaded: Case, changed: Case) -> Case:
        """Write ``changed`` over ``loaded`` if nobody changed the file since it was loaded.

        The history entries ``changed`` adds must name the process's own account unless the
        desk is a training desk (:class:`core.identity.NotTheOperator`)."""
        if changed.id != loaded.id or changed.uid != loaded.uid:
            raise ValueError("a case's id and uid never change")
        for event in changed.history[len(loaded.history):]:
            self._check_author(event)

        def check(current: Case) -> Case:
            if current.revision != loaded.revision or current != loaded:
                raise ConflictError(current, changed)
            return changed

        final = self.amend(loaded.id, check)
        assert final is not None
        return final

    def _check_author(self, event: CaseEvent) -> None:
        """Ladder steps are the desk clock's and only the desk clock writes them; approvals are
        the supervisors'; anything else is the process's own account's."""
        if (event.action is Action.LADDER) != (event.operator == DESK_CLOCK):
            raise ValueError("ladder steps are written by the desk clock (core.cases.ladder), "
                             "and only they are")
        if event.action is Action.LADDER:
            return
        self.acting(event.operator)
        if event.action in (Action.APPROVE, Action.SEND_BACK) and not (
                self.approver is not None and self.approver(event.operator)):
            raise NotASupervisor(f"{event.operator} is not a supervisor of this desk: only a "
                                 f"supervisor approves or sends back a resolution")

    def amend(self, case_id: str, change: Callable[[Case], Case | None]) -> Case | None:
        """Read case ``case_id`` under its lock and write what ``change`` makes of it (nothing
        when it returns None); returns the case as written, or None.

        ``change`` sees the file as it is while no other writer can change it, so a decision
        taken on it (is this ladder step on file yet?) holds when the file is written. The
        events it adds are checked like :meth:`save`'s.
        """
        path = self.path_for(case_id)
        lock_dir = self.desk_root / LOCKS_DIR
        make_desk_directories(self.desk_root, lock_dir, mode=self.file_mode)
        with exclusive_lock(lock_path(lock_dir, case_id), mode=self.file_mode):
            current, problems = self.load(path)
            if current is None:
                raise DeskError(problems)
            changed = change(current)
            if changed is None:
                return None
            if changed.id != current.id or changed.uid != current.uid:
                raise ValueError("a case's id and uid never change")
            for event in changed.history[len(current.history):]:
                self._check_author(event)
            final = attrs.evolve(changed, revision=current.revision + 1,
                                 schema_version=SCHEMA_VERSION)
            data = encode_case(final)
            write_atomic(path, data, mode=self.file_mode)
        self.index.upsert(final, path, data)
        return final

    def act(
        self,
        case: Case,
        action: Action,
        *,
        operator: str | None = None,
        note: str = "",
        department: str | None = None,
        evaluation: Evaluation | None = None,
        changes: dict[str, object] | None = None,
        time: datetime | None = None,
    ) -> Case:
        """Take ``action`` on ``case`` (as loaded) and save it; see
        :func:`core.cases.case.apply`."""
        changed = apply(
            case, action, operator=self.acting(operator), time=time or self.now(),
            rules=self.settings.sla, note=note, department=department,
            evaluation=evaluation, changes=changes, closure=self.settings.closure,
        )
        return self.save(case, changed)


def _sorted_dirs(path: Path) -> list[Path]:
    with os.scandir(path) as entries:
        return sorted(
            (Path(e.path) for e in entries if e.is_dir() and e.name.isdigit()),
            key=lambda p: p.name,
        )


def _highest_sequence(directory: Path, id_prefix: str) -> int:
    highest = 0
    prefix = f"{id_prefix}-"
    with os.scandir(directory) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(prefix) and name.endswith(".toml"):
                digits = name[len(prefix) : -5]
                if digits.isascii() and digits.isdigit():
                    highest = max(highest, int(digits))
    return highest
