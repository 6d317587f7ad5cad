"""Daily price monitoring (市场价格监测): what each designated supermarket charges for each
necessity, and whether it has it, one file a day.

The seeds ask the office to watch the prices of 菜肉蛋奶 and grain and oil every day and to report
an abnormal rise within the hour. Each day's observations are one file, ``prices/<date>.toml``::

    # prices/2026-11-23.toml
    date = 2026-11-23

    [[price]]
    supermarket = "hualian"       # a code of supermarkets.toml
    necessity = "grain"           # grain | oil | pork | eggs | milk | vegetables | salt
    fen = 2990                    # the retail price seen, in fen; absent when none was seen
    stock = "ok"                  # ok | low (供应偏紧) | out (断货)
    entered_by = "op.li"          # who entered the row, and when
    entered_at = 2026-11-23T09:12:00+08:00

One row per supermarket and necessity. Rows are written by :func:`record_prices` under the
prices' lock, atomically, each stamped with the operator who entered it; a row entered again
replaces the old one (and takes the new operator's name), the other rows keep theirs.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from core.identity import acting_name
from core.levels.derive import PriceGroup
from core.problems import DeskError, InvalidField, Problem
from core.reference import check_not_blank
from core.storage.atomic import exclusive_lock, write_atomic
from core.storage.convert import converter
from core.storage.deskfiles import make_desk_directories
from core.storage.tomlio import drop_none, dumps, line_of, locate_lines, read_toml, structure

if TYPE_CHECKING:
    from core.desk import Desk

PRICES_DIR = "prices"
#: the lock every writer of prices takes (beside the registers' locks)
LOCK_PATH = Path(".locks") / "prices.lock"


class Necessity(enum.StrEnum):
    """The necessities the seeds name for monitoring (粮、油、肉、蛋、奶、菜、盐)."""

    GRAIN = "grain"  # 粮
    OIL = "oil"  # 食用油
    PORK = "pork"  # 猪肉 (精瘦肉)
    EGGS = "eggs"  # 鸡蛋
    MILK = "milk"  # 牛奶
    VEGETABLES = "vegetables"  # 蔬菜
    SALT = "salt"  # 食盐

    @property
    def group(self) -> PriceGroup | None:
        """The price group of the level rules: grain and oil together, lean pork; else none."""
        return _GROUPS.get(self)


_GROUPS = {Necessity.GRAIN: PriceGroup.GRAIN_OIL, Necessity.OIL: PriceGroup.GRAIN_OIL,
           Necessity.PORK: PriceGroup.LEAN_PORK}


class StockState(enum.StrEnum):
    """Whether a supermarket has a necessity on its shelves."""

    OK = "ok"  # 充足
    LOW = "low"  # 偏紧
    OUT = "out"  # 断货

    @property
    def tight(self) -> bool:
        return self is not StockState.OK


def _check_fen(_instance: object, attribute: attrs.Attribute[int | None], value: int | None
               ) -> None:
    if value is not None and value <= 0:
        raise InvalidField(attribute.name, f"a price is above 0 fen, got {value}")


def _check_aware(_instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if value.utcoffset() is None:
        raise InvalidField(attribute.name, "must carry a UTC offset, e.g. "
                                           "2026-11-23T09:12:00+08:00")


@attrs.frozen
class PriceEntry:
    """What an operator enters for one supermarket and necessity (a row before it is stamped)."""

    supermarket: str = attrs.field(validator=check_not_blank)
    necessity: Necessity = attrs.field(converter=Necessity)
    fen: int | None = attrs.field(default=None, validator=_check_fen)
    stock: StockState = attrs.field(default=StockState.OK, converter=StockState)

    @property
    def key(self) -> tuple[str, Necessity]:
        return self.supermarket, self.necessity


@attrs.frozen
class PriceRow:
    """One observation of the day (监测记录), with who entered it and when."""

    supermarket: str = attrs.field(validator=check_not_blank)
    necessity: Necessity
    entered_by: str = attrs.field(validator=check_not_blank)
    entered_at: datetime = attrs.field(validator=_check_aware)
    fen: int | None = attrs.field(default=None, validator=_check_fen)
    stock: StockState = StockState.OK

    @property
    def key(self) -> tuple[str, Necessity]:
        return self.supermarket, self.necessity


@attrs.frozen
class PriceDay:
    """The observations of one day, in the order of the file."""

    date: date
    price: tuple[PriceRow, ...] = ()

    def row(self, supermarket: str, necessity: Necessity) -> PriceRow | None:
        return next((r for r in self.price if r.key == (supermarket, necessity)), None)


#: the words a cell of the entry screen or a column of an import may use for a stock state
STOCK_WORDS: dict[str, StockState] = {
    "ok": StockState.OK, "有": StockState.OK, "充足": StockState.OK,
    "low": StockState.LOW, "低": StockState.LOW, "紧": StockState.LOW, "偏紧": StockState.LOW,
    "out": StockState.OUT, "缺": StockState.OUT, "断": StockState.OUT, "断货": StockState.OUT,
    "无货": StockState.OUT,
}
_CELL_WORDS = {StockState.LOW: ("低", "low"), StockState.OUT: ("缺", "out")}


class BadCell(ValueError):
    """A cell that is neither a price, a stock word, nor both; the message says what is."""


def parse_yuan(text: str) -> int:
    """``32.9`` or ``¥32.90`` as integer fen, exactly; at most two decimals, above 0."""
    cleaned = text.strip().removeprefix("¥").removeprefix("￥").removesuffix("元")
    whole, dot, cents = cleaned.partition(".")
    if not whole.isdigit() or (dot and not (cents.isdigit() and len(cents) <= 2)):
        raise BadCell(f"{text!r} is not a price in yuan (like 32.90)")
    fen = int(whole) * 100 + (int(cents.ljust(2, "0")) if dot else 0)
    if fen <= 0:
        raise BadCell(f"a price is above 0, got {text!r}")
    return fen


def parse_cell(text: str) -> tuple[int | None, StockState] | None:
    """A cell as typed: ``32.90`` (in stock), ``32.90 低`` / ``32.90 low`` (low), ``缺`` / ``out``
    (out, no price seen), ``38 缺`` (out at the last price); ``None`` for an empty cell."""
    parts = text.replace("，", " ").replace(",", " ").split()
    if not parts:
        return None
    fen: int | None = None
    stock = StockState.OK
    words = [p for p in parts if p.lower() in STOCK_WORDS]
    numbers = [p for p in parts if p.lower() not in STOCK_WORDS]
    if len(words) > 1 or len(numbers) > 1:
        raise BadCell(f"{text!r}: one price and at most one of 低/low, 缺/out")
    if numbers:
        fen = parse_yuan(numbers[0])
    if words:
        stock = STOCK_WORDS[words[0].lower()]
    if fen is None and stock is not StockState.OUT:
        raise BadCell(f"{text!r}: a price is needed unless the necessity is out (缺/out)")
    return fen, stock


def format_cell(fen: int | None, stock: StockState, lang: str = "zh") -> str:
    """The cell text :func:`parse_cell` reads back as ``(fen, stock)``."""
    price = f"{fen // 100}.{fen % 100:02d}" if fen is not None else ""
    word = _CELL_WORDS[stock][0 if lang == "zh" else 1] if stock is not StockState.OK else ""
    return " ".join(part for part in (price, word) if part)


def prices_path(root: Path, day: date) -> Path:
    return root / PRICES_DIR / f"{day.isoformat()}.toml"


def read_price_day(path: Path, supermarkets: Mapping[str, object] | None = None
                   ) -> tuple[PriceDay | None, list[Problem]]:
    """The day at ``path``; ``None`` and every problem (``path:line``) if it is unusable.

    The file's ``date`` must be the day in its name, a supermarket and necessity appear once, and
    (given ``supermarkets``) every supermarket must be one of the desk's.
    """
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems
    day, problems = structure(converter, data, PriceDay, path, text)
    if day is None:
        return None, problems
    lines = locate_lines(text)
    if day.date.isoformat() != path.stem:
        problems.append(Problem(path, line_of(lines, ("date",)),
                                f"the file is named for {path.stem} but says date = {day.date}",
                                "date"))
    seen: set[tuple[str, Necessity]] = set()
    for index, row in enumerate(day.price):
        if row.key in seen:
            problems.append(Problem(path, line_of(lines, ("price", index)),
                                    f"{row.supermarket} {row.necessity.value} is entered twice",
                                    f"price[{index}]"))
        seen.add(row.key)
        if supermarkets is not None and row.supermarket not in supermarkets:
            problems.append(Problem(path, line_of(lines, ("price", index, "supermarket")),
                                    f"unknown supermarket {row.supermarket!r} "
                                    "(see supermarkets.toml)", f"price[{index}].supermarket"))
    return (None if problems else day), problems


def price_paths(root: Path) -> list[Path]:
    directory = root / PRICES_DIR
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.toml") if _is_day(p.stem))


def _is_day(stem: str) -> bool:
    try:
        date.fromisoformat(stem)
    except ValueError:
        return False
    return len(stem) == 10


#: days already read, by the file's identity and the supermarkets they were checked against: the
#: levels and reports read a season of days on every call, and a day's file changes rarely (an
#: atomic replace gives it a new inode, so a changed file is never taken for the one read)
_READ_DAYS: dict[tuple[str, int, int, int, frozenset[str] | None],
                 tuple[PriceDay | None, tuple[Problem, ...]]] = {}
_READ_DAYS_KEPT = 4096


def _read_price_day_once(path: Path, supermarkets: frozenset[str] | None
                         ) -> tuple[PriceDay | None, list[Problem]]:
    checked = None if supermarkets is None else dict.fromkeys(supermarkets)
    try:
        status = path.stat()
    except OSError:  # gone since it was listed: read_toml says so with the path
        return read_price_day(path, checked)
    key = (str(path), status.st_ino, status.st_mtime_ns, status.st_size, supermarkets)
    kept = _READ_DAYS.get(key)
    if kept is None:
        day, problems = read_price_day(path, checked)
        if len(_READ_DAYS) >= _READ_DAYS_KEPT:
            _READ_DAYS.clear()
        kept = _READ_DAYS[key] = (day, tuple(problems))
    return kept[0], list(kept[1])


def load_price_days(root: Path, supermarkets: Mapping[str, object] | None = None, *,
                    first: date | None = None, last: date | None = None
                    ) -> tuple[dict[date, PriceDay], list[Problem]]:
    """Every usable day under ``prices/`` (from ``first`` to ``last`` when given) and the
    problems of the others."""
    days: dict[date, PriceDay] = {}
    problems: list[Problem] = []
    known = frozenset(supermarkets) if supermarkets is not None else None
    for path in price_paths(root):
        stem = date.fromisoformat(path.stem)
        if (first is not None and stem < first) or (last is not None and stem > last):
            continue
        day, found = _read_price_day_once(path, known)
        problems.extend(found)
        if day is not None:
            days[day.date] = day
    return days, problems


def encode_price_day(day: PriceDay) -> bytes:
    data: dict[str, Any] = drop_none(converter.unstructure(day))
    header = f"# 市场价格监测 Price monitoring {day.date.isoformat()}\n\n"
    return (header + dumps(data)).encode("utf-8")


def record_prices(desk: Desk, day: date, entries: Iterable[PriceEntry], *,
                  operator: str | None = None, now: datetime | None = None) -> PriceDay:
    """Enter ``entries`` into the prices of ``day``; returns the day as written.

    All or nothing: every entry is checked (a known supermarket, one entry per supermarket and
    necessity) before anything is written; then, under the prices' lock, the day's file is
    re-read, the entered rows replace theirs, stamped with the operator and the time, and the
    file is replaced atomically. Raises :class:`DeskError` naming each bad entry.
    """
    entries = list(entries)
    name = acting_name(desk, operator)
    when = (now or (desk.clock() if desk.clock else datetime.now(desk.settings.zone))
            ).replace(microsecond=0)
    path = prices_path(desk.root, day)
    problems: list[Problem] = []
    seen: set[tuple[str, Necessity]] = set()
    for index, entry in enumerate(entries, 1):
        if entry.supermarket not in desk.supermarkets:
            problems.append(Problem(path, None, f"entry {index}: unknown supermarket "
                                    f"{entry.supermarket!r} (see supermarkets.toml)",
                                    "supermarket"))
        if entry.key in seen:
            problems.append(Problem(path, None, f"entry {index}: {entry.supermarket} "
                                    f"{entry.necessity.value} is entered twice", "necessity"))
        seen.add(entry.key)
    if problems:
        raise DeskError(problems)
    make_desk_directories(desk.root, path.parent, mode=desk.file_mode)
    make_desk_directories(desk.root, desk.root / LOCK_PATH.parent, mode=desk.file_mode)
    with exclusive_lock(desk.root / LOCK_PATH, mode=desk.file_mode):
        current: PriceDay = PriceDay(day)
        if path.exists():
            found, problems = read_price_day(path, desk.supermarkets)
            if found is None:
                raise DeskError(problems)
            current = found
        rows = {row.key: row for row in current.price}
        for entry in entries:
            rows[entry.key] = PriceRow(entry.supermarket, entry.necessity, name, when,
                                       entry.fen, entry.stock)
        written = PriceDay(day, tuple(sorted(rows.values(), key=_row_order)))
        write_atomic(path, encode_price_day(written), mode=desk.file_mode)
    return written


def _row_order(row: PriceRow) -> tuple[str, int]:
    return row.supermarket, list(Necessity).index(row.necessity)


def series_by_item(days: Sequence[PriceDay]) -> dict[tuple[str, Necessity], dict[date, int]]:
    """The observed prices of each supermarket and necessity, by day."""
    series: dict[tuple[str, Necessity], dict[date, int]] = {}
    for day in days:
        for row in day.price:
            if row.fen is not None:
                series.setdefault(row.key, {})[day.date] = row.fen
    return series


__all__ = [
    "PRICES_DIR",
    "STOCK_WORDS",
    "BadCell",
    "Necessity",
    "PriceDay",
    "PriceEntry",
    "PriceRow",
    "StockState",
    "encode_price_day",
    "format_cell",
    "load_price_days",
    "parse_cell",
    "parse_yuan",
    "price_paths",
    "prices_path",
    "read_price_day",
    "record_prices",
]
