"""A small, deterministic desk for the app's tests and a generator of huge ones for benchmarks."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.cases.case import Action, Address, Caller, Category, ItemLine, Priority, new_case
from core.cases.store import CaseStore, encode_case
from core.desk import Desk
from core.reference import (
    CatalogueItem,
    Community,
    Department,
    District,
    GoodsCategory,
    Household,
    PriorityFlag,
    Resident,
    SlaRules,
)
from core.storage.convert import converter
from core.storage.tomlio import dumps

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 9, 30, tzinfo=ZONE)

DEPARTMENTS = [
    Department("commerce", "商务局", "Commerce bureau", "0571-1000"),
    Department("health", "卫健委", "Health commission"),
    Department("street", "街道办", "Street office"),
    Department("civil_affairs", "民政局", "Civil affairs"),
    Department("urban_management", "城管局", "Urban management"),
    Department("transport", "交通运输局", "Transport bureau"),
    Department("market_regulation", "市场监管局", "Market regulation"),
    Department("power", "供电公司", "Power company"),
    Department("publicity", "宣传部", "Publicity department"),
    Department("police", "公安局", "Police"),
]
DISTRICTS = [District("west", "西城区", "West district", "西城转运站")]
COMMUNITIES = [
    Community("hx-01", "和平社区", "Heping community", "west", street="和平路", households=800,
              drop_point="和平路12号", supermarket=""),
    Community("hx-02", "光明社区", "Guangming community", "west", street="光明街",
              households=650),
    Community("hx-03", "新华社区", "Xinhua community", "west", street="新华路", households=900),
]
CATALOGUE = [
    CatalogueItem("rice-5kg", "大米", "Rice", "5kg袋", GoodsCategory.GRAIN_OIL, 5, 0, 3500,
                  necessity=True),
    CatalogueItem("oil-5l", "食用油", "Cooking oil", "5L桶", GoodsCategory.GRAIN_OIL, 4.6, 5,
                  6900, necessity=True),
    CatalogueItem("eggs-30", "鸡蛋", "Eggs", "30枚", GoodsCategory.EGGS, 1.8, 0, 2400,
                  necessity=True),
    CatalogueItem("veg-pack", "蔬菜包", "Vegetable pack", "份", GoodsCategory.VEGETABLES, 5, 0,
                  5000, necessity=True),
    CatalogueItem("salt-500g", "食盐", "Salt", "袋", GoodsCategory.SALT, 0.5, 0, 300,
                  necessity=True),
    CatalogueItem("milk-1l", "牛奶", "Milk", "盒", GoodsCategory.MILK, 1, 1, 1200),
    CatalogueItem("mask-10", "口罩", "Masks", "10只", GoodsCategory.MEDICAL_SUPPLIES, 0.1, 0, 1500,
                  tier=1),
    CatalogueItem("thermo", "体温计", "Thermometer", "支", GoodsCategory.MEDICAL_SUPPLIES, 0.1, 0,
                  2000, tier=1),
]
HOUSEHOLDS = [
    Household("hx-01-3-2-501", "hx-01", "3", "2", "501", "13800000001", (
        Resident("张桂兰", "13800000001", 81,
                 frozenset({PriorityFlag.ELDERLY_ALONE, PriorityFlag.CHRONIC_PATIENT})),
    )),
    Household("hx-02-1-1-101", "hx-02", "1", "1", "101", "13900000002", (
        Resident("李建国", "13900000002", 45),
        Resident("李小红", "", 12),
    )),
    Household("hx-03-7-1-302", "hx-03", "7", "1", "302", "13700000003", (
        Resident("王淑芬", "13700000003", 72,
                 frozenset({PriorityFlag.BEDRIDDEN, PriorityFlag.NO_SMARTPHONE})),
    )),
]

SETTINGS: dict[str, Any] = {
    "name": "西城区保供热线",
    "name_en": "West district supply hotline",
    "time_zone": "Asia/Shanghai",
    "locale": "zh_CN",
    "hotline": "12345",
    "supervisors": ["zhao"],
    "training": True,
    "sla": {"request_hours": 24.0, "complaint_days": 3.0},
    "routing": {"ordering_help": "street"},
    "keys": {},
}


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(dumps(data), encoding="utf-8")


def write_reference(root: Path, settings: dict[str, Any] | None = None) -> None:
    root.mkdir(parents=True, exist_ok=True)
    _write(root / "desk.toml", {**SETTINGS, **(settings or {})})
    _write(root / "departments.toml",
           {"department": [converter.unstructure(d) for d in DEPARTMENTS]})
    _write(root / "communities.toml", {
        "district": [converter.unstructure(d) for d in DISTRICTS],
        "community": [converter.unstructure(c) for c in COMMUNITIES],
    })
    _write(root / "catalogue.toml", {"item": [converter.unstructure(i) for i in CATALOGUE]})
    _write(root / "households.toml",
           {"household": [converter.unstructure(h) for h in HOUSEHOLDS]})


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def uid_sequence(seed: int = 0) -> Callable[[], str]:
    counter = itertools.count(seed)
    return lambda: str(uuid.UUID(int=next(counter)))


def seed_cases(desk: Desk, clock: FakeClock) -> None:
    """A dozen cases of every kind and state, created over the morning."""
    store: CaseStore = desk.cases
    moment = clock.now - timedelta(hours=30)
    plans: list[tuple[Category, dict[str, Any], list[Action]]] = [
        (Category.GROCERIES, dict(
            caller=Caller("张桂兰", "13800000001", Address("和平路", "3", "2", "501")),
            community="hx-01", household="hx-01-3-2-501",
            flags=[PriorityFlag.ELDERLY_ALONE, PriorityFlag.CHRONIC_PATIENT],
            items=(ItemLine("rice-5kg", 1, "大米"), ItemLine("oil-5l", 1, "食用油")),
            description="独居老人，需要米和油，行动不便"), [Action.DISPATCH]),
        (Category.PRICE_GOUGING, dict(
            caller=Caller("李建国", "13900000002", Address("光明街", "1", "1", "101")),
            community="hx-02", description="超市鸡蛋一天涨了一倍"), []),
        (Category.WATER_OUTAGE, dict(
            caller=Caller("陈明", "13600000004", Address("新华路", "9", "", "")),
            community="hx-03", priority=Priority.URGENT, description="整栋楼停水半天"),
         [Action.DISPATCH, Action.START]),
        (Category.CHRONIC_MEDICINE, dict(
            caller=Caller("王淑芬", "13700000003", Address("新华路", "7", "1", "302")),
            community="hx-03", household="hx-03-7-1-302",
            flags=[PriorityFlag.BEDRIDDEN, PriorityFlag.NO_SMARTPHONE],
            description="降压药吃完了"), [Action.DISPATCH, Action.REPLY, Action.RESOLVE]),
        (Category.DELIVERY_LATE, dict(
            caller=Caller("赵磊", "13500000005", Address("和平路", "5", "1", "203")),
            community="hx-01", description="团购的菜三天没到"), [Action.DISPATCH, Action.CHASE]),
        (Category.RUMOUR, dict(
            caller=Caller("孙丽", "13400000006"), community="hx-02",
            description="群里说明天全市封路"), [Action.RESOLVE]),
        (Category.SUPPLY_INQUIRY, dict(
            caller=Caller("周强", "13300000007"), community="hx-01",
            description="问保供超市营业时间"), [Action.REPLY, Action.RESOLVE, Action.CALL_BACK]),
        (Category.SERVICE_FEE, dict(
            caller=Caller("吴芳", "13200000008", Address("光明街", "2", "3", "402")),
            community="hx-02", description="代购收了10元跑腿费"), []),
    ]
    for category, fields, actions in plans:
        store.clock = lambda m=moment: m
        case = store.create(category, operator="li", **fields)
        for action in actions:
            moment += timedelta(minutes=20)
            store.clock = lambda m=moment: m
            case = store.act(case, action, operator="li", note=_NOTES.get(action, ""))
        moment += timedelta(hours=3)
    store.clock = clock


_NOTES = {
    Action.DISPATCH: "已转相关部门",
    Action.REPLY: "部门已联系居民",
    Action.RESOLVE: "已办结",
    Action.CHASE: "超时催办",
    Action.CALL_BACK: "居民表示满意",
}


def make_desk(root: Path, clock: FakeClock | None = None, *, cases: bool = True,
              settings: dict[str, Any] | None = None) -> Desk:
    clock = clock or FakeClock()
    write_reference(root, settings)
    desk = Desk.open(root, clock=clock, uid_factory=uid_sequence(1000))
    if cases:
        seed_cases(desk, clock)
    return desk


# --- huge desks for benchmarks --------------------------------------------------------------

_NAMES = "张王李赵陈刘杨黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = ["桂兰", "建国", "淑芬", "明", "丽", "强", "芳", "磊", "秀英", "志强", "海燕", "军"]


def generate_cases(count: int, end: datetime = START) -> Iterator[tuple[str, bytes]]:
    """``count`` valid case files as (relative path, bytes), spread over the days before ``end``."""
    rules = SlaRules()
    categories = list(Category)
    communities = [c.code for c in COMMUNITIES]
    per_day = 400
    for number in range(count):
        day_index, sequence = divmod(number, per_day)
        midnight = (end - timedelta(days=day_index)).replace(hour=0, minute=0)
        created = midnight + timedelta(minutes=sequence * 3)  # 400 a day, all within the day
        day = created.strftime("%Y%m%d")
        case_id = f"{day}-{sequence + 1:04d}"
        category = categories[number % len(categories)]
        flags = [PriorityFlag.ELDERLY_ALONE] if number % 11 == 0 else []
        case = new_case(
            case_id=case_id, category=category, created=created, operator="bench", rules=rules,
            uid=str(uuid.UUID(int=number)),
            caller=Caller(_NAMES[number % len(_NAMES)] + _GIVEN[number % len(_GIVEN)],
                          f"138{number:08d}", Address("和平路", str(number % 40), "1",
                                                      str(100 + number % 30))),
            community=communities[number % len(communities)], flags=flags,
            description=f"第{number}号测试来电 需要帮助",
        )
        yield f"cases/{day[:4]}/{day[4:6]}/{day[6:8]}/{case_id}.toml", encode_case(case)


def generate_desk(root: Path, count: int) -> None:
    write_reference(root)
    made: set[Path] = set()
    for relative, data in generate_cases(count):
        path = root / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
