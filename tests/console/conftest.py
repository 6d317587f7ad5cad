"""A small console desk: the app tests' desk plus stock, signed requests and a delivery round."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from core import ledger as L
from core.desk import Desk
from core.ledger.files import write_batch
from tests.tui.conftest import (  # noqa: F401 (fixtures and the async hook)
    desk_root,
    pytest_pyfunc_call,
    settle,
    snap,
)
from tests.tui.deskfactory import ZONE, FakeClock, make_desk, uid_sequence
from tui import i18n
from tui.app import BaogongApp

SUPERVISOR = "zhao"
OPERATOR = "wang"
STORE = "west-depot"
FAR_STORE = "city-depot"

ALLOCATION_TOML = """\
[[unit]]
name = "西城医院发热门诊"
urgent = true
key_area = true
distance_km = { west-depot = 2.0, city-depot = 12.0 }

[[unit]]
name = "和平社区居委会"
key_area = true
distance_km = { west-depot = 1.0, city-depot = 9.0 }

[[unit]]
name = "光明社区居委会"
distance_km = { west-depot = 1.5, city-depot = 8.0 }
"""

ROUND_TOML = """\
schema_version = 1
round = "r1123"
day_one = 2026-11-23

[[order]]
id = "r1123-0001"
household = "hx-01-3-2-501"
payment = "on_account"
payment_ref = "WX1123-0001"
lines = [{ code = "rice-5kg", quantity = 2 }, { code = "oil-5l", quantity = 1 },
         { code = "eggs-30", quantity = 1 }]

[[order]]
id = "r1123-0002"
household = "hx-02-1-1-101"
payment = "paid"
payment_ref = "WX1123-0002"
lines = [{ code = "veg-pack", quantity = 1 }, { code = "milk-1l", quantity = 2 }]

[[order]]
id = "r1123-0003"
household = "hx-03-7-1-302"
payment = "due"
payment_ref = "WX1123-0003"
lines = [{ code = "rice-5kg", quantity = 1 }, { code = "salt-500g", quantity = 1 }]
"""


def at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


def add_console_files(desk: Desk) -> None:
    root = desk.root
    (root / "allocation.toml").write_text(ALLOCATION_TOML, encoding="utf-8")
    (root / "rounds").mkdir(exist_ok=True)
    (root / "rounds" / "r1123.toml").write_text(ROUND_TOML, encoding="utf-8")
    uids = uid_sequence(5000)
    zone = desk.settings.zone
    write_batch(root, [
        L.draft(L.StockReceipt, time=at(8, day=22), store=STORE, item="mask-10", quantity=100,
                source=L.Source.PURCHASE, keeper="keeper.liu"),
        L.draft(L.StockReceipt, time=at(8, day=22), store=FAR_STORE, item="mask-10",
                quantity=50, source=L.Source.ALLOCATION, keeper="keeper.liu"),
        L.draft(L.StockReceipt, time=at(8, day=22), store=STORE, item="thermo", quantity=10,
                source=L.Source.DONATION, keeper="keeper.liu", donor="某企业"),
    ], operator="keeper.liu", zone=zone, recorded=at(8, 30, day=22), mode=0o600,
        uid_factory=uids)
    write_batch(root, [
        L.draft(L.SupplyRequest, time=at(9, 0), unit="光明社区居委会", head="主任 李梅",
                lines=(L.RequestLine(item="mask-10", quantity=60),), purpose="入户代购"),
        L.draft(L.SupplyRequest, time=at(9, 10), unit="和平社区居委会", head="书记 张强",
                lines=(L.RequestLine(item="mask-10", quantity=40),
                       L.RequestLine(item="thermo", quantity=4)), purpose="卡口测温"),
        L.draft(L.SupplyRequest, time=at(10, 0), unit="西城医院发热门诊", head="院长 王芳",
                lines=(L.RequestLine(item="mask-10", quantity=70),), purpose="一线医护"),
        L.draft(L.SupplyRequest, time=at(10, 30), unit="某物业公司", head="",
                lines=(L.RequestLine(item="mask-10", quantity=10),), purpose="保安"),
        L.draft(L.SupplyRequest, time=at(11, 20), unit="新华社区居委会", head="主任 周平",
                lines=(L.RequestLine(item="thermo", quantity=2),), purpose="测温"),
    ], operator="clerk.sun", zone=zone, recorded=at(11, 25), mode=0o600, uid_factory=uids)


@pytest.fixture
def console_clock() -> FakeClock:
    return FakeClock(at(11, 30))


@pytest.fixture
def clock(console_clock: FakeClock) -> FakeClock:
    return console_clock


@pytest.fixture
def desk(desk_root: Path, clock: FakeClock) -> Iterator[Desk]:  # noqa: F811
    desk = make_desk(desk_root, clock)
    add_console_files(desk)
    yield desk
    desk.cases.index.close()


ConsoleApp = Callable[..., BaogongApp]


@pytest.fixture
def console_app(desk: Desk, clock: FakeClock) -> Iterator[ConsoleApp]:
    def make(operator: str = SUPERVISOR, language: str = "en") -> BaogongApp:
        return BaogongApp(desk, operator=operator, language=language, clock=clock,
                          cursor_blink=False, poll_interval=None)

    yield make
    i18n.set_language("zh")
