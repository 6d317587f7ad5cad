"""The rounds page's paste box: a 接龙 list pasted, previewed, and added only when accepted."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Static, TextArea

from core.desk import Desk
from core.rounds import read_round
from tests.console.conftest import ConsoleApp, settle
from tui.app import BaogongApp
from tui.screens.console.paste_list import PasteListDialog
from tui.screens.console.rounds import RoundsScreen

LIST = """#接龙
和平社区第23轮团购 11点截止
例 3栋2单元401 张三 蔬菜包x1
1. 3栋2单元501 张桂兰 大米x2 鸡蛋
2. 光明社区 1-1-101 蔬菜包 牛奶2盒 已付
3. 7-1-302 猪肉
"""


def _orders(desk: Desk) -> list[tuple[str, tuple[tuple[str, int], ...]]]:
    round_ = read_round(desk, desk.root / "rounds" / "r1123.toml")
    return [(o.household, tuple((line.code, line.quantity) for line in o.lines))
            for o in round_.orders]


async def _paste(pilot: object, app: BaogongApp) -> None:
    await pilot.press("b")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("3")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, RoundsScreen)
    await pilot.press("i")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, PasteListDialog)
    app.post_message(events.Paste(LIST))  # as the terminal sends a paste
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_the_preview_then_enter_adds_the_readable_orders(
        console_app: ConsoleApp, desk: Desk, snap: Callable[[BaogongApp, str], None]) -> None:
    before = _orders(desk)
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _paste(pilot, app)
        preview = str(app.screen.query_one("#list-preview", Static).render())
        assert "2 orders in 3 lines; 1 lines cannot be read" in preview
        assert "line 6: unknown address 7-1-302; unknown goods \"猪肉\"" in preview
        assert "3-2-501 大米×2 鸡蛋×1  also ordered: r1123-0001" in preview
        assert _orders(desk) == before  # nothing added before enter
        snap(app, "paste-preview")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RoundsScreen)
        assert any("2 added to round r1123, 0 already there" in str(n.message)
                   for n in app._notifications)
        assert _orders(desk) == [*before, ("hx-01-3-2-501", (("rice-5kg", 2), ("eggs-30", 1))),
                                 ("hx-02-1-1-101", (("veg-pack", 1), ("milk-1l", 2)))]
        await pilot.press("i")
        await settle(pilot)
        app.post_message(events.Paste(LIST))  # as the terminal sends a paste
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        preview = str(app.screen.query_one("#list-preview", Static).render())
        assert "already in the round: r1123-0004" in preview
        assert "already in the round: r1123-0005" in preview
        await pilot.press("enter")
        await settle(pilot)
        assert any("0 added to round r1123, 2 already there" in str(n.message)
                   for n in app._notifications)
    assert len(_orders(desk)) == len(before) + 2


async def test_escape_and_edit_add_nothing(console_app: ConsoleApp, desk: Desk) -> None:
    before = _orders(desk)
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _paste(pilot, app)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert app.screen.query_one("#list", TextArea).display  # back to the text, kept
        assert app.screen.query_one("#list", TextArea).text == LIST
        await pilot.press("enter")  # a new line in the text, not an accept
        await settle(pilot)
        assert isinstance(app.screen, PasteListDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RoundsScreen)
    assert _orders(desk) == before


async def test_the_preview_in_chinese(console_app: ConsoleApp) -> None:
    app = console_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _paste(pilot, app)
        preview = str(app.screen.query_one("#list-preview", Static).render())
        assert "共 3 行，读出 2 单；1 行读不懂" in preview
        assert "第 6 行: 未知住址 7-1-302；未知商品“猪肉”" in preview
