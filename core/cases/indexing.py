"""Reading case files for the index (:mod:`core.cases.index`): a case's row, the digest of its
file, and many files read on every core.

A bulk read (a desk opened without its index, or copied) sends the files to worker processes in
chunks; each worker reads, digests and decodes its files and sends back plain rows, which the
index writes in order.
"""

from __future__ import annotations

import array
import collections
import hashlib
import itertools
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple, overload

import attrs

from core.cases.case import Case
from core.cases.facts import search_terms as facts_search_terms
from core.phones import normalize_phone
from core.problems import Problem
from core.storage.deskfiles import DirectoryReader, FileKind, read_or_problem

#: turns a case file's bytes into a case, or problems
Decoder = Callable[[Path, bytes], tuple[Case | None, list[Problem]]]
#: turns the bytes of the case file at a path (the ``cases/`` directory and the path relative
#: to it) into its row's values (:func:`row_values`), or problems; must be a module-level
#: function or :class:`FullRows` of one (it is sent to other processes by name when a refresh
#: parses on several cores)
RowDecoder = Callable[[str, str, bytes], tuple[tuple[object, ...] | None, list[Problem]]]

#: one lock per case index in this process (by its directory), see :func:`refreshing`
_REFRESHING: dict[str, threading.RLock] = {}
_REFRESHING_LOCK = threading.Lock()

#: a read of at least this many files parses them on every core
PARALLEL_FROM = 4000
#: files a worker process reads per task
CHUNK = 500


def refreshing(directory: Path) -> threading.RLock:
    """The lock a refresh of the case index in ``directory`` holds in this process: the app's
    queue and its clock rules each have a store of their own, and on a desk opened without its
    index both would otherwise read every file at once, on every core; the second now waits
    and then finds the files indexed."""
    key = os.path.realpath(directory)
    with _REFRESHING_LOCK:
        return _REFRESHING.setdefault(key, threading.RLock())


def utc_text(moment: datetime) -> str:
    """How the index keeps a time: UTC, to the second, sortable as text."""
    utc = moment.astimezone(UTC)
    if utc.year >= 1000:  # the same text, without strftime's cost
        return utc.replace(tzinfo=None).isoformat(timespec="seconds")
    return utc.strftime("%Y-%m-%dT%H:%M:%S")


def search_text(case: Case) -> str:
    info = case.category.info
    parts = [
        case.id, case.former_id or "", normalize_phone(case.caller.phone), case.caller.name,
        case.caller.address.render(), case.community, case.department, case.description,
        info.name, info.name_en, case.created_by, *(line.name or line.code for line in case.items),
        *facts_search_terms(case.price, case.shortfall, case.relief),
    ]
    return " ".join(p for p in parts if p).lower()


class Stale(NamedTuple):
    """A file to read again: its path and day directory (relative to ``cases/``), what
    ``stat`` said before reading it, and the digest of the bytes indexed for it, if any."""

    path: str
    day_dir: str
    ino: int
    size: int
    mtime_ns: int
    digest: bytes | None


class StaleFiles(Sequence[Stale]):
    """The files a refresh reads again, kept compactly: a desk opened without its index has a
    million of them, and a :class:`Stale` each would take about 280 bytes a file (a string per
    name alone, about 70); here the names are one buffer, and each file the end of its name and
    three numbers in arrays (the directories and the few digests known are kept once), about 55
    bytes a file. Indexing or slicing gives :class:`Stale` records."""

    def __init__(self) -> None:
        self._names = bytearray()
        self._name_ends = array.array("Q", [0])
        self._dirs: list[str] = []
        self._dir_of = array.array("I")
        self._numbers = array.array("q")  # inode, size and modification time of each file
        self._digests: dict[int, bytes] = {}

    def append(self, stale: Stale) -> None:
        folder, _, name = stale.path.rpartition("/")
        if folder != stale.day_dir:
            raise ValueError(f"{stale.path} is not in {stale.day_dir}")
        if not self._dirs or self._dirs[-1] != folder:
            self._dirs.append(folder)
        if stale.digest is not None:
            self._digests[len(self)] = stale.digest
        # any name a directory lists (undecodable bytes come as surrogates) is kept exactly
        self._names += name.encode("utf-8", "surrogatepass")
        self._name_ends.append(len(self._names))
        self._dir_of.append(len(self._dirs) - 1)
        self._numbers.extend((stale.ino, stale.size, stale.mtime_ns))

    def __len__(self) -> int:
        return len(self._name_ends) - 1

    def _one(self, index: int) -> Stale:
        folder = self._dirs[self._dir_of[index]]
        ino, size, mtime_ns = self._numbers[3 * index : 3 * index + 3]
        name = self._names[self._name_ends[index] : self._name_ends[index + 1]].decode(
            "utf-8", "surrogatepass")
        return Stale(f"{folder}/{name}", folder, ino, size, mtime_ns, self._digests.get(index))

    @overload
    def __getitem__(self, index: int) -> Stale: ...

    @overload
    def __getitem__(self, index: slice) -> list[Stale]: ...

    def __getitem__(self, index: int | slice) -> Stale | list[Stale]:
        if isinstance(index, slice):
            return [self._one(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._one(index)


class Read(NamedTuple):
    """What reading a file gave: the row's values (see :func:`row_values`), or the first problem
    as ``(line, field, message)``; neither when its bytes are those already indexed. The file's
    inode, size and modification time are those of the bytes read (all 0 when unknown, which no
    file matches, so it is read again next time)."""

    values: tuple[object, ...] | None
    problem: tuple[int | None, str | None, str] | None
    digest: bytes
    ino: int = 0
    size: int = 0
    mtime_ns: int = 0


def row_values(case: Case, path: str) -> tuple[object, ...]:
    """The columns of ``case``'s row (file at ``path``, relative to ``cases/``) up to its
    file's identity (inode, size, time and digest, which follow)."""
    return (
        case.id, case.uid, path, path.rpartition("/")[0], utc_text(case.created),
        utc_text(case.updated), case.status.value, case.kind.value, case.category.value,
        case.priority.value, case.community, case.department,
        normalize_phone(case.caller.phone), case.caller.name, case.caller.address.render(),
        "," + ",".join(sorted(f.value for f in case.flags)) + ",",
        utc_text(case.due) if case.due else None,
        utc_text(case.callback_due) if case.callback_due else None,
        int(case.is_open), case.created_by, case.revision, search_text(case),
    )


def digest_of(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def stem(path: str) -> str:
    return path.rpartition("/")[2].removesuffix(".toml")


@attrs.frozen
class FullRows:
    """A :data:`RowDecoder` that decodes each file in full with ``decode``."""

    decode: Decoder

    def __call__(self, root: str, relative: str, raw: bytes
                 ) -> tuple[tuple[object, ...] | None, list[Problem]]:
        case, problems = self.decode(Path(root, relative), raw)
        return (row_values(case, relative) if case is not None else None), problems


def _sendable(decode: RowDecoder) -> bool:
    """Whether ``decode`` can be sent to a worker process (a module-level function can)."""
    try:
        pickle.dumps(decode)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def read_chunk(decode: RowDecoder, root: str, files: list[tuple[str, bytes | None]]
               ) -> list[Read]:
    """Read and decode ``files`` (paths relative to ``root``, each with the digest of the bytes
    already indexed for it); runs in a worker process during a bulk refresh. The files of a
    day directory are read through one :class:`DirectoryReader`."""
    out: list[Read] = []
    directory = ""
    reader: DirectoryReader | None = None
    try:
        for relative, known in files:
            folder, _, name = relative.rpartition("/")
            if folder != directory or reader is None:
                if reader is not None:
                    reader.__exit__()
                directory = folder
                reader = DirectoryReader(os.path.join(root, folder), FileKind.CASE)
            found_stat = reader.read_stat(name)
            if found_stat is not None:
                raw, info = found_stat
                identity = info.st_ino, info.st_size, info.st_mtime_ns
            else:
                path = Path(root, relative)
                slow, problem = read_or_problem(path, FileKind.CASE)
                if slow is None:
                    out.append(Read(None, _first([problem] if problem else []), b""))
                    continue
                raw, identity = slow, _identity(path)
            digest = digest_of(raw)
            if digest == known:
                out.append(Read(None, None, digest, *identity))
                continue
            values, found = decode(root, relative, raw)
            out.append(Read(values, None if values is not None else _first(found), digest,
                            *identity))
    finally:
        if reader is not None:
            reader.__exit__()
    return out


def _identity(path: Path) -> tuple[int, int, int]:
    """Inode, size and modification time of ``path`` (read the slow way), or zeros."""
    try:
        info = path.stat(follow_symlinks=False)
    except OSError:
        return 0, 0, 0
    return info.st_ino, info.st_size, info.st_mtime_ns


def _first(problems: list[Problem]) -> tuple[int | None, str | None, str]:
    if not problems:
        return None, None, "cannot be read"
    return problems[0].line, problems[0].field, problems[0].message


def read_files(decode: RowDecoder, root: Path, stale: Sequence[Stale], *,
               workers: int | None = None, parallel_from: int = PARALLEL_FROM
               ) -> Iterator[tuple[Sequence[Stale], list[Read]]]:
    """Read ``stale`` (paths relative to ``root``) a chunk at a time, in order: each chunk with
    what reading its files gave. With ``parallel_from`` files or more, on ``workers`` processes
    (every core by default)."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    starts = range(0, len(stale), CHUNK)

    def asked(chunk: Sequence[Stale]) -> list[tuple[str, bytes | None]]:
        return [(s.path, s.digest) for s in chunk]

    if not (workers > 1 and len(stale) >= parallel_from and _sendable(decode)):
        for start in starts:
            chunk = stale[start : start + CHUNK]
            yield chunk, read_chunk(decode, str(root), asked(chunk))
        return
    # forked, not spawned: a spawned worker runs the caller's main module again, which a script
    # without a ``__main__`` guard cannot bear; a forked worker runs only the reading
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        # a few chunks ahead of the writer, not all of them: a million files' rows would
        # otherwise wait in memory whenever the writer falls behind
        ahead: collections.deque[tuple[list[Stale], Future[list[Read]]]] = collections.deque()

        def submit(start: int) -> None:
            chunk = list(stale[start : start + CHUNK])
            ahead.append((chunk, pool.submit(read_chunk, decode, str(root), asked(chunk))))

        waiting = iter(starts)
        try:
            for start in itertools.islice(waiting, 2 * workers):
                submit(start)
            while ahead:
                chunk, future = ahead.popleft()
                read = future.result()
                following = next(waiting, None)
                if following is not None:
                    submit(following)
                yield chunk, read
        finally:
            pool.shutdown(cancel_futures=True)


def list_day_dir(day_dir: Path, key: str, stale: StaleFiles) -> list[str]:
    """Add every case file of ``day_dir`` (``key`` relative to ``cases/``) to ``stale`` for a
    fresh index, which knows none (so none is gone: returns none): names only, no ``stat``
    each, as the readers take each file's identity from the file they read."""
    for name in sorted(os.listdir(day_dir)):
        if name.endswith(".toml") and not name.startswith("."):
            stale.append(Stale(f"{key}/{name}", key, 0, 0, 0, None))
    return []


def day_dirs(root: Path) -> Iterator[Path]:
    """The day directories (``YYYY/MM/DD``) under ``root``, oldest first."""
    for year in sorted(os.scandir(root), key=lambda e: e.name):
        if not (year.is_dir() and year.name.isdigit()):
            continue
        for month in sorted(os.scandir(year.path), key=lambda e: e.name):
            if not (month.is_dir() and month.name.isdigit()):
                continue
            for day in sorted(os.scandir(month.path), key=lambda e: e.name):
                if day.is_dir() and day.name.isdigit():
                    yield Path(day.path)
