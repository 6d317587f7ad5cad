"""The case queue (工单队列): a desk's cases in order, a page at a time, searched as typed.

The queue never loads all rows: a filter change asks SQLite for the ordered ids only (a few
megabytes for 100,000 cases, meant for a worker thread), and a list fetches the rows it is
about to draw, a page at a time, by id (:meth:`Queue.rows`). Each queue owns its own SQLite
connection to the case index (the index is in WAL mode, so readers never wait for the writer).

Two orders: newest first, and needs attention first (:attr:`Order.ATTENTION`): open before
closed, urgent before the rest, cases of priority people (flags) before others, then the
earliest due time, then the newest.

Searching as the operator types asks the same question again with one more character each time,
so the search text of the cases under the other filters, in list order, is kept in memory
(:class:`core.cases.search.SearchText`, one blob, read on a connection of its own so that the
list's pages are never kept waiting). When the index changes (``PRAGMA data_version``) the text
of the newest-first list is changed by the rows written since it was read, put in their places,
rather than read again (:meth:`Queue._changed_search`); the other order is read again.
Each keystroke is a substring scan in C that can stop once the visible page is found. It can be
read ahead of the first key (:meth:`Queue.prepare_search`). It matches what ``Query.where`` asks
of SQLite: every word (or, for a phone number, its normalized digits;
:func:`core.cases.index.search_terms`), lower-cased, somewhere in the case's search text; here a
word of Latin letters also matches the pinyin initials of the caller's name (``wxy`` finds
王秀英, every reading of a character with several; :func:`core.pinyin.initials`), which SQLite's
index does not hold.
"""

from __future__ import annotations

import contextlib
import enum
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

import attrs

from core.cases.case import CLOSED_STATUSES
from core.cases.idlist import IdList
from core.cases.index import ROW_COLUMNS, CaseRow, Progress, Query
from core.cases.search import SearchText
from core.problems import Problem

if TYPE_CHECKING:
    from core.desk import Desk

#: rows fetched by id per SQL statement (SQLite's limit on parameters is well above)
ROWS_PER_STATEMENT = 500
#: the share of time reading the search text again ahead of the first key may take
PREPARE_SHARE = 0.1
#: rows written since the search text was read beyond which it is read again rather than
#: changed (:meth:`Queue._changed_search`)
CHANGES = 2000
#: what tells one state of a row from another: its file as it was indexed
_FILE_STATE = "id, path, ino, size, mtime_ns, digest"


class Order(enum.StrEnum):
    NEWEST = "newest"  # newest first
    ATTENTION = "attention"  # urgent and priority people first, then the earliest due


ORDER_SQL = {
    Order.NEWEST: "created DESC, id DESC",
    Order.ATTENTION: (
        "is_open DESC, (priority = 'urgent') DESC, (flags != ',,') DESC, "
        "coalesce(due, '9999') ASC, created DESC"
    ),
}


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


class Queue:
    """One reader of a desk's case index. Thread-safe (one lock per reader)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.store = desk.case_store()
        self.zone: tzinfo = desk.settings.zone
        self.lock = threading.Lock()
        #: refreshes write through a store (a connection) of their own, so the list's ids,
        #: pages and counts are read meanwhile: a desk opened without its index, minutes to
        #: build at a million cases, shows its cases a batch at a time
        self._indexer = desk.case_store()
        self._refresh_lock = threading.Lock()
        #: held while the search text is read, so that a key waits for a reading under way
        self._search_lock = threading.Lock()
        self._search_key: tuple[object, ...] | None = None
        self._search: SearchText | None = None
        self._read_at = self._read_seconds = 0.0
        #: the search text as read, where it was read from, and the changed rows placed so far
        self._read: SearchText | None = None
        self._mark: _Mark | None = None
        self._placed: dict[int, tuple[int | None, int]] = {}

    def close(self) -> None:
        with self._refresh_lock:
            self._indexer.index.close()
        with self.lock:
            self.store.index.close()

    def refresh(self, progress: Progress | None = None) -> int:
        """Pick up case files written by anyone since the last refresh (re-reads only changes);
        ``progress`` hears how far a long one is (:meth:`core.cases.store.CaseStore.refresh`)."""
        with self._refresh_lock:
            return self._indexer.refresh(progress)

    def data_version(self) -> int:
        """Changes whenever another connection (another session, or this app's writer) commits."""
        with self.lock:
            return int(self.store.index.db.execute("PRAGMA data_version").fetchone()[0])

    def ids(self, query: Query, order: Order = Order.NEWEST, *, limit: int | None = None,
            stop: Callable[[], bool] | None = None) -> Sequence[str]:
        """The ids of the cases ``query`` selects, in ``order`` (without a search, as one
        compact :class:`~core.cases.idlist.IdList`: a whole desk's list is kept by the queue's
        screen). A search (``query.text``) may give only the first ``limit`` of them (the
        visible page, found without scanning the rest), and ends early, with what it found so
        far, once ``stop`` says the answer is no longer wanted."""
        words = query.text.lower().split()
        if not words or query.limit is not None:
            where, params = query.where()
            sql = f"SELECT id FROM cases{where} ORDER BY {ORDER_SQL[order]}"
            with self.lock:
                return IdList(self.store.index.db.execute(sql, params))
        searchable = self._searchable(attrs.evolve(query, text=""), order)
        return searchable.search(query.text, limit=limit, stop=stop)

    def prepare_search(self, query: Query, order: Order = Order.NEWEST) -> bool:
        """Read the search text of the cases ``query`` selects (its words aside) ahead of the
        first key, when it is not read already, and sign its blocks (meant for a worker
        thread); returns whether it is ready. The newest-first text is changed by the cases
        written since; another, read again after every change, would keep a core busy on a big
        desk written to all the time: it is read again only once the last reading took at
        most :data:`PREPARE_SHARE` of the time since; the first key reads it then."""
        base = attrs.evolve(query, text="", limit=None, offset=0)
        key = self._key(base, order)
        text = self._search
        if key != self._search_key or text is None:
            if (self._search_key is not None and self._search_key[:2] == key[:2]
                    and not _changeable(base, order)
                    and self._read_seconds > PREPARE_SHARE * (time.monotonic() - self._read_at)):
                return False
            text = self._searchable(base, order)
        text.sign()  # the signatures that let a rare word skip most of the text
        return True

    def _key(self, base: Query, order: Order) -> tuple[object, ...]:
        """What the search text depends on: the filters, the order and the index's state."""
        with self.lock:
            index = self.store.index
            version = int(index.db.execute("PRAGMA data_version").fetchone()[0])
            return (base, order, version, index.generation)

    def _searchable(self, base: Query, order: Order) -> SearchText:
        """The search text of the cases ``base`` selects, in order; kept per index state, and
        changed by the rows written since it was read where it can be."""
        with self._search_lock:
            key = self._key(base, order)
            if key != self._search_key or self._search is None:
                changed = None
                if (self._search_key is not None and self._search_key[:2] == key[:2]
                        and _changeable(base, order)):
                    changed = self._changed_search(base)
                if changed is not None:
                    self._search = changed
                else:
                    self._search = self._read = None  # not two copies at once
                    self._search_key = None
                    started = time.monotonic()
                    self._read, self._mark = self._read_search(base, order)
                    self._placed = {}
                    self._search = self._read
                    self._read_at = time.monotonic()
                    self._read_seconds = self._read_at - started
                self._search_key = key
            return self._search

    def _index_path(self) -> str:
        return str(self.store.index.directory / "cases.sqlite3")

    def _read_search(self, base: Query, order: Order) -> tuple[SearchText, _Mark]:
        # its own connection: the queue's pages and counts go on while it reads; it starts after
        # ``data_version`` was read, so it sees at least that state of the index
        where, params = base.where()
        sql = f"SELECT id, search, name FROM cases{where} ORDER BY {ORDER_SQL[order]}"
        path = self._index_path()
        stat = os.stat(path)
        db = sqlite3.connect(path, timeout=30.0)
        try:
            db.execute("BEGIN")  # the text and its mark from one state of the index
            top = int(db.execute("SELECT coalesce(max(rowid), 0) FROM cases").fetchone()[0])
            top_row = db.execute(f"SELECT {_FILE_STATE} FROM cases WHERE rowid = ?",
                                 (top,)).fetchone()
            text = SearchText(db.execute(sql, params))
            return text, _Mark(top, top_row, (stat.st_dev, stat.st_ino))
        finally:
            db.close()

    def _changed_search(self, base: Query) -> SearchText | None:
        """The search text as read, changed by the rows written since (newest first only);
        None when it cannot tell what changed, or too much did, and it must be read again.

        A row written replaces the one before it with a higher rowid than any (SQLite gives a
        row without one the highest plus one): the rows above the mark's are what changed; the
        mark's own row unchanged shows that no rowid was used again; the rows below it are
        unchanged, so the number of them the filters select shows whether any line was
        deleted rather than changed."""
        read, mark = self._read, self._mark
        if read is None or mark is None:
            return None
        path = self._index_path()
        with contextlib.suppress(OSError):
            stat = os.stat(path)
            if (stat.st_dev, stat.st_ino) != mark.file:
                return None
        where, params = base.where()
        wanted = where.removeprefix(" WHERE ") or "1"
        db = sqlite3.connect(path, timeout=30.0)
        try:
            db.execute("BEGIN")
            top_row = db.execute(f"SELECT {_FILE_STATE} FROM cases WHERE rowid = ?",
                                 (mark.top,)).fetchone()
            if top_row != mark.top_row:
                return None
            rows = db.execute(
                f"SELECT rowid, id, created, ({wanted}), search, name FROM cases "
                "WHERE rowid > ? ORDER BY rowid", [*params, mark.top]).fetchmany(CHANGES + 1)
            if len(rows) > CHANGES:
                return None
            selected = int(db.execute(f"SELECT count(*) FROM cases{where}",
                                      params).fetchone()[0])
            placing = _Placing(read, db, {str(r[1]) for r in rows})
            placed = {}
            dead: list[int] = []
            extra: list[tuple[str, str, int, str, str, str]] = []
            for rowid, case_id, created, is_wanted, search, name in rows:
                old, at = self._placed.get(rowid) or placing.place(case_id, created)
                placed[rowid] = (old, at)
                if old is not None:
                    dead.append(old)
                if is_wanted:
                    extra.append((created, case_id, at, case_id, search, name))
            # the lines the filters select, less those replaced, must be all that are left
            if len(read) - len(dead) != selected - len(extra):
                return None
        finally:
            db.close()
        self._placed = placed
        extra.sort(reverse=True)  # newest first: created, then id, both descending
        places = []
        at = 0
        for row in extra:
            # rows placed in earlier changes may name another line of the same run of
            # changed (left out) lines: the same place
            at = max(at, row[2])
            places.append((at, *row[3:]))
        return read.changed(dead, places)

    def rows(self, ids: Sequence[str]) -> dict[str, CaseRow]:
        """The rows of ``ids`` (a page of the list), by id; ids no longer indexed are left out."""
        found: dict[str, CaseRow] = {}
        for start in range(0, len(ids), ROWS_PER_STATEMENT):
            chunk = list(ids[start : start + ROWS_PER_STATEMENT])
            sql = f"SELECT {ROW_COLUMNS} FROM cases WHERE id IN ({','.join('?' * len(chunk))})"
            with self.lock:
                fetched = self.store.index.db.execute(sql, chunk).fetchall()
            for r in fetched:
                row = self.store.index.row(r)
                found[row.id] = row
        return found

    def query(self, query: Query) -> list[CaseRow]:
        with self.lock:
            return self.store.query(query)

    def count(self, query: Query) -> int:
        with self.lock:
            return self.store.count(query)

    def closed_since(self, since: datetime, limit: int = 500) -> list[CaseRow]:
        """Cases closed (resolved, called back, evaluated) and last changed since ``since``,
        the most recently changed first."""
        statuses = sorted(s.value for s in CLOSED_STATUSES)
        sql = (
            f"SELECT {ROW_COLUMNS} FROM cases WHERE status IN ({','.join('?' * len(statuses))}) "
            "AND updated >= ? ORDER BY updated DESC LIMIT ?"
        )
        with self.lock:
            fetched = self.store.index.db.execute(sql, [*statuses, _utc(since), limit]).fetchall()
        return [self.store.index.row(r) for r in fetched]

    def problems(self) -> list[Problem]:
        with self.lock:
            return self.store.problems()


@attrs.frozen
class _Mark:
    """Where a search text was read from: the highest rowid of the index then, that row's
    file state, and the index file (device, inode)."""

    top: int
    top_row: tuple[object, ...] | None
    file: tuple[int, int]


def _changeable(base: Query, order: Order) -> bool:
    """Whether a search text of ``base`` in ``order`` is changed rather than read again: in
    newest-first order each row has one place (no two rows tie), and filters without the
    clock select the same rows until they are written."""
    return order is Order.NEWEST and base.overdue_at is None


class _Placing:
    """Where rows written since a search text was read belong in it (newest first): between
    the unchanged lines, found by halving, each line's time read again by its id."""

    def __init__(self, read: SearchText, db: sqlite3.Connection, changed: set[str]) -> None:
        self.read = read
        self.db = db
        self.changed = changed

    def _key(self, line: int) -> tuple[str, str] | None:
        """The order of an unchanged line, None for one changed or gone since."""
        case_id = self.read.id_at(line)
        if case_id in self.changed:
            return None
        row = self.db.execute("SELECT created FROM cases WHERE id = ?", (case_id,)).fetchone()
        return None if row is None else (str(row[0]), case_id)

    def place(self, case_id: str, created: str) -> tuple[int | None, int]:
        """The line that held ``case_id`` when the text was read (None if none did), and the
        line before which it now belongs."""
        key = (created, case_id)
        read = self.read
        low, high = 0, len(read)
        while low < high:
            middle = (low + high) // 2
            line = middle
            known = self._key(line)
            while known is None and line + 1 < high:
                line += 1
                known = self._key(line)
            if known is None or known < key:
                high = middle
            else:
                low = line + 1
        # a line of the same id and time lies among the changed lines around its place
        for lines in (range(low - 1, -1, -1), range(low, len(read))):
            for line in lines:
                found = read.id_at(line)
                if found == case_id:
                    return line, low
                if found not in self.changed:
                    break
        return read.line_of(case_id), low


__all__ = ["ORDER_SQL", "Order", "Queue"]
