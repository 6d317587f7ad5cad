"""Reading and placing a desk's files so that no file can take the desk down or lead outside it.

Every file of a desk is read through :func:`read_desk_file`, which, like git and maildir readers,
refuses what it cannot read safely instead of trusting the name:

* a symbolic link is never followed (``O_NOFOLLOW``), and no directory on the path may be a link
  either: the file the kernel opened must be the path asked for. A link could bring a file from
  outside the desk in, or point at ``/dev/zero``;
* only a regular file is read: it is opened with ``O_NONBLOCK`` and checked with ``fstat`` after
  opening, so a FIFO or a device is refused instead of blocking or flooding the reader;
* a file over its kind's size limit is refused before it is read, and reading stops at the limit
  if the file grows meanwhile.

The limits are generous (a whole month of a busy hotline's ledger fits in one batch) and can be
changed with the environment variable ``BAOGONG_FILE_LIMITS``, e.g. ``case=16,ledger=1024``
(MiB per kind; kinds not named keep their default). A refused file is a :class:`FileRefused`
carrying a :class:`~core.problems.Problem` with the path and the reason.

Writes stay inside the desk the same way: :func:`make_desk_directories` creates a record's directory
one level at a time below the desk and refuses a link on the way, so a linked day directory
cannot send a caller's name and phone to another place; ``baogong check`` lists every link in a
desk (:func:`find_links`).
"""

from __future__ import annotations

import enum
import errno
import functools
import os
import stat
from collections.abc import Iterable
from pathlib import Path

import attrs

from core.problems import DeskError, Problem
from core.storage.atomic import PRIVATE_FILE_MODE, make_directory


class FileKind(enum.StrEnum):
    """What a file holds, for its size limit."""

    CASE = "case"  # one case file
    LEDGER = "ledger"  # one ledger batch
    DESK = "desk"  # settings, reference data and every other desk file


LIMITS_VARIABLE = "BAOGONG_FILE_LIMITS"
MIB = 2**20
DEFAULT_LIMITS_MIB: dict[FileKind, int] = {
    FileKind.CASE: 8,
    FileKind.LEDGER: 256,
    FileKind.DESK: 64,
}

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_LINK_ADVICE = "baogong does not follow links in a desk; put the file itself there"


class FileRefused(Exception):
    """A desk file that is not read: a link, not a regular file, too large or unreadable."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


def size_limits() -> dict[FileKind, int]:
    """The size limit in bytes of each kind of file, after ``BAOGONG_FILE_LIMITS``.

    Raises ``ValueError`` naming the variable if it is not ``kind=MiB[,kind=MiB...]``.
    """
    return dict(_parse_limits(os.environ.get(LIMITS_VARIABLE, "")))


@functools.lru_cache(maxsize=4)
def _parse_limits(setting: str) -> dict[FileKind, int]:
    limits = {kind: mib * MIB for kind, mib in DEFAULT_LIMITS_MIB.items()}
    setting = setting.strip()
    if not setting:
        return limits
    kinds = ", ".join(FileKind)
    for item in setting.split(","):
        name, equals, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or name not in FileKind.__members__.values():
            raise ValueError(f"{LIMITS_VARIABLE}: {item.strip()!r} is not KIND=MiB "
                             f"(kinds: {kinds})")
        if not (value.isascii() and value.isdigit()) or int(value) == 0:
            raise ValueError(f"{LIMITS_VARIABLE}: the limit for {name} must be a whole "
                             f"number of MiB above 0, not {value!r}")
        limits[FileKind(name)] = int(value) * MIB
    return limits


def read_desk_file(path: Path, kind: FileKind = FileKind.DESK) -> bytes:
    """The bytes of the regular file at ``path``, which is not reached through any link.

    Raises ``FileNotFoundError`` if there is no such file (callers often expect that) and
    :class:`FileRefused` for everything else that stops it being read.
    """
    try:
        limit = _parse_limits(os.environ.get(LIMITS_VARIABLE, ""))[kind]
    except ValueError as exc:
        raise FileRefused(Problem(path, None, f"not read: {exc}")) from None
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise FileRefused(_open_problem(path, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(Problem(path, None, f"is not a regular file ({_what(info)}); "
                                      "only regular files are read"))
        linked = _linked_ancestor(path, fd)
        if linked is not None:
            raise FileRefused(Problem(path, None, f"is reached through {linked}, a symbolic "
                                      f"link; {_LINK_ADVICE}"))
        if info.st_size > limit:
            raise FileRefused(_too_large(path, kind, info.st_size, limit))
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(limit + 1 - total, 4 * MIB))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew after fstat
                raise FileRefused(_too_large(path, kind, total, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise FileRefused(Problem(path, None, f"cannot read: {exc.strerror or exc}")) from None
    finally:
        os.close(fd)


class DirectoryReader:
    """Reads many files of one directory as :func:`read_desk_file` does, with fewer system calls:
    the directory is opened once (not through a link) and each file is opened relative to it,
    so no file needs its own check for linked directories.

    :meth:`read` gives None for anything but a plain read of a regular file within its limit
    (a link, a FIFO, a file too large or gone, a directory that cannot be opened safely); the
    caller then reads that file with :func:`read_or_problem`, which says what is wrong with it.
    Use it as a context manager; it closes the directory.
    """

    def __init__(self, directory: str, kind: FileKind = FileKind.DESK) -> None:
        self._fd: int | None = None
        try:
            self._limit = _parse_limits(os.environ.get(LIMITS_VARIABLE, ""))[kind]
            fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except (OSError, ValueError):
            return
        if _linked_ancestor(Path(directory), fd) is not None:
            os.close(fd)
            return
        self._fd = fd

    def __enter__(self) -> DirectoryReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def read(self, name: str) -> bytes | None:
        """The bytes of the file ``name`` of the directory, or None: read it the slow way."""
        found = self.read_stat(name)
        return found[0] if found is not None else None

    def read_stat(self, name: str) -> tuple[bytes, os.stat_result] | None:
        """As :meth:`read`, with what ``fstat`` said of the file read (its inode, size and
        modification time are those of the bytes given)."""
        if self._fd is None:
            return None
        try:
            fd = os.open(name, _OPEN_FLAGS, dir_fd=self._fd)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > self._limit:
                return None
            # one byte more than the size: a short read is the end, a full one a file growing
            data = os.read(fd, info.st_size + 1)
            return (data, info) if len(data) <= info.st_size else None
        except OSError:
            return None
        finally:
            os.close(fd)


#: (file, modification time in ns, size) of each file read; a file that is gone is (file, -1, -1)
FileStates = tuple[tuple[str, int, int], ...]


def file_states(paths: Iterable[Path | str]) -> FileStates:
    """What a derived view (a fold, a page) read from disk: while it is the same, so is the view."""
    found = []
    for path in paths:
        try:
            status = os.stat(path)
        except OSError:
            found.append((str(path), -1, -1))
            continue
        found.append((str(path), status.st_mtime_ns, status.st_size))
    return tuple(found)


def read_or_problem(path: Path, kind: FileKind = FileKind.DESK
                    ) -> tuple[bytes | None, Problem | None]:
    """:func:`read_desk_file`, with a missing or refused file as a problem instead."""
    try:
        return read_desk_file(path, kind), None
    except FileNotFoundError:
        return None, Problem(path, None, "file not found")
    except FileRefused as exc:
        return None, exc.problem


def named_file(path: Path | str) -> Path:
    """A file named on the command line, with the directories the user typed resolved.

    Those directories are the user's to link; the file itself is still read as a desk file
    (not a link, a regular file, within its size limit).
    """
    path = Path(path)
    return path.parent.resolve() / path.name


def make_desk_directories(root: Path, directory: Path, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """Create ``directory`` and its missing parents, all below ``root``, none through a link,
    each with the desk's directory mode for files of ``mode`` whatever the umask
    (:func:`core.storage.atomic.make_directory`).

    Raises :class:`~core.problems.DeskError` naming the link (or the file in the way) and saying
    nothing was written; ``root`` itself is the desk, opened resolved.
    """
    try:
        parts = directory.relative_to(root).parts
    except ValueError:
        raise DeskError([Problem(directory, None, f"is outside the desk {root}; "
                                 "nothing was written")]) from None
    current = root
    for part in parts:
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            make_directory(current, mode=mode)
            info = os.lstat(current)  # a link swapped in meanwhile is refused below
        if stat.S_ISLNK(info.st_mode):
            problem = link_problem(current)
            raise DeskError([attrs.evolve(problem, message=f"{problem.message}; nothing was "
                                          "written")])
        if not stat.S_ISDIR(info.st_mode):
            raise DeskError([Problem(current, None, "is in the way of a directory; nothing "
                                     "was written")])


def find_links(root: Path) -> list[Path]:
    """Every symbolic link below ``root`` (not descending into linked directories), sorted."""
    found: list[Path] = []
    pending = [str(root)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    found.append(Path(entry.path))
                elif entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
    return sorted(found)


def link_problem(path: Path) -> Problem:
    """The problem ``check`` reports for a symbolic link found in a desk."""
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return Problem(path, None, f"is a symbolic link (to {target}); {_LINK_ADVICE}")


def _open_problem(path: Path, exc: OSError) -> Problem:
    if exc.errno == errno.ELOOP and os.path.islink(path):
        return link_problem(path)
    if exc.errno == errno.ENXIO:  # a socket, or a FIFO nobody writes to on some systems
        return Problem(path, None, "is not a regular file; only regular files are read")
    if exc.errno == errno.ENOTDIR or exc.errno == errno.ELOOP:
        linked = _first_link(path)
        if linked is not None:
            return Problem(path, None, f"is reached through {linked}, a symbolic link; "
                           f"{_LINK_ADVICE}")
    return Problem(path, None, f"cannot read: {exc.strerror or exc}")


def _linked_ancestor(path: Path, fd: int) -> Path | None:
    """A directory on ``path`` that is a symbolic link, or None if the path is link-free."""
    asked = os.path.abspath(path)
    try:
        opened = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:  # no /proc: compare the directory with its resolved self
        opened = os.path.join(os.path.realpath(os.path.dirname(asked)), os.path.basename(asked))
    if opened == asked:
        return None
    return _first_link(path) or Path(os.path.dirname(asked))


def _first_link(path: Path) -> Path | None:
    probe = Path(os.path.abspath(path))
    for ancestor in reversed(probe.parents):
        if ancestor.is_symlink():
            return ancestor
    return None


def _what(info: os.stat_result) -> str:
    mode = info.st_mode
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _too_large(path: Path, kind: FileKind, size: int, limit: int) -> Problem:
    return Problem(path, None, f"is {size:,} bytes, over the {limit // MIB} MiB limit "
                   f"for {kind} files; not read (raise it with {LIMITS_VARIABLE}={kind}=MiB)")
