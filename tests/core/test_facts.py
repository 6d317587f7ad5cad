"""Structured facts of price complaints, short deliveries and relief requests (core.cases.facts)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from core.cases.case import new_case
from core.cases.facts import describe, facts_field
from core.cases.store import decode_case, encode_case
from core.levels.evidence import desk_surges
from core.levels.thresholds import DEFAULT_THRESHOLDS
from core.problems import InvalidField
from core.reference import SlaRules
from core.reports import case_rows, cases_table

T0 = datetime.fromisoformat("2026-11-23T09:30:00+08:00")


def _case(category: core.Category, **fields: object) -> core.Case:
    return new_case(case_id="20261123-0001", category=category, created=T0, operator="wang",
                    rules=SlaRules(), **fields)


def test_each_fact_kind_belongs_to_its_categories() -> None:
    assert facts_field("price_gouging") == "price"
    assert facts_field("service_fee") == "price"
    assert facts_field("delivery_short") == "shortfall"
    assert facts_field("delivery_missing") == "shortfall"
    assert facts_field("hardship_relief") == "relief"
    assert facts_field("groceries") is None


def test_a_case_of_another_category_refuses_facts() -> None:
    with pytest.raises(InvalidField) as refused:
        _case(core.Category.GROCERIES, price=core.PriceReport(supermarket="yonghui"))
    assert refused.value.field == "price"


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: core.PriceReport(item="猪肉"), "shop"),
        (lambda: core.PriceReport(shop="小卖部", price_fen=-1), "price_fen"),
        (lambda: core.DeliveryShortfall(paid_fen=100), "round"),
        (lambda: core.ReliefRequest(), "kit"),
        (lambda: core.ReliefRequest(cash=True), "persons"),
    ],
)
def test_incomplete_facts_name_the_field(make, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidField) as refused:
        make()
    assert refused.value.field == field


def test_a_bad_fact_in_a_case_file_is_reported_with_its_line(tmp_path: Path) -> None:
    case = _case(core.Category.PRICE_GOUGING,
                 price=core.PriceReport(supermarket="yonghui", item="pork-500g",
                                        price_fen=3200, usual_price_fen=1800))
    text = encode_case(case).decode().replace("price_fen = 3200", 'price_fen = "32元"')
    path = tmp_path / f"{case.id}.toml"
    loaded, problems = decode_case(path, text.encode())
    assert loaded is None
    [problem] = problems
    assert problem.field == "price.price_fen"
    assert problem.line == text.splitlines().index('price_fen = "32元"') + 1


_shops = st.sampled_from(["yonghui", "hualian", ""])
_fen = st.none() | st.integers(min_value=0, max_value=10**7)
_prices = st.builds(core.PriceReport, supermarket=_shops, shop=st.sampled_from(["", "便民店"]),
                    item=st.text(max_size=8), price_fen=_fen, usual_price_fen=_fen)
_shortfalls = st.builds(
    core.DeliveryShortfall, round=st.sampled_from(["r1125", ""]),
    order=st.sampled_from(["r1125-0042", ""]),
    missing=st.lists(st.builds(core.MissingLine, code=st.sampled_from(["eggs-30", "鸡蛋"]),
                               quantity=st.integers(1, 5)), max_size=3).map(tuple),
    paid_fen=_fen)
_reliefs = st.builds(core.ReliefRequest, kit=st.booleans(), cash=st.booleans(),
                     persons=st.integers(1, 8))


@given(data=st.data())
def test_facts_survive_the_file_round_trip_byte_for_byte(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["price", "shortfall", "relief"]))
    try:
        facts = data.draw({"price": _prices, "shortfall": _shortfalls, "relief": _reliefs}[kind])
    except InvalidField:  # hypothesis drew an incomplete record: refused, as it should be
        return
    category = {"price": core.Category.PRICE_GOUGING, "shortfall": core.Category.DELIVERY_SHORT,
                "relief": core.Category.HARDSHIP_RELIEF}[kind]
    case = _case(category, **{kind: facts})
    raw = encode_case(case)
    loaded, problems = decode_case(Path(f"{case.id}.toml"), raw)
    assert problems == []
    assert loaded == case
    assert encode_case(loaded) == raw


def test_a_case_without_facts_writes_no_facts_table() -> None:
    raw = encode_case(_case(core.Category.PRICE_GOUGING)).decode()
    assert "[price]" not in raw and "[shortfall]" not in raw and "[relief]" not in raw


def test_describe_in_both_languages() -> None:
    price = core.PriceReport(supermarket="yonghui", item="pork-500g", price_fen=3200,
                             usual_price_fen=1600)
    assert describe(price, None, None, "zh") == "yonghui pork-500g 32.00元（原16.00元） +100%"
    assert describe(price, None, None, "en") == "yonghui pork-500g 32.00 yuan (was 16.00) +100%"
    short = core.DeliveryShortfall(round="r1125", missing=(core.MissingLine("eggs-30", 1),),
                                   paid_fen=8880)
    assert describe(None, short, None, "zh") == "r1125 缺eggs-30×1 已付88.80元"
    relief = core.ReliefRequest(kit=True, cash=True, persons=2)
    assert describe(None, None, relief, "en") == "relief kit (eight ones), cash relief for 2"


def _gouging_call(desk: core.Desk, at: datetime, supermarket: str) -> core.Case:
    return desk.cases.create(
        core.Category.PRICE_GOUGING, operator="wang.li", created=at,
        caller=core.Caller(name="李强", phone="13900000001"),
        description="猪肉涨到32元一斤",
        facts=core.PriceReport(supermarket=supermarket, item="pork-500g", price_fen=3200,
                               usual_price_fen=1600),
    )


def test_price_calls_without_a_community_count_in_the_supermarkets_zone(
        empty_desk_dir: Path) -> None:
    fixtures = Path(__file__).parents[2] / "fixtures" / "desk"
    for name in ("communities.toml", "supermarkets.toml", "departments.toml"):
        (empty_desk_dir / name).write_bytes((fixtures / name).read_bytes())
    desk = core.open_desk(empty_desk_dir)
    now = T0 + timedelta(hours=6)
    calls = DEFAULT_THRESHOLDS.evidence.min_cases
    for hour in range(calls):
        _gouging_call(desk, T0 + timedelta(hours=hour), "yonghui")
    surges = desk_surges(desk, now=now)
    zone = desk.supermarkets["yonghui"].zone
    assert sorted(s.community for s in surges) == sorted(zone)
    assert all(s.cases == calls and s.by_kind == (("price_rise", calls),) for s in surges)
    # the same calls with no supermarket named are no evidence of any community
    other = core.open_desk(empty_desk_dir)
    for case in list(other.cases):
        other.cases.save(case, attrs.evolve(case, price=core.PriceReport(shop="便民店")))
    assert desk_surges(other, now=now) == []


def test_facts_are_searchable_and_exported(demo_desk: core.Desk) -> None:
    case = _gouging_call(demo_desk, demo_desk.cases.now(), "xinjiayi")
    demo_desk.cases.refresh()
    assert [r.id for r in demo_desk.cases.query(core.Query(text="pork-500g"))] == [case.id]
    table = cases_table(demo_desk, case_rows(demo_desk), demo_desk.cases.now())
    facts_at = [c.key for c in table.columns].index("facts")
    [row] = [r for r in table.rows if r[0] == case.id]
    assert row[facts_at].zh == "新佳宜便民超市 pork-500g 32.00元（原16.00元） +100%"


@pytest.mark.parametrize(("typed", "fen"), [("32", 3200), ("32.5", 3250), ("¥32.50", 3250),
                                            ("32元", 3200), ("0.05", 5), ("", None)])
def test_money_as_typed(typed: str, fen: int | None) -> None:
    from core.cases.facts import format_yuan, parse_yuan
    assert parse_yuan(typed, "price_fen") == fen
    if fen is not None:
        assert parse_yuan(format_yuan(fen), "price_fen") == fen


@pytest.mark.parametrize("typed", ["abc", "-3", "3.255", "3,50", "1e5"])
def test_money_that_is_not_money_names_the_field(typed: str) -> None:
    from core.cases.facts import parse_yuan
    with pytest.raises(InvalidField) as refused:
        parse_yuan(typed, "paid_fen")
    assert refused.value.field == "paid_fen"


def test_missing_goods_as_typed() -> None:
    from core.cases.facts import format_missing, parse_missing
    lines = parse_missing("eggs-30×1、大米5kg x 2, 酱油")
    assert lines == (core.MissingLine("eggs-30", 1), core.MissingLine("大米5kg", 2),
                     core.MissingLine("酱油", 1))
    assert parse_missing(format_missing(lines)) == lines
    with pytest.raises(InvalidField):
        parse_missing("鸡蛋×0")
