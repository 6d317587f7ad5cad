"""Every kind of file a desk holds, and how it is read: the one list :meth:`core.desk.Desk.open`
and ``baogong check`` go through.

Each :class:`DeskLoader` names a kind of file (a name or a glob below the desk), what reading
it yields, and the function that reads and validates every file of the kind, returning the
value and every problem (``path:line``). :data:`LOADERS` is the registry: a file kind that is
not in it is neither read by a desk nor checked, so adding a kind means adding a loader here,
and ``tests/core/test_desk_loaders.py`` then asks for a broken file of the kind.

The settings and the reference data are read by every :meth:`~core.desk.Desk.open` (``eager``);
the rest are read when a service asks for them (:meth:`~core.desk.Desk.load`), and all of them
by ``baogong check``. Cases are not here: there can be a million, and the store and its index
read them on demand (``check`` reads each file itself).

The loaders import their capability on first use, so opening a desk stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

import attrs

from core.problems import DeskError, Problem
from core.reference import (
    CatalogueItem,
    Community,
    Department,
    DeskSettings,
    District,
    Household,
    ListPrice,
    Supermarket,
)
from core.storage.convert import converter
from core.storage.deskfiles import read_or_problem
from core.storage.tomlio import (
    KeyPath,
    line_of,
    locate_lines,
    read_toml,
    structure,
    structure_list,
)

if TYPE_CHECKING:
    from core.allocation import UnitProfile
    from core.city.config import CityConfig
    from core.desk import Desk
    from core.ledger.periods import ClosedPeriods
    from core.levels.authority import Activation
    from core.levels.manual import Decision
    from core.levels.prices import PriceDay
    from core.levels.reportup import ReportUp
    from core.levels.reserves import Reserves
    from core.levels.signalfile import SignalsReading
    from core.levels.thresholds import Thresholds
    from core.medicalclock import LateFlag, ReportSent
    from core.packing.templates import PackingConfig
    from core.replica.site import LocalSettings
    from core.rounds import Round

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

SETTINGS_FILE = "desk.toml"
HANDOVERS_DIR = "handovers"
#: the record of each register import (see :mod:`core.registers.imports`)
IMPORTS_DIR = "imports"


@attrs.frozen
class DeskLoader(Generic[T_co]):
    """One kind of desk file: where its files are, what they yield, how they are read."""

    #: a short name for the kind, unique in :data:`LOADERS`
    name: str
    #: the files, relative to the desk: a name, or a glob (``YYYY`` and the like for digits)
    files: str
    #: what reading the files gives, in words
    yields: str
    #: reads and validates every file of the kind: the value and every problem
    load: Callable[[Desk], tuple[T_co, list[Problem]]]
    #: read by every :meth:`~core.desk.Desk.open`, and re-read when a file changes
    eager: bool = False

    def paths(self, root: Path) -> list[Path]:
        """The files of this kind in the desk at ``root`` (existing ones), sorted."""
        if "*" not in self.files and "YYYY" not in self.files:
            path = root / self.files
            return [path] if os.path.lexists(path) else []
        pattern = self.files.replace("YYYY", "[0-9]" * 4).replace("MM", "[0-9]" * 2)
        pattern = pattern.replace("DD", "[0-9]" * 2)
        return sorted(root.glob(pattern))


# --- settings and reference data ---------------------------------------------------------------


def load_settings(path: Path) -> tuple[DeskSettings | None, list[Problem]]:
    """The settings in ``desk.toml`` at ``path``, or None and every problem."""
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
    lines: dict[KeyPath, int] | None = None  # located only for a problem to point at
    seen: set[str] = set()
    for index, row in enumerate(rows):
        code = row.get("code", row.get("id")) if isinstance(row, dict) else None
        if isinstance(code, str):
            if code in seen:
                lines = locate_lines(text) if lines is None else lines
                problems.append(Problem(path, line_of(lines, (key, index)),
                                        f"duplicate code {code!r}", f"{key}[{index}]"))
            seen.add(code)
    return records, problems


def _settings(desk: Desk) -> tuple[DeskSettings | None, list[Problem]]:
    return load_settings(desk.root / SETTINGS_FILE)


def _reference(name: str, file_name: str, key: str, cls: type[T], yields: str,
               code_field: str = "code"
               ) -> DeskLoader[dict[str, T]]:
    """The loader of the array of tables ``key`` in the reference file ``file_name``: its
    records by ``code_field``, the first of a duplicated code kept."""
    def load(desk: Desk) -> tuple[dict[str, T], list[Problem]]:
        path = desk.root / file_name
        if not os.path.lexists(path):
            return {}, []
        records, problems = load_records(path, key, cls)
        found: dict[str, T] = {}
        for record in records:
            found.setdefault(str(getattr(record, code_field)), record)
        return found, problems

    return DeskLoader(name, file_name, yields, load, eager=True)


SETTINGS: DeskLoader[DeskSettings | None] = DeskLoader(
    "settings", SETTINGS_FILE, "the desk's settings (DeskSettings)", _settings, eager=True)
DEPARTMENTS = _reference("departments", "departments.toml", "department", Department,
                         "departments by code")
DISTRICTS = _reference("districts", "communities.toml", "district", District,
                       "districts by code")
COMMUNITIES = _reference("communities", "communities.toml", "community", Community,
                         "communities by code")
SUPERMARKETS = _reference("supermarkets", "supermarkets.toml", "supermarket", Supermarket,
                          "supermarkets by code")
CATALOGUE = _reference("catalogue", "catalogue.toml", "item", CatalogueItem, "goods by code")
HOUSEHOLDS = _reference("households", "households.toml", "household", Household,
                        "households by id", code_field="id")

#: each supermarket's own price list (see :class:`core.reference.ListPrice`)
PRICE_LISTS_FILE = "pricelists.toml"


def _price_lists(desk: Desk) -> tuple[tuple[ListPrice, ...], list[Problem]]:
    """The lines of ``pricelists.toml`` in file order; a supermarket pricing an item twice is a
    problem (the first line counts)."""
    path = desk.root / PRICE_LISTS_FILE
    if not os.path.lexists(path):
        return (), []
    records, problems = load_records(path, "price", ListPrice)
    data, _problem = read_or_problem(path)
    lines = locate_lines(data.decode("utf-8", "replace")) if data is not None else {}
    seen: set[tuple[str, str]] = set()
    kept: list[ListPrice] = []
    for index, record in enumerate(records):
        key = (record.supermarket, record.item)
        if key in seen:
            problems.append(Problem(path, line_of(lines, ("price", index)),
                                    f"{record.supermarket} prices {record.item!r} twice",
                                    f"price[{index}]"))
            continue
        seen.add(key)
        kept.append(record)
    return tuple(kept), problems


PRICE_LISTS: DeskLoader[tuple[ListPrice, ...]] = DeskLoader(
    "price lists", PRICE_LISTS_FILE, "each supermarket's own prices of catalogue goods",
    _price_lists, eager=True)


# --- levels, packing, ledgers, plans ------------------------------------------------------------


def _levels(desk: Desk) -> tuple[Thresholds | None, list[Problem]]:
    from core.levels.thresholds import desk_thresholds

    return desk_thresholds(desk.root)


def _reserves(desk: Desk) -> tuple[Reserves | None, list[Problem]]:
    from core.levels.reserves import RESERVES_FILE, check_reserves, load_reserves

    problems = check_reserves(desk)  # the file, then the districts and goods it names
    return load_reserves(desk.root / RESERVES_FILE)[0], problems


def _decisions(desk: Desk) -> tuple[list[Decision], list[Problem]]:
    from core.identity import supervisors
    from core.levels.manual import load_decisions

    return load_decisions(desk.root, supervisors(desk))


def _activations(desk: Desk) -> tuple[list[Activation], list[Problem]]:
    from core.identity import supervisors
    from core.levels.authority import load_activations

    return load_activations(desk.root, supervisors(desk))


def _report_ups(desk: Desk) -> tuple[list[ReportUp], list[Problem]]:
    from core.levels.reportup import load_report_ups

    return load_report_ups(desk.root)


def _packing(desk: Desk) -> tuple[PackingConfig | None, list[Problem]]:
    from core.packing.templates import check_packing_config, load_packing_config

    problems = check_packing_config(desk.root, desk.catalogue or None)
    return load_packing_config(desk.root)[0], problems


def _batches(desk: Desk) -> tuple[int, list[Problem]]:
    from core.ledger.files import batch_paths, read_batch

    records = 0
    problems: list[Problem] = []
    for path in batch_paths(desk.root):
        batch = read_batch(path)
        records += len(batch.records)
        problems.extend(batch.problems)
    return records, problems


def _periods(desk: Desk) -> tuple[ClosedPeriods, list[Problem]]:
    from core.identity import supervisors
    from core.ledger.periods import load_closes

    closes = load_closes(desk.root, supervisors(desk))
    return closes, list(closes.problems)


def _matches(desk: Desk) -> tuple[int, list[Problem]]:
    from core.ledger import MATCHES_DIR, Match
    from core.ledger.files import LEDGERS_DIR

    directory = desk.root / LEDGERS_DIR / MATCHES_DIR
    if not directory.is_dir():
        return 0, []
    count = 0
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.toml")):
        data, text, found = read_toml(path)
        problems.extend(found)
        if data is None:
            continue
        match, found = structure(converter, data.get("match", {}), Match, path, text, ("match",))
        problems.extend(found)
        count += match is not None
    return count, problems


def _allocation(desk: Desk) -> tuple[Mapping[str, UnitProfile], list[Problem]]:
    from core.allocation import load_profiles
    from core.medicalclock import load_deadlines

    try:
        return load_profiles(desk.root), load_deadlines(desk.root)[1]
    except DeskError as exc:
        return {}, list(exc.problems)


def _allocation_flags(desk: Desk) -> tuple[list[LateFlag], list[Problem]]:
    from core.medicalclock import load_flags

    return load_flags(desk.root)


def _reports_sent(desk: Desk) -> tuple[dict[date, ReportSent], list[Problem]]:
    from core.medicalclock import load_reports_sent

    return load_reports_sent(desk.root)


def _rounds(desk: Desk) -> tuple[list[Round], list[Problem]]:
    from core.rounds import load_rounds

    return load_rounds(desk)


def _signals(desk: Desk) -> tuple[list[SignalsReading], list[Problem]]:
    from core.levels.district import SIGNALS_DIR
    from core.levels.signalfile import read_signals
    from core.levels.thresholds import DEFAULT_THRESHOLDS

    thresholds = desk.load(LEVELS) or DEFAULT_THRESHOLDS
    directory = desk.root / SIGNALS_DIR
    readings: list[SignalsReading] = []
    problems: list[Problem] = []
    if directory.is_dir():
        for path in sorted(directory.glob("*.toml")):
            reading, found = read_signals(path, thresholds)
            problems.extend(found)
            if reading is not None:
                readings.append(reading)
    return readings, problems


def _prices(desk: Desk) -> tuple[dict[date, PriceDay], list[Problem]]:
    from core.levels.prices import load_price_days

    return load_price_days(desk.root, desk.supermarkets)


def _imports(desk: Desk) -> tuple[int, list[Problem]]:
    count = 0
    problems: list[Problem] = []
    for path in sorted((desk.root / IMPORTS_DIR).glob("*.toml")):
        data, _text, found = read_toml(path)
        problems.extend(found)
        count += data is not None
    return count, problems


def _handovers(desk: Desk) -> tuple[list[Path], list[Problem]]:
    """Handover reports are text for printing: each must be a readable UTF-8 file."""
    readable: list[Path] = []
    problems: list[Problem] = []
    for path in HANDOVERS.paths(desk.root):
        data, problem = read_or_problem(path)
        if data is None:
            problems.extend([problem] if problem else [])
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            problems.append(Problem(path, line, "not UTF-8 text; the handover screen cannot "
                                                "show it"))
            continue
        readable.append(path)
    return readable, problems


def _city(desk: Desk) -> tuple[CityConfig | None, list[Problem]]:
    from core.city.config import CITY_FILE, load_city

    return load_city(desk.root / CITY_FILE)


LEVELS: DeskLoader[Thresholds | None] = DeskLoader(
    "levels", "levels.toml", "the emergency level thresholds (the defaults without the file)",
    _levels)
RESERVES: DeskLoader[Reserves | None] = DeskLoader(
    "reserves", "reserves.toml", "the reserve stock and days of supply", _reserves)
DECISIONS: DeskLoader[list[Decision]] = DeskLoader(
    "decisions", "levels/decisions/*.toml", "the supervisors' level decisions, oldest first",
    _decisions)
ACTIVATIONS: DeskLoader[list[Activation]] = DeskLoader(
    "activations", "levels/activations/*.toml", "the recorded activations and de-escalations "
    "of the levels (who decided, on whose authority, when), oldest first", _activations)
REPORT_UPS: DeskLoader[list[ReportUp]] = DeskLoader(
    "report-ups", "levels/reportups/*.toml", "the report-up tasks (a level rise or a surge, "
    "reported upward within the hour) and who reported them, by when seen", _report_ups)
PACKING: DeskLoader[PackingConfig | None] = DeskLoader(
    "packing", "packing.toml", "boxes, templates and delivery rules for packing", _packing)
BATCHES: DeskLoader[int] = DeskLoader(
    "ledger batches", "ledgers/YYYY/MM/DD/*.toml", "how many ledger records the batches hold",
    _batches)
PERIODS: DeskLoader[ClosedPeriods] = DeskLoader(
    "ledger periods", "ledgers/periods/*.toml", "the signed-off ledger periods", _periods)
MATCHES: DeskLoader[int] = DeskLoader(
    "ledger matches", "ledgers/matches/*.toml", "how many match records the reconciler wrote",
    _matches)
ALLOCATION: DeskLoader[Mapping[str, UnitProfile]] = DeskLoader(
    "allocation", "allocation.toml", "the units supplies are allocated to, by name",
    _allocation)
#: one file per flag or day (created, never replaced): two clocks or two supervisors racing
#: for one name cannot both write it, and replicas merge them as files
ALLOCATION_FLAGS: DeskLoader[list[LateFlag]] = DeskLoader(
    "allocation flags", "allocation/late/*.toml", "the medical allocation's missed deadlines "
    "(late approvals and deliveries, a report not sent in time), as the desk clock wrote them",
    _allocation_flags)
REPORTS_SENT: DeskLoader[dict[date, ReportSent]] = DeskLoader(
    "allocation reports sent", "allocation/reports/*.toml", "when each day's 17:30 report was "
    "sent, to whom, with what reference and by whom, by day", _reports_sent)
ROUNDS: DeskLoader[list[Round]] = DeskLoader(
    "rounds", "rounds/*.toml", "the delivery rounds, newest first", _rounds)
SIGNALS: DeskLoader[list[SignalsReading]] = DeskLoader(
    "signals", "signals/*.toml", "the market signals readings, by day", _signals)
PRICES: DeskLoader[dict[date, PriceDay]] = DeskLoader(
    "prices", "prices/YYYY-MM-DD.toml", "the day's observed retail prices and stock per "
    "supermarket and necessity (市场价格监测), by day", _prices)
HANDOVERS: DeskLoader[list[Path]] = DeskLoader(
    "handovers", f"{HANDOVERS_DIR}/*.txt", "the shift handover reports that can be shown",
    _handovers)

IMPORTS: DeskLoader[int] = DeskLoader(
    "register imports", f"{IMPORTS_DIR}/*.toml", "how many register imports are on record (who, "
    "when, from which file, what changed)", _imports)

def _local(desk: Desk) -> tuple[LocalSettings | None, list[Problem]]:
    from core.replica.site import LOCAL_FILE, load_local

    return load_local(desk.root / LOCAL_FILE)


LOCAL: DeskLoader[LocalSettings | None] = DeskLoader(
    "local settings", "local.toml", "this replica's own site code, never replicated", _local)


CITY: DeskLoader[CityConfig | None] = DeskLoader(
    "city", "city.toml", "the district desks a city desk follows (none: not a city desk)", _city)

#: every kind of desk file, in the order their problems are listed; the settings come first
LOADERS: tuple[DeskLoader[object], ...] = (
    SETTINGS, DEPARTMENTS, DISTRICTS, COMMUNITIES, SUPERMARKETS, CATALOGUE, PRICE_LISTS,
    HOUSEHOLDS, LEVELS, RESERVES, DECISIONS, ACTIVATIONS, REPORT_UPS, PACKING, BATCHES, PERIODS,
    MATCHES, ALLOCATION, ALLOCATION_FLAGS, REPORTS_SENT, ROUNDS, SIGNALS, PRICES, HANDOVERS,
    IMPORTS, LOCAL, CITY,
)
