"""One day of the demo desk (2026-11-25) end to end: requests, allocation, approval, issue,
packing, delivery, reconciliation and reports, checked against figures computed by hand.

Stock on hand at 11:00 on the 25th, from the demo ledgers (fixtures/make_demo_ledgers.py):
surgical masks 400 received - 100 - 40 issued on the 16th - 30 issued on the 22nd = 230, plus
60 made locally at 09:00 on the 25th = 290; protective suits 120 - 60 = 60. The city's store
(city-reserve, no distance given in allocation.toml: used after the depot) holds 6,400 - 230 =
6,170 surgical masks and 890 suits.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

import core
from core import ledger as L
from core.allocation import approve, day_report, propose
from core.levels import NotASupervisor
from core.reports import daily_report, day_summary
from core.rounds import load_rounds, order_amount, plan_round
from tui.xlsx import write_xlsx

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "desk"
DAY = date(2026, 11, 25)
HOSPITAL, JINXIU, WENHUA = "河西区人民医院发热门诊", "锦绣社区居委会", "文化社区居委会"


def test_one_day_of_the_demo_desk(tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "desk")
    desk = core.open_desk(tmp_path / "desk")
    zone = desk.settings.zone

    def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)

    book = L.Ledgers(desk)
    # 1. requests, signed by the unit heads, and the morning's local production
    book.append([
        L.draft(L.StockReceipt, time=at(9), store="hexi-depot", item="mask-surgical-50",
                quantity=60, source=L.Source.PRODUCTION, keeper="keeper.liu"),
        L.draft(L.SupplyRequest, time=at(9, 20), unit=WENHUA, head="社区书记 陈丽",
                lines=(L.RequestLine(item="mask-surgical-50", quantity=50),)),
        L.draft(L.SupplyRequest, time=at(9, 40), unit=JINXIU, head="社区主任 王建华",
                lines=(L.RequestLine(item="mask-surgical-50", quantity=100),)),
        L.draft(L.SupplyRequest, time=at(10, 15), unit=HOSPITAL, head="院长 李文静",
                lines=(L.RequestLine(item="protective-suit", quantity=50),
                       L.RequestLine(item="mask-surgical-50", quantity=150))),
    ], operator="keeper.liu", recorded=at(10, 30))

    # 2. the proposal: urgent first (hospital 150), key area next (jinxiu 100), then in turn
    proposal = propose(desk, DAY)
    given = {(i.unit, i.item, i.store): i.quantity for i in proposal.issues}
    assert given == {(HOSPITAL, "mask-surgical-50", "hexi-depot"): 150,
                     (HOSPITAL, "protective-suit", "hexi-depot"): 50,
                     (JINXIU, "mask-surgical-50", "hexi-depot"): 100,
                     (WENHUA, "mask-surgical-50", "hexi-depot"): 40,
                     # wenhua asked 50, 290 - 250 = 40 left at the depot: the rest from the city
                     (WENHUA, "mask-surgical-50", "city-reserve"): 10}
    assert not proposal.short()

    # 3. approval: operators are refused in core; the supervisor's name and reason recorded
    with pytest.raises(NotASupervisor):
        approve(desk, proposal, supervisor="li.na", reason="x", when=at(14))
    written = approve(desk, proposal, supervisor="zhou.min", reason="按紧急、重点原则调配",
                      when=at(14))
    assert Counter(r.kind for r in written) == {"approval": 3, "stock_issue": 5}
    assert {(r.approved_by, r.note) for r in written if isinstance(r, L.Approval)} == {
        ("zhou.min", "按紧急、重点原则调配")}

    # 4. the 17:30 report: production 60, issued 300 masks and 50 suits
    report = day_report(desk, DAY)
    masks = report.row_by("item", "mask-surgical-50")
    suits = report.row_by("item", "protective-suit")
    # production, purchases, donated, designated, from above, received, issued, in stock
    assert masks[2:] == (60, 0, 0, 0, 0, 60, 300, 6160)  # 6,170 at the city store, less 10
    assert suits[2:] == (0, 0, 0, 0, 0, 0, 50, 900)  # 10 at the depot, 890 at the city store
    path = write_xlsx([report], tmp_path / "medical.xlsx", lang="en")
    sheet = load_workbook(path, read_only=True)["medical_day"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1:] == [[*row[:1], row[1].en, *row[2:]] for row in report.rows]  # type: ignore[union-attr]

    # 5. packing the round r1125 (orders closed 11:00 on the 25th, delivered on the 27th)
    rounds, problems = load_rounds(desk)
    assert not problems
    plan = plan_round(desk, rounds[0])
    assert len(plan.round.orders) == 99
    assert plan.couriers == 14  # every community has fewer than 10 ordering households
    assert not any(v.over for v in plan.volumes)  # 27, 45, 27 orders: far under capacity
    assert plan.boxes >= plan.lower_bound
    label = plan.packings[0].boxes[0].label
    assert (label.address, label.payment_ref) == ("13栋4单元404室", "WX1125-0001")

    # 6. delivery to jinxiu: money collected per order, the invoice and the full receipt
    jinxiu = [o for o in plan.round.orders if o.community == "jinxiu"]
    goods: Counter[str] = Counter()
    drafts = []
    for order in jinxiu:
        for line in order.lines:
            goods[line.code] += line.quantity
        kind = L.Iou if order.payment.value == "on_account" else L.Collection
        drafts.append(L.draft(kind, time=at(10, 50), household=order.household,
                              community="jinxiu", supermarket="hualian", round="r1125",
                              order=order.id, grid_worker="grid.jinxiu.1",
                              amount_fen=order_amount(desk, order)))
    book.append(drafts, operator="grid.jinxiu.1", recorded=at(11))
    invoice = book.append([L.draft(
        L.Invoice, time=at(14, 0, date(2026, 11, 27)), supermarket="hualian",
        community="jinxiu", round="r1125",
        lines=tuple(L.InvoiceLine(item=code, quantity=n,
                                  unit_price_fen=desk.catalogue[code].price_fen)
                    for code, n in sorted(goods.items())))], operator="hualian.clerk",
        recorded=at(14, 5, date(2026, 11, 27)))[0]
    book.append([L.draft(L.Receipt, time=at(15, 0, date(2026, 11, 27)), invoice=invoice.id,
                         received_by="grid.jinxiu.1",
                         lines=tuple(L.ReceiptLine(item=c, quantity=n)
                                     for c, n in sorted(goods.items())))],
                operator="grid.jinxiu.1", recorded=at(15, 5, date(2026, 11, 27)))
    total = sum(order_amount(desk, o) for o in jinxiu)
    assert isinstance(invoice, L.Invoice) and invoice.total_fen == total

    # 7. reconciliation of the three days for jinxiu, then the period signed off
    result = book.reconcile(start=DAY, end=date(2026, 11, 27),
                            scope=L.Scope(community="jinxiu"), as_of=at(20, 0, date(2026, 11, 27)))
    assert not result.findings, [f.message("en") for f in result.findings]
    with pytest.raises(PermissionError):
        book.close(DAY, date(2026, 11, 27), signed_by="li.na", signed=at(21))
    close = book.close(DAY, date(2026, 11, 27), signed_by="zhou.min", signed=at(21),
                       note="锦绣社区 r1125 对账无差异")
    assert close.signed_by == "zhou.min"

    # 8. reports: the daily report of the high-risk area, a day summary read back from XLSX
    daily = daily_report(desk, DAY, now=at(17, 30))
    assert [a.district for a in daily.areas] == ["hexi"]
    summary = day_summary(desk, date(2026, 11, 22))
    path = write_xlsx(summary.tables(), tmp_path / "day.xlsx", lang="en")
    workbook = load_workbook(path, read_only=True)
    for table in summary.tables():
        values = [list(r) for r in workbook[table.name].iter_rows(values_only=True)]
        assert values[0] == table.headers("en")
        assert values[1:] == table.values("en")
