"""The chase list (console 8), the approval queue (console 9) and the board's tier counts.

Snapshots in both languages at 80x24; update with ``--snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from core.cases.case import Action, CaseStatus, Category
from core.cases.escalation import DEFAULT_TIERS
from core.desk import Desk
from core.tick import run_tick
from tests.console.conftest import SUPERVISOR, at, settle
from tests.tui.deskfactory import FakeClock, make_desk
from tui import i18n
from tui.app import CLOCK_START_DELAY, BaogongApp

LADDER = {"tiers": [{"step": t.step, "after_hours": t.after_hours, "name": t.name,
                     "name_en": t.name_en} for t in DEFAULT_TIERS]}
CLOSURE = {"approval": ["price_gouging"], "on_the_spot": ["supply_inquiry"]}


@pytest.fixture
def ladder_desk(tmp_path: Path) -> Iterator[Desk]:
    clock = FakeClock(at(11, 30))
    desk = make_desk(tmp_path / "desk", clock, cases=False,
                     settings={"ladder": LADDER, "closure": CLOSURE})
    store = desk.cases
    for created, category in [(at(8, 0, day=21), Category.GROCERIES),
                              (at(8, 0, day=22), Category.CHRONIC_MEDICINE),
                              (at(10, 0, day=22), Category.GROCERIES),
                              (at(11, 0, day=22), Category.ORDERING_HELP)]:
        case = store.create(category, operator="wang", created=created)
        store.act(case, Action.DISPATCH, operator="wang", time=created + timedelta(hours=1))
    for hours in (3, 5):
        case = store.create(Category.PRICE_GOUGING, operator="wang", created=at(hours, day=23))
        case = store.act(case, Action.DISPATCH, operator="wang",
                         time=at(hours, 10, day=23))
        store.act(case, Action.RESOLVE, operator="li", note="已责令超市按标价销售",
                  time=at(hours + 4, day=23))
    run_tick(desk, clock())
    yield desk
    desk.cases.index.close()
    i18n.set_language("zh")


def app_for(desk: Desk, language: str) -> BaogongApp:
    return BaogongApp(desk, operator=SUPERVISOR, language=language, clock=desk.clock,
                      cursor_blink=False, poll_interval=None)


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_chase_list_approval_queue_and_board_counts(
        ladder_desk: Desk, snap: Callable[[BaogongApp, str], None], language: str) -> None:
    app = app_for(ladder_desk, language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "1")
        await settle(pilot)
        snap(app, "board")
        text = str(app.screen.query_one("#body").render())
        assert ("待审核 2" if language == "zh" else "Awaiting approval 2") in text
        await pilot.press("escape", "8")
        await settle(pilot)
        snap(app, "chase-list")
        await pilot.press("escape", "9")
        await settle(pilot)
        snap(app, "approval-queue")


async def test_a_supervisor_approves_and_sends_back_from_the_queue(ladder_desk: Desk) -> None:
    app = app_for(ladder_desk, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "9")
        await settle(pilot)
        first, second = [w.case.id for w in app.screen.outcome]  # type: ignore[attr-defined]
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("tab", *"price label checked", "ctrl+s")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("tab", *"no photo", "ctrl+s")
        await settle(pilot)
        assert app.screen.outcome == []  # type: ignore[attr-defined]
    approved = ladder_desk.cases.get(first)
    assert approved.status is CaseStatus.RESOLVED
    assert (approved.history[-1].action, approved.history[-1].operator,
            approved.history[-1].note) == (Action.APPROVE, SUPERVISOR, "price label checked")
    sent_back = ladder_desk.cases.get(second)
    assert sent_back.status is CaseStatus.IN_PROGRESS
    assert sent_back.history[-1].note == "no photo"


async def test_the_app_clock_catches_up_when_the_desk_is_live(ladder_desk: Desk) -> None:
    def steps() -> set[tuple[str, str | None, object]]:
        return {(c.id, e.step, e.time) for c in ladder_desk.cases for e in c.history
                if e.action is Action.LADDER}

    before = steps()
    clock = ladder_desk.clock
    assert isinstance(clock, FakeClock)
    clock.advance(hours=30)
    app = BaogongApp(ladder_desk, operator=SUPERVISOR, language="en", clock=clock,
                     cursor_blink=False, poll_interval=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause(CLOCK_START_DELAY + 0.5)
        await settle(pilot)
    new = steps() - before
    assert {step for _case, step, _at in new} == {"supervisor", "command_post"}
    assert all(at <= clock() for _case, _step, at in new)  # type: ignore[operator]
    assert len({(case, step) for case, step, _at in steps()}) == len(steps())


@pytest.mark.parametrize(("language", "refusal"), [("zh", "不能当场办结"),
                                                  ("en", "cannot be resolved on the spot")])
async def test_an_operator_resolving_is_told_what_the_closed_loop_asks(
        ladder_desk: Desk, language: str, refusal: str) -> None:
    store = ladder_desk.cases
    fresh = store.create(Category.GROCERIES, operator="wang", created=at(11, 0))
    complaint = store.create(Category.PRICE_GOUGING, operator="wang", created=at(11, 0))
    complaint = store.act(complaint, Action.DISPATCH, operator="wang", time=at(11, 5))
    app = BaogongApp(ladder_desk, operator="wang", language=language, clock=ladder_desk.clock,
                     cursor_blink=False, poll_interval=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case(fresh.id)
        await settle(pilot)
        await pilot.press("x", *"done", "enter")
        await settle(pilot)
        assert any(refusal in str(n.message) for n in app._notifications)
        app.open_case(complaint.id)
        await settle(pilot)
        await pilot.press("x", *"done", "enter")
        await settle(pilot)
        waiting = "等待值班长审核" if language == "zh" else "waiting for a supervisor"
        assert any(waiting in str(n.message) for n in app._notifications)
    assert store.get(fresh.id).status is CaseStatus.ACCEPTED
    assert store.get(complaint.id).status is CaseStatus.AWAITING_APPROVAL
