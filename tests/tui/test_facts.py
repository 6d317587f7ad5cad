"""The facts of a price complaint on the case screen: shown, entered with f, saved as an edit."""

from __future__ import annotations

from core.cases.case import Action, Category
from core.cases.facts import PriceReport
from core.desk import Desk
from tests.tui.conftest import AppFactory, settle
from tests.tui.deskfactory import FakeClock
from tests.tui.screen_text import screen_text
from tui.app import BaogongApp
from tui.screens.detail import DetailScreen
from tui.screens.facts import FactsDialog


def _gouging(desk: Desk) -> str:
    case = desk.cases.create(Category.PRICE_GOUGING, operator="wang",
                             description="鸡蛋一板卖到六十元", community="hx-01")
    return case.id


async def _open(app: BaogongApp, pilot, case_id: str) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    app.open_case(case_id)
    await settle(pilot)
    assert isinstance(app.screen, DetailScreen)


async def test_facts_are_entered_and_saved_as_an_attributed_edit(
        make_app: AppFactory, desk: Desk, clock: FakeClock) -> None:
    case_id = _gouging(desk)
    item = next(iter(desk.catalogue.values()))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, case_id)
        assert "not taken down yet: f to add" in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FactsDialog)
        # the supermarket picker is left empty: another shop, the goods by name, two prices
        await pilot.press("tab", *"便民小超市", "tab", *item.name, "tab", *"60", "tab",
                          *"18.5", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "60.00 yuan (was 18.50)" in screen_text(app)
    saved = desk.cases.get(case_id)
    assert saved.price == PriceReport(shop="便民小超市", item=item.code, price_fen=6000,
                                      usual_price_fen=1850)
    event = saved.history[-1]
    assert (event.action, event.operator) == (Action.EDIT, "wang")
    assert event.note.startswith("诉求要素 （无） -> 便民小超市")
    assert desk.cases.query(text="便民小超市")[0].id == case_id


async def test_a_bad_amount_is_shown_beside_its_field_and_nothing_is_saved(
        make_app: AppFactory, desk: Desk) -> None:
    case_id = _gouging(desk)
    path = desk.cases.path_for(case_id)
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, case_id)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("tab", *"便民小超市", "tab", "tab", *"六十", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FactsDialog)
        assert "'六十' is not an amount in yuan" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
    assert path.read_bytes() == before


async def test_the_facts_key_is_offered_only_for_categories_that_have_facts(
        make_app: AppFactory, desk: Desk) -> None:
    other = desk.cases.create(Category.GROCERIES, operator="wang", community="hx-01")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(app, pilot, other.id)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "Facts" not in screen_text(app)


async def test_a_price_call_takes_its_facts_down_at_intake(make_app: AppFactory,
                                                            desk: Desk) -> None:
    from tui.screens.intake import IntakeScreen
    from tui.widgets.common import Notice

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # a new caller: phone, name, six tabs to the category, 哄抬价格 by its initials
        await pilot.press("n", *"13900000099", "tab", *"李强", *["tab"] * 6, "enter", *"htjg",
                          "enter")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert "not taken down yet: ^t to add" in screen_text(app)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, FactsDialog)
        await pilot.press("tab", *"便民店", "tab", *"鸡蛋", "tab", *"60", "tab", *"24",
                          "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert "便民店 Eggs 60.00 yuan (was 24.00) +150%" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Notice)
    [row] = desk.cases.query(phone="13900000099")
    case = desk.cases.get(row.id)
    assert case.price == PriceReport(shop="便民店", item="eggs-30", price_fen=6000,
                                     usual_price_fen=2400)


async def test_the_intake_names_the_facts_key_the_desk_bound(make_app: AppFactory,
                                                             desk: Desk) -> None:
    import attrs

    from tui.screens.intake import IntakeScreen

    desk.settings = attrs.evolve(desk.settings, keys={"intake.facts": "f9", "facts.save": "f5"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"13900000099", "tab", *"李强", *["tab"] * 6, "enter", *"htjg",
                          "enter")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert "not taken down yet: f9 to add" in screen_text(app)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, FactsDialog)
        assert str(app.screen.query_one(".keys").render()) == \
            "f5 Save   ctrl+d Clear   esc Cancel"
    assert not app.keymap_problems
