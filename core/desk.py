"""A desk (热线台): a directory holding its settings, reference data and cases.

Layout::

    desk.toml           settings: name, time zone, locale, SLA rules, supervisors (and their OS
                        group), shared_group, training, routing, keys
    departments.toml    [[department]]
    communities.toml    [[district]] and [[community]]
    supermarkets.toml   [[supermarket]]
    catalogue.toml      [[item]]
    households.toml     [[household]] with [[household.residents]]
    cases/YYYY/MM/DD/   one TOML file per case (see core.cases.store)

Opening a desk collects every problem in every file instead of stopping at the first; only a
missing or unusable ``desk.toml`` makes a desk impossible to open.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from core.cases.case import Category
from core.identity import group_exists, os_account
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
from core.storage.convert import converter
from core.storage.deskfiles import read_or_problem
from core.storage.tomlio import line_of, locate_lines, read_toml, structure, structure_list

if TYPE_CHECKING:
    from core.cases.queue import Queue
    from core.handovers import Handovers
    from core.levels.district import DistrictLevels

T = TypeVar("T")

SETTINGS_FILE = "desk.toml"
SHARED_FILE_MODE = 0o660

#: file name -> (array key -> record class) of the reference data
REFERENCE_FILES: dict[str, dict[str, type]] = {
    "departments.toml": {"department": Department},
    "communities.toml": {"district": District, "community": Community},
    "supermarkets.toml": {"supermarket": Supermarket},
    "catalogue.toml": {"item": CatalogueItem},
    "households.toml": {"household": Household},
}


def current_operator() -> str:
    """The operator a change is attributed to: the process's OS account (see
    :mod:`core.identity`), never ``LOGNAME`` or ``USER``."""
    return os_account()


@attrs.define
class Desk:
    """An open desk: settings and reference data, with the case store at ``cases``."""

    root: Path
    settings: DeskSettings
    departments: dict[str, Department] = attrs.Factory(dict)
    districts: dict[str, District] = attrs.Factory(dict)
    communities: dict[str, Community] = attrs.Factory(dict)
    supermarkets: dict[str, Supermarket] = attrs.Factory(dict)
    catalogue: dict[str, CatalogueItem] = attrs.Factory(dict)
    households: dict[str, Household] = attrs.Factory(dict)
    problems: list[Problem] = attrs.Factory(list)
    _store: Any = None

    @classmethod
    def open(cls, root: Path | str) -> Desk:
        """Open the desk at ``root``; raises :class:`DeskError` only if it has no usable settings.

        Problems in other files are collected in ``problems`` and the good records kept.
        """
        root = Path(root).expanduser().resolve()
        if not root.is_dir():
            raise DeskError([Problem(root, None, "desk directory not found")])
        settings, problems = load_settings(root / SETTINGS_FILE)
        if settings is None:
            raise DeskError(problems)
        desk = cls(root=root, settings=settings, problems=problems)
        desk._load_reference_data()
        desk.problems.extend(desk._cross_check())
        return desk

    @property
    def file_mode(self) -> int:
        """Case and ledger files hold personal data: private unless a group shares the desk."""
        return SHARED_FILE_MODE if self.settings.shared_group else PRIVATE_FILE_MODE

    @property
    def cases(self) -> Any:
        """The case store (``core.cases.store.CaseStore``), opened on first use."""
        if self._store is None:
            from core.cases.store import CaseStore

            self._store = CaseStore(self)
        return self._store

    def department_for(self, category: Category) -> str:
        """The department a category is routed to: the desk's routing table, else the default."""
        return self.settings.routing.get(category.value, category.info.department)

    def households_by_phone(self) -> dict[str, list[Household]]:
        """Households by the normalized phone numbers of the household and its residents."""
        found: dict[str, list[Household]] = {}
        for household in self.households.values():
            phones = {household.phone, *(r.phone for r in household.residents)}
            for phone in phones - {""}:
                found.setdefault(normalize_phone(phone), []).append(household)
        return found

    def _load_reference_data(self) -> None:
        for file_name, arrays in REFERENCE_FILES.items():
            path = self.root / file_name
            if not os.path.lexists(path):
                continue
            for key, cls in arrays.items():
                records: list[Any]
                records, found = load_records(path, key, cls)
                self.problems.extend(found)
                target: dict[str, Any] = getattr(self, _ATTRIBUTE[key])
                for record in records:
                    target.setdefault(record.code if hasattr(record, "code") else record.id, record)

    def _cross_check(self) -> list[Problem]:
        problems: list[Problem] = []

        def refer(file_name: str, key: str, rows: Iterable[Any], field: str,
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

        refer("communities.toml", "community", self.communities.values(), "district",
              self.districts, "district")
        refer("communities.toml", "community", self.communities.values(), "supermarket",
              self.supermarkets, "supermarket")
        refer("supermarkets.toml", "supermarket", self.supermarkets.values(), "zone",
              self.communities, "community")
        refer("households.toml", "household", self.households.values(), "community",
              self.communities, "community")
        settings_path = self.root / SETTINGS_FILE
        lines = _lines(settings_path)
        categories = {c.value for c in Category}
        for category, department in self.settings.routing.items():
            where = line_of(lines, ("routing", category))
            if category not in categories:
                problems.append(Problem(settings_path, where, f"unknown case category {category!r}",
                                        f"routing.{category}"))
            if self.departments and department not in self.departments:
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
    def levels(self) -> DistrictLevels:
        """The emergency level of each district on a day: ``desk.levels.on(day)``."""
        from core.levels.district import DistrictLevels

        return DistrictLevels(self)


_ATTRIBUTE = {
    "department": "departments",
    "district": "districts",
    "community": "communities",
    "supermarket": "supermarkets",
    "item": "catalogue",
    "household": "households",
}


def _lines(path: Path) -> dict[tuple[str | int, ...], int]:
    data, _problem = read_or_problem(path)
    try:
        return locate_lines(data.decode("utf-8")) if data is not None else {}
    except UnicodeDecodeError:
        return {}


def load_settings(path: Path) -> tuple[DeskSettings | None, list[Problem]]:
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems
    return structure(converter, data, DeskSettings, path, text)


def load_records(path: Path, key: str, cls: type[T]) -> tuple[list[T], list[Problem]]:
    """The records of the array of tables ``key`` in ``path``, and the problems of the others.

    Duplicate codes are problems too: the first record with a code wins.
    """
    data, text, problems = read_toml(path)
    if data is None:
        return [], problems
    rows = data.get(key, [])
    if not isinstance(rows, list):
        return [], [Problem(path, line_of(locate_lines(text), (key,)),
                            f"expected an array of tables [[{key}]]", key)]
    records, found = structure_list(converter, rows, cls, path, text, key)
    problems.extend(found)
    lines = locate_lines(text)
    seen: set[str] = set()
    for index, row in enumerate(rows):
        code = row.get("code", row.get("id")) if isinstance(row, dict) else None
        if isinstance(code, str):
            if code in seen:
                problems.append(Problem(path, line_of(lines, (key, index)),
                                        f"duplicate code {code!r}", f"{key}[{index}]"))
            seen.add(code)
    return records, problems

