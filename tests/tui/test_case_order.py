"""A groceries or ordering-help call becomes an order in the round open now: one key, a preview,
enter; the cut-off, what is missing and pay-on-behalf (代付) shown before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import attrs

from core.cases.case import Action, Address, Caller, Category, ItemLine, PriorityFlag
from core.desk import Desk
from core.packing.orders import OrderLine, Payment
from core.rounds import read_round
from core.storage.convert import converter
from core.storage.tomlio import dumps
from tests.tui.conftest import AppFactory, settle
from tests.tui.deskfactory import COMMUNITIES, DISTRICTS, FakeClock
from tests.tui.screen_text import screen_text
from tui.app import BaogongApp
from tui.screens.case_order import CaseOrderDialog
from tui.screens.detail import DetailScreen

HOUSEHOLD = "hx-01-3-2-501"


def _groceries(desk: Desk, **kw: object) -> str:
    fields: dict[str, object] = dict(
        community="hx-01", household=HOUSEHOLD,
        items=(ItemLine("rice-5kg", 2, "大米"), ItemLine("eggs-30", 1, "鸡蛋")),
        description="家里没米了")
    fields.update(kw)
    return desk.cases.create(Category.GROCERIES, operator="wang", **fields).id  # type: ignore[arg-type]


async def _open(app: BaogongApp, pilot, case_id: str) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    app.open_case(case_id)
    await settle(pilot)
    assert isinstance(app.screen, DetailScreen)


def _round(desk: Desk, code: str) -> Path:
    return desk.root / "rounds" / f"{code}.toml"


async def test_one_key_previews_and_enter_adds_the_order_and_notes_the_case(
        make_app: AppFactory, desk: Desk, clock: FakeClock) -> None:
    case_id = _groceries(desk)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, case_id)
        assert "g Order" in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, CaseOrderDialog)
        shown = screen_text(app)
        assert HOUSEHOLD in shown and "Rice x2  ¥70.00" in shown and "¥94.00" in shown
        assert "r1123, day one 11-23  (new round)" in shown
        assert not _round(desk, "r1123").exists()  # a preview writes nothing
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "已下单 r1123-0001（r1123 轮）" in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        assert "This case is already order r1123-0001 in round r1123." in screen_text(app)
        await pilot.press("enter")  # nothing to add
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    [order] = read_round(desk, _round(desk, "r1123")).orders
    assert (order.id, order.household, order.lines, order.payment, order.taken_by,
            order.source, order.taken_at) == (
        "r1123-0001", HOUSEHOLD, (OrderLine("rice-5kg", 2), OrderLine("eggs-30", 1)),
        Payment.DUE, "wang", f"case {case_id}", clock())
    event = desk.cases.get(case_id).history[-1]
    assert (event.action, event.operator, event.note) == (
        Action.NOTE, "wang", "已下单 r1123-0001（r1123 轮）")


async def test_after_the_cut_off_the_preview_says_the_order_goes_to_the_next_round(
        make_app: AppFactory, desk: Desk, clock: FakeClock) -> None:
    first, second = _groceries(desk), _groceries(desk, description="再要一份")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, first)
        await pilot.press("g", "enter")
        await settle(pilot)
        clock.advance(hours=1, minutes=31)  # 11:01 on day one of r1123
        app.pop_screen()
        await _open(app, pilot, second)
        await pilot.press("g")
        await settle(pilot)
        shown = screen_text(app)
        assert "past round r1123's cut-off (11-23 11:00)" in shown
        assert "r1126, day one 11-26  (new round)" in shown
        await pilot.press("enter")
        await settle(pilot)
    assert [o.source for o in read_round(desk, _round(desk, "r1126")).orders] == [
        f"case {second}"]
    assert [o.source for o in read_round(desk, _round(desk, "r1123")).orders] == [
        f"case {first}"]


async def test_a_case_without_household_or_goods_says_what_is_missing(
        make_app: AppFactory, desk: Desk) -> None:
    case_id = _groceries(desk, household="", items=(ItemLine("手擀面", 1, "手擀面"),),
                         caller=Caller("路人", "13600000009", Address()))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, case_id)
        await pilot.press("g")
        await settle(pilot)
        shown = screen_text(app)
        assert "This case cannot become an order yet:" in shown
        assert "the case names no household and the caller's phone is not in" in shown
        assert "'手擀面' is not in the catalogue" in shown
        assert "Add order" not in shown
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseOrderDialog)
    assert not (desk.root / "rounds").exists()
    assert desk.cases.get(case_id).history[-1].action is Action.CREATE


async def test_the_household_is_found_by_the_callers_phone(
        make_app: AppFactory, desk: Desk) -> None:
    case_id = _groceries(desk, household="", community="",
                         caller=Caller("王淑芬", "13700000003", Address()))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, case_id)
        await pilot.press("g", "enter")
        await settle(pilot)
    [order] = read_round(desk, _round(desk, "r1123")).orders
    assert order.household == "hx-03-7-1-302"


def _grid_workers(desk: Desk) -> None:
    communities = [attrs.evolve(c, grid_workers=("grid.heping.1", "grid.heping.2"))
                   if c.code == "hx-01" else c for c in COMMUNITIES]
    (desk.root / "communities.toml").write_text(dumps({
        "district": [converter.unstructure(d) for d in DISTRICTS],
        "community": [converter.unstructure(c) for c in communities]}), encoding="utf-8")
    desk.refresh()


async def test_priority_people_are_offered_pay_on_behalf(make_app: AppFactory,
                                                         desk: Desk) -> None:
    _grid_workers(desk)
    flagged = _groceries(desk, flags=[PriorityFlag.ELDERLY_ALONE])
    plain = _groceries(desk, description="普通住户")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, plain)
        await pilot.press("g")
        await settle(pilot)
        assert "pay-on-behalf" not in screen_text(app)
        await pilot.press("space")
        await settle(pilot)
        assert "grid.heping" not in screen_text(app)
        await pilot.press("escape", "escape")
        await settle(pilot)
        app.pop_screen()
        await _open(app, pilot, flagged)
        await pilot.press("g")
        await settle(pilot)
        assert "Priority people: pay-on-behalf (代付)" in screen_text(app)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press(*"heping.2", "enter")
        await settle(pilot)
        assert "Pay-on-behalf by grid.heping.2" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
    [order] = read_round(desk, _round(desk, "r1123")).orders
    assert (order.source, order.payment, order.grid_worker) == (
        f"case {flagged}", Payment.ON_ACCOUNT, "grid.heping.2")
    assert desk.cases.get(flagged).history[-1].note == (
        "已下单 r1123-0001（r1123 轮）；grid.heping.2 代付")


async def test_the_order_key_is_only_for_groceries_and_ordering_help(
        make_app: AppFactory, desk: Desk) -> None:
    other = desk.cases.create(Category.PRICE_GOUGING, operator="wang", community="hx-01",
                              household=HOUSEHOLD)
    helped = desk.cases.create(Category.ORDERING_HELP, operator="wang", community="hx-01",
                               household=HOUSEHOLD, items=(ItemLine("salt-500g", 1),))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(app, pilot, other.id)
        assert "g Order" not in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        app.pop_screen()
        await _open(app, pilot, helped.id)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, CaseOrderDialog)


async def test_the_preview_snapshot(make_app: AppFactory, desk: Desk, clock: FakeClock,
                                    snap: Callable[[BaogongApp, str], None]) -> None:
    _grid_workers(desk)
    case_id = _groceries(desk, flags=[PriorityFlag.ELDERLY_ALONE])
    clock.advance(hours=1, minutes=45)  # past the cut-off of the day's round
    (desk.root / "rounds").mkdir()
    _round(desk, "r1123").write_text(
        'schema_version = 1\nround = "r1123"\nday_one = 2026-11-23\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, case_id)
        await pilot.press("g")
        await settle(pilot)
        assert "past round r1123's cut-off" in screen_text(app)
        snap(app, "case_order_preview_80x24")
