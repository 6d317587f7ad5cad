"""Box sizes and pack templates from the desk's ``packing.toml`` (箱规与标准包模板).

When orders explode, the desk switches to standard packs (DOMAIN.md section 6): vegetable packs
(蔬菜包), standard boxes (标准箱), set packs (套餐包: vegetables, daily goods, condiments, grain
and oil) and the relief kit "eight ones" (八个一). A template scales with household size from
per-person daily amounts (seeded from the Chinese Dietary Guidelines 2022) and the round length.

``packing.toml`` (every key optional; the defaults are shown)::

    round_days = 3                 # one delivery round (配送周期), days
    order_cutoff = "11:00"         # orders in by this time on day 1
    delivery_day = 3               # delivered on this day of the round...
    delivery_from = "14:00"        # ...from this time (the afternoon of day 3)
    separate_chilled = true        # chilled goods (meat, milk) get boxes of their own
    households_per_courier = 10    # last-mile staffing: one delivery person per 10 households

    [boxes.standard]               # a box size (箱规); referenced by its key
    name = "标准箱"
    max_kg = 15.0                  # goods it may hold, kg (> 0)
    max_l = 40.0                   # and litres (optional)
    tare_kg = 0.6                  # the empty box, kg

    [vehicles.truck]               # a vehicle type (车型); one for each leg of a round
    name = "4.2米厢式货车"
    name_en = "4.2 m box truck"
    leg = "trunk"                  # trunk: city -> district transfer station (区级物资转运站)
    max_kg = 2000.0                # payload, kg (> 0)
    max_l = 12000.0                # load space boxes can use, litres (> 0)

    [vehicles.van]
    name = "面包车"
    name_en = "Van"
    leg = "drop"                   # drop: transfer station -> community drop points (物资投放点)
    max_kg = 600.0
    max_l = 3000.0

    [daily.vegetables]             # grams per person per day (每人每天)
    low = 300
    high = 500                     # templates use the midpoint unless a line says otherwise

    [[template]]
    code = "veg-pack"              # lower-case code
    name = "蔬菜包"
    name_en = "Vegetable pack"
    kind = "vegetable_pack"        # vegetable_pack | standard_box | set_pack | relief_kit
    box = "standard"               # a key of [boxes]

    [[template.line]]              # a scaled line: the daily group's grams x people x days,
    daily = "vegetables"           # spread evenly over these goods, rounded up to whole units
    goods = ["cabbage-2kg", "potato-2kg"]
    amount = "mid"                 # low | mid | high (default mid)

    [[template.line]]              # a fixed line: so many units per household...
    goods = ["thermometer"]
    quantity = 1
    per_person = false             # ...or per person when true

    [pickup]                       # pick-up slots by building and unit (core.packing.pickup)
    window_start = "15:00"
    window_end = "19:00"
    slot_minutes = 30
    households_per_slot = 20

    [ration]                       # rationing per person from level II (core.packing.rationing)
    from_level = "II"
    [ration.group.grain]           # a ration group: kg per person per round...
    per_person_kg = 3.0
    categories = ["grain_oil"]     # ...for the goods of these categories
    [ration.group.oil]             # grain and oil rationed apart: oil is its own group
    per_person_kg = 0.3
    goods = ["oil-*"]              # goods code patterns; they win over another group's categories

Problems are located (path, line, field) like every other desk file; goods codes are checked
against the catalogue when one is given.
"""

from __future__ import annotations

import enum
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from core.packing.boxes import Box
from core.packing.orders import OrderLine
from core.packing.pickup import PickupRules, check_pickup_rules
from core.packing.rationing import RationTable, check_ration_table, old_ration_format
from core.packing.vehicles import Vehicle
from core.problems import Problem
from core.reference import CatalogueItem
from core.storage.convert import make_converter
from core.storage.tomlio import line_of, locate_lines, read_toml, structure

FILE_NAME = "packing.toml"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\Z", re.ASCII)
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\Z")


class TemplateKind(enum.StrEnum):
    VEGETABLE_PACK = "vegetable_pack"  # 蔬菜包
    STANDARD_BOX = "standard_box"  # 标准箱
    SET_PACK = "set_pack"  # 套餐包
    RELIEF_KIT = "relief_kit"  # 八个一


class Leg(enum.StrEnum):
    """The two legs of a round's delivery (DOMAIN.md section 6)."""

    TRUNK = "trunk"  # city warehouse -> district transfer station
    DROP = "drop"  # transfer station -> community drop points


class Amount(enum.StrEnum):
    LOW = "low"
    MID = "mid"
    HIGH = "high"


@attrs.frozen
class BoxSpec:
    """A box size (箱规)."""

    name: str
    max_kg: float
    max_l: float | None = None
    tare_kg: float = 0.0

    def box(self) -> Box:
        return Box(self.max_kg, self.max_l, self.tare_kg, self.name)


@attrs.frozen
class VehicleSpec:
    """A vehicle type (车型) and the leg of a round it drives."""

    name: str
    leg: Leg
    max_kg: float
    max_l: float
    name_en: str = ""

    def vehicle(self, code: str) -> Vehicle:
        return Vehicle(code, self.max_kg, self.max_l)


@attrs.frozen
class DailyAmount:
    """Grams of a food group per person per day, as a recommended range."""

    low: float
    high: float

    def grams(self, amount: Amount = Amount.MID) -> float:
        if amount == Amount.LOW:
            return self.low
        if amount == Amount.HIGH:
            return self.high
        return (self.low + self.high) / 2


@attrs.frozen
class TemplateLine:
    """A template line: scaled from a daily group, or a fixed quantity."""

    goods: tuple[str, ...]
    daily: str = ""
    amount: Amount = Amount.MID
    quantity: int = 0
    per_person: bool = False


@attrs.frozen
class PackTemplate:
    """A standard pack (标准包) that scales with household size."""

    code: str
    name: str
    kind: TemplateKind
    box: str
    line: tuple[TemplateLine, ...] = ()
    name_en: str = ""


@attrs.frozen
class PackingConfig:
    """Everything in ``packing.toml``."""

    round_days: int = 3
    order_cutoff: str = "11:00"
    delivery_day: int = 3
    delivery_from: str = "14:00"
    separate_chilled: bool = True
    households_per_courier: int = 10
    boxes: dict[str, BoxSpec] = attrs.Factory(dict)
    #: empty: the default fleet (:data:`DEFAULT_VEHICLES`)
    vehicles: dict[str, VehicleSpec] = attrs.Factory(dict)
    daily: dict[str, DailyAmount] = attrs.Factory(dict)
    template: tuple[PackTemplate, ...] = ()
    ration: RationTable | None = None  # none: nothing is rationed, whatever the level
    pickup: PickupRules = attrs.Factory(PickupRules)

    def templates(self) -> dict[str, PackTemplate]:
        return {t.code: t for t in self.template}

    def fleet(self) -> dict[Leg, Vehicle]:
        """The vehicle type of each leg (the desk's, or the default one where it names none)."""
        found: dict[Leg, Vehicle] = {}
        for code, spec in [*self.vehicles.items(), *DEFAULT_VEHICLES.items()]:
            found.setdefault(spec.leg, spec.vehicle(code))
        return found


#: Chinese Dietary Guidelines 2022 (中国居民膳食指南2022), grams per adult per day
DIETARY_GUIDELINES: dict[str, DailyAmount] = {
    "cereals": DailyAmount(200, 300),  # 谷类
    "vegetables": DailyAmount(300, 500),  # 蔬菜
    "fruit": DailyAmount(200, 350),  # 水果
    "meat_eggs_fish": DailyAmount(120, 200),  # 动物性食物
    "milk": DailyAmount(300, 300),  # 奶及奶制品
    "oil": DailyAmount(25, 30),  # 烹调油
    "salt": DailyAmount(0, 5),  # 盐 < 5 g
}

DEFAULT_BOXES: dict[str, BoxSpec] = {
    "standard": BoxSpec("标准箱", 15.0, 40.0, 0.6),
    "vegetable": BoxSpec("蔬菜箱", 8.0, 25.0, 0.4),
    "large": BoxSpec("大箱", 25.0, 60.0, 0.9),
}


#: the fleet of a desk whose packing.toml names none. The seeds give no sizes; these are the
#: usual city delivery vehicles: a 4.2 m box truck (light truck, about 2 t payload, 16 m3 box of
#: which 12 m3 is usable with stacked boxes) and a van (面包车, about 600 kg and 3 m3)
DEFAULT_VEHICLES: dict[str, VehicleSpec] = {
    "truck": VehicleSpec("4.2米厢式货车", Leg.TRUNK, 2000.0, 12000.0, "4.2 m box truck"),
    "van": VehicleSpec("面包车", Leg.DROP, 600.0, 3000.0, "Van"),
}


def default_config() -> PackingConfig:
    """The configuration a desk without ``packing.toml`` gets."""
    return PackingConfig(boxes=dict(DEFAULT_BOXES), daily=dict(DIETARY_GUIDELINES))


_converter = make_converter()


def load_packing_config(desk_root: Path) -> tuple[PackingConfig | None, list[Problem]]:
    """Read ``desk_root/packing.toml``; the defaults if it is absent, None if it is unusable.

    Daily amounts and boxes not in the file keep their defaults.
    """
    path = Path(desk_root) / FILE_NAME
    if not os.path.lexists(path):
        return default_config(), []
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems
    if old := old_ration_format(data, path, text):
        return None, old
    config, problems = structure(_converter, data, PackingConfig, path, text)
    if config is None:
        return None, problems
    config = attrs.evolve(
        config,
        boxes={**DEFAULT_BOXES, **config.boxes},
        daily={**DIETARY_GUIDELINES, **config.daily},
    )
    problems = _check(config, data, path, locate_lines(text), None)
    return (config if not problems else None), problems


def check_packing_config(
    desk_root: Path, catalogue: Mapping[str, CatalogueItem] | None = None
) -> list[Problem]:
    """Every problem in the desk's ``packing.toml`` (none if it is absent).

    With ``catalogue``, goods codes in templates must exist in it.
    """
    path = Path(desk_root) / FILE_NAME
    if not os.path.lexists(path):
        return []
    data, text, problems = read_toml(path)
    if data is None:
        return problems
    if old := old_ration_format(data, path, text):
        return old
    config, problems = structure(_converter, data, PackingConfig, path, text)
    if config is None:
        return problems
    config = attrs.evolve(config, boxes={**DEFAULT_BOXES, **config.boxes},
                          daily={**DIETARY_GUIDELINES, **config.daily})
    return _check(config, data, path, locate_lines(text), catalogue)


def _check(
    config: PackingConfig,
    data: dict[str, Any],
    path: Path,
    lines: dict[tuple[str | int, ...], int],
    catalogue: Mapping[str, CatalogueItem] | None,
) -> list[Problem]:
    problems: list[Problem] = []

    def bad(key: tuple[str | int, ...], field: str, message: str) -> None:
        problems.append(Problem(path, line_of(lines, key), message, field))

    for name in ("order_cutoff", "delivery_from"):
        if not _TIME.match(getattr(config, name)):
            bad((name,), name, f"{getattr(config, name)!r} is not a time of day (HH:MM)")
    for name in ("round_days", "delivery_day", "households_per_courier"):
        if getattr(config, name) < 1:
            bad((name,), name, "must be at least 1")
    if config.delivery_day > config.round_days:
        bad(("delivery_day",), "delivery_day", "must fall within the round")
    for key, spec in config.boxes.items():
        if not spec.max_kg > 0:
            bad(("boxes", key, "max_kg"), f"boxes.{key}.max_kg", "must be positive")
        if spec.max_l is not None and not spec.max_l > 0:
            bad(("boxes", key, "max_l"), f"boxes.{key}.max_l", "must be positive")
        if spec.tare_kg < 0:
            bad(("boxes", key, "tare_kg"), f"boxes.{key}.tare_kg", "must not be negative")
    problems += _check_vehicles(config, path, lines)
    problems += check_pickup_rules(config.pickup, path, lines)
    for key, amount in config.daily.items():
        if amount.low < 0 or amount.high < amount.low:
            bad(("daily", key), f"daily.{key}", "needs 0 <= low <= high")
    if config.ration is not None:
        problems += check_ration_table(config.ration, path, lines, catalogue)
    seen: set[str] = set()
    for t_index, template in enumerate(config.template):
        where: tuple[str | int, ...] = ("template", t_index)
        label = f"template[{t_index}]"
        if not _CODE.match(template.code):
            bad((*where, "code"), f"{label}.code", f"{template.code!r} is not a valid code")
        if template.code in seen:
            bad((*where, "code"), f"{label}.code", f"duplicate template {template.code!r}")
        seen.add(template.code)
        if template.box not in config.boxes:
            bad((*where, "box"), f"{label}.box", f"unknown box {template.box!r}")
        if not template.line:
            bad(where, label, "a template needs at least one [[template.line]]")
        for l_index, line in enumerate(template.line):
            at = (*where, "line", l_index)
            name = f"{label}.line[{l_index}]"
            if not line.goods:
                bad(at, f"{name}.goods", "names no goods")
            if line.daily and line.quantity:
                bad(at, name, "either daily (scaled) or quantity (fixed), not both")
            if not line.daily and line.quantity < 1:
                bad(at, name, "needs daily = \"group\" or quantity >= 1")
            if line.daily and line.daily not in config.daily:
                bad((*at, "daily"), f"{name}.daily", f"unknown daily group {line.daily!r}")
            if catalogue is not None:
                for code in line.goods:
                    if code not in catalogue:
                        bad((*at, "goods"), f"{name}.goods", f"unknown goods {code!r}")
    del data
    return problems


def _check_vehicles(
    config: PackingConfig, path: Path, lines: dict[tuple[str | int, ...], int]
) -> list[Problem]:
    problems: list[Problem] = []

    def bad(key: tuple[str | int, ...], field: str, message: str) -> None:
        problems.append(Problem(path, line_of(lines, key), message, field))

    legs: dict[Leg, str] = {}
    for code, spec in config.vehicles.items():
        at: tuple[str | int, ...] = ("vehicles", code)
        if not _CODE.match(code):
            bad(at, f"vehicles.{code}", f"{code!r} is not a valid code")
        if spec.leg in legs:
            bad((*at, "leg"), f"vehicles.{code}.leg",
                f"vehicles.{legs[spec.leg]} already drives the {spec.leg.value} leg: a round "
                "uses one vehicle type per leg")
        legs.setdefault(spec.leg, code)
        for name in ("max_kg", "max_l"):
            value = getattr(spec, name)
            if not (math.isfinite(value) and value > 0):
                bad((*at, name), f"vehicles.{code}.{name}", "must be a positive number")
        if not all(math.isfinite(v) and v > 0 for v in (spec.max_kg, spec.max_l)):
            continue
        # every box must fit on its own, or the round cannot be loaded
        for key, box in sorted(config.boxes.items()):
            if box.max_kg + box.tare_kg > spec.max_kg or (box.max_l or 0) > spec.max_l:
                bad(at, f"vehicles.{code}",
                    f"box {key} ({box.max_kg + box.tare_kg:g} kg, {box.max_l or 0:g} L full) "
                    f"does not fit the vehicle ({spec.max_kg:g} kg, {spec.max_l:g} L)")
    return problems


def expand(
    template: PackTemplate,
    config: PackingConfig,
    catalogue: Mapping[str, CatalogueItem],
    people: int,
    days: int | None = None,
) -> tuple[OrderLine, ...]:
    """The goods of ``template`` for a household of ``people`` for one round (or ``days``).

    A scaled line's grams (per person per day x people x days) are spread evenly over its
    goods and rounded up to whole units; a fixed line gives its quantity per household, or per
    person. Raises KeyError for goods not in the catalogue.
    """
    people = max(people, 1)
    days = config.round_days if days is None else days
    lines: dict[str, int] = {}
    for line in template.line:
        if line.daily:
            grams = config.daily[line.daily].grams(line.amount) * people * days
            share = grams / len(line.goods)
            for code in line.goods:
                unit_grams = catalogue[code].kg * 1000
                if share <= 0:
                    continue
                count = math.ceil(round(share / unit_grams, 6)) if unit_grams > 0 else 1
                lines[code] = lines.get(code, 0) + count
        else:
            for code in line.goods:
                catalogue[code]
                count = line.quantity * (people if line.per_person else 1)
                lines[code] = lines.get(code, 0) + count
    return tuple(OrderLine(code, n) for code, n in lines.items())


def template_items(
    template: PackTemplate,
    config: PackingConfig,
    catalogue: Iterable[CatalogueItem] | Mapping[str, CatalogueItem],
    people: int,
) -> tuple[OrderLine, ...]:
    """:func:`expand` taking the catalogue as records or a mapping."""
    table = catalogue if isinstance(catalogue, Mapping) else {c.code: c for c in catalogue}
    return expand(template, config, table, people)
