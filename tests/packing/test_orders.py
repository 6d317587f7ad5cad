from __future__ import annotations

from collections import Counter

import pytest

from core.packing import Box
from core.packing.orders import (
    HouseholdOrder,
    OrderLine,
    OrderPacker,
    Payment,
    UnknownGoodsError,
    goods_class,
    totals,
)
from core.reference import CatalogueItem, GoodsCategory


def goods(
    code: str, category: GoodsCategory, kg: float, litres: float, **kw: bool
) -> CatalogueItem:
    return CatalogueItem(
        code=code, name=code, name_en=code, unit="pc", category=category, kg=kg, litres=litres,
        price_fen=1000, **kw,
    )


CATALOGUE = [
    goods("rice", GoodsCategory.GRAIN_OIL, 5, 6),
    goods("cabbage", GoodsCategory.VEGETABLES, 1.5, 3),
    goods("pork", GoodsCategory.MEAT, 1, 1.2, chilled=True),
    goods("milk", GoodsCategory.MILK, 1, 1.1, chilled=True),
    goods("bleach", GoodsCategory.DISINFECTANT, 1.2, 1.3, chemical=True),
    goods("alcohol", GoodsCategory.MEDICAL_SUPPLIES, 0.5, 0.55, chemical=True),
    goods("tissue", GoodsCategory.DAILY_GOODS, 0.8, 6),
]


def order(*lines: tuple[str, int], payment: Payment = Payment.DUE) -> HouseholdOrder:
    return HouseholdOrder(
        "o1", "h-3-2-501", "qingshan", tuple(OrderLine(c, q) for c, q in lines),
        building="3", unit="2", room="501", payment=payment, payment_ref="PAY-0042",
        community_name="青山社区",
    )


def test_classes_never_mix_and_labels_say_what_and_where() -> None:
    packer = OrderPacker(CATALOGUE, Box(15, 40), separate_chilled=True)
    packing = packer.pack(order(("rice", 2), ("cabbage", 3), ("pork", 2), ("milk", 1),
                                ("bleach", 1), ("alcohol", 1), ("tissue", 1)))
    kinds = {goods_class(g): g for g in CATALOGUE}
    assert set(kinds) == {"food", "chilled", "chemical", ""}
    by_code = {g.code: g for g in CATALOGUE}
    for box in packing.boxes:
        classes = {goods_class(by_code[c]) for c in box.codes} - {""}
        assert len(classes) <= 1
        assert box.kg <= 15 and box.litres <= 40
        assert box.label.community == "青山社区"
        assert box.label.address == "3栋2单元501室"
        assert box.label.payment == "应付 due ¥110.00"
        assert box.label.payment_ref == "PAY-0042"
        assert box.label.of == packing.count
    assert Counter(c for b in packing.boxes for c in b.codes) == Counter(
        {"rice": 2, "cabbage": 3, "pork": 2, "milk": 1, "bleach": 1, "alcohol": 1, "tissue": 1}
    )
    assert packing.lower_bound <= packing.count <= packing.ffd_count


def test_chilled_goods_join_food_when_the_desk_allows() -> None:
    packer = OrderPacker(CATALOGUE, Box(15, 40), separate_chilled=False)
    packing = packer.pack(order(("cabbage", 1), ("pork", 1), payment=Payment.PAID))
    assert packing.count == 1 == packing.lower_bound
    assert packing.boxes[0].label.payment == "已付 paid"


def test_unknown_goods_are_an_error() -> None:
    packer = OrderPacker(CATALOGUE, Box(15, 40))
    with pytest.raises(UnknownGoodsError):
        packer.pack(order(("caviar", 1)))


def test_round_totals() -> None:
    packer = OrderPacker(CATALOGUE, Box(15, 40))
    packings = [packer.pack(order(("rice", n), ("tissue", n))) for n in range(1, 6)]
    total = totals(packings)
    assert total.orders == 5
    assert total.boxes == sum(p.count for p in packings)
    assert total.gap == total.boxes - total.lower_bound >= 0
