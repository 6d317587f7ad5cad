"""The 接龙 list of the scenario's day: forty numbered lines from the street's grid leaders, three
of which cannot be read, built from the demo desk's own register so that its households exist."""

from __future__ import annotations

from core.desk import Desk

#: the community the day's delivery, invoice, receipt and money are followed in
COMMUNITY = "hepingli"
#: its households on the list: one new to the round, one ordering a second time
LISTED_HERE = ("h0063", "h0055")
#: households that call the hotline instead (not on the list)
CALLERS = ("h0056", "h0057", "h0058", "h0002", "h0005")
#: goods as grid leaders write them, cycled over the lines: (text, catalogue code, quantity)
GOODS = [
    [("大米5kg×2", "rice-5kg", 2), ("鸡蛋30枚", "eggs-30", 1)],
    [("蔬菜包x1", "veg-pack-5kg", 1)],
    [("土豆2kg", "potato-2kg", 1), ("西红柿1kg×2", "tomato-1kg", 2)],
    [("挂面1kg", "noodles-1kg", 1), ("纯牛奶", "milk-uht-12", 1)],
    [("猪瘦肉500g×2", "pork-lean-500g", 2), ("大白菜", "cabbage-2kg", 1)],
]
#: the three lines that cannot be read, by their number on the list, and why
UNREADABLE = {
    9: "{address} {name} 榴莲x1",  # goods the catalogue does not have
    21: "88栋9单元999 {name} 大米5kg",  # an address no household has
    34: "{address} {name}",  # no goods at all
}
LINES = 40


def day_list(desk: Desk) -> tuple[str, dict[str, tuple[tuple[str, int], ...]]]:
    """The list's text and, for each household it orders for, the goods it should read as."""
    others = [h for h in desk.households.values()
              if h.community != COMMUNITY and h.id not in CALLERS]
    households = [desk.households[h] for h in LISTED_HERE] + others
    text = ["#接龙", "长风街道保供团购 r1125 轮 11点截止", "例 3栋2单元401 张三 蔬菜包x1"]
    expected: dict[str, tuple[tuple[str, int], ...]] = {}
    picked = iter(households)
    for number in range(1, LINES + 1):
        household = next(picked)
        community = desk.communities[household.community].name
        address = f"{community} {household.building}栋{household.unit}单元{household.room}"
        name = household.residents[0].name
        if number in UNREADABLE:
            text.append(f"{number}. " + UNREADABLE[number].format(address=address, name=name))
            continue
        goods = GOODS[number % len(GOODS)]
        text.append(f"{number}. {address} {name} " + " ".join(g for g, _c, _n in goods))
        expected[household.id] = tuple(sorted((code, n) for _g, code, n in goods))
    return "\n".join(text) + "\n", expected
