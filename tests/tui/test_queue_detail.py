"""The queue, a case's detail and its actions, conflicts, the live desk, problems, languages."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

import pytest
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList

from core.cases.case import Action, CaseStatus, Evaluation
from core.desk import Desk
from tests.tui.conftest import AppFactory, settle
from tests.tui.deskfactory import FakeClock
from tests.tui.screen_text import screen_lines, screen_text
from tui import i18n
from tui.screens.case_dialogs import ConflictScreen
from tui.screens.detail import DetailScreen
from tui.screens.handover import HandoverScreen
from tui.screens.problems import ProblemsScreen
from tui.widgets.case_list import CaseList


def visible_ids(app) -> list[str]:
    return [line.split()[1] if line.startswith(("!", "*")) else line.split()[0]
            for line in screen_lines(app) if line[2:10].isdigit()]


async def test_queue_newest_first_search_and_filters(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        case_list = app.screen.query_one(CaseList)
        assert case_list.ids[0] == "20261123-0002" and len(case_list.ids) == 8
        assert "Overdue 2" in screen_lines(app)[0]
        await pilot.press("slash", *"王淑芬")
        await settle(pilot)
        assert case_list.ids == ["20261122-0004"]
        await pilot.press("escape")
        await settle(pilot)
        assert len(case_list.ids) == 8
        await pilot.press("o")
        await settle(pilot)
        assert case_list.ids == ["20261122-0003", "20261122-0001"]
        await pilot.press("o", "f")
        await settle(pilot)
        await pilot.press("down", "enter", *"complaint", "enter")  # kind: complaint
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert case_list.ids == ["20261123-0002", "20261122-0005", "20261122-0003",
                                 "20261122-0002"]
        await pilot.press("s")  # needs attention first: the urgent water outage leads
        await settle(pilot)
        assert case_list.ids[0] == "20261122-0003" and len(case_list.ids) == 4


async def test_late_call_backs_are_counted_apart_from_overdue_work(
    make_app: AppFactory, desk: Desk, clock: FakeClock
) -> None:
    # a case resolved two days ago whose caller was never called back (the rule: within a day)
    overdue_case = desk.cases.get("20261122-0001")
    desk.cases.act(overdue_case, Action.RESOLVE, operator="li", note="已送达",
                   time=clock() - timedelta(days=2))
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        header = screen_lines(app)[0]
        assert "Overdue 1  Call-backs late 1" in header  # was "Overdue 2", one of them open
        assert (app.overdue_count, app.late_callback_count) == (1, 1)
        await pilot.press("o")  # overdue only: open work past due, not the late call-back
        await settle(pilot)
        assert app.screen.query_one(CaseList).ids == ["20261122-0003"]
        await pilot.press("o", "f", *["down"] * 6, "enter", *"hfcs", "enter", "ctrl+s")
        await settle(pilot)  # the filter's late call-backs: the resolved case only
        assert app.screen.query_one(CaseList).ids == ["20261122-0001"]
        await pilot.press("escape")
        await settle(pilot)
        desk.cases.act(desk.cases.get("20261122-0001"), Action.CALL_BACK, operator="li",
                       evaluation=Evaluation.SATISFIED, time=clock())
        app.poll()
        await settle(pilot)
        assert "Call-backs late" not in screen_lines(app)[0]


async def test_called_back_cases_are_not_shown_overdue(
    make_app: AppFactory, desk: Desk, clock: FakeClock
) -> None:
    # resolved, called back and evaluated nine days ago, on time: nothing is late any more
    case = desk.cases.get("20261122-0001")
    then = clock() - timedelta(days=9)
    case = desk.cases.act(case, Action.RESOLVE, operator="li", note="已送达", time=then)
    desk.cases.act(case, Action.CALL_BACK, operator="li", evaluation=Evaluation.SATISFIED,
                   time=then + timedelta(hours=1))
    late = desk.cases.get("20261122-0003")  # resolved two days ago and never called back
    desk.cases.act(late, Action.RESOLVE, operator="li", note="已恢复",
                   time=clock() - timedelta(days=2))
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        rows = {line[2:15]: line for line in screen_lines(app) if line[2:10].isdigit()}
        assert rows["20261122-0001"].startswith(" ") and "over" not in rows["20261122-0001"]
        assert rows["20261122-0003"].startswith("~") and "over" in rows["20261122-0003"]
        assert not any(line.startswith("!") for line in rows.values())
        await pilot.press("slash", *"20261122-0001")
        await settle(pilot)
        assert "Due" not in screen_lines(app)[-2] and "over" not in screen_lines(app)[-2]


async def test_search_by_phone_and_address(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        case_list = app.screen.query_one(CaseList)
        await pilot.press("slash", *"13500000005")
        await settle(pilot)
        assert case_list.ids == ["20261122-0005"]
        app.screen.query_one("#search").value = "新华路7栋"
        await settle(pilot)
        assert case_list.ids == ["20261122-0004"]


async def test_closed_loop_from_dispatch_to_evaluation(make_app: AppFactory, desk: Desk,
                                                       clock: FakeClock) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"20261122-0002", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "李建国" in screen_text(app)
        steps = [
            ("d", ["up", "enter", *"market", "enter", "down", *"转市场监管", "enter"]),
            ("n", [*"居民再次来电", "enter"]),
            ("t", ["enter"]),
            ("r", [*"已约谈超市", "enter"]),
            ("x", [*"价格已恢复", "enter"]),
            ("b", ["enter", *"manyi", "enter", "down", *"居民满意", "enter"]),
        ]
        for key, keys in steps:
            clock.advance(minutes=10)
            await pilot.press(key)
            await settle(pilot)
            await pilot.press(*keys)
            await settle(pilot)
        case = app.screen.case
        assert case.status is CaseStatus.EVALUATED
        assert case.evaluation is Evaluation.SATISFIED
        await pilot.press("o", *"居民反映又涨价", "enter")
        await settle(pilot)
    case = desk.cases.get("20261122-0002")
    actions = [e.action for e in case.history]
    assert actions == [Action.CREATE, Action.DISPATCH, Action.NOTE, Action.START, Action.REPLY,
                       Action.RESOLVE, Action.CALL_BACK, Action.EVALUATE, Action.REOPEN]
    assert all(e.operator == "wang" for e in case.history[1:])
    assert case.department == "market_regulation"
    assert case.status is CaseStatus.REOPENED


LONG_NOTE = "居民说家里老人行动不便，楼道灯也坏了，希望社区派人上门看看。" * 4


def add_long_history(desk: Desk, case_id: str = "20261122-0001", notes: int = 12) -> None:
    case = desk.cases.get(case_id)
    case = desk.cases.act(case, Action.NOTE, operator="li", note=LONG_NOTE)
    for i in range(notes):
        case = desk.cases.act(case, Action.NOTE, operator="li", note=f"第{i + 1}次回电")


async def test_detail_shows_long_notes_in_full_and_scrolls_with_a_hint(
        make_app: AppFactory, desk: Desk) -> None:
    add_long_history(desk)
    app = make_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case("20261122-0001")
        await settle(pilot)
        lines = screen_lines(app)
        assert "…" not in "".join(lines)
        assert "pgdn" in lines[-1]  # the footer says how to read on
        assert "下面还有" in lines[-2] and "pgdn" in lines[-2]
        seen = "".join(line.strip() for line in lines)
        for _page in range(4):
            await pilot.press("pagedown")
            await settle(pilot)
            seen += "".join(line.strip() for line in screen_lines(app))
        assert LONG_NOTE in seen  # every character of the note, wrapped over several lines
        assert "第12次回电" in screen_text(app)  # the last entry is reached
        assert "下面还有" not in screen_lines(app)[-2]
        await pilot.press("k", "k")
        await settle(pilot)
        assert "下面还有 2 行" in screen_lines(app)[-2]
        await pilot.press("j")
        await settle(pilot)
        assert "下面还有 1 行" in screen_lines(app)[-2]


async def test_a_short_case_has_no_scroll_hint(make_app: AppFactory) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_case("20261122-0002")
        await settle(pilot)
        assert "pgdn" not in screen_text(app) and "more lines below" not in screen_text(app)


def test_an_exact_initials_match_ranks_first() -> None:
    from tui.pinyin import rank
    from tui.screens.case_dialogs import evaluation_choices

    keys = {c.value: c.keys for c in evaluation_choices()}
    assert rank("bmy", keys["unsatisfied"]) < rank("bmy", keys["basically_satisfied"])
    assert rank("bm", keys["unsatisfied"]) < rank("bmy", keys["basically_satisfied"])


async def test_typing_bmy_picks_unsatisfied_and_offers_reopen_and_chase(
        make_app: AppFactory, desk: Desk) -> None:
    app = make_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case("20261122-0004")  # resolved
        await settle(pilot)
        await pilot.press("b", "enter", *"bmy", "enter")
        await settle(pilot)
        assert "随后" in screen_text(app)  # offered with 不满意, in the same dialog
        await pilot.press("down", *"还是没收到", "down", "enter", *"cxbl", "enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    case = desk.cases.get("20261122-0004")
    assert case.history[-3].evaluation is Evaluation.UNSATISFIED  # not 基本满意
    assert [e.action for e in case.history[-4:]] == [Action.CALL_BACK, Action.EVALUATE,
                                                     Action.REOPEN, Action.CHASE]
    assert case.history[-2].note == "还是没收到" and case.status is CaseStatus.CHASED


async def test_reopening_is_not_offered_for_a_satisfied_caller_nor_by_default(
        make_app: AppFactory, desk: Desk) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case("20261122-0004")
        await settle(pilot)
        await pilot.press("b", "enter", *"satisfied", "enter")
        await settle(pilot)
        assert "Then" not in screen_text(app)  # satisfied: nothing to reopen
        await pilot.press("enter", *"unsat", "enter")
        await settle(pilot)
        assert "Then" in screen_text(app)
        await pilot.press("down", "enter")  # the note, saved as it is: left evaluated
        await settle(pilot)
    assert desk.cases.get("20261122-0004").status is CaseStatus.EVALUATED


async def test_chase_only_offered_when_allowed(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case("20261122-0004")  # resolved
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert "Call back" in footer and "Chase" not in footer and "Dispatch" not in footer
        await pilot.press("c")  # not allowed: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)


async def test_conflict_shows_their_change_and_applies_mine(make_app: AppFactory, desk: Desk,
                                                           desk_root) -> None:
    app = make_app()
    other = Desk.open(desk_root).case_store()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case("20261122-0002")
        await settle(pilot)
        # meanwhile another operator, in another session, dispatches the same case
        theirs = other.act(other.get("20261122-0002"), Action.DISPATCH, operator="li",
                           note="转市场监管局")
        await pilot.press("n", *"我的备注", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        text = screen_text(app)
        assert "changed by li" in text and "Accepted -> Dispatched" in text
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    case = desk.cases.get("20261122-0002")
    assert case.revision == theirs.revision + 1
    assert [(e.operator, e.action) for e in case.history[-2:]] == [
        ("li", Action.DISPATCH), ("wang", Action.NOTE)]


async def test_conflict_drop_keeps_theirs(make_app: AppFactory, desk: Desk, desk_root) -> None:
    app = make_app()
    other = Desk.open(desk_root).case_store()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case("20261122-0002")
        await settle(pilot)
        other.act(other.get("20261122-0002"), Action.RESOLVE, operator="li", note="已处理")
        await pilot.press("d", "enter", "enter")  # dispatch, department already chosen
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("d")
        await settle(pilot)
        assert app.screen.case.status is CaseStatus.RESOLVED
    assert desk.cases.get("20261122-0002").history[-1].operator == "li"


async def test_cases_from_other_sessions_appear(make_app: AppFactory, desk_root,
                                                clock: FakeClock) -> None:
    app = make_app(poll_interval=0.2)
    other_desk = Desk.open(desk_root, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        from core.cases.case import Caller, Category

        other_desk.cases.create(Category.HOARDING, operator="li",
                                caller=Caller("钱多", "13100000010"), community="hx-01")
        for _ in range(20):
            await pilot.pause(0.1)
            await settle(pilot)
            if app.screen.query_one(CaseList).ids[0] == "20261123-0003":
                break
        assert app.screen.query_one(CaseList).ids[0] == "20261123-0003"
        assert "钱多" in screen_text(app)


async def test_corrupt_case_file_is_a_problem_and_left_alone(make_app: AppFactory,
                                                             desk: Desk) -> None:
    path = desk.cases.path_for("20261122-0005")
    path.write_text('id = "20261122-0005"\nstatus = [oops\n', encoding="utf-8")
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Problems 1" in screen_lines(app)[0]
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        text = screen_text(app)
        assert "cases/2026/11/22/20261122-0005.toml" in text
        assert "Traceback" not in text
        await pilot.press("escape")
        app.open_case("20261122-0005")
        await settle(pilot)
        text = screen_text(app)
        assert "cannot be read" in text and "Traceback" not in text
        await pilot.press("n", "x", "d")  # no action is offered on an unreadable case
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert path.read_bytes() == before


async def test_handover_report(make_app: AppFactory, desk: Desk) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        text = screen_text(app)
        assert "Open cases: 5" in text and "Overdue: 2" in text
        await pilot.press(*"20261122-0003 停水 下午要回电")
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = app.screen.saved_path
    assert saved is not None and saved.parent == desk.root / "handovers"
    report = saved.read_text(encoding="utf-8")
    assert "20261122-0003 停水 下午要回电" in report and "Taken this shift" in report
    assert saved.name == "20261123-0800-wang.txt"  # the day shift's, by its start


async def test_handover_shows_its_notes_under_a_long_report_whenever_it_is_laid_out(
        make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Focusing the notes scrolls them into view only once the screen has been laid out; a
    screen laid out later (as happened now and then in replays) must still show them."""
    set_focus = Screen.set_focus

    def no_scroll(self: Screen[Any], widget: Widget | None, scroll_visible: bool = True,
                  *args: Any, **kwargs: Any) -> None:
        set_focus(self, widget, False, *args, **kwargs)

    monkeypatch.setattr(Screen, "set_focus", no_scroll)
    app = make_app()
    async with app.run_test(size=(80, 14)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        notes = app.screen.query_one("#notes")
        assert app.screen.focused is notes
        assert notes.region.height > 0 and notes.region.y < 14  # on screen, not below it
        assert "Shift handover" not in "\n".join(screen_lines(app)[1:])  # scrolled down to them


async def test_handover_covers_the_desk_shift_and_the_next_shift_acknowledges_it(
        make_app: AppFactory, desk: Desk, clock: FakeClock) -> None:
    clock.now = clock.now.replace(hour=19, minute=40)  # near the end of the day shift
    app = make_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert "班次: 白班  11-23 08:00 - 11-23 20:00" in screen_text(app)
        await pilot.press(*"0003停水要回电", "ctrl+s")
        await settle(pilot)
        saved = app.screen.saved_path
    assert saved == desk.root / "handovers" / "20261123-0800-wang.txt"
    text = saved.read_text(encoding="utf-8")
    assert "--- 给下一班的交代 ---\n0003停水要回电" in text and "--- notes ---" not in text
    clock.advance(minutes=35)  # 20:15: the night shift has begun
    night = make_app(language="zh")
    night.operator = "li"
    async with night.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        shown = screen_text(night)
        assert "上一班交代 (白班, wang)" in shown and "0003停水要回电" in shown
        assert "尚未确认接班" in shown and "^a 确认接班" in screen_lines(night)[-1]
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert "接班确认: li  2026-11-23 20:15" in screen_text(night)
        assert "确认接班" not in screen_lines(night)[-1]  # signed: the key is gone
        await pilot.press("ctrl+a")  # not offered again: nothing more is written
        await settle(pilot)
    text = saved.read_text(encoding="utf-8")
    assert text.endswith("--- 接班确认 ---\nli  2026-11-23 20:15\n")
    assert text.count("li  2026-11-23") == 1
    clock.advance(minutes=5)  # the day operator saves the report again: the receipt stays
    again = make_app(language="zh")
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press(*"补充", "ctrl+s")
        await settle(pilot)
    text = saved.read_text(encoding="utf-8")
    assert "补充" in text and "li  2026-11-23 20:15" in text


async def test_language_switches_at_run_time(make_app: AppFactory) -> None:
    app = make_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "工单队列" in screen_lines(app)[0]
        await pilot.press("f2")
        await settle(pilot)
        assert "Queue" in screen_lines(app)[0] and "Groceries" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert "生活物资" in screen_text(app)


async def test_keys_are_remapped_from_the_desk_settings(make_app: AppFactory, desk: Desk) -> None:
    import attrs

    desk.settings = attrs.evolve(desk.settings, keys={"queue.new_call": "f3",
                                                      "no.such": "f4"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "f3 New call" in screen_lines(app)[-1]
        await pilot.press("f3")
        await settle(pilot)
        from tui.screens.intake import IntakeScreen

        assert isinstance(app.screen, IntakeScreen)
    assert any("no.such" in p for p in app.keymap_problems)


async def test_every_screen_fits_80x24_without_ambiguous_width_chrome(
        make_app: AppFactory) -> None:
    for language in ("zh", "en"):
        app = make_app(language=language)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for keys in (["f"], ["escape", "n", *"13800000001"], ["escape", "y", "enter"],
                         ["d"], ["escape", "escape", "h"], ["escape", "p"]):
                await pilot.press(*keys)
                await settle(pilot)
                lines = screen_lines(app)
                assert len(lines) == 24
                odd = {ch for line in lines for ch in line
                       if unicodedata.east_asian_width(ch) == "A"}
                assert not odd, f"{type(app.screen).__name__}: {odd}"
    assert not i18n.missing, f"untranslated: {sorted(i18n.missing)}"


async def test_queue_search_finds_a_caller_by_pinyin_initials(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        case_list = app.screen.query_one(CaseList)
        await pilot.press("slash", *"wsf")  # 王淑芬
        await settle(pilot)
        assert case_list.ids == ["20261122-0004"]
        await pilot.press(*" xhl")  # and 新华路 in her address, typed as words
        await settle(pilot)
        assert case_list.ids == []  # initials are for the caller's name, not the address
        app.screen.query_one("#search").value = "wsf 302"
        await settle(pilot)
        assert case_list.ids == ["20261122-0004"]
        app.screen.query_one("#search").value = "zl"  # 赵磊
        await settle(pilot)
        assert case_list.ids == ["20261122-0005"]


async def test_command_palette_finds_by_pinyin_and_speaks_chinese(make_app: AppFactory) -> None:
    app = make_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert "搜索命令" in screen_text(app) and "Search for commands" not in screen_text(app)
        await pilot.press(*"jjb")  # 交接班
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)


async def test_command_palette_offers_the_console_to_supervisors_only(
        make_app: AppFactory) -> None:
    for operator, offered in (("wang", False), ("zhao", True)):
        app = make_app(language="en")
        app.operator = operator
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await settle(pilot)
            await pilot.press(*"Cons")
            await settle(pilot)
            options = app.screen.query_one(OptionList)
            prompts = [str(options.get_option_at_index(i).prompt)
                       for i in range(options.option_count)]
            assert any("Console" in p for p in prompts) is offered, (operator, prompts)


async def test_command_palette_runs_screen_actions(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Handover")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)


async def test_a_search_paints_its_first_page_before_the_whole_answer(
        make_app: AppFactory, monkeypatch) -> None:
    import tui.screens.queue as queue_screen

    monkeypatch.setattr(queue_screen, "PAGE", 3)
    shown: list[list[str]] = []
    set_ids = CaseList.set_ids

    def recording(self: CaseList, ids: list[str], *, keep: str | None = None) -> None:
        shown.append(list(ids))
        set_ids(self, ids, keep=keep)

    monkeypatch.setattr(CaseList, "set_ids", recording)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        everything = list(app.screen.query_one(CaseList).ids)
        assert len(everything) == 8
        shown.clear()
        app.screen.query_one("#search").value = "2026112"  # every case
        await settle(pilot)
        assert shown == [everything[:3], everything]
        shown.clear()
        app.screen.query_one("#search").value = "王淑芬"  # fewer than a page: one answer
        await settle(pilot)
        assert shown == [["20261122-0004"]]
