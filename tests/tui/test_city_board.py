"""The city board app: zh/en 80x24 snapshots over two districts read and one that cannot be
fetched, a fetch from the board, and a search across districts from it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from core.city import City, fetch_all
from core.demo import copy_demo_desk
from tests.core.test_city import (
    CITY_SETTINGS,
    NOW,
    Setting,
    activate_and_miss_a_report_up,
    add_case,
    publish,
)
from tests.core.test_city import setting as setting  # the fixture
from tests.tui.conftest import settle
from tests.tui.screen_text import screen_lines
from tui import i18n
from tui.screens.city import CityApp, CitySearchScreen

#: the demo desk's last day, afternoon: its signals give a level, its calls hotline evidence
DEMO_NOW = datetime(2026, 11, 22, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def demo_city(tmp_path: Path) -> City:
    """Two copies of the demo desk, one followed by git and one read in place, and a district
    whose remote does not exist."""
    copy_demo_desk(tmp_path / "sites" / "hexi")
    publish(tmp_path / "sites" / "hexi", tmp_path / "hexi.git")
    copy_demo_desk(tmp_path / "sites" / "nan")
    root = tmp_path / "city"
    root.mkdir()
    (root / "desk.toml").write_text(CITY_SETTINGS, encoding="utf-8")
    (root / "city.toml").write_text(
        '[[district]]\ncode = "hexi"\nname = "河西区"\nname_en = "Hexi"\n'
        'git = "../hexi.git"\n\n'
        '[[district]]\ncode = "nan"\nname = "南区"\nname_en = "Nanqu"\npath = "../sites/nan"\n\n'
        '[[district]]\ncode = "bei"\nname = "北区"\nname_en = "Beiqu"\n'
        'git = "../nowhere.git"\n', encoding="utf-8")
    opened = City.open(root)
    fetch_all(opened.root, opened.config.districts, DEMO_NOW - timedelta(minutes=30))
    return opened


@pytest.fixture
def city(setting: Setting) -> City:
    with (setting.root / "city.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[district]]\ncode = "bei"\nname = "北区"\nname_en = "Beiqu"\n'
                     'git = "../nowhere.git"\n')
    opened = City.open(setting.root)
    fetch_all(opened.root, opened.config.districts, NOW)
    return opened


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_city_board_80x24(demo_city: City, language: str,
                                snap: Callable[[Any, str], None]) -> None:
    app = CityApp(demo_city, language=language, clock=lambda: DEMO_NOW)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            board = app.board
            assert board is not None and [f.ok for f in board.districts] == [True, True, False]
            assert all(f.level is not None and f.areas[0].reserves
                       for f in board.districts[:2])
            snap(app, "board")
            await pilot.press("end")
            await settle(pilot)
            snap(app, "board-end")
    finally:
        i18n.set_language("zh")
    assert not i18n.missing, sorted(i18n.missing)


async def test_fetch_and_search_from_the_board(city: City, setting: Setting) -> None:
    first = city_open = None
    app = CityApp(city, language="en", clock=lambda: NOW)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.board is not None
            first = app.board.districts[0].open
            in_hexi = add_case(setting.hexi, phone="13911112222")
            publish(setting.hexi, setting.remote)
            in_nan = add_case(setting.nan, phone="13911112222")
            await pilot.press("f")
            await settle(pilot)
            await settle(pilot)
            city_open = app.board.districts[0].open
            await pilot.press("slash")
            await settle(pilot)
            for key in "139 1111 2222":
                await pilot.press("space" if key == " " else key)
            await pilot.press("enter")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, CitySearchScreen) and screen.found is not None
            assert {(h.district, h.row.id) for h in screen.found.hits} == {
                ("hexi", in_hexi), ("nan", in_nan)}
            assert screen.found.not_searched[0][0] == "bei"
    finally:
        i18n.set_language("zh")
    assert first is not None and city_open == first + 1


@pytest.mark.parametrize(("language", "lines"), [
    ("en", ["Activated: none in force  Report-ups: none open",
            "Activated: Level III (tense)  Report-ups: 2 open, 1 overdue"]),
    ("zh", ["启动等级: 未启动  上报: 无待上报",
            "启动等级: III级（紧张）  上报: 待上报 2，超时 1"]),
])
async def test_the_board_shows_a_districts_level_in_force_and_overdue_report_ups(
        city: City, setting: Setting, language: str, lines: list[str]) -> None:
    activate_and_miss_a_report_up(setting.nan)
    app = CityApp(city, language=language, clock=lambda: NOW)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            painted = [line.strip() for line in screen_lines(app)]
    finally:
        i18n.set_language("zh")
    names = ("河西区", "南区") if language == "zh" else ("Hexi", "Nanqu")
    blocks = [next(n for n, line in enumerate(painted) if line.startswith(name))
              for name in names]
    assert [painted[n + 1] for n in blocks] == lines


def test_a_districts_hotline_evidence_is_listed_with_its_cases(demo_city: City) -> None:
    from core.city import city_board
    from core.levels.evidence import Surge
    from tui.screens.city import district_lines

    figures = city_board(demo_city, DEMO_NOW).districts[0]
    surge = Surge("hx-01", "hexi", 6, 1.5, (("shortage", 6),),
                  ("20261122-0031", "20261122-0030", "20261122-0029", "20261122-0020"),
                  DEMO_NOW - timedelta(hours=6), DEMO_NOW, community_name="锦绣社区",
                  community_name_en="Jinxiu")
    area = attrs.evolve(figures.areas[0], evidence=(surge,))
    i18n.set_language("en")
    try:
        text = district_lines(attrs.evolve(figures, areas=(area,)), "en").plain
    finally:
        i18n.set_language("zh")
    assert "Hotline evidence: Jinxiu 6 calls (20261122-0031, 20261122-0030, 20261122-0029)" \
        in text
