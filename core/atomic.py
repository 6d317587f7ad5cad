"""Crash-safe file writes and per-record locks.

A record is written to a temporary file in the same directory, flushed to disk, then moved into
place with ``rename`` (replace) or ``link`` (create, failing if the name is taken); finally the
directory itself is flushed so the new name survives a power cut. A reader therefore sees the old
file or the new one, never a torn or empty one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

PRIVATE_FILE_MODE = 0o600

#: a write takes milliseconds: a temporary file this old belongs to a writer that was stopped
STALE_TEMPORARY_SECONDS = 3600.0

#: ``.NAME.PID.NANOSECONDS.ATTEMPT.tmp``, as :func:`_mkstemp` names them
_TEMPORARY_NAME = re.compile(r"\..+\.\d+\.\d+\.\d+\.tmp")


class LockTimeout(TimeoutError):
    """Another writer held a record's lock for longer than we were willing to wait."""


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, *, timeout: float = 10.0,
                   mode: int = PRIVATE_FILE_MODE) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created with ``mode``) for the block.

    On a desk shared by a group the lock file must be group-writable like the records, or the
    first operator to lock a case would lock every colleague out of it.

    The kernel releases the lock when the process dies, so a crashed writer never leaves a
    record locked.
    """
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, mode)
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
