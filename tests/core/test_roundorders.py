"""Adding orders to a round file: checked first, under the round's lock, once per source."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core
from core.packing.orders import OrderLine, Payment
from core.problems import DeskError
from core.roundorders import AddedOrders, NewOrder, add_orders
from core.rounds import read_round

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 25, 9, 30, tzinfo=ZONE)
ROUND = "r1125"


def _order(source: str, household: str = "h0001", code: str = "rice-5kg",
           quantity: int = 1, **kw: object) -> NewOrder:
    return NewOrder(household, (OrderLine(code, quantity),), T0, source, **kw)  # type: ignore[arg-type]


def _path(desk: core.Desk) -> Path:
    return desk.root / "rounds" / f"{ROUND}.toml"


def test_added_orders_are_appended_with_the_next_ids_and_keep_the_comments(
        demo_desk: core.Desk) -> None:
    before = read_round(demo_desk, _path(demo_desk))
    text = _path(demo_desk).read_text(encoding="utf-8")
    result = add_orders(demo_desk, ROUND, [
        _order("case 20261125-0001"),
        _order("case 20261125-0002", "h0003", "eggs-30", 2, payment=Payment.ON_ACCOUNT,
               payment_ref="GW-7", grid_worker="grid.jinxiu.2")], operator="li.na")
    last = len(before.orders)
    assert result == AddedOrders(ROUND, (f"{ROUND}-{last + 1:04d}", f"{ROUND}-{last + 2:04d}"),
                                 ())
    after_text = _path(demo_desk).read_text(encoding="utf-8")
    assert after_text.startswith(text)  # the grid workers' comments and layout stay
    after = read_round(demo_desk, _path(demo_desk))
    assert after.orders[:last] == before.orders
    first, second = after.orders[last:]
    assert (first.household, first.lines, first.taken_by, first.source) == (
        "h0001", (OrderLine("rice-5kg", 1),), "li.na", "case 20261125-0001")
    assert first.taken_at == T0 and first.payment == Payment.DUE
    assert (second.payment, second.payment_ref, second.lines, second.grid_worker) == (
        Payment.ON_ACCOUNT, "GW-7", (OrderLine("eggs-30", 2),), "grid.jinxiu.2")
    assert first.grid_worker == ""
    # an order taken without a payment of its own: its label's code is the order's id, which the
    # grid worker's collection names
    assert first.payment_ref == first.id == result.added[0]


def test_the_same_source_is_never_added_twice(demo_desk: core.Desk) -> None:
    first = add_orders(demo_desk, ROUND, [_order("list 3f2a line 1"), _order("list 3f2a line 2")])
    text = _path(demo_desk).read_text(encoding="utf-8")
    again = add_orders(demo_desk, ROUND, [_order("list 3f2a line 2"), _order("list 3f2a line 3"),
                                          _order("list 3f2a line 3")])
    assert len(first.added) == 2
    assert again.skipped == ("list 3f2a line 2", "list 3f2a line 3")
    assert len(again.added) == 1
    assert _path(demo_desk).read_text(encoding="utf-8").startswith(text)
    sources = [o.source for o in read_round(demo_desk, _path(demo_desk)).orders if o.source]
    assert sources == ["list 3f2a line 1", "list 3f2a line 2", "list 3f2a line 3"]
    unchanged = _path(demo_desk).read_bytes()
    assert add_orders(demo_desk, ROUND, [_order("list 3f2a line 1")]).added == ()
    assert _path(demo_desk).read_bytes() == unchanged


@pytest.mark.parametrize(("order", "field", "words"), [
    (_order("case 1", household="h9999"), "household", "unknown household 'h9999'"),
    (_order("case 1", code="caviar"), "lines", "unknown goods 'caviar'"),
    (_order("case 1", quantity=0), "lines", "from 1 to 100"),
    (_order("case 1", quantity=101), "lines", "from 1 to 100"),
    (NewOrder("h0001", (), T0, "case 1"), "lines", "no goods"),
    (NewOrder("h0001", (OrderLine("rice-5kg"),), T0.replace(tzinfo=None), "case 1"),
     "taken_at", "no time zone"),
    (_order(" "), "source", "where it comes from"),
    (_order("case 1", payment=Payment.ON_ACCOUNT), "grid_worker", "needs the grid worker"),
    (_order("case 1", payment=Payment.ON_ACCOUNT, grid_worker="grid.yangguang.1"),
     "grid_worker", "not a grid worker of jinxiu"),
])
def test_a_bad_order_writes_nothing(demo_desk: core.Desk, order: NewOrder, field: str,
                                    words: str) -> None:
    before = _path(demo_desk).read_bytes()
    with pytest.raises(DeskError) as caught:
        add_orders(demo_desk, ROUND, [_order("case good"), order])
    [problem] = caught.value.problems
    assert problem.field == field and words in problem.message
    assert "order 2" in problem.message
    assert _path(demo_desk).read_bytes() == before


def test_an_unknown_round_is_refused(demo_desk: core.Desk) -> None:
    with pytest.raises(DeskError, match="no round r0101"):
        add_orders(demo_desk, "r0101", [_order("case 1")])


def test_round_files_check_the_new_fields(demo_desk: core.Desk) -> None:
    add_orders(demo_desk, ROUND, [_order("case 1"), _order("case 2")])
    path = _path(demo_desk)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('source = "case 2"', 'source = "case 1"'), encoding="utf-8")
    with pytest.raises(DeskError, match="source 'case 1' is also order"):
        read_round(demo_desk, path)
    path.write_text(text.replace("09:30:00+08:00", "09:30:00"), encoding="utf-8")
    with pytest.raises(DeskError, match="taken_at must be a time with its offset") as caught:
        read_round(demo_desk, path)
    assert caught.value.problems[0].line is not None


def _add_many(desk_dir: str, writer: str, count: int) -> list[str]:
    desk = core.open_desk(desk_dir)
    ids: list[str] = []
    for n in range(count):
        try:
            ids.extend(add_orders(desk, ROUND, [_order(f"{writer} {n}")]).added)
        except DeskError as exc:  # a torn round (two orders with one id) cannot be read
            ids.append(f"{writer} {n} failed: {exc}")
    return ids


def test_two_processes_adding_at_once_both_keep_their_orders(demo_desk_dir: Path) -> None:
    count = 40
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_add_many, [str(demo_desk_dir)] * 2, ["a", "b"], [count] * 2))
    ids = [i for chunk in results for i in chunk]
    assert len(ids) == len(set(ids)) == 2 * count
    desk = core.open_desk(demo_desk_dir)
    orders = read_round(desk, demo_desk_dir / "rounds" / f"{ROUND}.toml").orders
    assert {o.source for o in orders if o.source} == {
        f"{w} {n}" for w in "ab" for n in range(count)}
    assert sorted(ids) == sorted(o.id for o in orders if o.source)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
                max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=st.lists(st.lists(st.tuples(
    st.sampled_from(["h0001", "h0003", "h0010"]),
    st.lists(st.tuples(st.sampled_from(["rice-5kg", "eggs-30", "cabbage-2kg"]),
                       st.integers(1, 100)), min_size=1, max_size=3),
    st.integers(0, 8),  # the source, often one seen before
    st.sampled_from([Payment.DUE, Payment.PAID]), _TEXT), max_size=4), min_size=1, max_size=3))
def test_what_is_added_reads_back_and_every_source_once(
        tmp_path_factory: pytest.TempPathFactory,
        batches: list[list[tuple[str, list[tuple[str, int]], int, Payment, str]]]) -> None:
    from core.demo import copy_demo_desk

    desk = core.open_desk(copy_demo_desk(tmp_path_factory.mktemp("d") / "desk"))
    try:
        before = read_round(desk, _path(desk)).orders
        expected: dict[str, tuple[str, tuple[OrderLine, ...], Payment, str]] = {}
        for batch in batches:
            orders = [NewOrder(household, tuple(OrderLine(c, q) for c, q in lines), T0,
                               f"list ü\"\\ {source}", payment=payment, payment_ref=ref)
                      for household, lines, source, payment, ref in batch]
            result = add_orders(desk, ROUND, orders)
            fresh = [o for o in orders if o.source not in expected]
            unique = list({o.source: o for o in reversed(fresh)}.values())[::-1]
            assert len(result.added) == len(unique)
            for order in unique:
                expected[order.source] = (order.household, order.lines, order.payment,
                                          order.payment_ref)
        after = read_round(desk, _path(desk)).orders
        assert after[:len(before)] == before
        added = after[len(before):]
        assert {o.source: (o.household, o.lines, o.payment, o.payment_ref if o.payment_ref
                           != o.id else "") for o in added} == expected
        assert len(added) == len(expected)
    finally:
        desk.cases.index.close()


def test_a_write_cut_short_leaves_the_round_as_it_was(demo_desk: core.Desk,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import core.storage.atomic as atomic

    before = _path(demo_desk).read_bytes()

    def power_cut(_source: object, _target: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(atomic.os, "replace", power_cut)
    with pytest.raises(OSError, match="power cut"):
        add_orders(demo_desk, ROUND, [_order("case 1")])
    monkeypatch.undo()
    assert _path(demo_desk).read_bytes() == before
    assert sorted(p.name for p in _path(demo_desk).parent.iterdir()) == ["r1125.toml"]
