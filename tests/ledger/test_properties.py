"""Properties that hold for any ledger (hypothesis)."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core import ledger as L
from core.demo import demo_desk_path
from core.ledger.files import _read_exact, _read_fast, encode_batch
from core.ledger.reconcile import Reconciler

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 16, 8, tzinfo=ZONE)
COMMUNITIES = [("jinxiu", "hualian"), ("taoyuan", "yonghui"), ("chaoyang", "xinjiayi")]
ITEMS = ["mask-kn95-10", "goggles", "ir-thermometer"]
CATALOGUE = core.open_desk(demo_desk_path()).catalogue


def stamp(kind: type[L.Record], n: int, at: datetime, **fields: Any) -> L.Record:
    return kind(id=f"20261116-0001-{n}", uid=str(uuid.UUID(int=n, version=4)), time=at,
                recorded=at, operator="prop", **fields)


money_event = st.tuples(
    st.sampled_from(["collection", "iou", "invoice"]),
    st.integers(0, len(COMMUNITIES) - 1),
    st.sampled_from(["r1", "r2"]),
    st.integers(1, 50_000),
    st.integers(0, 96),  # hours after the start
)


def money_records(events: list[tuple[str, int, str, int, int]]) -> list[L.Record]:
    records: list[L.Record] = []
    for n, (kind, c, round_, amount, hours) in enumerate(events, start=1):
        community, supermarket = COMMUNITIES[c]
        at = START + timedelta(hours=hours)
        if kind == "invoice":
            records.append(stamp(L.Invoice, n, at, supermarket=supermarket, community=community,
                                 round=round_, lines=(L.InvoiceLine(
                                     item="rice-5kg", quantity=1, unit_price_fen=amount),)))
        else:
            cls = L.Collection if kind == "collection" else L.Iou
            records.append(stamp(cls, n, at, household=f"h{n:04d}", community=community,
                                 supermarket=supermarket, round=round_, order=f"o{n}",
                                 grid_worker=f"grid.{community}.1", amount_fen=amount))
    return records


def fold(records: list[L.Record], **kwargs: Any) -> L.Reconciliation:
    reconciler = Reconciler(Path("/nonexistent"), catalogue=CATALOGUE, zone=ZONE, **kwargs)
    for line, record in enumerate(records, start=4):
        reconciler.add(record, Path("/nonexistent/ledgers/x.toml"), line)
    return reconciler.finish()


@given(st.lists(money_event, max_size=60))
def test_money_in_is_matched_plus_open(events: list[tuple[str, int, str, int, int]]) -> None:
    records = money_records(events)
    result = fold(records, as_of=START + timedelta(days=5))
    collected = sum(r.amount_fen for r in records if isinstance(r, L.Collection))
    money = result.money
    assert money.collected == collected == money.matched + money.open
    assert money.open == sum(o.amount_fen for o in result.open_items if o.kind == "collection")
    assert money.ious == money.settled + money.ious_open
    for community, supermarket in COMMUNITIES:
        scoped = fold(records, scope=L.Scope(community=community))
        assert scoped.money.collected == scoped.money.matched + scoped.money.open
        assert scoped.money.collected == sum(
            r.amount_fen for r in records
            if isinstance(r, L.Collection) and r.community == community)
        del supermarket


settle_event = st.tuples(st.lists(st.integers(0, 9), min_size=1, max_size=3, unique=True),
                         st.integers(1, 30_000))


@given(st.lists(st.integers(1, 20_000), min_size=1, max_size=10),
       st.lists(settle_event, max_size=12))
def test_ious_opened_are_settled_plus_open(amounts: list[int],
                                           settlements: list[tuple[list[int], int]]) -> None:
    records: list[L.Record] = [
        stamp(L.Iou, n, START, household="h0009", community="jinxiu", supermarket="hualian",
              round="r1", order=f"o{n}", grid_worker="grid.jinxiu.1", amount_fen=a)
        for n, a in enumerate(amounts, start=1)]
    for k, (targets, amount) in enumerate(settlements, start=100):
        ious = tuple(f"20261116-0001-{t + 1}" for t in targets if t < len(amounts))
        if ious:
            records.append(stamp(L.Settlement, k, START + timedelta(days=1, minutes=k),
                                 ious=ious, household="h0009", grid_worker="grid.jinxiu.1",
                                 amount_fen=amount))
    money = fold(records).money
    assert money.ious == sum(amounts) == money.settled + money.ious_open
    paid = sum(r.amount_fen for r in records if isinstance(r, L.Settlement))
    assert money.settled <= paid


stock_event = st.tuples(
    st.sampled_from(["receipt", "issue", "return", "adjust"]),
    st.sampled_from(ITEMS),
    st.integers(1, 500),
    st.integers(0, 24 * 10),
)


def stock_records(events: list[tuple[str, str, int, int]]) -> tuple[list[L.Record], dict[str, int]]:
    records: list[L.Record] = []
    expected = dict.fromkeys(ITEMS, 0)
    for n, (kind, item, quantity, hours) in enumerate(events, start=1):
        at = START + timedelta(hours=hours)
        where = dict(store="depot", item=item, quantity=quantity)
        if kind == "receipt":
            records.append(stamp(L.StockReceipt, n, at, source=L.Source.PURCHASE, keeper="k",
                                 **where))
            expected[item] += quantity
        elif kind == "issue":
            records.append(stamp(L.StockIssue, n, at, unit="u", signed_by="s", **where))
            expected[item] -= quantity
        elif kind == "return":
            records.append(stamp(L.StockReturn, n, at, unit="u", **where))
            expected[item] += quantity
        else:
            where["quantity"] = -quantity if n % 2 else quantity
            records.append(stamp(L.StockAdjust, n, at, cause=L.Cause.COUNTED, **where))
            expected[item] += where["quantity"]
    return records, expected


def closings(result: L.Reconciliation) -> dict[str, int]:
    found = dict.fromkeys(ITEMS, 0)
    for line in result.stock:  # day order within each item
        found[line.item] = line.closing
    return found


@given(st.lists(stock_event, max_size=80))
def test_stock_closing_is_the_sum_of_movements(events: list[tuple[str, str, int, int]]) -> None:
    records, expected = stock_records(events)
    result = fold(records)
    assert closings(result) == expected
    for line in result.stock:
        assert line.closing == (line.opening + line.received - line.issued + line.returned
                                + line.adjusted)
    # a negative balance is reported, once per item and episode at most
    negative_items = {line.item for line in result.stock if line.closing < 0}
    reported = {f.item for f in result.findings if f.code == "negative_stock"}
    assert reported == negative_items


@settings(max_examples=15, deadline=None)
@given(st.lists(money_event, max_size=15), st.lists(stock_event, max_size=15),
       st.integers(0, 29))
def test_reversing_a_record_restores_the_totals(
        money: list[tuple[str, int, str, int, int]],
        stock: list[tuple[str, str, int, int]], pick: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="baogong-ledger-prop-"))
    try:
        root = work / "desk"
        shutil.copytree(demo_desk_path(), root, ignore=shutil.ignore_patterns("cases", "ledgers"))
        desk = core.open_desk(root)
        book = L.Ledgers(desk)
        drafts = [L.Draft(type(r), {k: getattr(r, k) for k in ("time", *r.body())})
                  for r in [*money_records(money), *stock_records(stock)[0]]]
        if not drafts:
            return
        base, extra = drafts[:-1], drafts[-1]
        as_of = START + timedelta(days=30)
        if base:
            book.append(base, operator="p", recorded=START + timedelta(days=11))
        before = book.reconcile(as_of=as_of)
        (added,) = book.append([extra], operator="p", recorded=START + timedelta(days=12))
        book.reverse(added, reason="撤销", time=START + timedelta(days=13), operator="p",
                     recorded=START + timedelta(days=13))
        after = book.reconcile(as_of=as_of)
        assert after.money == before.money
        assert closings(after) == closings(before)
        del pick
    finally:
        shutil.rmtree(work, ignore_errors=True)


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(st.lists(st.tuples(st.integers(1, 10**9), text, text), min_size=1, max_size=5))
def test_fast_and_exact_readers_agree(rows: list[tuple[int, str, str]]) -> None:
    records: list[L.Record] = []
    at = datetime.combine(START.date(), time(9, 30, 15, 120), ZONE)
    for amount, operator, note in rows:
        n = len(records) + 1
        try:
            record = L.Collection(
                id=f"20261116-0001-{n}", uid=str(uuid.UUID(int=n, version=4)), time=at,
                recorded=at, operator=operator, household="h0001", community="jinxiu",
                supermarket="hualian", round="r1", order=operator or "o",
                grid_worker="g", amount_fen=amount, note=note)
        except ValueError:
            continue
        records.append(record)
    if not records:
        return
    path = Path("/x/ledgers/2026/11/16/20261116-0001.toml")
    data = encode_batch(path.stem, records).decode()
    exact = _read_exact(path, data)
    assert exact.problems == ()
    assert exact.records == tuple(records)
    fast = _read_fast(path, data)
    if fast is not None:
        assert fast.records == exact.records and fast.lines == exact.lines


def test_a_day_that_goes_negative_names_its_last_record() -> None:
    """The record that took the stock below zero is the last of its day."""
    records = [stamp(L.StockReceipt, 1, START, store="depot", item="goggles", quantity=5,
                     source=L.Source.PURCHASE, keeper="k")]
    records += [stamp(L.StockIssue, n, START + timedelta(hours=n), store="depot",
                      item="goggles", quantity=4, unit="u", signed_by="s") for n in (2, 3)]
    (negative,) = [f for f in fold(records).findings if f.code == "negative_stock"]
    assert negative.record == "20261116-0001-3"
