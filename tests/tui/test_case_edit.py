"""Correcting a case's details from its detail screen: save, errors, cancel, conflicts, keys."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from pathlib import Path

import attrs

from core.cases.case import Action, Priority
from core.cases.edits import Details, plan_edit
from core.desk import Desk
from tests.tui.conftest import AppFactory, settle
from tests.tui.deskfactory import FakeClock
from tests.tui.screen_text import screen_lines, screen_text
from tui import i18n
from tui.app import BaogongApp
from tui.screens.case_dialogs import ConflictScreen, EditDialog
from tui.screens.detail import DetailScreen

CASE = "20261122-0002"  # 李建国, 13900000002, 光明街1栋1单元101室, accepted


async def open_edit(app: BaogongApp, pilot, case_id: str = CASE) -> EditDialog:  # type: ignore[no-untyped-def]
    await settle(pilot)
    app.open_case(case_id)
    await settle(pilot)
    assert isinstance(app.screen, DetailScreen)
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(app.screen, EditDialog)
    return app.screen


async def retype(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+u", *text)


async def test_a_corrected_phone_is_saved_with_an_edit_event(make_app: AppFactory, desk: Desk,
                                                            clock: FakeClock) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_edit(app, pilot)
        assert dialog.query_one("#phone").value == "13900000002"  # prefilled
        clock.advance(minutes=5)
        await retype(pilot, "13911112222")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert "13911112222" in text and "Edited" in text
    path = desk.cases.path_for(CASE)
    assert 'phone = "13911112222"' in path.read_text(encoding="utf-8")
    case = desk.cases.get(CASE)
    event = case.history[-1]
    assert (event.action, event.operator, event.time) == (Action.EDIT, "wang", clock.now)
    assert event.note == "电话 13900000002 -> 13911112222"  # the desk's language (zh_CN)
    assert case.caller.name == "李建国" and case.caller.address.room == "101"
    assert desk.cases.query(phone="13911112222")[0].id == CASE


async def test_a_bad_phone_is_shown_beside_the_field_and_nothing_is_written(
        make_app: AppFactory, desk: Desk) -> None:
    path = desk.cases.path_for(CASE)
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_edit(app, pilot)
        await retype(pilot, "139-abc")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # still open, with what was typed
        lines = screen_text(app).splitlines()
        row = next(i for i, line in enumerate(lines) if "Caller phone" in line)
        assert "'139-abc' is not a phone number" in lines[row + 1]
        assert "Traceback" not in "\n".join(lines)
        assert dialog.focused is dialog.query_one("#phone")
        await retype(pilot, "13911112222")  # corrected, it saves
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert path.read_bytes() != before
    assert desk.cases.get(CASE).caller.phone == "13911112222"


async def test_a_description_over_the_limit_is_refused_with_a_message(
        make_app: AppFactory, desk: Desk) -> None:
    path = desk.cases.path_for(CASE)
    before = path.read_bytes()
    app = make_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_edit(app, pilot)
        dialog.query_one("#description").text = "米" * 2500  # a paste of 2,500 characters
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        text = screen_text(app)
        assert "诉求内容有 2500 字，最多只能保存 2000 字" in text.replace("\n", "")
        assert dialog.focused is dialog.query_one("#description")
    assert path.read_bytes() == before


async def test_escape_and_an_unchanged_form_write_nothing(make_app: AppFactory,
                                                          desk: Desk) -> None:
    path = desk.cases.path_for(CASE)
    before = path.read_bytes()
    app = make_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_edit(app, pilot)
        await retype(pilot, "13911112222")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("ctrl+s")  # nothing changed
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert path.read_bytes() == before


async def test_every_field_moves_with_up_and_down_and_a_new_priority_moves_the_due_time(
        make_app: AppFactory, desk: Desk) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_edit(app, pilot)
        # a field takes focus with its text selected: end keeps it, ctrl+u clears it
        await pilot.press("down", "end", *" 张", "down", "down", "down", "down", "ctrl+u", *"102")
        await pilot.press("down", "enter", *"xinhua", "enter")  # community: Xinhua
        await pilot.press("down", "enter", *"urgent", "enter")  # priority
        await pilot.press("down")
        assert dialog.focused is dialog.query_one("#description")
        await pilot.press("end", *" 有老人")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    case = desk.cases.get(CASE)
    assert Details.of(case) == Details("李建国 张", "13900000002", "光明街", "1", "1", "102",
                                       "hx-03", Priority.URGENT, "超市鸡蛋一天涨了一倍 有老人")
    assert case.history[-1].note.splitlines() == [
        "姓名 李建国 -> 李建国 张", "房号 101 -> 102", "社区 光明社区 -> 新华社区",
        "优先级 一般 -> 特急", "诉求内容 超市鸡蛋一天涨了一倍 -> 超市鸡蛋一天涨了一倍 有老人"]
    # urgent: the same day, and never later than high (12 hours from acceptance)
    assert case.due == min(case.created.replace(hour=23, minute=59, second=59),
                           case.created + timedelta(hours=12))


async def test_a_concurrent_change_leads_to_the_conflict_screen_and_keeps_theirs(
        make_app: AppFactory, desk: Desk, desk_root: Path, clock: FakeClock) -> None:
    app = make_app()
    other_desk = Desk.open(desk_root)
    other = other_desk.case_store()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_edit(app, pilot)
        # meanwhile another operator, in another session, corrects the room of the same case
        loaded = other.get(CASE)
        theirs = plan_edit(loaded, attrs.evolve(Details.of(loaded), room="102"),
                           rules=other_desk.settings.sla, communities=other_desk.communities)
        assert theirs is not None
        other.act(loaded, Action.EDIT, operator="li", changes=theirs.changes, note=theirs.note,
                  time=clock.now + timedelta(minutes=1))
        await retype(pilot, "13911112222")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        text = screen_text(app)
        assert "changed by li" in text and "房号 101 -> 102" in text
        assert "Your action, not saved: Edited - 电话 13900000002 -> 13911112222" in text
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    case = desk.cases.get(CASE)
    assert (case.caller.phone, case.caller.address.room) == ("13911112222", "102")
    assert [(e.operator, e.action, e.note) for e in case.history[-2:]] == [
        ("li", Action.EDIT, "房号 101 -> 102"),
        ("wang", Action.EDIT, "电话 13900000002 -> 13911112222")]


async def test_a_conflicting_edit_dropped_writes_nothing_of_mine(
        make_app: AppFactory, desk: Desk, desk_root: Path) -> None:
    app = make_app()
    other = Desk.open(desk_root).case_store()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_edit(app, pilot)
        other.act(other.get(CASE), Action.DISPATCH, operator="li", note="转市场监管局")
        await retype(pilot, "13911112222")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert "Accepted -> Dispatched" in screen_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    case = desk.cases.get(CASE)
    assert case.caller.phone == "13900000002" and case.history[-1].operator == "li"


async def test_the_edit_key_is_remapped_from_the_desk_settings(make_app: AppFactory,
                                                               desk: Desk) -> None:
    desk.settings = attrs.evolve(desk.settings, keys={"detail.edit": "f6"})
    app = make_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case(CASE)
        await settle(pilot)
        assert "f6 修改" in screen_text(app).splitlines()[-1]
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, EditDialog)
    assert not app.keymap_problems


async def test_the_dialog_fits_80x24_in_both_languages(make_app: AppFactory) -> None:
    for language in ("zh", "en"):
        app = make_app(language=language)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_edit(app, pilot)
            await retype(pilot, "x")
            await pilot.press("ctrl+s")
            await settle(pilot)
            lines = screen_lines(app)
            assert len(lines) == 24 and any("'x'" in line for line in lines)
            odd = {ch for line in lines for ch in line
                   if unicodedata.east_asian_width(ch) == "A"}
            assert not odd
    assert not i18n.missing, f"untranslated: {sorted(i18n.missing)}"


async def test_a_form_names_the_keys_the_desk_bound(make_app: AppFactory, desk: Desk) -> None:
    desk.settings = attrs.evolve(desk.settings, keys={"edit.save": "f5", "edit.cancel": "f8",
                                                      "action.save": "f7"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_edit(app, pilot)
        hint = str(dialog.query_one(".keys").render())
        assert hint == "f5 Save   f8 Cancel"
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("n")  # a note: enter in its field submits it too
        await settle(pilot)
        assert str(app.screen.query_one(".keys").render()) == "enter/f7 Save   esc Cancel"
        await pilot.press(*"called", "f7")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.desk.cases.get(CASE).history[-1].note == "called"
    assert not app.keymap_problems


async def test_the_facts_keys_can_be_remapped(make_app: AppFactory, desk: Desk) -> None:
    desk.settings = attrs.evolve(desk.settings, keys={"facts.save": "f5"})
    app = make_app(language="zh")
    async with app.run_test(size=(80, 24)):
        pass
    assert not app.keymap_problems  # facts.* were missing from the ids a desk may remap
