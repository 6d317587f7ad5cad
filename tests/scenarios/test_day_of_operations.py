"""A day of the demo desk's round r1125 driven through the app, key by key, as the hotline and
the supervisors' console do it: calls become orders, a street's 接龙 list is pasted in, the round
is planned and its labels printed, then Hepingli's delivery is followed through the ledger
(the supermarket's invoice imported, the drop point's receipt two items short, the grid worker's
collections and one IOU), the keeper's stock and the day's prices are entered, and
``baogong reconcile`` and the daily report are read back."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from textual import events
from textual.pilot import Pilot
from textual.widgets import Static

from core import ledger as L
from core.demo import copy_demo_desk
from core.desk import Desk
from core.packing.orders import HouseholdOrder, Payment
from core.roundorders import find_round
from core.rounds import order_amount, read_round
from tests.conftest import Run
from tests.scenarios.daylist import CALLERS, COMMUNITY, day_list
from tests.tui.conftest import settle
from tests.tui.deskfactory import FakeClock
from tests.tui.screen_text import screen_text
from tests.tui.test_printing import decoded, flat
from tui import i18n
from tui.app import BaogongApp
from tui.printing.labels import printed_labels
from tui.screens.case_order import CaseOrderDialog
from tui.screens.console.ledgers.forms import EntryForm
from tui.screens.console.ledgers.page import LedgersScreen
from tui.screens.console.paste_list import PasteListDialog
from tui.screens.console.prices import PricesScreen
from tui.screens.console.rounds import RoundsScreen
from tui.screens.detail import DetailScreen
from tui.screens.intake import IntakeScreen
from tui.screens.queue import QueueScreen
from tui.widgets.common import Notice

ROUND = "r1125"
OPERATOR = "li.na"
SUPERVISOR = "zhou.min"
SUPERMARKET = "yonghui"  # serves Hepingli
WORKER = "grid.hepingli.1"
DROP_POINT_KEEPER = "和平里投放点 刘洋"
GRAIN_STORE = "hexi-grain"
LABELS_PER_PAGE = 8
AS_OF = "2026-11-27T20:00:00+08:00"
#: the day's prices at the first supermarket of the price page, yuan, by necessity
PRICES = {"grain": "36.50", "cooking oil": "73.90", "pork": "21.80", "eggs": "31.50",
          "milk": "13.50", "vegetables": "5.60", "salt": "2.00"}
#: what each caller asks for, typed into intake's goods picker (pinyin initials, pinyin or
#: code) with the quantity, and the catalogue item it picks
CALLS: dict[str, list[tuple[str, int, str]]] = {
    "h0056": [("dm", 1, "rice-5kg"), ("jd", 1, "salt-400g")],  # 大米, 加碘食盐
    "h0057": [("veg-pack", 1, "veg-pack-5kg")],
    "h0058": [("gm", 2, "noodles-1kg"), ("tudou", 1, "potato-2kg")],  # 挂面, 土豆
    "h0002": [("milk-1l", 3, "milk-1l")],
    "h0005": [("rice-10kg", 1, "rice-10kg")],
}


def at(desk: Desk, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=desk.settings.zone)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture
def desk(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    """A copy of the demo desk whose new cases take their time from the test's clock."""
    desk = Desk.open(copy_demo_desk(tmp_path / "desk"), clock=clock)
    yield desk
    desk.cases.index.close()
    i18n.set_language("zh")


def app_for(desk: Desk, clock: FakeClock, operator: str) -> BaogongApp:
    return BaogongApp(desk, operator=operator, language="en", clock=clock, cursor_blink=False,
                      poll_interval=None)


async def take_call(app: BaogongApp, pilot: Pilot[Any], phone: str,
                    goods: list[tuple[str, int, str]]) -> str:
    """Intake of a known caller's groceries call; returns the case number read back."""
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(app.screen, IntakeScreen)
    await pilot.press(*phone)
    await settle(pilot)
    await pilot.press(*["tab"] * 7, "enter", *"shwz", "enter")
    await settle(pilot)
    await pilot.press("tab", "tab")
    for search, quantity, _code in goods:
        await pilot.press("enter", *search, "enter")
        await pilot.press("backspace", *str(quantity), "enter")
    await pilot.press("tab", *"送货上门")
    await pilot.press("ctrl+s")
    await settle(pilot)
    if isinstance(app.screen, IntakeScreen):  # a possible duplicate: the second ctrl+s saves
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert isinstance(app.screen, Notice), screen_text(app)
    number = re.search(r"(\d{8}) - (\d{4})", screen_text(app))
    assert number, screen_text(app)
    await pilot.press("enter")
    await settle(pilot)
    return f"{number[1]}-{number[2]}"


async def order_case(app: BaogongApp, pilot: Pilot[Any], case_id: str) -> None:
    """From the queue: find the case, open it, ``g``, read the preview, enter."""
    assert isinstance(app.screen, QueueScreen)
    await pilot.press("slash", *case_id, "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, DetailScreen), screen_text(app)
    await pilot.press("g")
    await settle(pilot)
    assert isinstance(app.screen, CaseOrderDialog)
    assert "r1125, day one 11-25" in screen_text(app)  # before the 11:00 cut-off
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, DetailScreen)
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def paste_list(app: BaogongApp, pilot: Pilot[Any], text: str) -> str:
    """Rounds page, ``i``, the list pasted as the terminal sends it, ctrl+s: the preview."""
    await pilot.press("b", "3")
    await settle(pilot)
    assert isinstance(app.screen, RoundsScreen)
    await pilot.press("i")
    await settle(pilot)
    assert isinstance(app.screen, PasteListDialog)
    app.post_message(events.Paste(text))
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    return str(app.screen.query_one("#list-preview", Static).render())


async def choose(pilot: Pilot[Any], typed: str) -> None:
    """On a picker field: open its picker, narrow it, take the first match."""
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(*typed, "enter")
    await settle(pilot)


async def money_form(app: BaogongApp, pilot: Pilot[Any], order: HouseholdOrder, amount: int,
                     method: str = "") -> str:
    """``n`` on the ledger page: a collection or IOU for one order, typed in; its record id.
    The grid worker and round stay from the form before, as the page remembers them."""
    await pilot.press("n")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, EntryForm)
    if not form.typed()["grid_worker"]:
        await choose(pilot, WORKER)
        await pilot.press("down")
    await choose(pilot, order.household)
    await pilot.press("down")
    if not form.typed()["round"]:
        await pilot.press(*ROUND)
    await pilot.press("down", *order.id, "down", *f"{amount / 100:.2f}")
    if method:
        await pilot.press("down", *method)
    await pilot.press("ctrl+s")
    await settle(pilot)
    page = app.screen
    assert isinstance(page, LedgersScreen), screen_text(app)
    return page.last_saved


def findings(run: Run, desk: Desk, *scope: str) -> list[dict[str, Any]]:
    status, out, err = run("reconcile", "--desk", str(desk.root), "--json", "--lang", "en",
                           "--as-of", AS_OF, *scope)
    assert status in (0, 1), err
    return json.loads(out)["findings"]  # type: ignore[no-any-return]


def key(finding: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(finding.get(k) for k in ("code", "record", "community", "supermarket", "item",
                                          "store", "amount_fen"))


def daily_report(run: Run, desk: Desk) -> dict[str, list[str]]:
    """``baogong export report daily`` of the 27th: its lines by section title."""
    status, out, err = run("export", "report", "daily", "--desk", str(desk.root), "--date",
                           "2026-11-27", "--lang", "en", "--at", AS_OF)
    assert status == 0, err
    sections: dict[str, list[str]] = {}
    title = ""
    for line in out.splitlines():
        if line and not line.startswith(" "):
            title = line
        elif line.strip() and not set(line.strip()) <= {"-", " "}:
            sections.setdefault(title, []).append(line)
    return sections


@pytest.mark.slow
async def test_a_day_of_operations(desk: Desk, clock: FakeClock, run: Run,
                                   tmp_path: Path) -> None:
    assert tuple(CALLS) == CALLERS  # the list leaves them out
    before_round = read_round(desk, find_round(desk, ROUND)).orders
    before = findings(run, desk)
    assert before  # the demo ledgers' own anomalies: what the day's work must not add to
    report_before = daily_report(run, desk)
    app = app_for(desk, clock, OPERATOR)
    cases = {}
    # 1. five hotline calls, each made an order from its case
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for household, goods in CALLS.items():
            cases[household] = await take_call(app, pilot, desk.households[household].phone,
                                               goods)
            await order_case(app, pilot, cases[household])
            clock.advance(minutes=12)
    after_calls = read_round(desk, find_round(desk, ROUND)).orders
    added = after_calls[len(before_round):]
    assert [(o.household, o.source, o.taken_by, o.payment) for o in added] == [
        (h, f"case {cases[h]}", OPERATOR, Payment.DUE) for h in CALLS]
    assert [{(x.code, x.quantity) for x in o.lines} for o in added] == [
        {(code, n) for _typed, n, code in goods} for goods in CALLS.values()]
    assert all(o.taken_at is not None and o.taken_at.hour < 11 for o in added)

    # 2. the street's 接龙 list pasted on the rounds page, previewed, accepted
    text, expected = day_list(desk)
    clock.advance(minutes=30)
    app = app_for(desk, clock, SUPERVISOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        preview = await paste_list(app, pilot, text)
        assert "37 orders in 40 lines; 3 lines cannot be read" in preview
        assert sorted(re.findall(r"line (\d+):", preview)) == ["12", "24", "37"]
        assert 'line 12: unknown goods "榴莲x1"' in preview
        assert "line 24: unknown address 88-9-999" in preview
        assert "line 37: no goods" in preview
        assert read_round(desk, find_round(desk, ROUND)).orders == after_calls
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RoundsScreen)
        round_ = read_round(desk, find_round(desk, ROUND))
        listed = round_.orders[len(after_calls):]
        assert {o.household: tuple(sorted((x.code, x.quantity) for x in o.lines))
                for o in listed} == expected

        # 3. the round planned, its labels and manifests printed
        clock.advance(hours=2)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RoundsScreen) and screen.plan is not None
        plan = screen.plan
        assert len(plan.round.orders) == len(before_round) + 5 + 37
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await settle(pilot)
        labels_pdf, _manifests = screen.printed
        await pilot.press("escape", "escape")
        await settle(pilot)
    reader = PdfReader(labels_pdf)
    printed = printed_labels(desk, plan)
    assert len(printed) == plan.boxes
    assert len(reader.pages) == math.ceil(plan.boxes / LABELS_PER_PAGE)
    for number, page in enumerate(reader.pages):
        on_page = printed[number * LABELS_PER_PAGE:(number + 1) * LABELS_PER_PAGE]
        page_text = flat(page.extract_text())
        for item in on_page:
            assert flat(f"{item.label.community}{item.label.address}") in page_text
            assert item.label.order in page_text
            for name, count in item.label.contents:
                assert flat(f"{name}×{count}") in page_text
    for number in (0, len(reader.pages) - 1):
        on_page = printed[number * LABELS_PER_PAGE:(number + 1) * LABELS_PER_PAGE]
        refs = sorted(i.label.payment_ref for i in on_page if i.label.payment_ref)
        assert decoded(labels_pdf, number) == refs

    # 4. two days later, Hepingli's delivery: the supermarket's invoice, the receipt short by
    # two, the grid worker's collections and the one IOU, typed on the ledger page
    clock.now = at(desk, 27, 14)
    ours = [o for o in read_round(desk, find_round(desk, ROUND)).orders
            if o.community == COMMUNITY]
    goods: Counter[str] = Counter()
    for order in ours:
        for line in order.lines:
            goods[line.code] += line.quantity
    short_item = max(goods, key=lambda code: (goods[code], code))
    assert goods[short_item] >= 2
    lines = [short_item, *sorted(c for c in goods if c != short_item)]
    invoice_csv = tmp_path / "yonghui-hepingli-r1125.csv"
    own_prices = desk.price_lists[SUPERMARKET]  # the supermarket invoices at its own prices
    invoice_csv.write_text("社区,轮次,商品,数量,单价\n" + "".join(
        f"{COMMUNITY},{ROUND},{code},{goods[code]},{own_prices[code] / 100:.2f}\n"
        for code in lines), encoding="utf-8")
    app = app_for(desk, clock, SUPERVISOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "6")
        await settle(pilot)
        page = app.screen
        assert isinstance(page, LedgersScreen)
        await pilot.press("i", *str(invoice_csv), "enter")
        await choose(pilot, SUPERMARKET)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LedgersScreen), screen_text(app)
        [invoice] = [r for r in desk.ledgers.records() if isinstance(r, L.Invoice)
                     and r.round == ROUND and r.community == COMMUNITY]
        # what the households were charged: the round's prices are the supermarket's here
        assert invoice.total_fen == sum(order_amount(desk, o) for o in ours)

        clock.advance(hours=1)
        await pilot.press("t", *"receipt", "enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, EntryForm)
        await choose(pilot, invoice.id[-6:])
        await pilot.press("down", "ctrl+u", *DROP_POINT_KEEPER, "down")
        await pilot.press(*["up"] * len(lines), "end", *["backspace"] * len(str(goods[short_item])),
                          *f"{goods[short_item] - 2} short")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LedgersScreen), screen_text(app)
        [receipt] = [r for r in desk.ledgers.records() if isinstance(r, L.Receipt)
                     and r.invoice == invoice.id]
        assert [(x.item, x.quantity, x.difference) for x in receipt.lines] == [
            (short_item, goods[short_item] - 2, L.Difference.SHORT),
            *((code, goods[code], None) for code in lines[1:])]
        assert receipt.received_by == DROP_POINT_KEEPER and receipt.operator == SUPERVISOR

        clock.advance(hours=1)
        await pilot.press("t", *"collection", "enter")
        await settle(pilot)
        saved = [await money_form(app, pilot, order, order_amount(desk, order), "wechat")
                 for order in ours if order.payment is not Payment.ON_ACCOUNT]
        await pilot.press("t", *"iou", "enter")
        await settle(pilot)
        [iou_order] = [o for o in ours if o.payment is Payment.ON_ACCOUNT]
        saved.append(await money_form(app, pilot, iou_order, order_amount(desk, iou_order)))
        money = {r.id: r for r in desk.ledgers.records() if isinstance(r, L.Collection | L.Iou)}
        assert {(money[i].kind, money[i].order, money[i].amount_fen, money[i].community,
                 money[i].supermarket, money[i].grid_worker) for i in saved} == {
            ("iou" if o.payment is Payment.ON_ACCOUNT else "collection", o.id,
             order_amount(desk, o), COMMUNITY, SUPERMARKET, WORKER) for o in ours}

        # 5. the keeper's grain received at the reserve, the day's prices of the necessities
        await pilot.press("t", *"stock_receipt", "enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*GRAIN_STORE, "down")
        await choose(pilot, "rice-10kg")
        await pilot.press("down", "4", "0", "0", "down")
        await choose(pilot, "purchase")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LedgersScreen), screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(app.screen, PricesScreen), screen_text(app)
        for price in PRICES.values():
            await pilot.press(*price, "down")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("Saved 7 prices" in str(n.message) for n in app._notifications)

    # 6. reconciliation: the short delivery, and nothing else new
    after = findings(run, desk)
    new = [f for f in after if key(f) not in {key(b) for b in before}]
    gone = [f for f in before if key(f) not in {key(a) for a in after}]
    scoped = findings(run, desk, "--community", COMMUNITY, "--from", "2026-11-25",
                      "--to", "2026-11-27")
    [short] = new
    assert (short["code"], short["community"], short["supermarket"], short["item"],
            short["amount_fen"], short["related"]) == (
        "short_delivery", COMMUNITY, SUPERMARKET, short_item,
        2 * desk.catalogue[short_item].price_fen, [invoice.id])
    assert short["record"] == receipt.id
    assert gone == []
    # within the round's days and the community the day's work touched: only the short delivery
    assert scoped == [short]

    # 7. the daily report of the 27th: the grain received, and the prices as entered
    report = daily_report(run, desk)
    supply = "Supply and stock of necessities (whole area)"
    rows_before = {r.split()[-4]: r.split()[-3:] for r in report_before[supply][1:]
                   if not r.lstrip().startswith("*")}
    rows = {r.split()[-4]: r.split()[-3:] for r in report[supply][1:]
            if not r.lstrip().startswith("*")}
    grain_on_hand = int(rows_before.pop("grain_oil")[-1])
    assert rows.pop("grain_oil") == ["4000", "0", str(grain_on_hand + 4000)]  # 400 x 10 kg
    assert rows == rows_before and len(rows) == 5
    monitoring = [" ".join(r.split()) for r in report["The day's price monitoring"][1:]
                  if not r.lstrip().startswith("*")]
    assert len(monitoring) == len(PRICES)
    hualian = re.escape(desk.supermarkets["hualian"].name_en)  # named in the report's language
    for (necessity, price), row in zip(PRICES.items(), monitoring, strict=True):
        assert re.fullmatch(rf"Hexi District {necessity} {hualian} {float(price):g} in stock "
                            rf"[\d.]+ {SUPERVISOR}", row), row
