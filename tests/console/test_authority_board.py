"""What supervisors see of issue 17's authority rules on the board: the level in force beside
the computed advice, the activation form, and the report-ups with the overdue ones (zh/en 80x24);
and the bar: a surge raises a report-up that goes overdue, a level II activation by the county is
recorded from the board and only then are rations cut."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.desk import Desk
from core.levels import Level
from core.levels.authority import Authority, load_activations
from core.levels.reportup import load_report_ups
from core.rounds import load_rounds, plan_round
from core.tick import run_tick
from tests.console.conftest import ConsoleApp, at, settle
from tests.tui.deskfactory import FakeClock
from tui.app import BaogongApp
from tui.screens.console.board import BoardScreen
from tui.screens.console.decisions import ActivationDialog, ReportDialog
from tui.widgets.common import Picker

RATION = ('[ration]\nfrom_level = "II"\n'
          '[ration.group.grain]\nper_person_kg = 1.0\ncategories = ["grain_oil"]\n')


def level_two_signals(desk: Desk) -> None:
    """The day's market signals: grain and oil up 55% in a week, panic buying: level II."""
    directory = desk.root / "signals"
    directory.mkdir(exist_ok=True)
    (directory / "2026-11-23.toml").write_text(
        'date = 2026-11-23\n[signals]\ngrain_oil_weekly_rise = 0.55\n'
        'lean_pork_weekly_rise = 0.1\npanic_buying = "large"\ntight_days = 3\n'
        'persistently_tight = false\nstockout = false\n', encoding="utf-8")


def surge(desk: Desk) -> None:
    """Five shortage calls from Heping between 10:00 and 10:20: a surge from the fifth."""
    for minute in (0, 5, 10, 15, 20):
        desk.cases.create(__import__("core").Category.SHORTAGE, operator="wang",
                          created=at(10, minute), community="hx-01",
                          description="超市大米断货")


def body(app: BaogongApp) -> str:
    return str(app.screen.query_one("#body").render())


async def type_into(pilot: object, text: str) -> None:
    for char in text:
        await pilot.press(char)  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_activation_and_report_up_from_the_board(
        console_app: ConsoleApp, desk: Desk, clock: FakeClock, language: str,
        snap: Callable[[BaogongApp, str], None]) -> None:
    level_two_signals(desk)
    surge(desk)
    (desk.root / "packing.toml").write_text(RATION, encoding="utf-8")
    rounds, _ = load_rounds(desk)
    # level II computed, nothing recorded: advice only, no ration cut
    assert desk.levels.on(at(11).date())["west"] is Level.II
    assert plan_round(desk, rounds[0], levels=desk.levels.in_force(at(11, 30))).cuts == ()
    # the desk clock at 11:30: the surge's report-up (seen 10:20, due 11:20) is overdue
    written = [(d.step, d.at) for d in run_tick(desk, at(11, 30)).written]
    assert ("reportup.overdue", at(11, 20)) in written
    app = console_app(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "1")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        text = body(app)
        if language == "en":
            assert "Report up within the hour (u): 2 open, 1 overdue" in text, text
            assert "OVERDUE 11:20" in text and "due by 12:30  whole area: level rose to II" in text
            assert "In force: none; the level above is advice" in text
        snap(app, f"board-report-ups-{language}")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ActivationDialog)
        await pilot.press("down", "down")  # level (II, computed), authority (county): kept
        await type_into(pilot, "liu")
        await pilot.press("down")
        await type_into(pilot, "C-2026-12")
        await settle(pilot)
        snap(app, f"activation-form-{language}")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        [record] = load_activations(desk.root)[0]
        assert (record.level, record.authority, record.person, record.reference,
                record.recorded_by) == (Level.II, Authority.COUNTY, "liu", "C-2026-12", "zhao")
        if language == "en":
            assert "In force: Level II (urgent), county government liu, C-2026-12" in body(app)
        # only now are the orders cut to the ration
        assert plan_round(desk, rounds[0], levels=desk.levels.in_force(at(11, 31))).cuts
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("enter")  # two waiting: the picker offers them, the first is chosen
        await settle(pilot)
        assert isinstance(app.screen, ReportDialog)
        await type_into(pilot, "duty office")
        await pilot.press("down")
        await type_into(pilot, "tel 2345678")
        await pilot.press("ctrl+s")
        await settle(pilot)
        reported = [t for t in load_report_ups(desk.root)[0] if t.reported]
        assert len(reported) == 1 and reported[0].reported_by == "zhao"
        assert reported[0].reported_to == "duty office"
        snap(app, f"board-after-{language}")


def two_high_risk_districts(desk: Desk) -> None:
    """West and a new East district, both high-risk, East with one community."""
    import tomllib

    from core.storage.tomlio import dumps

    path = desk.root / "communities.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for district in data["district"]:
        district["high_risk"] = True
    data["district"].append({"code": "east", "name": "东城区", "name_en": "East district",
                             "transfer_station": "东城转运站", "high_risk": True})
    data["community"].append({"code": "dc-01", "name": "朝阳社区", "name_en": "Chaoyang community",
                              "district": "east", "street": "朝阳路", "households": 500})
    path.write_text(dumps(data), encoding="utf-8")
    desk.refresh()  # the desk looks at its reference files at most once a second by itself


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_the_supervisor_chooses_the_area_an_activation_is_for(
        console_app: ConsoleApp, desk: Desk, language: str,
        snap: Callable[[BaogongApp, str], None]) -> None:
    level_two_signals(desk)
    two_high_risk_districts(desk)
    app = console_app(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "1")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert [a.district for a in app.screen.current.report.areas] == ["east", "west"]
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, Picker)
        snap(app, f"activation-area-{language}")
        await pilot.press("down", "enter")  # the second area: West
        await settle(pilot)
        assert isinstance(app.screen, ActivationDialog)
        await pilot.press("down", "down")
        await type_into(pilot, "liu")
        await pilot.press("down")
        await type_into(pilot, "W-1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        [record] = load_activations(desk.root)[0]
        assert (record.district, record.reference) == ("west", "W-1")
        # de-escalating offers both areas again; East has nothing in force, West has II
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, Picker)
        await type_into(pilot, "east")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ActivationDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert len(load_activations(desk.root)[0]) == 1
