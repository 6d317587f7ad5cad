"""A desk (热线台): a directory holding its settings, reference data and cases.

Layout::

    desk.toml           settings: name, time zone, locale, SLA rules, supervisors (and their OS
                        group), shared_group, training, routing, keys
    departments.toml    [[department]]
    communities.toml    [[district]] and [[community]]
    supermarkets.toml   [[supermarket]]
    catalogue.toml      [[item]]
    pricelists.toml     [[price]]: each supermarket's own price of an item
    households.toml     [[household]] with [[household.residents]]
    cases/YYYY/MM/DD/   one TOML file per case (see core.cases.store)

and the files of levels, packing, ledgers, plans and handovers: every kind has a loader in
:mod:`core.deskload`, read on first use through :meth:`Desk.load`.

Opening a desk collects every problem in every file instead of stopping at the first; only a
missing or unusable ``desk.toml`` makes a desk impossible to open.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

import attrs

from core.cases.categories import Category, default_department
from core.deskload import (
    CATALOGUE,
    COMMUNITIES,
    DEPARTMENTS,
    DISTRICTS,
    HOUSEHOLDS,
    LOADERS,
    LOCAL,
    PRICE_LISTS,
    PRICE_LISTS_FILE,
    ROUNDS,
    SETTINGS,
    SETTINGS_FILE,
    SUPERMARKETS,
    DeskLoader,
    load_records,
    load_settings,
)
from core.identity import acting_name, group_exists, is_supervisor, os_account
from core.phones import normalize_phone
from core.problems import DeskError, Problem
from core.reference import (
    CatalogueItem,
    Community,
    Department,
    DeskSettings,
    District,
    Household,
    Supermarket,
)
from core.shifts import Shifts
from core.storage.atomic import PRIVATE_FILE_MODE
from core.storage.deskfiles import read_or_problem
from core.storage.tomlio import line_of, locate_lines

__all__ = ["SETTINGS_FILE", "SHARED_FILE_MODE", "Desk", "current_operator", "load_records",
           "load_settings"]

if TYPE_CHECKING:
    from core.cases.queue import Queue
    from core.cases.store import CaseStore
    from core.handovers import Handovers
    from core.ledger import Ledgers
    from core.levels.district import DistrictLevels
    from core.rounds import Round

T = TypeVar("T")

SHARED_FILE_MODE = 0o660

#: how often, at most, the reference accessors look whether a reference file changed
RECHECK_SECONDS = 1.0

#: what a file looked like when it was read: gone, or (inode, size, modification time)
Stamp = tuple[int, int, int] | None


def current_operator() -> str:
    """The operator a change is attributed to: the process's OS account (see
    :mod:`core.identity`), never ``LOGNAME`` or ``USER``."""
    return os_account()


def _stamp(path: Path) -> Stamp:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


@attrs.define
class Desk:
    """An open desk: settings and reference data, with the case store at ``cases`` and every
    other kind of file through :meth:`load` (:mod:`core.deskload`).

    Open one with :meth:`open`. The reference data (``departments`` ... ``households``) is
    re-read when its file changes, as the case index is (:meth:`refresh`).
    """

    root: Path
    settings: DeskSettings
    clock: Callable[[], datetime] | None = None
    uid_factory: Callable[[], str] | None = None
    #: by loader name: the value and problems of each kind of file read so far
    _loaded: dict[str, tuple[object, list[Problem]]] = attrs.Factory(dict)
    #: by loader name: what the files of an eager kind looked like when they were read
    _stamps: dict[str, Stamp] = attrs.Factory(dict)
    _cross: list[Problem] = attrs.Factory(list)
    _checked: float = 0.0
    _store: CaseStore | None = None

    @classmethod
    def open(cls, root: Path | str, *, clock: Callable[[], datetime] | None = None,
             uid_factory: Callable[[], str] | None = None, load_all: bool = False) -> Desk:
        """Open the desk at ``root``; raises :class:`DeskError` only if it has no usable settings.

        The settings and reference data are read now; problems in them are collected in
        ``problems`` and the good records kept. With ``load_all`` every other kind of file is
        read too (:data:`core.deskload.LOADERS`) and its problems collected: what ``baogong
        check`` does. ``clock`` and ``uid_factory`` give new cases their time and uid (the
        desk's zone and random UUIDs without them).
        """
        root = Path(root).expanduser().resolve()
        if not root.is_dir():
            raise DeskError([Problem(root, None, "desk directory not found")])
        stamp = _stamp(root / SETTINGS_FILE)
        settings, problems = load_settings(root / SETTINGS_FILE)
        if settings is None:
            raise DeskError(problems)
        desk = cls(root=root, settings=settings, clock=clock, uid_factory=uid_factory)
        desk._loaded[SETTINGS.name] = (settings, problems)
        desk._stamps[SETTINGS.name] = stamp
        for loader in LOADERS:
            if loader.eager or load_all:
                desk._read(loader)
        desk._cross = desk._cross_check()
        desk._checked = time.monotonic()
        return desk

    @property
    def problems(self) -> list[Problem]:
        """Every problem of the files read so far: the kinds in registry order, then what the
        reference files say about each other."""
        found: list[Problem] = []
        for loader in LOADERS:
            if loader.name in self._loaded:
                found.extend(self._loaded[loader.name][1])
                if loader is HOUSEHOLDS:
                    found.extend(self._cross)
        return found

    def load(self, loader: DeskLoader[T]) -> T:
        """What the files of ``loader``'s kind yield, read on first use (their problems join
        :attr:`problems`)."""
        if loader.name not in self._loaded:
            self._read(loader)
        return cast(T, self._loaded[loader.name][0])

    def _read(self, loader: DeskLoader[object]) -> None:
        if loader is SETTINGS:
            return
        if loader.eager:  # one file each: the settings and the reference data
            self._stamps[loader.name] = _stamp(self.root / loader.files)
        self._loaded[loader.name] = loader.load(self)

    def refresh(self) -> list[str]:
        """Re-read the reference files that changed since they were read (by inode, size and
        modification time); returns the names of the kinds re-read. The settings are not
        re-read: a changed ``desk.toml`` takes a new :meth:`open`."""
        self._checked = time.monotonic()
        changed = [loader for loader in LOADERS
                   if loader.eager and loader is not SETTINGS and loader.name in self._stamps
                   and self._stamps[loader.name] != _stamp(self.root / loader.files)]
        for loader in changed:
            self._read(loader)
        if changed:
            self._cross = self._cross_check()
        return [loader.name for loader in changed]

    def read_now(self, loader: DeskLoader[T]) -> tuple[T, list[Problem]]:
        """A reference file's records as the file is now, and its problems: read again only if
        it changed since it was read (a district's households take seconds to parse)."""
        self.refresh()
        return self.load(loader), list(self._loaded[loader.name][1])

    def wrote(self, loader: DeskLoader[T], value: T) -> None:
        """This process has just written ``loader``'s file with ``value`` (under its lock),
        checked against the other reference files: keep that as read rather than parse the file
        again (the links between the files are checked again on the next change read)."""
        self._loaded[loader.name] = (value, [])
        self._stamps[loader.name] = _stamp(self.root / loader.files)

    def _reference(self, loader: DeskLoader[T]) -> T:
        if time.monotonic() - self._checked >= RECHECK_SECONDS:
            self.refresh()
        return self.load(loader)

    @property
    def departments(self) -> dict[str, Department]:
        return self._reference(DEPARTMENTS)

    @property
    def districts(self) -> dict[str, District]:
        return self._reference(DISTRICTS)

    @property
    def communities(self) -> dict[str, Community]:
        return self._reference(COMMUNITIES)

    @property
    def supermarkets(self) -> dict[str, Supermarket]:
        return self._reference(SUPERMARKETS)

    @property
    def catalogue(self) -> dict[str, CatalogueItem]:
        return self._reference(CATALOGUE)

    @property
    def households(self) -> dict[str, Household]:
        return self._reference(HOUSEHOLDS)

    @property
    def price_lists(self) -> dict[str, dict[str, int]]:
        """Each supermarket's own prices in fen, by supermarket code then item code."""
        found: dict[str, dict[str, int]] = {}
        for line in self._reference(PRICE_LISTS):
            found.setdefault(line.supermarket, {})[line.item] = line.price_fen
        return found

    @property
    def file_mode(self) -> int:
        """Case and ledger files hold personal data: private unless a group shares the desk."""
        return SHARED_FILE_MODE if self.settings.shared_group else PRIVATE_FILE_MODE

    @property
    def cases(self) -> CaseStore:
        """The case store, opened on first use."""
        if self._store is None:
            self._store = self.case_store()
        return self._store

    def case_store(self) -> CaseStore:
        """A new store on this desk's cases, with the desk's clock and uid factory (a reader
        in another thread opens its own, for its own index connection)."""
        # imported here: reading the ledgers or the reference data needs no case store
        from core.cases.store import CaseStore

        return CaseStore(self.root, self.settings, functools.partial(acting_name, self),
                         file_mode=self.file_mode, clock=self.clock,
                         uid_factory=self.uid_factory, route=self.department_for,
                         site=self.site, approver=functools.partial(is_supervisor, self))

    @property
    def site(self) -> str:
        """This replica's site code, which new case ids start with (:mod:`core.replica.site`);
        empty on a desk with none."""
        local = self.load(LOCAL)
        if local is not None and local.site:
            return local.site
        return self.settings.site

    def department_for(self, category: Category) -> str:
        """The department a category is routed to: ``desk.toml``'s ``[routing]``, else the
        department whose ``owns`` lists it, else the category's own
        (:func:`core.cases.case.default_department`)."""
        owners: dict[str, list[str]] = {}
        for department in self.departments.values():
            for owned in department.owns:
                owners.setdefault(owned, []).append(department.code)
        return default_department(category, self.settings.routing, owners)

    def households_by_phone(self) -> dict[str, list[Household]]:
        """Households by the normalized phone numbers of the household and its residents."""
        found: dict[str, list[Household]] = {}
        for household in self.households.values():
            phones = {household.phone, *(r.phone for r in household.residents)}
            for phone in phones - {""}:
                found.setdefault(normalize_phone(phone), []).append(household)
        return found

    def _cross_check(self) -> list[Problem]:
        problems: list[Problem] = []

        def refer(file_name: str, key: str, rows: Iterable[object], field: str,
                  known: Iterable[str], what: str) -> None:
            path = self.root / file_name
            lines = _lines(path)
            known_set = set(known)
            for index, row in enumerate(rows):
                values = getattr(row, field)
                for value in values if isinstance(values, tuple) else (values,):
                    if value and value not in known_set:
                        problems.append(Problem(
                            path, line_of(lines, (key, index, field)),
                            f"unknown {what} {value!r}", f"{key}[{index}].{field}",
                        ))

        communities = self.load(COMMUNITIES)
        supermarkets = self.load(SUPERMARKETS)
        refer("communities.toml", "community", communities.values(), "district",
              self.load(DISTRICTS), "district")
        refer("communities.toml", "community", communities.values(), "supermarket",
              supermarkets, "supermarket")
        refer("supermarkets.toml", "supermarket", supermarkets.values(), "zone",
              communities, "community")
        refer("households.toml", "household", self.load(HOUSEHOLDS).values(), "community",
              communities, "community")
        # an unreadable catalogue or supermarkets file is its own problem, not one per price
        prices = self.load(PRICE_LISTS)
        if supermarkets:
            refer(PRICE_LISTS_FILE, "price", prices, "supermarket", supermarkets, "supermarket")
        if catalogue := self.load(CATALOGUE):
            refer(PRICE_LISTS_FILE, "price", prices, "item", catalogue, "catalogue item")
        settings_path = self.root / SETTINGS_FILE
        lines = _lines(settings_path)
        categories = {c.value for c in Category}
        departments = self.load(DEPARTMENTS)
        for category, department in self.settings.routing.items():
            where = line_of(lines, ("routing", category))
            if category not in categories:
                problems.append(Problem(settings_path, where, f"unknown case category {category!r}",
                                        f"routing.{category}"))
            if departments and department not in departments:
                problems.append(Problem(settings_path, where, f"unknown department {department!r}",
                                        f"routing.{category}"))
        group = self.settings.supervisor_group
        if group and not group_exists(group):
            problems.append(Problem(
                settings_path, line_of(lines, ("supervisor_group",)),
                f"no group {group!r} on this system: nobody is a supervisor through it",
                "supervisor_group"))
        return problems

    @functools.cached_property
    def queue(self) -> Queue:
        """The case queue (ordering, paging, search, counts) on its own index connection."""
        from core.cases.queue import Queue

        return Queue(self)

    @property
    def shifts(self) -> Shifts:
        """The desk's shifts in its time zone: which shift it is."""
        return Shifts(self.settings.shifts, self.settings.zone)

    @property
    def handovers(self) -> Handovers:
        """The shift handovers saved in ``handovers/``."""
        from core.handovers import Handovers

        return Handovers(self.root, self.shifts, self.file_mode)

    @property
    def ledgers(self) -> Ledgers:
        """The ledgers (台账): append, reconcile, sign off periods."""
        from core.ledger import Ledgers

        return Ledgers(self)

    def read(self, loader: DeskLoader[T]) -> tuple[T, list[Problem]]:
        """What the files of ``loader``'s kind hold now, and their problems: read afresh, for
        files that change while the desk is open (rounds, the allocation plan)."""
        return loader.load(self)

    @property
    def rounds(self) -> tuple[list[Round], list[Problem]]:
        """The delivery rounds in ``rounds/``, newest first, read now, and their problems."""
        return self.read(ROUNDS)

    @property
    def levels(self) -> DistrictLevels:
        """The emergency level of each district on a day: ``desk.levels.on(day)``."""
        from core.levels.district import DistrictLevels

        return DistrictLevels(self)


def _lines(path: Path) -> dict[tuple[str | int, ...], int]:
    data, _problem = read_or_problem(path)
    try:
        return locate_lines(data.decode("utf-8")) if data is not None else {}
    except UnicodeDecodeError:
        return {}
