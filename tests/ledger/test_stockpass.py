"""The stock pass gives the stock lines of the full reconciliation, reading only stock batches."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core import ledger as L
from core.demo import demo_desk_path
from core.ledger.files import batch_paths, encode_batch, read_batch
from core.ledger.reconcile import reconcile_records
from core.ledger.stockpass import StockTotals, forget, stock_lines
from core.levels.reserves import balances_at, balances_on, ledger_stock

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 16, 8, tzinfo=ZONE)
CATALOGUE = core.open_desk(demo_desk_path()).catalogue
ITEMS = ["mask-kn95-10", "goggles"]
STORES = ["depot", "hexi-grain"]


def full_lines(root: Path, end: date | None) -> list[L.StockLine]:
    result = reconcile_records(root, map(read_batch, batch_paths(root)), catalogue=CATALOGUE,
                               zone=ZONE, end=end)
    return [line for line in result.stock if end is None or line.day <= end]


def make(kind: str, n: int, stem: str, at: datetime, store: str, item: str,
         quantity: int) -> L.Record:
    common: dict[str, Any] = dict(id=f"{stem}-{n}", uid=str(uuid.uuid4()), time=at,
                                  recorded=at, operator="prop")
    where = dict(store=store, item=item, **common)
    if kind == "receipt":
        return L.StockReceipt(quantity=quantity, source=L.Source.PURCHASE, keeper="k", **where)
    if kind == "issue":
        return L.StockIssue(quantity=quantity, unit="u", signed_by="s", **where)
    if kind == "return":
        return L.StockReturn(quantity=quantity, unit="u", **where)
    if kind == "adjust":
        return L.StockAdjust(quantity=quantity if n % 2 else -quantity, cause=L.Cause.COUNTED,
                             **where)
    if kind == "count":
        return L.StockCount(quantity=quantity, counted_by="c", **where)
    return L.Collection(household="h0001", community="jinxiu", supermarket="hualian",
                        round="r1", order=f"o{n}", grid_worker="g", amount_fen=quantity,
                        **common)


event = st.one_of(
    st.tuples(st.sampled_from(["receipt", "issue", "return", "adjust", "count", "collection"]),
              st.sampled_from(STORES), st.sampled_from(ITEMS), st.integers(0, 300),
              st.integers(0, 24 * 8)),
    # a reversal of an earlier record (by its place among those written), hours after it; some
    # by hand as a collection, which only says the record is reversed
    st.tuples(st.just("reverse"), st.integers(0, 10**6), st.integers(0, 24 * 4),
              st.sampled_from([False, False, False, True])),
)
batch = st.tuples(st.lists(event, min_size=1, max_size=6),
                  st.sampled_from(["fast", "fast", "fast", "commented", "broken", "garbled"]))


def write_ledger(root: Path, batches: list[tuple[list[tuple[Any, ...]], str]],
                 first: int = 1, written: list[L.Record] | None = None) -> list[L.Record]:
    """Write ``batches`` as batch files; returns every record written (``written`` first)."""
    written = [] if written is None else written
    directory = root / "ledgers" / "2026" / "11" / "16"
    directory.mkdir(parents=True, exist_ok=True)
    for number, (events, layout) in enumerate(batches, start=first):
        stem = f"20261116-{number:04d}"
        records: list[L.Record] = []
        for found in events:
            if found[0] == "reverse":
                if not written:
                    continue
                target = written[found[1] % len(written)]
                at = target.time + timedelta(hours=found[2])
                body = (make("collection", len(records) + 1, stem, at, "", "", 1) if found[3]
                        else target)
                records.append(attrs.evolve(
                    body, id=f"{stem}-{len(records) + 1}", uid=str(uuid.uuid4()), time=at,
                    reverses=target.id, reason="红冲"))
            else:
                kind, store, item, quantity, hours = found
                if kind != "count":
                    quantity = max(quantity, 1)
                records.append(make(kind, len(records) + 1, stem,
                                    START + timedelta(hours=hours), store, item, quantity))
        if not records:
            continue
        text = encode_batch(stem, records).decode()
        if layout == "commented":  # read down the exact path
            text = text.replace("record = [\n", "record = [\n  # 手改\n", 1)
        elif layout == "broken":  # no records at all
            text = text.replace("record = [", "record = [[", 1)
        elif layout == "garbled":  # a collection that is not TOML: no records at all
            garbled = re.sub(r"(amount_fen = [0-9]+)", r"\1 0", text, count=1)
            layout = "broken" if garbled != text else "fast"
            text = garbled
        (directory / f"{stem}.toml").write_text(text, encoding="utf-8")
        if layout != "broken":
            written.extend(records)
    return written


@settings(max_examples=60, deadline=None)
@given(st.lists(batch, min_size=1, max_size=12), st.lists(batch, max_size=4),
       st.lists(st.integers(-1, 12), min_size=1, max_size=4))
def test_the_pass_gives_the_lines_of_the_full_reconciliation(
        batches: list[tuple[list[tuple[Any, ...]], str]],
        later: list[tuple[list[tuple[Any, ...]], str]], offsets: list[int]) -> None:
    with tempfile.TemporaryDirectory(prefix="baogong-stockpass-") as work:
        root = Path(work)
        written = write_ledger(root, batches)
        ends = [None, *(START.date() + timedelta(days=d) for d in offsets)]
        for end in ends:
            assert stock_lines(root, ZONE, end) == full_lines(root, end)
        # batches added later are folded onto what is known
        write_ledger(root, later, first=len(batches) + 1, written=written)
        for end in ends:
            assert stock_lines(root, ZONE, end) == full_lines(root, end)
        forget(root)


def test_the_demo_desk_has_the_same_stock_lines_either_way() -> None:
    desk = core.open_desk(demo_desk_path())
    forget(desk.root)
    days = [line.day for line in stock_lines(desk.root, desk.settings.zone)]
    assert len(days) > 20
    for end in [*sorted(set(days)), min(days) - timedelta(days=1), max(days) + timedelta(days=9)]:
        full = [line for line in L.Ledgers(desk).reconcile(end=end).stock if line.day <= end]
        assert ledger_stock(desk, end) == full


def test_money_batches_are_not_parsed(tmp_path: Path) -> None:
    write_ledger(tmp_path, [([("collection", "depot", "goggles", 5, 1)] * 3, "fast"),
                            ([("receipt", "depot", "goggles", 5, 1)], "fast"),
                            ([("collection", "depot", "goggles", 5, 2)], "fast")])
    totals = StockTotals(ZONE)
    for path in batch_paths(tmp_path):
        totals.add_file(path)
    assert totals.files_read == 1
    assert [line.closing for line in totals.lines()] == [5]


def test_an_unchanged_ledger_is_not_read_again(tmp_path: Path) -> None:
    write_ledger(tmp_path, [([("receipt", "depot", "goggles", 5, 1)], "fast")])
    first = stock_lines(tmp_path, ZONE)
    assert stock_lines(tmp_path, ZONE) is first
    (path,) = batch_paths(tmp_path)
    # the same size and a new modification time: read again
    text = path.read_text(encoding="utf-8").replace("quantity = 5", "quantity = 7")
    path.write_text(text, encoding="utf-8")
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))
    assert [line.closing for line in stock_lines(tmp_path, ZONE)] == [7]
    forget(tmp_path)


@given(st.dictionaries(st.tuples(st.sampled_from(STORES), st.sampled_from(ITEMS),
                                 st.integers(0, 20)), st.integers(-50, 500), max_size=40),
       st.lists(st.integers(-2, 22), min_size=1, max_size=8))
def test_balances_on_many_days_are_those_of_each_day(
        closings: dict[tuple[str, str, int], int], offsets: list[int]) -> None:
    first = START.date()
    lines = [L.StockLine(store, item, first + timedelta(days=d), 0, 0, 0, 0, 0, closing)
             for (store, item, d), closing in closings.items()]
    days = [first + timedelta(days=d) for d in offsets]
    found = balances_on(lines, days)
    assert set(found) == set(days)
    for day in days:
        assert found[day] == balances_at(lines, day)
