"""A derived SQLite index of case files, for listing and searching without parsing every file.

Never the source of truth: each row remembers the file's inode, size, modification time and a
digest of its bytes, each day directory its own modification time, and :meth:`CaseIndex.refresh`
re-reads only what changed since. Deleting ``.index/`` loses nothing.

Paths are kept relative to the desk's ``cases/`` directory, so a desk that is moved keeps its
index; one that is copied (new inodes and times) has its files read and compared by digest, and
only those whose bytes differ are parsed again. A fresh index is built in bulk: files parsed on
every core, rows written in large transactions without the secondary indexes, which are made
once at the end.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

import attrs

from core.cases.case import Case, CaseKind, CaseStatus, Category, Priority
from core.cases.indexing import (
    PARALLEL_FROM,
    Read,
    RowDecoder,
    Stale,
    StaleFiles,
    day_dirs,
    digest_of,
    list_day_dir,
    read_files,
    row_values,
    stem,
    utc_text,
)
from core.phones import normalize_phone
from core.problems import Problem
from core.reference import PriorityFlag
from core.storage.atomic import create_atomic, make_directories

# 2: phones normalized (core.phones); 3: the facts searched (core.cases.facts);
# 4: paths relative to cases/, files' digests
INDEX_FORMAT = 4
#: how long a connection waits for another one's write (or its set-up of a fresh index)
_BUSY_TIMEOUT = 30.0
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
#: file system timestamps are coarse: a directory modified this recently is scanned again next time
RACY_WINDOW_NS = 2_000_000_000

#: told ``(files read, files to read)`` as a refresh goes
Progress = Callable[[int, int], None]

#: a refresh writes its rows in transactions of this many files, so readers see the index grow
#: and other writers wait for one batch, not for the whole build
BATCH = 2000

#: the columns :meth:`CaseIndex.row` reads, in order
ROW_COLUMNS = (
    "id, path, created, updated, status, kind, category, priority, community, department, "
    "phone, name, address, flags, due, callback_due, created_by, revision"
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY, uid TEXT NOT NULL, path TEXT NOT NULL, day_dir TEXT NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL, status TEXT NOT NULL, kind TEXT NOT NULL,
    category TEXT NOT NULL, priority TEXT NOT NULL, community TEXT NOT NULL,
    department TEXT NOT NULL, phone TEXT NOT NULL, name TEXT NOT NULL, address TEXT NOT NULL,
    flags TEXT NOT NULL, due TEXT, callback_due TEXT, is_open INTEGER NOT NULL,
    created_by TEXT NOT NULL, revision INTEGER NOT NULL, search TEXT NOT NULL,
    ino INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, digest BLOB
);
CREATE TABLE IF NOT EXISTS problems (
    path TEXT PRIMARY KEY, day_dir TEXT NOT NULL, line INTEGER, field TEXT, message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dirs (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL);
"""
#: the secondary indexes: left out while a fresh index is filled in bulk, made once at the end
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS cases_created ON cases (created DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS cases_day_dir ON cases (day_dir)",
    # searching as the operator types scans this narrow index in list order, not the wide rows
    "CREATE INDEX IF NOT EXISTS cases_search ON cases (created DESC, id DESC, search)",
)
_INSERT = f"INSERT OR REPLACE INTO cases VALUES ({','.join('?' * 26)})"


@attrs.frozen
class CaseRow:
    """What the index knows of a case: enough to list, filter and search it."""

    id: str
    path: str
    created: datetime
    updated: datetime
    status: CaseStatus
    kind: CaseKind
    category: Category
    priority: Priority
    community: str
    department: str
    phone: str
    name: str
    address: str
    flags: frozenset[PriorityFlag]
    due: datetime | None
    callback_due: datetime | None
    created_by: str
    revision: int

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def is_overdue(self, now: datetime) -> bool:
        """Open work past its due time, or a resolved case whose call-back is late."""
        return self.is_past_due(now) or self.is_callback_late(now)

    def is_past_due(self, now: datetime) -> bool:
        """Open work past its due time (办理超时); closed cases never are."""
        return self.status.is_open and self.due is not None and now > self.due

    def is_callback_late(self, now: datetime) -> bool:
        """Resolved, and the caller not called back by the call-back time (回访超时)."""
        return self.status is CaseStatus.RESOLVED and self.callback_due is not None and (
            now > self.callback_due
        )


@attrs.frozen
class Query:
    """Filters for listing cases; every given filter must hold. Newest first."""

    status: frozenset[CaseStatus] | None = None
    kind: CaseKind | None = None
    category: Category | None = None
    community: str | None = None
    department: str | None = None
    flags: frozenset[PriorityFlag] | None = None
    open_only: bool = False
    overdue_at: datetime | None = None
    phone: str | None = None
    text: str = ""
    since: datetime | None = None
    limit: int | None = None
    offset: int = 0

    @classmethod
    def past_due(cls, now: datetime) -> Query:
        """Open cases past their due time (办理超时)."""
        return cls(open_only=True, overdue_at=now)

    @classmethod
    def late_callbacks(cls, now: datetime) -> Query:
        """Resolved cases whose caller was not called back in time (回访超时)."""
        return cls(status=frozenset({CaseStatus.RESOLVED}), overdue_at=now)

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.status:
            clauses.append(f"status IN ({','.join('?' * len(self.status))})")
            params.extend(sorted(s.value for s in self.status))
        for column, value in (("kind", self.kind), ("category", self.category),
                              ("community", self.community), ("department", self.department)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(str(value))
        for flag in sorted(self.flags or ()):
            clauses.append("flags LIKE ?")
            params.append(f"%,{flag.value},%")
        if self.open_only:
            clauses.append("is_open = 1")
        if self.overdue_at is not None:
            now = utc_text(self.overdue_at)
            clauses.append(
                "((is_open = 1 AND due IS NOT NULL AND due < ?) OR "
                "(status = 'resolved' AND callback_due IS NOT NULL AND callback_due < ?))"
            )
            params.extend([now, now])
        if self.phone:
            clauses.append("phone = ?")
            params.append(normalize_phone(self.phone))
        if self.since is not None:
            clauses.append("created >= ?")
            params.append(utc_text(self.since))
        for alternatives in search_terms(self.text):
            clauses.append("(" + " OR ".join(["search LIKE ? ESCAPE '\\'"] * len(alternatives))
                           + ")")
            for term in alternatives:
                escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                params.append(f"%{escaped}%")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_PHONE_LIKE = re.compile(r"^\+?[0-9][0-9().-]*[0-9]$")


def search_terms(text: str) -> list[tuple[str, ...]]:
    """The words of a search, each with what may stand for it: a word that looks like a phone
    number (``0551-62881234``, ``+86-138...``) also matches the number's normalized digits, as
    the index keeps them. A case matches when every word matches one of its alternatives."""
    terms: list[tuple[str, ...]] = []
    for word in text.lower().split():
        if _PHONE_LIKE.match(word):
            digits = normalize_phone(word)
            if digits and digits != word:
                terms.append((word, digits))
                continue
        terms.append((word,))
    return terms


class CaseIndex:
    def __init__(
        self, directory: Path, cases_root: Path, zone: tzinfo, file_mode: int = 0o600
    ) -> None:
        self.directory = directory
        self.file_mode = file_mode
        #: bumped by every write through this connection (other connections' commits show in
        #: ``PRAGMA data_version`` instead), so readers can tell when cached results went stale
        self.generation = 0
        self.cases_root = cases_root
        self.zone = zone
        self._db: sqlite3.Connection | None = None
        #: the app's screen and its poll worker open the index at once: one connection, made once
        self._opening = threading.Lock()
        #: a refresh is filling a fresh index (no problems recorded yet, no secondary indexes)
        self._bulk = False

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            with self._opening:
                if self._db is None:
                    # the index repeats names, phones and addresses: as private as the case files
                    make_directories(self.directory, mode=self.file_mode)
                    path = self.directory / "cases.sqlite3"
                    db = self._connect(path)
                    for suffix in ("", "-wal", "-shm"):
                        with contextlib.suppress(OSError):
                            Path(f"{path}{suffix}").chmod(self.file_mode)
                    self._db = db
        return self._db

    def _connect(self, path: Path) -> sqlite3.Connection:
        # another connection setting a fresh index up (a second session, or the app's poll
        # worker with its own store) makes ``journal_mode=WAL`` fail busy at once, without
        # SQLite's busy timeout: wait for it, as a busy write would
        deadline = time.monotonic() + _BUSY_TIMEOUT
        while True:
            try:
                return self._connect_once(path)
            except sqlite3.OperationalError as exc:
                if (getattr(exc, "sqlite_errorcode", None) not in _BUSY_CODES
                        or time.monotonic() > deadline):
                    raise
                time.sleep(0.02)

    def _connect_once(self, path: Path) -> sqlite3.Connection:
        for _attempt in range(2):
            if not path.exists():
                # made with the desk's mode before SQLite opens it: SQLite gives its -wal and
                # -shm files the database file's mode, so none of them follows the umask
                with contextlib.suppress(FileExistsError):
                    create_atomic(path, b"", mode=self.file_mode)
            db = sqlite3.connect(path, timeout=_BUSY_TIMEOUT, isolation_level=None,
                                 check_same_thread=False)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(_SCHEMA)
                row = db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
                if row is None:
                    db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)",
                               (str(INDEX_FORMAT),))
                elif row[0] != str(INDEX_FORMAT):
                    raise sqlite3.DatabaseError("index format changed")
                return db
            except sqlite3.DatabaseError as exc:
                db.close()
                if getattr(exc, "sqlite_errorcode", None) in _BUSY_CODES:
                    raise  # another connection is setting the index up: it is live, not corrupt
                # a derived index that is corrupt or outdated is simply rebuilt
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(FileNotFoundError):
                        Path(f"{path}{suffix}").unlink()
        raise sqlite3.DatabaseError(f"cannot open the case index at {path}")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def upsert(self, case: Case, path: Path, data: bytes | None = None) -> None:
        """Index ``case`` just written to ``path`` (its bytes ``data``, when the writer has them:
        a later copy of the desk then knows the file unchanged without parsing it)."""
        try:
            relative = path.relative_to(self.cases_root).as_posix()
            stat = path.stat()
            with self._transaction():
                self.db.execute(_INSERT, (*row_values(case, relative), stat.st_ino, stat.st_size,
                                          stat.st_mtime_ns, digest_of(data) if data else None))
                self.db.execute("DELETE FROM problems WHERE path = ?", (relative,))
            self.generation += 1
        except (OSError, ValueError, sqlite3.Error):
            pass  # the file is written; the next refresh picks it up

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def refresh(self, decode: RowDecoder, *, progress: Progress | None = None,
                workers: int | None = None, parallel_from: int = PARALLEL_FROM) -> int:
        """Re-read the case files that changed since the last refresh; returns how many were
        parsed. With ``parallel_from`` files or more to read, they are parsed on ``workers``
        processes (every core by default); ``progress`` hears how far the reading is."""
        if not self.cases_root.is_dir():
            return 0
        known_dirs = dict(self.db.execute("SELECT path, mtime_ns FROM dirs").fetchall())
        fresh, stale = self._fresh(), StaleFiles()
        changed_dirs: list[tuple[str, int]] = []
        seen_dirs: set[str] = set()
        vanished: list[str] = []
        for day_dir in day_dirs(self.cases_root):
            key = day_dir.relative_to(self.cases_root).as_posix()
            seen_dirs.add(key)
            try:
                mtime_ns = day_dir.stat().st_mtime_ns
            except FileNotFoundError:
                continue
            if known_dirs.get(key) == mtime_ns:
                continue
            scanned_at = time.time_ns()
            vanished.extend((list_day_dir if fresh else self._scan_dir)(day_dir, key, stale))
            changed_dirs.append((key, mtime_ns if scanned_at - mtime_ns > RACY_WINDOW_NS else -1))
        self._bulk = fresh
        if fresh:
            # a derived index lost in a crash is rebuilt: no need to wait for the disk
            self.db.execute("PRAGMA synchronous=OFF")
        try:
            reread = self._read_all(decode, stale, progress, workers, parallel_from)
            with self._transaction():
                for path in vanished:
                    self.db.execute("DELETE FROM cases WHERE id = ?", (stem(path),))
                    self.db.execute("DELETE FROM problems WHERE path = ?", (path,))
                self.db.executemany("INSERT OR REPLACE INTO dirs VALUES (?, ?)", changed_dirs)
                for gone in set(known_dirs) - seen_dirs:
                    for table in ("cases", "problems"):
                        self.db.execute(f"DELETE FROM {table} WHERE day_dir = ?", (gone,))
                    self.db.execute("DELETE FROM dirs WHERE path = ?", (gone,))
            if changed_dirs or vanished or set(known_dirs) - seen_dirs:
                self.generation += 1
            if not self._indexed():
                with self._transaction():
                    for statement in _INDEXES:
                        self.db.execute(statement)
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('indexed', '1')")
        finally:
            self._bulk = False
            if fresh:
                self.db.execute("PRAGMA synchronous=NORMAL")
        return reread

    def _fresh(self) -> bool:
        """The index holds no case nor problem and its secondary indexes are not made yet: fill
        it in bulk."""
        return not self._indexed() and not any(self.db.execute(
            f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in ("cases", "problems"))

    def _indexed(self) -> bool:
        return self.db.execute("SELECT 1 FROM meta WHERE key='indexed'").fetchone() is not None

    def _scan_dir(self, day_dir: Path, key: str, stale: StaleFiles) -> list[str]:
        """Add the files of ``day_dir`` that changed to ``stale``; returns those that are gone."""
        known = {
            path: (ino, size, mtime, digest)
            for path, ino, size, mtime, digest in self.db.execute(
                "SELECT path, ino, size, mtime_ns, digest FROM cases WHERE day_dir = ?", (key,))
        }
        broken = {p for (p,) in self.db.execute(
            "SELECT path FROM problems WHERE day_dir = ?", (key,))}
        present: set[str] = set()
        with os.scandir(day_dir) as entries:
            for entry in entries:
                name = entry.name
                if not name.endswith(".toml") or name.startswith("."):
                    continue
                path = f"{key}/{name}"
                present.add(path)
                try:
                    stat = entry.stat(follow_symlinks=False)  # a link is refused by the reader
                except FileNotFoundError:
                    continue
                was = known.get(path)
                if was is not None and was[:3] == (stat.st_ino, stat.st_size, stat.st_mtime_ns):
                    continue
                digest = was[3] if was is not None and was[1] == stat.st_size else None
                stale.append(Stale(path, key, stat.st_ino, stat.st_size, stat.st_mtime_ns,
                                    digest))
        return sorted((set(known) | broken) - present)

    def _read_all(self, decode: RowDecoder, stale: StaleFiles, progress: Progress | None,
                  workers: int | None, parallel_from: int) -> int:
        """Read ``stale`` files (on several processes when there are many) and write what they
        say, a batch per transaction; returns how many were parsed."""
        if not stale:
            return 0
        total, parsed, done = len(stale), 0, 0
        pending: list[tuple[Stale, Read]] = []
        for chunk, read in read_files(decode, self.cases_root, stale, workers=workers,
                                      parallel_from=parallel_from):
            pending.extend(zip(chunk, read, strict=True))
            done += len(chunk)
            if len(pending) >= BATCH or done == total:
                parsed += self._write(pending)
                pending = []
                self.generation += 1
                if progress is not None:
                    progress(done, total)
        return parsed

    def _write(self, batch: list[tuple[Stale, Read]]) -> int:
        copies, rows, broken = [], [], []  # files copied unchanged, rows, problems
        for stale, read in batch:
            if read.values is None and read.problem is None:  # same bytes: a copied file
                copies.append((read.ino, read.size, read.mtime_ns, stem(stale.path)))
            elif read.values is None:
                line, field, message = read.problem or (None, None, "")
                broken.append((stale.path, stale.day_dir, line, field, message))
            else:
                rows.append((*read.values, read.ino, read.size, read.mtime_ns, read.digest))
        with self._transaction():
            self.db.executemany("UPDATE cases SET ino = ?, size = ?, mtime_ns = ? WHERE id = ?",
                                copies)
            if not self._bulk:  # a fresh index has no problems to clear yet
                self.db.executemany("DELETE FROM problems WHERE path = ?", [(r[2],) for r in rows])
            self.db.executemany(_INSERT, rows)
            # a case file is named after its id (decode_case checks): deletes use the primary key
            self.db.executemany("DELETE FROM cases WHERE id = ?",
                                [(stem(path),) for path, *_rest in broken])
            self.db.executemany("INSERT OR REPLACE INTO problems VALUES (?,?,?,?,?)", broken)
        return len(rows) + len(broken)

    def query(self, query: Query) -> list[CaseRow]:
        where, params = query.where()
        sql = f"SELECT {ROW_COLUMNS} FROM cases{where} ORDER BY created DESC, id DESC"
        if query.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, query.limit, query.offset]
        return [self.row(r) for r in self.db.execute(sql, params)]

    def ids(self, query: Query) -> list[str]:
        where, params = query.where()
        return [r[0] for r in self.db.execute(
            f"SELECT id FROM cases{where} ORDER BY created DESC, id DESC", params)]

    def count(self, query: Query) -> int:
        where, params = query.where()
        return int(self.db.execute(f"SELECT count(*) FROM cases{where}", params).fetchone()[0])

    def problems(self) -> list[Problem]:
        return [
            Problem(self.cases_root / path, line, message, field)
            for path, line, field, message in self.db.execute(
                "SELECT path, line, field, message FROM problems ORDER BY path")
        ]

    def row(self, r: Sequence[object]) -> CaseRow:
        """A :class:`CaseRow` from the columns of :data:`ROW_COLUMNS`, in that order."""
        def when(value: object) -> datetime | None:
            if value is None:
                return None
            return datetime.fromisoformat(f"{value}+00:00").astimezone(self.zone)

        flags = str(r[13]).strip(",")
        return CaseRow(
            id=str(r[0]), path=str(self.cases_root / str(r[1])), created=when(r[2]) or datetime.min,
            updated=when(r[3]) or datetime.min, status=CaseStatus(str(r[4])),
            kind=CaseKind(str(r[5])), category=Category(str(r[6])),
            priority=Priority(str(r[7])), community=str(r[8]),
            department=str(r[9]), phone=str(r[10]), name=str(r[11]), address=str(r[12]),
            flags=frozenset(PriorityFlag(f) for f in flags.split(",") if f),
            due=when(r[14]), callback_due=when(r[15]), created_by=str(r[16]),
            revision=int(str(r[17])),
        )
