"""Pilot flows of the supervisors' console: roles, set level, approve, sign off, exports."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from textual.pilot import Pilot

import core
from core import ledger as L
from core.allocation import propose
from core.demo import copy_demo_desk
from core.ledger.files import write_batch
from core.levels import Level, load_decisions, set_manual_level
from core.levels.authority import Authority, Change, record_change
from core.rounds import RoundPlan, load_rounds, plan_round
from tests.console.conftest import OPERATOR, STORE, SUPERVISOR, ConsoleApp, at, settle
from tests.tui.deskfactory import FakeClock
from tui.app import BaogongApp
from tui.progress import progress_bar
from tui.screens.console.allocation import AllocationScreen
from tui.screens.console.board import BoardScreen, calls_chart
from tui.screens.console.menu import ConsoleScreen
from tui.screens.console.reconcile import ReconcileScreen
from tui.screens.console.reports import ReportsScreen
from tui.screens.console.rounds import RoundsScreen
from tui.screens.detail import DetailScreen
from tui.screens.queue import QueueScreen


async def open_reconcile(app: BaogongApp, pilot: Pilot[None]) -> ReconcileScreen:
    """The reconciliation page, opened from the queue through the console, with its result."""
    await settle(pilot)
    await pilot.press("b", "4")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ReconcileScreen) and screen.result is not None
    return screen


async def test_operator_is_refused(console_app: ConsoleApp) -> None:
    app = console_app(operator=OPERATOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = " ".join(str(k.render()) for k in app.screen.query("FooterKey"))
        assert "Console" not in footer
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert any("Supervisors only" in str(n.message) for n in app._notifications)


async def test_supervisor_sets_level_with_reason(console_app: ConsoleApp, desk) -> None:
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("l", "enter", *"III", "enter", "tab", *"超市大米断货", "ctrl+s")
        await settle(pilot)
    decisions, problems = load_decisions(desk.root, desk.settings.supervisors)
    assert not problems
    assert [(d.level.value, d.reason, d.supervisor) for d in decisions] == [
        ("III", "超市大米断货", SUPERVISOR)]


async def test_approve_allocation_writes_issues(console_app: ConsoleApp, desk) -> None:
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b", "2")
        await settle(pilot)
        assert isinstance(app.screen, AllocationScreen)
        await pilot.press("a", *"按原则调配", "ctrl+s")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        exported = app.screen.exported[0]
    records = list(L.Ledgers(desk).records())
    approvals = [r for r in records if isinstance(r, L.Approval)]
    issues = [r for r in records if isinstance(r, L.StockIssue)]
    assert {(a.approved_by, a.note) for a in approvals} == {(SUPERVISOR, "按原则调配")}
    assert len(approvals) == 3
    assert sorted((i.unit, i.item, i.store, i.quantity, i.signed_by) for i in issues) == [
        ("光明社区居委会", "mask-10", "city-depot", 40, "李梅"),
        ("和平社区居委会", "mask-10", "city-depot", 10, "张强"),
        ("和平社区居委会", "mask-10", "west-depot", 30, "张强"),
        ("和平社区居委会", "thermo", "west-depot", 4, "张强"),
        ("西城医院发热门诊", "mask-10", "west-depot", 70, "王芳"),
    ]
    sheet = load_workbook(exported, read_only=True)["medical_day"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "item"
    # production, purchases, donated, designated, from above, received, issued, in stock
    assert rows[1][:1] + rows[1][2:] == ["mask-10", 0, 0, 0, 0, 0, 0, 150, 0]
    assert rows[2][:1] + rows[2][2:] == ["thermo", 0, 0, 0, 0, 0, 0, 4, 6]


async def test_operator_cannot_approve_even_on_the_screen(console_app: ConsoleApp, desk) -> None:
    app = console_app(operator=OPERATOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AllocationScreen())  # reached some other way: core still refuses
        await settle(pilot)
        await pilot.press("a", *"x", "ctrl+s")
        await settle(pilot)
    assert not [r for r in L.Ledgers(desk).records() if isinstance(r, L.Approval)]


async def test_reconcile_browse_and_sign_off(console_app: ConsoleApp, desk) -> None:
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_reconcile(app, pilot)
        await pilot.press("s", *"本周已核对", "ctrl+s")
        await settle(pilot)
    closes = L.Ledgers(desk).closes().closes
    assert [(c.start, c.end, c.signed_by, c.note) for c in closes] == [
        (date(2026, 11, 17), date(2026, 11, 23), SUPERVISOR, "本周已核对")]


async def test_rounds_and_reports_screens(console_app: ConsoleApp, desk) -> None:
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b", "3")
        await settle(pilot)
        assert isinstance(app.screen, RoundsScreen)
        assert app.screen.plan is not None and app.screen.plan.boxes >= 3
        await pilot.press("escape", "5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await pilot.press("x", "t", "c", "o")
        await settle(pilot)
        kinds = sorted(p.suffix for p in screen.saved)
    assert kinds == [".csv", ".json", ".xlsx"]


def test_round_plan_and_proposal_figures(desk) -> None:
    proposal = propose(desk, date(2026, 11, 23))
    assert [s.request.unit for s in proposal.waiting] == ["新华社区居委会"]
    assert [s.request.unit for s in proposal.unsigned] == ["某物业公司"]
    assert proposal.short() == {(proposal.sheets[0].id, "mask-10"): 20}
    rounds, problems = load_rounds(desk)
    assert not problems
    plan = plan_round(desk, rounds[0])
    assert [(d.community, d.orders, d.couriers) for d in plan.drops] == [
        ("hx-01", 1, 1), ("hx-02", 1, 1), ("hx-03", 1, 1)]
    # rice 2x5 + oil 4.6 + eggs 1.8 = 16.4 kg: two boxes of at most 15 kg
    assert plan.packings[0].count == 2 and plan.lower_bound <= plan.boxes


def test_text_helpers() -> None:
    assert calls_chart([0, 5, 10], width=10) == ["", "#####", "##########"]
    assert progress_bar(3, 10, width=10) == "[###.......] 3/10"


async def test_reconcile_findings_period_and_record(console_app: ConsoleApp, desk) -> None:
    # masks handed to a unit with no request sheet at all: possible diversion (挪用)
    write_batch(desk.root, [
        L.draft(L.StockIssue, time=at(10, 0), store=STORE, item="mask-10", quantity=5,
                unit="某物业公司", signed_by="门卫")], operator="keeper.liu",
        zone=desk.settings.zone, recorded=at(10, 5), mode=0o600)
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reconcile(app, pilot)
        findings = screen.result.findings
        assert [f.code for f in findings] == ["diversion"]
        await pilot.press("j", "k")
        assert screen.cursor == 0
        await pilot.press("enter")
        await settle(pilot)
        shown = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        first = findings[0]
        assert first.path is not None and first.line is not None
        assert f"{first.line:>5}  " in shown  # the record's own line from its file
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p", *"2026-11-22..2026-11-22", "ctrl+s")
        await settle(pilot)
        assert (screen.start, screen.end) == (date(2026, 11, 22), date(2026, 11, 22))
        assert screen.result is not None and screen.result.findings == ()  # before the issue


async def test_board_evidence_opens_the_supporting_case(console_app: ConsoleApp, desk) -> None:
    # a surge of shortage calls from one community this morning
    made = [desk.cases.create(core.Category.SHORTAGE, operator="wang", community="hx-02",
                              created=at(8, minute), description="超市买不到鸡蛋")
            for minute in range(0, 60, 10)]
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b", "1")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen) and board.current is not None
        evidence = [i for area in board.current.report.areas for surge in area.evidence
                    for i in surge.case_ids]
        assert set(evidence) >= {case.id for case in made}
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.case_id in evidence


async def test_reconcile_scope_narrows_the_money_findings(console_app: ConsoleApp, desk) -> None:
    # the same household paying the same amount twice in a day: a suspected duplicate in hx-02
    twice = [L.draft(L.Collection, time=at(9, minute), household="hx-02-1-1-101",
                     community="hx-02", supermarket="west-mart", round="r1123",
                     order=f"r1123-00{minute}", grid_worker="grid.hx02.1", amount_fen=4200)
             for minute in (10, 40)]
    write_batch(desk.root, twice, operator="grid.hx02.1", zone=desk.settings.zone,
                recorded=at(10, 0), mode=0o600)
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reconcile(app, pilot)
        assert "suspected_duplicate" in {f.code for f in screen.result.findings}
        await pilot.press("c", "enter", *"hx-02", "enter", "tab", *"核对光明社区", "ctrl+s")
        await settle(pilot)
        assert screen.scope == L.Scope(community="hx-02")
        assert [f.code for f in screen.result.findings] == ["suspected_duplicate"]
        await pilot.press("c", "enter", *"hx-01", "enter", "tab", *"核对和平社区", "ctrl+s")
        await settle(pilot)
        assert screen.scope == L.Scope(community="hx-01")
        assert "suspected_duplicate" not in {f.code for f in screen.result.findings}


async def _rounds_page(console_app: ConsoleApp) -> tuple[str, RoundPlan | None]:
    """The rounds page's text and plan, opened from the queue in a new app."""
    app = console_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b", "3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RoundsScreen)
        return str(screen.query_one("#body").render()), screen.plan


async def test_rounds_page_says_where_orders_are_rationed(console_app: ConsoleApp, desk) -> None:
    text, _plan = await _rounds_page(console_app)
    assert "Rationing per person: not in force (no level activated)" in text
    set_manual_level(desk, Level.II, reason="大量集中抢购", supervisor=SUPERVISOR, time=at(9))
    text, _plan = await _rounds_page(console_app)
    # the manual level is advice: rations follow a recorded activation only
    assert "Rationing per person: not in force (no level activated)" in text
    record_change(desk, Change.ACTIVATE, Level.II, authority=Authority.COUNTY,
                  person="县长 刘建国", reference="电话记录 09:05", time=at(9, 5),
                  supervisor=SUPERVISOR, now=at(9, 10))
    text, _plan = await _rounds_page(console_app)
    assert ("Rationing per person: West district at level II or above, but packing.toml sets no "
            "[ration]") in text
    (desk.root / "packing.toml").write_text(
        '[ration]\nfrom_level = "II"\n'
        '[ration.group.grain]\nper_person_kg = 1.0\ncategories = ["grain_oil"]\n'
        '[ration.group.oil]\nper_person_kg = 0.1\ngoods = ["oil-*"]\n',
        encoding="utf-8")
    text, plan = await _rounds_page(console_app)
    assert plan is not None
    # one person, 1 kg of grain: a share smaller than a bag buys one bag of rice; the oil is
    # rationed apart, and its bottle is kept
    assert [(c.code, c.ordered, c.kept, c.group) for c in plan.cuts] == [
        ("rice-5kg", 2, 1, "grain")]
    assert "Rationing per person: in force in West district: 1 lines cut in 1 orders" in text
    assert "  r1123-0001 Rice 2 -> 1  grain share 5 kg" in text


async def test_reconcile_scope_takes_a_supermarket_or_a_grid_worker(tmp_path: Path) -> None:
    desk = core.open_desk(copy_demo_desk(tmp_path / "desk"))
    supervisor = desk.settings.supervisors[0]
    app = BaogongApp(desk, operator=supervisor, language="en",
                     clock=FakeClock(datetime(2026, 11, 22, 20, 0, tzinfo=desk.settings.zone)),
                     cursor_blink=False, poll_interval=None)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_reconcile(app, pilot)
            assert len(screen.result.findings) == 4  # the demo week's findings, all scopes
            # the 0.50 yuan markup was yonghui's; the short delivery hualian's
            for typed, code, label in [("yonghui", "markup", "Supermarket"),
                                       ("hualian", "short_delivery", "Supermarket")]:
                await pilot.press("c", "enter", *typed, "enter", "tab", *"查超市", "ctrl+s")
                await settle(pilot)
                assert screen.scope == L.Scope(supermarket=typed)
                assert [f.code for f in screen.result.findings] == [code]
                assert f"Scope: {label} " in str(screen.query_one("#body").render())
            await pilot.press("c", "enter", *"grid.binhe.2", "enter", "tab", *"查网格员",
                              "ctrl+s")
            await settle(pilot)
            assert screen.scope == L.Scope(grid_worker="grid.binhe.2")
            items = screen.result.open_items
            assert items and all(item.grid_worker == "grid.binhe.2" for item in items)
            assert "Scope: Grid worker grid.binhe.2" in str(screen.query_one("#body").render())
            await pilot.press("c", "enter", *"everything", "enter", "tab", *"全部", "ctrl+s")
            await settle(pilot)
            assert screen.scope == L.Scope() and len(screen.result.findings) == 4
    finally:
        desk.cases.index.close()
