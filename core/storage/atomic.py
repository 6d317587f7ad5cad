"""Crash-safe file writes, directories and locks with the desk's modes.

A record is written to a temporary file in the same directory, flushed to disk, then moved into
place with ``rename`` (replace) or ``link`` (create, failing if the name is taken); finally the
directory itself is flushed so the new name survives a power cut. A reader therefore sees the old
file or the new one, never a torn or empty one.

Modes never come from the umask: every file is given its mode with ``fchmod`` before it gets its
name, and every directory :func:`make_directories` creates is given :func:`directory_mode` right
after ``mkdir``. On a desk shared by a group an operator whose umask is ``022`` (or ``077``) still
leaves files ``0660`` and directories ``2770`` that every colleague in the group can write.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO, TextIO, TypeVar

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIRECTORY_MODE = 0o700
#: setgid: what is created inside belongs to the desk's group, not the creator's primary group
SHARED_DIRECTORY_MODE = 0o2770
PUBLIC_DIRECTORY_MODE = 0o755

#: how long to wait for a colleague who has just created a directory to give it its mode
_DIRECTORY_MODE_WAIT = 1.0

#: a write takes milliseconds: a temporary file this old belongs to a writer that was stopped
STALE_TEMPORARY_SECONDS = 3600.0

#: ``.NAME.PID.NANOSECONDS.ATTEMPT.tmp``, as :func:`_mkstemp` names them
_TEMPORARY_NAME = re.compile(r"\..+\.\d+\.\d+\.\d+\.tmp")


_File = TypeVar("_File", bound=IO[bytes] | IO[str])


class LockTimeout(TimeoutError):
    """Another writer held a record's lock for longer than we were willing to wait."""


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def directory_mode(file_mode: int) -> int:
    """The mode of a directory holding files of ``file_mode``: ``2770`` when the group may
    write the files (a shared desk), ``0755`` when anyone may read them (a public export),
    else ``0700``."""
    if file_mode & 0o020:
        return SHARED_DIRECTORY_MODE
    if file_mode & 0o004:
        return PUBLIC_DIRECTORY_MODE
    return PRIVATE_DIRECTORY_MODE


def make_directories(path: Path, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """``mkdir -p path`` for files of ``mode``: each directory created gets
    :func:`directory_mode` whatever the umask; existing directories are left as they are.

    A directory is created ``0700`` and then opened up with ``fchmod`` (through a descriptor, so
    a name swapped for a symbolic link in between is not followed). A colleague who finds it in
    the instant between the two waits (up to a second) for the mode instead of failing to write
    into it.
    """
    missing: list[Path] = []
    current = path
    while not current.is_dir() and current.parent != current:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        make_directory(directory, mode=mode)


def make_directory(directory: Path, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """Create one directory for files of ``mode`` (see :func:`make_directories`); if it exists
    already, wait briefly for the colleague who made it to give it its mode."""
    wanted = directory_mode(mode)
    try:
        os.mkdir(directory, PRIVATE_DIRECTORY_MODE)
    except FileExistsError:
        _await_directory_mode(directory, wanted)
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        os.fchmod(fd, wanted)
    finally:
        os.close(fd)


def not_shared(root: Path) -> list[tuple[Path, int]]:
    """``(path, mode)`` of every path below ``root`` (itself included) that keeps the group
    sharing it out, sorted: a directory that is not setgid with group ``rwx``, a file the group
    cannot read, a lock or index file (under ``.locks``/``.index``) it cannot write.

    Typically left by an earlier version or another tool under a restrictive umask. Symbolic
    links are not followed."""
    wanted_directory = SHARED_DIRECTORY_MODE | 0o070
    found: list[tuple[Path, int]] = []
    for directory, _dirs, names in os.walk(root):
        written_in_place = Path(directory).relative_to(root).parts[:1] in ((".locks",),
                                                                          (".index",))
        wanted_file = 0o060 if written_in_place else 0o040
        for path in (Path(directory), *(Path(directory, name) for name in names)):
            try:
                mode = path.lstat().st_mode
            except FileNotFoundError:
                continue
            if (stat.S_ISDIR(mode) and mode & wanted_directory != wanted_directory) or (
                    stat.S_ISREG(mode) and mode & wanted_file != wanted_file):
                found.append((path, stat.S_IMODE(mode)))
    return sorted(found)


def _await_directory_mode(directory: Path, wanted: int) -> None:
    """Wait briefly while ``directory``, just created by someone else, lacks ``wanted``."""
    deadline = time.monotonic() + _DIRECTORY_MODE_WAIT
    permissions = wanted & 0o777
    while time.monotonic() < deadline:
        try:
            info = os.stat(directory)
        except FileNotFoundError:
            return
        if info.st_mode & permissions == permissions or time.time() - info.st_ctime > 5:
            return
        time.sleep(0.005)


def _write_temporary(path: Path, data: bytes, mode: int) -> Path:
    fd, name = _mkstemp(path)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    os.close(fd)
    return Path(name)


def _mkstemp(path: Path) -> tuple[int, str]:
    for attempt in range(100):
        name = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.{attempt}.tmp")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), str(name)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "cannot create a temporary file", str(path))


def leftover_temporaries(root: Path, *, older_than: float = STALE_TEMPORARY_SECONDS,
                         now: float | None = None) -> list[Path]:
    """Temporary files below ``root`` left by writes that never finished, sorted by path.

    A writer stopped between writing its temporary file and moving it into place (killed, or
    the machine lost power) leaves it behind. The record it was replacing is whole, and what the
    temporary holds was never saved, so removing it loses nothing. Files younger than
    ``older_than`` seconds are left alone: their writer may still be at work.
    """
    limit = (time.time() if now is None else now) - older_than
    found: list[Path] = []
    for directory, _dirs, names in os.walk(root):
        for name in names:
            if not _TEMPORARY_NAME.fullmatch(name):
                continue
            path = Path(directory, name)
            try:
                if path.lstat().st_mtime <= limit:
                    found.append(path)
            except FileNotFoundError:  # its writer finished or cleaned up meanwhile
                continue
    return sorted(found)


def write_atomic(path: Path, data: bytes, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """Replace (or create) ``path`` with ``data`` atomically and durably."""
    temporary = _write_temporary(path, data, mode)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_directory(path.parent)


@contextlib.contextmanager
def replacing(path: Path, *, mode: int = PRIVATE_FILE_MODE) -> Iterator[BinaryIO]:
    """Write ``path`` through a binary file, atomically like :func:`write_atomic`.

    For a file too large to build in memory first (a workbook, a long feed): the block writes
    to a temporary file beside ``path``, which is flushed to disk and moved over ``path`` only
    when the block ends without an error. After an error ``path`` is left as it was.
    """
    fd, name = _mkstemp(path)
    with _replaced(path, Path(name), os.fdopen(fd, "wb")) as handle:
        os.fchmod(fd, mode)
        yield handle


@contextlib.contextmanager
def replacing_text(path: Path, *, mode: int = PRIVATE_FILE_MODE, encoding: str = "utf-8",
                   newline: str | None = "\n") -> Iterator[TextIO]:
    """:func:`replacing` for text in ``encoding`` (``newline`` as for :func:`open`)."""
    fd, name = _mkstemp(path)
    with _replaced(path, Path(name),
                   os.fdopen(fd, "w", encoding=encoding, newline=newline)) as handle:
        os.fchmod(fd, mode)
        yield handle


@contextlib.contextmanager
def _replaced(path: Path, temporary: Path, handle: _File) -> Iterator[_File]:
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_directory(path.parent)


def create_atomic(path: Path, data: bytes, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """Create ``path`` with ``data`` atomically; ``FileExistsError`` if the name is taken.

    ``link`` refuses to overwrite, so two writers racing for one name cannot both win.
    """
    temporary = _write_temporary(path, data, mode)
    try:
        os.link(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    fsync_directory(path.parent)


def _open_lock_file(lock_path: Path, mode: int) -> int:
    """Open ``lock_path``, creating it with ``mode`` (never the umask's) if it is missing.

    A missing lock file is made like a record, with :func:`create_atomic`: it appears under its
    name with its final mode, so no colleague can open it in between and find it unwritable.
    """
    try:
        return os.open(lock_path, os.O_RDWR | os.O_NOFOLLOW)
    except FileNotFoundError:
        pass
    with contextlib.suppress(FileExistsError):
        create_atomic(lock_path, b"", mode=mode)
    return os.open(lock_path, os.O_RDWR | os.O_NOFOLLOW)


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, *, timeout: float = 10.0,
                   mode: int = PRIVATE_FILE_MODE) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created with ``mode``) for the block.

    On a desk shared by a group the lock file must be group-writable like the records, or the
    first operator to lock a case would lock every colleague out of it: it is created with
    ``mode`` whatever the umask. Lock files are never removed (a removed lock file lets a writer
    waiting on the old one and a newcomer on a new one both "hold" the lock), so callers lock a
    fixed set of files (see :func:`core.cases.store.lock_path`).

    The kernel releases the lock when the process dies, so a crashed writer never leaves a
    record locked.
    """
    fd = _open_lock_file(lock_path, mode)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{lock_path} is locked by another writer") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
