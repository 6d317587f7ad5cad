"""The queue's in-memory search answers exactly what the index's SQL would, and never goes stale;
a word of letters also matches the pinyin initials of the caller's name."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core.cases import queue as queue_module
from core.cases.index import Query
from core.cases.queue import ORDER_SQL, Order, Queue
from core.cases.search import SearchText
from core.pinyin import initials

WORDS = ["张", "桂兰", "138", "jinxiu", "大米", "0001", "rice", "锦绣", "x", "2026111"]


def sql_ids(source: Queue, query: Query, order: Order) -> list[str]:
    """What SQL answers, with each word of letters also allowed to match the name's initials."""
    where, params = attrs.evolve(query, text="").where()
    sql = f"SELECT id, search, name FROM cases{where} ORDER BY {ORDER_SQL[order]}"
    words = query.text.lower().split()
    return [case_id for case_id, text, name in source.store.index.db.execute(sql, params)
            if all(w in text or (w.isascii() and w.isalpha() and w in initials(name))
                   for w in words)]


def plain_sql_ids(source: Queue, query: Query, order: Order) -> list[str]:
    where, params = query.where()
    sql = f"SELECT id FROM cases{where} ORDER BY {ORDER_SQL[order]}"
    return [r[0] for r in source.store.index.db.execute(sql, params)]


def test_search_matches_sql_and_sees_new_cases(demo_desk: core.Desk) -> None:
    source = Queue(demo_desk)
    source.refresh()

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2),
           st.sampled_from(list(Order)), st.booleans())
    def agree(words: list[str], order: Order, open_only: bool) -> None:
        query = Query(text=" ".join(words), open_only=open_only)
        assert source.ids(query, order) == sql_ids(source, query, order)

    agree()
    for word in ("138", "桂兰", "2026111"):  # no letters: exactly SQL's LIKE
        assert source.ids(Query(text=word)) == plain_sql_ids(source, Query(text=word),
                                                             Order.NEWEST)
    query = Query(text="独一无二的描述")
    assert source.ids(query) == []
    other = core.open_desk(demo_desk.root)  # another session writes a case
    created = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    case = other.cases.create(core.Category.SHORTAGE, operator="li", created=created,
                              description="独一无二的描述")
    other.cases.index.close()
    source.refresh()
    assert source.ids(query) == [case.id]
    source.close()


def test_needs_attention_first(demo_desk: core.Desk) -> None:
    """Open before closed, urgent before the rest, priority people next, the earliest due, then
    the newest; and every case exactly once, whichever the order."""
    queue = Queue(demo_desk)
    queue.refresh()
    newest = queue.ids(Query())
    attention = queue.ids(Query(), Order.ATTENTION)
    assert sorted(newest) == sorted(attention) and len(newest) > 10
    rows = queue.rows(attention)

    def rank(case_id: str) -> tuple[object, ...]:
        row = rows[case_id]
        due = row.due.timestamp() if row.due is not None else float("inf")
        return (not row.is_open, row.priority != core.Priority.URGENT, not row.flags, due)

    ranks = [rank(i) for i in attention]
    assert ranks == sorted(ranks)
    created = [rows[i].created for i in newest]
    assert created == sorted(created, reverse=True)
    assert queue.count(Query(open_only=True)) == sum(r.is_open for r in rows.values())
    queue.close()


def test_rows_a_page_at_a_time(demo_desk: core.Desk) -> None:
    queue = Queue(demo_desk)
    queue.refresh()
    ids = queue.ids(Query())
    page = queue.rows(ids[:5])
    assert sorted(page) == sorted(ids[:5])
    assert queue.rows([*ids[:2], "no-such-case"]).keys() == {ids[0], ids[1]}
    assert [r.id for r in queue.query(Query(limit=5))] == ids[:5]
    queue.close()


def test_closed_since(demo_desk: core.Desk) -> None:
    """Cases closed and last changed since a moment, the most recently changed first."""
    queue = Queue(demo_desk)
    queue.refresh()
    every = queue.rows(queue.ids(Query())).values()
    closed = [r for r in every if not r.is_open]
    assert closed
    since = sorted(r.updated for r in closed)[len(closed) // 2]
    found = queue.closed_since(since)
    assert sorted(r.id for r in found) == sorted(r.id for r in closed if r.updated >= since)
    assert [r.updated for r in found] == sorted((r.updated for r in found), reverse=True)
    assert len(queue.closed_since(since, limit=1)) == 1
    queue.close()


def test_the_desk_s_queue(demo_desk: core.Desk) -> None:
    queue = demo_desk.queue
    assert queue is demo_desk.queue  # one reader per desk, opened on first use
    queue.refresh()
    assert queue.ids(Query(open_only=True), Order.ATTENTION)[:3] == Queue(demo_desk).ids(
        Query(open_only=True), Order.ATTENTION)[:3]
    queue.close()


def count_search_reads(monkeypatch: pytest.MonkeyPatch) -> list[Order]:
    """Every reading of a search text from here on, by the order it was read in."""
    reads: list[Order] = []
    read = Queue._read_search

    def counted(self: Queue, base: Query, order: Order) -> tuple[SearchText, object]:
        reads.append(order)
        return read(self, base, order)

    monkeypatch.setattr(Queue, "_read_search", counted)
    return reads


def test_search_text_is_read_ahead_and_changed_or_read_again_after_a_change(
        demo_desk: core.Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    source = Queue(demo_desk)
    source.refresh()
    reads = count_search_reads(monkeypatch)
    assert source.prepare_search(Query(open_only=True, text="ignored"))
    assert source.ids(Query(open_only=True, text="王")) == sql_ids(
        source, Query(open_only=True, text="王"), Order.NEWEST)
    assert reads == [Order.NEWEST]  # the key found it read
    assert source.prepare_search(Query(open_only=True))
    assert reads == [Order.NEWEST]  # nothing changed: not read again
    other = core.open_desk(demo_desk.root)  # another session writes a case
    created = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    case = other.cases.create(core.Category.SHORTAGE, operator="li", created=created,
                              description="独一无二的描述")
    other.cases.index.close()
    source.refresh()
    monkeypatch.setattr(queue_module, "PREPARE_SHARE", 1e-9)  # reading may take no time
    assert source.prepare_search(Query(open_only=True))  # newest first: changed, not read
    assert source.ids(Query(open_only=True, text="独一无二")) == [case.id]
    assert reads == [Order.NEWEST]
    assert source.prepare_search(Query(open_only=True), Order.ATTENTION)
    assert reads == [Order.NEWEST, Order.ATTENTION]
    other.cases.create(core.Category.SHORTAGE, operator="li", created=created,
                       description="独一无二的第二个")
    other.cases.index.close()
    source.refresh()
    # needs attention first (rows may tie): read again, by the first key after a slow reading
    assert not source.prepare_search(Query(open_only=True), Order.ATTENTION)
    assert reads == [Order.NEWEST, Order.ATTENTION]
    query = Query(open_only=True, text="独一无二")
    assert source.ids(query, Order.ATTENTION) == sql_ids(source, query, Order.ATTENTION)
    assert reads == [Order.NEWEST, Order.ATTENTION, Order.ATTENTION]
    other.cases.create(core.Category.SHORTAGE, operator="li", created=created)
    other.cases.index.close()
    source.refresh()
    monkeypatch.setattr(queue_module, "PREPARE_SHARE", 1e9)  # reading may take any time
    assert source.prepare_search(Query(open_only=True), Order.ATTENTION)
    assert reads == [Order.NEWEST, Order.ATTENTION, Order.ATTENTION, Order.ATTENTION]


def test_cases_written_since_the_search_text_was_read_are_found_where_sql_finds_them(
        demo_desk: core.Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """New cases (newest, or dated among the others), edits, a case that leaves or joins
    the filter's cases: the text is changed, never read again, and answers as SQL does; a
    case file removed is noticed, and the text read again."""
    source = Queue(demo_desk)
    source.refresh()
    reads = count_search_reads(monkeypatch)
    other = core.open_desk(demo_desk.root)
    zone = ZoneInfo("Asia/Shanghai")
    ids = source.ids(Query())
    opened = Queue(demo_desk)  # a reader keeps one search text: one reader per filter
    queries = [(source, Query(text="新写的")), (source, Query(text="王")),
               (source, Query(text="wxy")), (source, Query(text=ids[3])),
               (opened, Query(open_only=True, text="新写的")),
               (opened, Query(open_only=True, text=ids[5]))]

    def agree() -> None:
        for reader, query in queries:
            assert reader.ids(query) == sql_ids(source, query, Order.NEWEST), query
            assert reader.ids(query, limit=2) == sql_ids(source, query, Order.NEWEST)[:2]

    agree()
    assert len(reads) == 2  # all cases, open cases
    for n, created in enumerate([datetime(2027, 1, 1, 9, 0, tzinfo=zone),
                                 datetime(2026, 11, 2, 9, 0, tzinfo=zone),
                                 datetime(2020, 1, 1, 9, 0, tzinfo=zone)]):
        other.cases.create(core.Category.SHORTAGE, operator="li", created=created,
                           description=f"新写的第{n}个 王")
    middle = ids[len(ids) // 2]
    other.cases.amend(middle, lambda case: attrs.evolve(case, description="新写的 改过"))
    other.cases.amend(ids[5], lambda case: attrs.evolve(case, status=core.CaseStatus.EVALUATED))
    other.cases.index.close()
    source.refresh()
    agree()
    assert source.ids(Query(text="新写的 改过")) == [middle]
    assert len(reads) == 2  # changed, not read again
    other.cases.amend(middle, lambda case: attrs.evolve(case, description="又改了 新写的"))
    moved = ids[len(ids) // 3]  # its time changed by hand: it moves in the list
    other.cases.amend(moved, lambda case: attrs.evolve(
        case, created=datetime(2026, 11, 2, 10, 0, tzinfo=zone), description="新写的 挪了"))
    other.cases.index.close()
    source.refresh()
    agree()
    assert len(reads) == 2
    demo_desk.cases.path_for(ids[3]).unlink()
    source.refresh()
    agree()
    assert len(reads) == 4  # a case gone: read again
    # the newest row deleted and its rowid given to another: the text cannot tell which rows
    # are new by their rowid, and is read again
    db = sqlite3.connect(demo_desk.root / ".index" / "cases.sqlite3")
    top = db.execute("SELECT max(rowid) FROM cases").fetchone()[0]
    gone = db.execute("SELECT id FROM cases WHERE rowid = ?", (top,)).fetchone()[0]
    db.execute("CREATE TEMP TABLE top AS SELECT * FROM cases WHERE rowid = ?", (top,))
    db.execute("DELETE FROM cases WHERE rowid = ?", (top,))
    db.execute("UPDATE top SET id = 'X-1', search = '用了它的行号'")
    db.execute("INSERT INTO cases SELECT * FROM top")
    assert db.execute("SELECT rowid FROM cases WHERE id = 'X-1'").fetchone()[0] == top
    db.commit()
    db.close()
    assert source.ids(Query(text="用了它的行号")) == ["X-1"]
    assert source.ids(Query(text=gone)) == []
    assert len(reads) == 5
    source.close()
    opened.close()
    other.cases.index.close()
