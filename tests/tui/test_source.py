"""The queue's in-memory search answers exactly what the index's SQL would, and never goes stale;
a word of letters also matches the pinyin initials of the caller's name."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core.cases.index import Query
from tui.widgets.source import CaseSource, Order

WORDS = ["张", "桂兰", "138", "jinxiu", "大米", "0001", "rice", "锦绣", "x", "2026111"]


def sql_ids(source: CaseSource, query: Query, order: Order) -> list[str]:
    """What SQL answers, with each word of letters also allowed to match the name's initials."""
    from tui.pinyin import initials
    from tui.widgets.source import _ORDER_SQL

    where, params = attrs.evolve(query, text="").where()
    sql = f"SELECT id, search, name FROM cases{where} ORDER BY {_ORDER_SQL[order]}"
    words = query.text.lower().split()
    return [case_id for case_id, text, name in source.store.index.db.execute(sql, params)
            if all(w in text or (w.isascii() and w.isalpha() and w in initials(name))
                   for w in words)]


def plain_sql_ids(source: CaseSource, query: Query, order: Order) -> list[str]:
    from tui.widgets.source import _ORDER_SQL

    where, params = query.where()
    sql = f"SELECT id FROM cases{where} ORDER BY {_ORDER_SQL[order]}"
    return [r[0] for r in source.store.index.db.execute(sql, params)]


def test_search_matches_sql_and_sees_new_cases(demo_desk: core.Desk) -> None:
    source = CaseSource(demo_desk)
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
