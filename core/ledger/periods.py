"""Period close (结账): a supervisor signs a period off; after that it takes no new records.

A close is one file, ``ledgers/periods/START--END.toml``, created atomically so a period is signed
off once. Only a close signed by one of the desk's supervisors (``desk.toml`` ``supervisors``)
counts. After it, a record dated inside the period but recorded after the signature is an error:
corrections are reversing records dated in an open period.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

import attrs

from core.atomic import PRIVATE_FILE_MODE, create_atomic, make_directories
from core.convert import converter
from core.ledger.files import LEDGERS_DIR
from core.ledger.records import check_aware, check_uid
from core.model import check_not_blank
from core.problems import Problem
from core.tomlio import dumps, read_toml, structure

PERIODS_DIR = "periods"


@attrs.frozen(kw_only=True)
class PeriodClose:
    """A period signed off by a supervisor (结账签字)."""

    start: date
    end: date
    signed_by: str = attrs.field(validator=check_not_blank)
    signed: datetime = attrs.field(validator=check_aware)
    uid: str = attrs.field(validator=check_uid)
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def name(self) -> str:
        return f"{self.start.isoformat()}--{self.end.isoformat()}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def window(self, zone: tzinfo) -> tuple[float, float, float]:
        """(start, end, signed) as POSIX timestamps, the end exclusive, in the desk's zone."""
        start = datetime.combine(self.start, time(), zone).timestamp()
        end = datetime.combine(self.end + timedelta(days=1), time(), zone).timestamp()
        return start, end, self.signed.timestamp()


@attrs.frozen
class ClosedPeriods:
    """The closes that count, and the problems with those that do not."""

    closes: tuple[PeriodClose, ...]
    problems: tuple[Problem, ...]
    rejected: tuple[tuple[PeriodClose, Path, int | None], ...] = ()

    def covering(self, day: date) -> PeriodClose | None:
        for close in self.closes:
            if close.contains(day):
                return close
        return None


def periods_directory(root: Path) -> Path:
    return root / LEDGERS_DIR / PERIODS_DIR


def close_path(root: Path, start: date, end: date) -> Path:
    return periods_directory(root) / f"{start.isoformat()}--{end.isoformat()}.toml"


def load_closes(root: Path, supervisors: Sequence[str]) -> ClosedPeriods:
    """Every period close of the desk at ``root``; those not signed by a supervisor are rejected."""
    directory = periods_directory(root)
    if not directory.is_dir():
        return ClosedPeriods((), ())
    good: list[PeriodClose] = []
    problems: list[Problem] = []
    rejected: list[tuple[PeriodClose, Path, int | None]] = []
    for path in sorted(directory.glob("*.toml")):
        if path.name.startswith("."):
            continue
        data, text, found = read_toml(path)
        problems.extend(found)
        if data is None:
            continue
        close, found = structure(converter, data, PeriodClose, path, text)
        problems.extend(found)
        if close is None:
            continue
        if path.name != f"{close.name}.toml":
            problems.append(Problem(path, None,
                                    f"file name does not match the period {close.name}"))
            continue
        if close.signed_by not in supervisors:
            rejected.append((close, path, _line(text, "signed_by")))
            continue
        good.append(close)
    return ClosedPeriods(tuple(sorted(good, key=lambda c: c.start)), tuple(problems),
                         tuple(rejected))


def _line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key} ") or line.startswith(f"{key}="):
            return number
    return None


def close_period(
    root: Path,
    start: date,
    end: date,
    *,
    signed_by: str,
    supervisors: Sequence[str],
    signed: datetime,
    note: str = "",
    mode: int = PRIVATE_FILE_MODE,
) -> PeriodClose:
    """Sign off ``start``..``end`` (inclusive); ``PermissionError`` if the signer is no supervisor,
    ``FileExistsError`` if the period was already closed."""
    if signed_by not in supervisors:
        raise PermissionError(f"{signed_by!r} is not a supervisor of this desk")
    close = PeriodClose(start=start, end=end, signed_by=signed_by, signed=signed,
                        uid=str(uuid.uuid4()), note=note)
    path = close_path(root, start, end)
    make_directories(path.parent, mode=mode)
    create_atomic(path, dumps(converter.unstructure(close)).encode("utf-8"), mode=mode)
    return close
