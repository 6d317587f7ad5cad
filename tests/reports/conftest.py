"""A small desk with hand-countable cases for the report tests.

Two districts: ``hr`` (high-risk: communities ``a1`` 1,000 people and ``a2`` 2,000) and ``lo``
(``b1`` 500 people). Times are Asia/Shanghai (+08:00); "now" is 2026-11-21 12:00.

======  ===================================================================================
case    story
======  ===================================================================================
C1      2026-11-20 09:10 wang: groceries in a1, 2 bags of rice; 09:30 wang dispatches;
        15:00 li resolves
C2      2026-11-20 10:05 li: shortage complaint in a1 naming lean pork; 10:20 li dispatches
C3      2026-11-20 11:00 wang: price gouging in a2, no goods named; caller 张桂兰 says her
        phone number in the description
C4      2026-11-20 21:30 wang: chronic medicine in b1 for an elderly person (due in 12 h)
C5      2026-11-18 08:00 li: groceries in a1, never touched again (overdue since 11-19 08:00)
C6      2026-11-19 12:00 li: ordering help in a2; 13:00 li resolves; 2026-11-20 16:00 wang
        calls back
C7      2026-11-17 09:00 li: supply inquiry in b1; 10:00 resolved; 11-18 10:00 called back;
        reopened 2026-11-21 09:00 (after the day: closed as of 11-20)
======  ===================================================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest

import core
from core import ledger as L
from core.ledger import Ledgers
from core.levels import Level, set_manual_level

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=TZ)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


FILES = {
    "desk.toml": '''name = "测试热线台"
name_en = "Test desk"
time_zone = "Asia/Shanghai"
supervisors = ["zhou.min"]
training = true
''',
    "departments.toml": '''[[department]]
code = "commerce"
name = "区商务局"
name_en = "Commerce Bureau"

[[department]]
code = "market_regulation"
name = "区市场监管局"
name_en = "Market Regulation Bureau"

[[department]]
code = "health"
name = "区卫健局"
name_en = "Health Commission"

[[department]]
code = "street"
name = "街道办"
name_en = "Street Office"
''',
    "communities.toml": '''[[district]]
code = "hr"
name = "河西区"
name_en = "Hexi"
high_risk = true

[[district]]
code = "lo"
name = "城东区"
name_en = "Chengdong"

[[community]]
code = "a1"
name = "锦绣社区"
name_en = "Jinxiu"
district = "hr"
street = "长风街道"
population = 1000

[[community]]
code = "a2"
name = "滨河社区"
name_en = "Binhe"
district = "hr"
street = "长风街道"
population = 2000

[[community]]
code = "b1"
name = "东山社区"
name_en = "Dongshan"
district = "lo"
street = "东山街道"
population = 500
''',
    "catalogue.toml": '''[[item]]
code = "rice-5kg"
name = "大米 5kg"
name_en = "Rice 5 kg"
unit = "袋"
category = "grain_oil"
kg = 5.0
litres = 6.5
price_fen = 3290
necessity = true

[[item]]
code = "pork-lean-500g"
name = "猪瘦肉 500g"
name_en = "Lean pork 500 g"
unit = "份"
category = "meat"
kg = 0.5
litres = 0.6
price_fen = 1690
necessity = true

[[item]]
code = "cabbage-2kg"
name = "白菜 2kg"
name_en = "Cabbage 2 kg"
unit = "份"
category = "vegetables"
kg = 2.0
litres = 4.0
price_fen = 400

[[item]]
code = "soap"
name = "肥皂"
name_en = "Soap"
unit = "块"
category = "daily_goods"
kg = 0.2
litres = 0.2
price_fen = 350
''',
    "households.toml": '''[[household]]
id = "h1"
community = "a2"
building = "3"
unit = "2"
room = "401"
phone = "13912345678"

[[household.residents]]
name = "张桂兰"
phone = "13912345678"

[[household.residents]]
name = "李建国"
''',
    "reserves.toml": '''[consumption]
grain_oil = 0.4
pork = 0.1
vegetables = 0.5

[[store]]
store = "hr-grain"
kind = "grain_oil"
district = "hr"

[[store]]
store = "hr-pork"
kind = "pork"
district = "hr"

[[store]]
store = "hr-veg"
kind = "vegetables"
district = "hr"

[medical]
response_level = 0

[[medical.item]]
item = "mask-n95"
tier = 1
name = "N95口罩"
target = 100
''',
}

SIGNALS = '''district = "hr"
date = 2026-11-20

[signals]  # the grain and oil rise is derived from the prices below
lean_pork_weekly_rise = 0.0
panic_buying = "none"
tight_days = 0
persistently_tight = false
stockout = false

[[price]]
group = "grain_oil"
item = "rice-5kg"
start = 2026-11-13
fen = [3000, 3000, 3000, 3000, 3000, 3000, 3000, 3600]
'''


def receive_reserves(desk: core.Desk) -> None:
    """The stock ledger on the 18th: 9,000 kg of rice, 600 kg of pork and 12,000 kg of cabbage
    in hr's reserve stores, 40 N95 masks in the district's medical store."""
    receipts = [("hr-grain", "rice-5kg", 1800), ("hr-pork", "pork-lean-500g", 1200),
                ("hr-veg", "cabbage-2kg", 6000), ("hr-medical", "mask-n95", 40)]
    Ledgers(desk).append([
        L.draft(L.StockReceipt, time=at(18, 8), store=store, item=item, quantity=quantity,
                source=L.Source.ALLOCATION, keeper="keeper") for store, item, quantity in receipts
    ], recorded=at(18, 9))


@attrs.frozen
class SmallDesk:
    desk: core.Desk
    ids: dict[str, str]
    signals: Path


def build_small_desk(root: Path) -> SmallDesk:
    root.mkdir(parents=True)
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    desk = core.Desk.open(root, clock=lambda: NOW)
    assert desk.problems == []
    store = desk.cases
    A = core.Action
    ids: dict[str, str] = {}

    c1 = store.create(core.Category.GROCERIES, operator="wang", created=at(20, 9, 10),
                      community="a1", items=[core.ItemLine("rice-5kg", 2)],
                      caller=core.Caller(name="王小明", phone="13800000001"),
                      description="需要两袋大米")
    c1 = store.act(c1, A.DISPATCH, operator="wang", time=at(20, 9, 30))
    c1 = store.act(c1, A.RESOLVE, operator="li", time=at(20, 15, 0))
    ids["C1"] = c1.id
    c2 = store.create(core.Category.SHORTAGE, operator="li", created=at(20, 10, 5),
                      community="a1", items=[core.ItemLine("pork-lean-500g", 1)],
                      description="超市没有猪肉")
    c2 = store.act(c2, A.DISPATCH, operator="li", time=at(20, 10, 20))
    ids["C2"] = c2.id
    c3 = store.create(core.Category.PRICE_GOUGING, operator="wang", created=at(20, 11, 0),
                      community="a2", household="h1",
                      caller=core.Caller(name="张桂兰", phone="13912345678",
                                         address=core.Address(building="3", unit="2",
                                                              room="401")),
                      description="张桂兰反映楼下超市白菜涨价，回电 139 1234 5678，李建国也知道")
    ids["C3"] = c3.id
    c4 = store.create(core.Category.CHRONIC_MEDICINE, operator="wang", created=at(20, 21, 30),
                      community="b1", flags=[core.PriorityFlag.ELDERLY_ALONE],
                      description="降压药")
    ids["C4"] = c4.id
    c5 = store.create(core.Category.GROCERIES, operator="li", created=at(18, 8, 0),
                      community="a1", description="买菜")
    ids["C5"] = c5.id
    c6 = store.create(core.Category.ORDERING_HELP, operator="li", created=at(19, 12, 0),
                      community="a2", description="不会网上下单")
    c6 = store.act(c6, A.RESOLVE, operator="li", time=at(19, 13, 0))
    c6 = store.act(c6, A.CALL_BACK, operator="wang", time=at(20, 16, 0))
    ids["C6"] = c6.id
    c7 = store.create(core.Category.SUPPLY_INQUIRY, operator="li", created=at(17, 9, 0),
                      community="b1", description="团购什么时候送")
    c7 = store.act(c7, A.RESOLVE, operator="li", time=at(17, 10, 0))
    c7 = store.act(c7, A.CALL_BACK, operator="li", time=at(18, 10, 0))
    c7 = store.act(c7, A.REOPEN, operator="zhao", time=at(21, 9, 0))
    ids["C7"] = c7.id
    receive_reserves(desk)
    set_manual_level(desk, Level.III, reason="超市大米排队", supervisor="zhou.min",
                     district="hr", time=at(20, 10, 0))
    signals = root.parent / "signals-hr.toml"
    signals.write_text(SIGNALS, encoding="utf-8")
    return SmallDesk(desk, ids, signals)


@pytest.fixture
def small(tmp_path: Path) -> Iterator[SmallDesk]:
    built = build_small_desk(tmp_path / "desk")
    yield built
    built.desk.cases.index.close()
