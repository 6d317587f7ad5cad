"""Period close (结账): a supervisor signs a period off; after that it takes no new records.

A close is one file, ``ledgers/periods/START--END.toml``, created atomically so a period is signed
off once. Only a close signed by one of the desk's supervisors (``desk.toml`` ``supervisors``)
counts. After it, a record dated inside the period is an error: corrections are reversing records
dated in an open period, and a reversal takes effect on its own date.

A sign-off seals its period: while holding the ledger lock (:func:`core.ledger.files.ledger_lock`,
which every append also holds) it reads every batch file and writes the SHA-256 of each one
holding a record dated in the period (or one it cannot read) into the close, as ``[[sealed]]``
tables. The reconciler reports a sealed file changed or removed, and a batch file outside the seal
holding a record dated in the period. Closes written before seals existed have no ``sealed``
field; for them a record counts as late when its ``recorded`` time is after the signature.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

import attrs

from core.ledger.files import LEDGERS_DIR, batch_paths, decode_batch, ledger_lock
from core.ledger.records import check_aware, check_uid
from core.problems import Problem
from core.reference import check_not_blank
from core.storage.atomic import PRIVATE_FILE_MODE, create_atomic
from core.storage.convert import converter
from core.storage.deskfiles import FileKind, FileRefused, make_desk_directories, read_desk_file
from core.storage.tomlio import dumps, read_toml, structure

PERIODS_DIR = "periods"

#: a batch file's path from the desk's root, the only kind of file a seal may name
SEALED_FILE_PATTERN = re.compile(
    rf"{LEDGERS_DIR}/[0-9]{{4}}/[0-9]{{2}}/[0-9]{{2}}/[0-9]{{8}}-[0-9]{{4,6}}\.toml\Z")
_SHA256_PATTERN = re.compile(r"[0-9a-f]{64}\Z")


def _check_sealed_file(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not SEALED_FILE_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a batch file under {LEDGERS_DIR}/ "
                         f"({LEDGERS_DIR}/YYYY/MM/DD/YYYYMMDD-NNNN.toml)")


def _check_sha256(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _SHA256_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a SHA-256 digest (64 lowercase hex digits)")


@attrs.frozen(kw_only=True)
class SealedFile:
    """A batch file as it was when its period was signed off (封存): its path and digest."""

    file: str = attrs.field(validator=_check_sealed_file)
    sha256: str = attrs.field(validator=_check_sha256)


@attrs.frozen(kw_only=True)
class PeriodClose:
    """A period signed off by a supervisor (结账签字).

    ``sealed`` lists the batch files of the period and their digests; ``None`` for a close
    written before sign-offs sealed their period.
    """

    start: date
    end: date
    signed_by: str = attrs.field(validator=check_not_blank)
    signed: datetime = attrs.field(validator=check_aware)
    uid: str = attrs.field(validator=check_uid)
    note: str = ""
    sealed: tuple[SealedFile, ...] | None = None

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
    zone: tzinfo,
    signed: datetime | None = None,
    note: str = "",
    mode: int = PRIVATE_FILE_MODE,
) -> PeriodClose:
    """Sign off ``start``..``end`` (inclusive) and seal it; ``PermissionError`` if the signer is
    no supervisor, ``FileExistsError`` if the period was already closed.

    Holds the ledger lock while it seals the period and writes the close, so no append can slip
    a record into the period in between. ``signed`` defaults to now, taken under the lock.
    """
    if signed_by not in supervisors:
        raise PermissionError(f"{signed_by!r} is not a supervisor of this desk")
    if end < start:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    path = close_path(root, start, end)
    with ledger_lock(root, mode=mode):
        if path.exists():
            raise FileExistsError(f"{path.name}: the period is already signed off")
        sealed = seal(root, start, end, zone)
        signed = signed or datetime.now(zone).replace(microsecond=0)
        close = PeriodClose(start=start, end=end, signed_by=signed_by, signed=signed,
                            uid=str(uuid.uuid4()), note=note, sealed=sealed)
        make_desk_directories(root, path.parent, mode=mode)
        create_atomic(path, dumps(converter.unstructure(close)).encode("utf-8"), mode=mode)
    return close


def seal(root: Path, start: date, end: date, zone: tzinfo) -> tuple[SealedFile, ...]:
    """Every batch file holding a record dated ``start``..``end`` in ``zone``, and every one with
    a problem that mentions a day of the period (it may hold such a record), with the SHA-256 of
    the bytes read.

    ``OSError`` naming the file if one cannot be read at all: a period is not sealed blind.
    """
    # a time is written with its own UTC offset: its date in the file may be a day either side
    mentions = _mentions_a_day(start - timedelta(days=1), end + timedelta(days=1))
    sealed = []
    for path in batch_paths(root):
        try:
            data = read_regular_file(path)
        except OSError as exc:
            raise OSError(f"cannot seal the period: cannot read {path}: "
                          f"{exc.strerror or exc}") from exc
        if not mentions(data):
            continue  # no record of the period: not worth parsing (most files of a big desk)
        batch = decode_batch(path, data)
        if batch.problems or any(start <= record.time.astimezone(zone).date() <= end
                                 for record in batch.records):
            sealed.append(SealedFile(file=path.relative_to(root).as_posix(),
                                     sha256=hashlib.sha256(data).hexdigest()))
    return tuple(sealed)


def _mentions_a_day(first: date, last: date) -> Callable[[bytes], bool]:
    """Whether a file's bytes mention a date ``first``..``last`` at all (a fast search).

    Only such a file can hold a record of those days; another mention (a ``recorded`` time, a
    note) costs no more than parsing a file that does.
    """
    days = [(first + timedelta(days=n)).isoformat().encode()
            for n in range((last - first).days + 1)]
    return lambda data: any(day in data for day in days)


def seal_breaches(root: Path, close: PeriodClose) -> list[tuple[SealedFile, str]]:
    """The files of ``close``'s seal that are gone (``"removed"``), differ (``"changed"``) or are
    no longer a regular file that can be read (``"unreadable"``)."""
    breaches: list[tuple[SealedFile, str]] = []
    for sealed in close.sealed or ():
        path = root / sealed.file
        if not os.path.lexists(path):
            breaches.append((sealed, "removed"))
            continue
        digest = file_digest(path)
        if digest is None:
            breaches.append((sealed, "unreadable"))
        elif digest != sealed.sha256:
            breaches.append((sealed, "changed"))
    return breaches


def read_regular_file(path: Path) -> bytes:
    """The bytes of batch file ``path`` as every desk file is read
    (:mod:`core.storage.deskfiles`: no link followed, no FIFO waited on, the ledger size limit);
    ``OSError`` for anything else."""
    try:
        return read_desk_file(path, FileKind.LEDGER)
    except FileRefused as exc:
        raise OSError(exc.problem.message) from None


def file_digest(path: Path) -> str | None:
    """The SHA-256 of regular file ``path``, or None if it cannot be read as one."""
    try:
        return hashlib.sha256(read_regular_file(path)).hexdigest()
    except OSError:
        return None
