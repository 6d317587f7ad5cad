"""The queue's compact list of case ids behaves as the list of strings it stands for."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from core.cases.idlist import IdList
from core.cases.index import Query
from core.cases.queue import ORDER_SQL, Order, Queue

ids = st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)),
              max_size=12)
case_ids = st.from_regex(r"\A(?:[A-Z]{2}-)?20[0-9]{6}-[0-9]{4}\Z")


@given(st.lists(ids | case_ids, max_size=40), st.integers(-45, 45), st.integers(-45, 45),
       st.integers(-3, 3).filter(bool))
def test_an_id_list_reads_back_as_the_list(values: list[str], start: int, stop: int,
                                           step: int) -> None:
    kept = IdList(values)
    assert len(kept) == len(values)
    assert list(kept) == values
    assert kept == values
    assert kept[start:stop] == values[start:stop]
    assert kept[start:stop:step] == values[start:stop:step]
    for position in (start, stop):
        if -len(values) <= position < len(values):
            assert kept[position] == values[position]
        else:
            with pytest.raises(IndexError):
                kept[position]


@given(st.lists(ids | case_ids, max_size=40), ids | case_ids, st.integers(-45, 45),
       st.integers(-45, 45))
def test_an_id_is_found_where_the_list_has_it_first(values: list[str], wanted: str,
                                                    start: int, stop: int) -> None:
    kept = IdList(values)
    for value in {wanted, *values[:3]}:
        assert (value in kept) == (value in values)
        try:
            expected: int | None = values.index(value, start, stop)
        except ValueError:
            expected = None
        if expected is None:
            with pytest.raises(ValueError):
                kept.index(value, start, stop)
        else:
            assert kept.index(value, start, stop) == expected


def test_rows_give_their_first_column_and_a_line_break_is_refused() -> None:
    assert list(IdList([("20261101-0001", "x"), ("20261101-0002", "y")])) == [
        "20261101-0001", "20261101-0002"]
    with pytest.raises(ValueError):
        IdList(["a\nb"])


def test_a_million_ids_take_a_third_of_a_list_of_strings() -> None:
    values = [f"2026{n // 10000:04d}-{n % 10000:04d}" for n in range(1_000_000)]
    kept = IdList(values)
    assert kept.nbytes < 23_000_000  # a list of these strings: about 70 MB
    assert kept.index("20260099-9999") == 999_999


def test_the_queue_lists_a_desk_as_an_id_list_in_its_order(demo_desk: core.Desk) -> None:
    demo_desk.cases.refresh()
    queue = Queue(demo_desk)
    try:
        for order in Order:
            listed = queue.ids(Query(), order)
            assert isinstance(listed, IdList)
            with queue.lock:
                expected = [r[0] for r in queue.store.index.db.execute(
                    f"SELECT id FROM cases ORDER BY {ORDER_SQL[order]}")]
            assert len(expected) > 100 and list(listed) == expected
            assert listed.index(expected[-1]) == len(expected) - 1
    finally:
        queue.close()
        demo_desk.cases.index.close()
