"""A derived SQLite index of case files, for listing and searching without parsing every file.

Never the source of truth: each row remembers the file's inode, size and modification time, each
day directory its own modification time, and :meth:`CaseIndex.refresh` re-reads only what changed
since. Deleting ``.index/`` loses nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import attrs

from core.cases.case import Case, CaseKind, CaseStatus, Category, Priority
from core.cases.facts import search_terms as facts_search_terms
from core.phones import normalize_phone
from core.problems import Problem
from core.reference import PriorityFlag
from core.storage.atomic import create_atomic, make_directories

INDEX_FORMAT = 3  # 2: phones normalized (core.phones); 3: the facts searched (core.cases.facts)
#: how long a connection waits for another one's write (or its set-up of a fresh index)
_BUSY_TIMEOUT = 30.0
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
#: file system timestamps are coarse: a directory modified this recently is scanned again next time
RACY_WINDOW_NS = 2_000_000_000

Loader = Callable[[Path], tuple[Case | None, list[Problem]]]

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
    ino INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_created ON cases (created DESC, id DESC);
CREATE INDEX IF NOT EXISTS cases_day_dir ON cases (day_dir);
-- searching as the operator types scans this narrow index in list order, not the wide rows
CREATE INDEX IF NOT EXISTS cases_search ON cases (created DESC, id DESC, search);
CREATE TABLE IF NOT EXISTS problems (
    path TEXT PRIMARY KEY, day_dir TEXT NOT NULL, line INTEGER, field TEXT, message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dirs (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL);
"""


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
            now = _utc(self.overdue_at)
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
            params.append(_utc(self.since))
        for alternatives in search_terms(self.text):
            clauses.append("(" + " OR ".join(["search LIKE ? ESCAPE '\\'"] * len(alternatives))
                           + ")")
            for term in alternatives:
                escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                params.append(f"%{escaped}%")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


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


def search_text(case: Case) -> str:
    info = case.category.info
    parts = [
        case.id, case.former_id or "", normalize_phone(case.caller.phone), case.caller.name,
        case.caller.address.render(), case.community, case.department, case.description,
        info.name, info.name_en, case.created_by, *(line.name or line.code for line in case.items),
        *facts_search_terms(case.price, case.shortfall, case.relief),
    ]
    return " ".join(p for p in parts if p).lower()


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

    def upsert(self, case: Case, path: Path) -> None:
        try:
            stat = path.stat()
            with self._transaction():
                self._put(case, path, stat)
                self.db.execute("DELETE FROM problems WHERE path = ?", (str(path),))
            self.generation += 1
        except (OSError, sqlite3.Error):
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

    def _put(self, case: Case, path: Path, stat: os.stat_result) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO cases VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                case.id, case.uid, str(path), str(path.parent), _utc(case.created),
                _utc(case.updated), case.status.value, case.kind.value, case.category.value,
                case.priority.value, case.community, case.department,
                normalize_phone(case.caller.phone), case.caller.name,
                case.caller.address.render(),
                "," + ",".join(sorted(f.value for f in case.flags)) + ",",
                _utc(case.due) if case.due else None,
                _utc(case.callback_due) if case.callback_due else None,
                int(case.is_open), case.created_by, case.revision, search_text(case),
                stat.st_ino, stat.st_size, stat.st_mtime_ns,
            ),
        )

    def refresh(self, load: Loader) -> int:
        """Re-read the case files that changed since the last refresh."""
        if not self.cases_root.is_dir():
            return 0
        known_dirs = dict(self.db.execute("SELECT path, mtime_ns FROM dirs").fetchall())
        reread = 0
        seen_dirs: set[str] = set()
        for day_dir in _day_dirs(self.cases_root):
            key = str(day_dir)
            seen_dirs.add(key)
            try:
                mtime_ns = day_dir.stat().st_mtime_ns
            except FileNotFoundError:
                continue
            if known_dirs.get(key) == mtime_ns:
                continue
            scanned_at = time.time_ns()
            reread += self._refresh_dir(day_dir, load)
            self.generation += 1
            clean = mtime_ns if scanned_at - mtime_ns > RACY_WINDOW_NS else -1
            self.db.execute("INSERT OR REPLACE INTO dirs VALUES (?, ?)", (key, clean))
        for gone in set(known_dirs) - seen_dirs:
            with self._transaction():
                for table in ("cases", "problems"):
                    self.db.execute(f"DELETE FROM {table} WHERE day_dir = ?", (gone,))
                self.db.execute("DELETE FROM dirs WHERE path = ?", (gone,))
            self.generation += 1
        return reread

    def _refresh_dir(self, day_dir: Path, load: Loader) -> int:
        key = str(day_dir)
        known = {
            path: (ino, size, mtime)
            for path, ino, size, mtime in self.db.execute(
                "SELECT path, ino, size, mtime_ns FROM cases WHERE day_dir = ?", (key,)
            )
        }
        broken = {p for (p,) in self.db.execute(
            "SELECT path FROM problems WHERE day_dir = ?", (key,))}
        present: set[str] = set()
        reread = 0
        with self._transaction():
            with os.scandir(day_dir) as entries:
                for entry in entries:
                    name = entry.name
                    if not name.endswith(".toml") or name.startswith("."):
                        continue
                    path = entry.path
                    present.add(path)
                    try:
                        stat = entry.stat(follow_symlinks=False)  # a link is refused by load
                    except FileNotFoundError:
                        continue
                    if known.get(path) == (stat.st_ino, stat.st_size, stat.st_mtime_ns):
                        continue
                    reread += 1
                    case, problems = load(Path(path))
                    self.db.execute("DELETE FROM problems WHERE path = ?", (path,))
                    if case is None:
                        # a case file is named after its id (decode_case checks), so the id is
                        # the stem: every delete here goes through the primary key
                        self.db.execute("DELETE FROM cases WHERE id = ?", (Path(path).stem,))
                        for problem in problems[:1]:
                            self.db.execute(
                                "INSERT OR REPLACE INTO problems VALUES (?,?,?,?,?)",
                                (path, key, problem.line, problem.field, problem.message),
                            )
                    else:
                        self._put(case, Path(path), stat)
            for vanished in (set(known) | broken) - present:
                self.db.execute("DELETE FROM cases WHERE id = ?", (Path(vanished).stem,))
                self.db.execute("DELETE FROM problems WHERE path = ?", (vanished,))
        return reread

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
            Problem(Path(path), line, message, field)
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
            id=str(r[0]), path=str(r[1]), created=when(r[2]) or datetime.min,
            updated=when(r[3]) or datetime.min, status=CaseStatus(str(r[4])),
            kind=CaseKind(str(r[5])), category=Category(str(r[6])),
            priority=Priority(str(r[7])), community=str(r[8]),
            department=str(r[9]), phone=str(r[10]), name=str(r[11]), address=str(r[12]),
            flags=frozenset(PriorityFlag(f) for f in flags.split(",") if f),
            due=when(r[14]), callback_due=when(r[15]), created_by=str(r[16]),
            revision=int(str(r[17])),
        )


def _day_dirs(root: Path) -> Iterator[Path]:
    for year in sorted(os.scandir(root), key=lambda e: e.name):
        if not (year.is_dir() and year.name.isdigit()):
            continue
        for month in sorted(os.scandir(year.path), key=lambda e: e.name):
            if not (month.is_dir() and month.name.isdigit()):
                continue
            for day in sorted(os.scandir(month.path), key=lambda e: e.name):
                if day.is_dir() and day.name.isdigit():
                    yield Path(day.path)
