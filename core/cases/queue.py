"""The case queue (工单队列): a desk's cases in order, a page at a time, searched as typed.

The queue never loads all rows: a filter change asks SQLite for the ordered ids only (a few
megabytes for 100,000 cases, meant for a worker thread), and a list fetches the rows it is
about to draw, a page at a time, by id (:meth:`Queue.rows`). Each queue owns its own SQLite
connection to the case index (the index is in WAL mode, so readers never wait for the writer).

Two orders: newest first, and needs attention first (:attr:`Order.ATTENTION`): open before
closed, urgent before the rest, cases of priority people (flags) before others, then the
earliest due time, then the newest.

Searching as the operator types asks the same question again with one more character each time,
so the ids and search text under the other filters are kept in memory for as long as the index
does not change (``PRAGMA data_version``), and each keystroke is a substring scan in Python: a
few milliseconds for 100,000 cases, against tens for SQLite's ``LIKE``. It matches what
``Query.where`` asks of SQLite: every word (or, for a phone number, its normalized digits;
:func:`core.cases.index.search_terms`), lower-cased, somewhere in the case's search text; here a
word of Latin letters also matches the pinyin initials of the caller's name (``wxy`` finds
王秀英, every reading of a character with several; :func:`core.pinyin.initials`), which SQLite's
index does not hold.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

import attrs

from core.cases.case import CLOSED_STATUSES
from core.cases.index import ROW_COLUMNS, CaseRow, Progress, Query, search_terms
from core.pinyin import initials
from core.problems import Problem

if TYPE_CHECKING:
    from core.desk import Desk

#: rows fetched by id per SQL statement (SQLite's limit on parameters is well above)
ROWS_PER_STATEMENT = 500


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
        self._search_key: tuple[object, ...] | None = None
        self._search_rows: list[tuple[str, str, str]] = []

    def close(self) -> None:
        with self.lock:
            self.store.index.close()

    def refresh(self, progress: Progress | None = None) -> int:
        """Pick up case files written by anyone since the last refresh (re-reads only changes);
        ``progress`` hears how far a long one is (:meth:`core.cases.store.CaseStore.refresh`)."""
        with self.lock:
            return self.store.refresh(progress)

    def data_version(self) -> int:
        """Changes whenever another connection (another session, or this app's writer) commits."""
        with self.lock:
            return int(self.store.index.db.execute("PRAGMA data_version").fetchone()[0])

    def ids(self, query: Query, order: Order = Order.NEWEST) -> list[str]:
        """The ids of the cases ``query`` selects, in ``order``."""
        words = query.text.lower().split()
        if not words or query.limit is not None:
            where, params = query.where()
            sql = f"SELECT id FROM cases{where} ORDER BY {ORDER_SQL[order]}"
            with self.lock:
                return [r[0] for r in self.store.index.db.execute(sql, params)]
        rows = self._searchable(attrs.evolve(query, text=""), order)
        terms = search_terms(query.text)
        # a word of Latin letters may be the initials of the caller's name (wxy: 王秀英)
        spoken = {t[0] for t in terms if len(t) == 1 and t[0].isascii() and t[0].isalpha()}
        if not spoken and len(terms) == 1 and len(terms[0]) == 1:
            word = terms[0][0]
            return [case_id for case_id, text, _name in rows if word in text]
        return [case_id for case_id, text, name in rows
                if all(any(t in text for t in alternatives)
                       or (alternatives[0] in spoken and alternatives[0] in initials(name))
                       for alternatives in terms)]

    def _searchable(self, base: Query, order: Order) -> list[tuple[str, str, str]]:
        """``(id, search text, caller's name)`` of the cases ``base`` selects, in order; cached
        per index state."""
        with self.lock:
            db = self.store.index.db
            version = int(db.execute("PRAGMA data_version").fetchone()[0])
            key = (base, order, version, self.store.index.generation)
            if key != self._search_key:
                where, params = base.where()
                sql = (f"SELECT id, search, name FROM cases{where} "
                       f"ORDER BY {ORDER_SQL[order]}")
                self._search_rows = db.execute(sql, params).fetchall()
                self._search_key = key
            return self._search_rows

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


__all__ = ["ORDER_SQL", "Order", "Queue"]
