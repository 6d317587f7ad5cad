"""The console's ledger entry page: a form per kind, reversals, invoice import, settlement run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from core import ledger as L
from core.desk import Desk
from core.ledger.files import batch_paths, read_batch
from core.storage.convert import converter
from core.storage.tomlio import dumps
from tests.console.conftest import SUPERVISOR, ConsoleApp, at, settle
from tests.tui.deskfactory import COMMUNITIES
from tui.app import BaogongApp
from tui.screens.console.ledgers.forms import EntryForm, Saved
from tui.screens.console.ledgers.kinds import BY_KEY
from tui.screens.console.ledgers.page import LedgersScreen
from tui.screens.console.ledgers.settle import SettlementRunScreen
from tui.widgets.common import TextField

WORKER = "grid.hp.1"


def write_communities(root: Path, *, grid_workers: bool = True) -> None:
    """The console desk's communities, served by one supermarket, with their grid workers."""
    communities = [converter.unstructure(c) for c in COMMUNITIES]
    for community in communities:
        community["supermarket"] = "hualian"
        if grid_workers:
            community["grid_workers"] = [WORKER if community["code"] == "hx-01"
                                         else "grid.other"]
    text = (root / "communities.toml").read_text(encoding="utf-8")
    districts = text[:text.index("[[community]]")]
    (root / "communities.toml").write_text(
        districts + dumps({"community": communities}), encoding="utf-8")


@pytest.fixture
def ledger_desk(desk: Desk) -> Iterator[Desk]:
    """The console desk with a supermarket serving its communities and their grid workers."""
    root = desk.root
    write_communities(root)
    (root / "supermarkets.toml").write_text(dumps({"supermarket": [{
        "code": "hualian", "name": "华联超市", "name_en": "Hualian",
        "zone": ["hx-01", "hx-02", "hx-03"]}]}), encoding="utf-8")
    desk.refresh()
    assert desk.communities["hx-01"].supermarket == "hualian" and "hualian" in desk.supermarkets
    yield desk


def records_written(desk: Desk, since: set[Path] | None = None) -> list[L.Record]:
    found = []
    for path in batch_paths(desk.root):
        if since is None or path not in since:
            batch = read_batch(path)
            assert not batch.problems
            found.extend(batch.records)
    return found


def paths(desk: Desk) -> set[Path]:
    return set(batch_paths(desk.root))


async def open_page(app: BaogongApp, pilot: Pilot[None]) -> LedgersScreen:
    await settle(pilot)
    await pilot.press("b", "6")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, LedgersScreen)
    return screen


async def choose(pilot: Pilot[None], typed: str) -> None:
    """On a picker field: open its picker, narrow it, take the first match."""
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(*typed, "enter")
    await settle(pilot)


async def test_a_collection_typed_from_the_keyboard(console_app: ConsoleApp,
                                                    ledger_desk: Desk) -> None:
    before = paths(ledger_desk)
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        page = await open_page(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, EntryForm)
        await choose(pilot, "grid.hp")
        await pilot.press("down")
        await choose(pilot, "501")
        await pilot.press("down", *"r1123", "down", *"r1123-0001", "down", *"86.5", "down",
                          *"cash", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LedgersScreen)
        [record] = records_written(ledger_desk, before)
        assert page.last_saved == record.id
        assert page.records[0].id == record.id
        assert any(record.id in str(n.message) for n in app._notifications)
    assert isinstance(record, L.Collection)
    assert (record.household, record.community, record.supermarket, record.round, record.order,
            record.grid_worker, record.amount_fen, record.method, record.operator) == (
        "hx-01-3-2-501", "hx-01", "hualian", "r1123", "r1123-0001", WORKER, 8650, "cash",
        SUPERVISOR)


@pytest.mark.parametrize(("amount", "message", "language"), [
    ("0", "Must be more than zero, got 0", "en"),  # the ledger's own validator
    ("0", "必须大于零，现为 0", "zh"),
    ("abc", "'abc' is not an amount in yuan", "en"),
    ("", "Give an amount in yuan", "en"),
])
async def test_a_bad_amount_is_said_under_it_and_nothing_is_written(
        console_app: ConsoleApp, ledger_desk: Desk, amount: str, message: str,
        language: str) -> None:
    before = paths(ledger_desk)
    app = console_app(language=language)
    values = {"grid_worker": WORKER, "household": "hx-01-3-2-501", "round": "r1123",
              "order": "o-1", "amount_fen": amount}
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(app, pilot)
        app.push_screen(EntryForm(BY_KEY["collection"], values))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EntryForm)
        assert message in str(form.query_one("#error-amount_fen").render())
        assert form.focused is form.query_one("#field-amount_fen")
    assert paths(ledger_desk) == before


VALUES: dict[str, dict[str, str]] = {
    "collection": {"grid_worker": WORKER, "household": "hx-02-1-1-101", "round": "r1123",
                   "order": "r1123-0002", "amount_fen": "48.00", "method": "wechat"},
    "iou": {"grid_worker": WORKER, "household": "hx-01-3-2-501", "round": "r1123",
            "order": "r1123-0001", "amount_fen": "143.00"},
    "settlement": {"grid_worker": WORKER, "household": "hx-01-3-2-501",
                   "ious": "20261123-0001-1", "amount_fen": "10", "method": "cash"},
    "invoice": {"supermarket": "hualian", "community": "hx-01", "round": "r1123",
                "lines": "rice-5kg 2 35.00\n大米 1 35\neggs-30 1 24.00", "fees": "配送费 5"},
    "stock_receipt": {"store": "west-depot", "item": "mask-10", "quantity": "40",
                      "source": "donation", "keeper": "keeper.liu", "donor": "某企业"},
    "stock_issue": {"store": "west-depot", "item": "mask-10", "quantity": "5",
                    "request": "20261123-0002-1", "unit": "光明社区居委会",
                    "signed_by": "主任 李梅"},
    "stock_return": {"store": "west-depot", "item": "thermo", "quantity": "2",
                     "unit": "和平社区居委会"},
    "stock_adjust": {"store": "west-depot", "item": "mask-10", "quantity": "-3",
                     "cause": "damaged", "note": "受潮"},
    "stock_count": {"store": "west-depot", "item": "thermo", "quantity": "10",
                    "counted_by": "keeper.liu"},
}
EXPECTED: dict[str, Callable[[Any], bool]] = {
    "collection": lambda r: r.amount_fen == 4800 and r.community == "hx-02",
    "iou": lambda r: r.amount_fen == 14300 and r.supermarket == "hualian",
    "settlement": lambda r: r.ious == ("20261123-0001-1",) and r.amount_fen == 1000,
    "invoice": lambda r: ([(x.item, x.quantity) for x in r.lines] == [
        ("rice-5kg", 2), ("rice-5kg", 1), ("eggs-30", 1)] and r.fees[0].amount_fen == 500),
    "stock_receipt": lambda r: r.source is L.Source.DONATION and r.donor == "某企业",
    "stock_issue": lambda r: r.request == "20261123-0002-1" and r.quantity == 5,
    "stock_return": lambda r: r.unit == "和平社区居委会" and r.issue == "",
    "stock_adjust": lambda r: r.quantity == -3 and r.cause is L.Cause.DAMAGED
    and r.note == "受潮",
    "stock_count": lambda r: r.quantity == 10 and r.counted_by == "keeper.liu",
}


@pytest.mark.parametrize("kind", list(VALUES))
async def test_every_form_saves_a_record_that_reads_back(
        console_app: ConsoleApp, ledger_desk: Desk, kind: str) -> None:
    before = paths(ledger_desk)
    app = console_app()
    saved: list[Saved | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(app, pilot)
        app.push_screen(EntryForm(BY_KEY[kind], VALUES[kind]), saved.append)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = [str(s.render()) for s in app.screen.query(".error.shown")]
        assert not errors
    [record] = records_written(ledger_desk, before)
    assert record.kind == kind and record.operator == SUPERVISOR
    assert EXPECTED[kind](record)
    assert saved and saved[0] is not None and saved[0].record == record


async def test_a_receipt_starts_from_its_invoice(console_app: ConsoleApp,
                                                 ledger_desk: Desk) -> None:
    [invoice] = ledger_desk.ledgers.append([L.draft(
        L.Invoice, time=at(10), supermarket="hualian", community="hx-01", round="r1123",
        lines=(L.InvoiceLine(item="rice-5kg", quantity=4, unit_price_fen=3500),
               L.InvoiceLine(item="eggs-30", quantity=2, unit_price_fen=2400)))],
        operator=SUPERVISOR, recorded=at(10))
    before = paths(ledger_desk)
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(app, pilot)
        app.push_screen(EntryForm(BY_KEY["receipt"], {"received_by": "drop.point.1"}))
        await settle(pilot)
        await choose(pilot, invoice.id[-6:])
        form = app.screen
        assert isinstance(form, EntryForm)
        assert form.typed()["lines"] == "rice-5kg 4\neggs-30 2"
        area = form.query_one("#field-lines")
        area.text = "rice-5kg 2 short\neggs-30 1 damaged"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
    [receipt] = records_written(ledger_desk, before)
    assert isinstance(receipt, L.Receipt) and receipt.invoice == invoice.id
    assert [(x.item, x.quantity, x.difference) for x in receipt.lines] == [
        ("rice-5kg", 2, L.Difference.SHORT), ("eggs-30", 1, L.Difference.DAMAGED)]


async def test_bad_lines_are_named_by_line(console_app: ConsoleApp, ledger_desk: Desk) -> None:
    before = paths(ledger_desk)
    app = console_app()
    values = {**VALUES["invoice"], "lines": "rice-5kg 2 35\ncaviar 1 9"}
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(app, pilot)
        app.push_screen(EntryForm(BY_KEY["invoice"], values))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = str(app.screen.query_one("#error-lines").render())
    assert "line 2: No item 'caviar' in the catalogue" in shown
    assert paths(ledger_desk) == before


async def test_a_correction_is_a_reversal(console_app: ConsoleApp, ledger_desk: Desk) -> None:
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        page = await open_page(app, pilot)
        await pilot.press("t", *"stock_count", "enter")
        await settle(pilot)
        app.push_screen(EntryForm(BY_KEY["stock_count"], VALUES["stock_count"]),
                        lambda saved: page.saved(saved.record.id) if saved else None)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [original] = page.records
        await pilot.press("r", *"数错了", "ctrl+s")
        await settle(pilot)
        assert [r.reverses for r in page.records] == [original.id, ""]
        body = str(page.query_one("#body").render())
        assert f"reversed by {page.records[0].id}" in body
        await pilot.press("j", "r")
        await settle(pilot)
        assert isinstance(app.screen, LedgersScreen)  # already reversed: refused, said so
    reversal = [r for r in records_written(ledger_desk) if r.reverses == original.id]
    assert [(r.reason, r.operator, r.body()) for r in reversal] == [
        ("数错了", SUPERVISOR, original.body())]


async def test_a_closed_period_is_refused_with_its_reason(console_app: ConsoleApp,
                                                          ledger_desk: Desk) -> None:
    ledger_desk.ledgers.close(at(0).date(), at(0).date(), signed_by=SUPERVISOR,
                              signed=at(11))
    before = paths(ledger_desk)
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(app, pilot)
        app.push_screen(EntryForm(BY_KEY["stock_count"], VALUES["stock_count"]))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = str(app.screen.query_one("#error-").render())
    assert "signed off" in shown
    assert paths(ledger_desk) == before


async def test_an_invoice_file_imported_from_the_page(console_app: ConsoleApp,
                                                      ledger_desk: Desk, tmp_path: Path) -> None:
    source = tmp_path / "invoice.csv"
    source.write_text("社区,轮次,商品,数量,单价\nhx-01,r1123,rice-5kg,3,35\n"
                      "hx-01,r1123,eggs-30,x,24\n", encoding="utf-8")
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        page = await open_page(app, pilot)
        await pilot.press("i", *str(source), "enter")
        await choose(pilot, "hualian")
        await pilot.press("ctrl+s")
        await settle(pilot)
        outcome = str(app.screen.query_one("#outcome").render())
        assert f"{source}:csv:3:数量/quantity" in outcome and "nothing was written" in outcome
        assert records_written(ledger_desk, paths(ledger_desk) - set()) == []
        source.write_text("社区,轮次,商品,数量,单价\nhx-01,r1123,rice-5kg,3,35\n",
                          encoding="utf-8")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LedgersScreen)
        assert page.kind == "invoice" and len(page.records) == 1
        await pilot.press("i", *str(source), "enter")
        await choose(pilot, "hualian")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Already recorded as" in str(app.screen.query_one("#outcome").render())
    assert len([r for r in records_written(ledger_desk) if isinstance(r, L.Invoice)]) == 1


async def test_the_settlement_run(console_app: ConsoleApp, ledger_desk: Desk) -> None:
    common = dict(community="hx-01", supermarket="hualian", round="r1123", grid_worker=WORKER)
    ious = ledger_desk.ledgers.append([
        L.draft(L.Iou, time=at(9), household="hx-01-3-2-501", order="o1", amount_fen=5000,
                **common),
        L.draft(L.Iou, time=at(9), household="hx-01-3-2-501", order="o2", amount_fen=2000,
                **common),
        L.draft(L.Iou, time=at(9), household="hx-02-1-1-101", order="o3", amount_fen=3000,
                **common)], operator=SUPERVISOR, recorded=at(9))
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(app, pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"grid.hp", "enter")
        await settle(pilot)
        run = app.screen
        assert isinstance(run, SettlementRunScreen) and run.run_ is not None
        assert [i.id for i in run.run_.ious] == [r.id for r in ious]
        await pilot.press("a", "ctrl+s", "y")
        await settle(pilot)
        assert [i.id for i in run.run_.ious] == [ious[2].id]
        await pilot.press("p")
        await settle(pilot)
    [settlement] = [r for r in records_written(ledger_desk) if isinstance(r, L.Settlement)]
    assert settlement.ious == (ious[0].id, ious[1].id) and settlement.amount_fen == 7000
    assert settlement.household == "hx-01-3-2-501" and settlement.operator == SUPERVISOR
    printed = sorted(p.name for p in (ledger_desk.root / "exports").iterdir())
    assert [p.rsplit(".", 1)[1] for p in printed] == ["csv", "txt"]


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_snapshots(console_app: ConsoleApp, ledger_desk: Desk,
                         snap: Callable[[BaogongApp, str], None], language: str) -> None:
    """The page with two collections, one reversed, and the collection form, at 80x24."""
    first, _second = ledger_desk.ledgers.append([
        L.draft(L.Collection, time=at(9, 5), household="hx-01-3-2-501", community="hx-01",
                supermarket="hualian", round="r1123", order="r1123-0001", grid_worker=WORKER,
                amount_fen=14300, method="cash"),
        L.draft(L.Collection, time=at(9, 20), household="hx-02-1-1-101", community="hx-02",
                supermarket="hualian", round="r1123", order="r1123-0002", grid_worker=WORKER,
                amount_fen=4800, method="wechat")], operator=SUPERVISOR, recorded=at(9, 30))
    ledger_desk.ledgers.reverse(first, reason="金额记错", time=at(10), recorded=at(10),
                                operator=SUPERVISOR)
    app = console_app(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(app, pilot)
        snap(app, "1-page")
        await pilot.press("n")
        await settle(pilot)
        snap(app, "2-collection-form")


async def test_a_desk_without_grid_workers_types_the_name(console_app: ConsoleApp,
                                                         ledger_desk: Desk) -> None:
    write_communities(ledger_desk.root, grid_workers=False)
    ledger_desk.refresh()
    assert not any(c.grid_workers for c in ledger_desk.communities.values())
    before = paths(ledger_desk)
    app = console_app()
    values = {k: v for k, v in VALUES["iou"].items() if k != "grid_worker"}
    async with app.run_test(size=(80, 24)) as pilot:
        await open_page(app, pilot)
        app.push_screen(EntryForm(BY_KEY["iou"], values))
        await settle(pilot)
        assert app.focused is app.screen.query_one("#field-grid_worker", TextField)
        await pilot.press(*"wang.grid", "ctrl+s")
        await settle(pilot)
    [record] = records_written(ledger_desk, before)
    assert isinstance(record, L.Iou) and record.grid_worker == "wang.grid"


async def test_yesterdays_record_is_reversed_today(console_app: ConsoleApp,
                                                   ledger_desk: Desk) -> None:
    [old] = ledger_desk.ledgers.append([L.draft(
        L.StockCount, time=at(17, day=22), store="west-depot", item="thermo", quantity=9,
        counted_by="keeper.liu")], operator=SUPERVISOR, recorded=at(17, day=22))
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        page = await open_page(app, pilot)
        await pilot.press("t", *"stock_count", "enter")
        await settle(pilot)
        assert page.records == ()
        await pilot.press("[")
        await settle(pilot)
        assert [r.id for r in page.records] == [old.id]
        assert "2026-11-22" in str(page.query_one("#body").render())
        await pilot.press("r", *"应为10", "ctrl+s")
        await settle(pilot)
        [reversal] = page.records  # back on today's list, the reversal on top
        assert reversal.reverses == old.id and reversal.time == at(11, 30)
        await pilot.press("[")
        await settle(pilot)
        assert f"reversed by {reversal.id}" in str(page.query_one("#body").render())
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, LedgersScreen)
        assert any("already reversed" in str(n.message) for n in app._notifications)
