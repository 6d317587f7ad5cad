"""Daily price monitoring (prices/<date>.toml): written atomically under a lock, attributed,
all or nothing; and the market signals observed from it."""

from __future__ import annotations

import json
import multiprocessing
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core.identity import os_account
from core.levels import Level
from core.levels.observed import observed_signals
from core.levels.prices import (
    BadCell,
    Necessity,
    PriceDay,
    PriceEntry,
    PriceRow,
    StockState,
    format_cell,
    parse_cell,
    prices_path,
    read_price_day,
    record_prices,
)
from core.problems import DeskError
from core.reference import Community, Supermarket
from core.reports import daily_report
from tests.conftest import Run

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 24)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, tzinfo=TZ)


def test_entered_rows_are_written_attributed_and_read_back(demo_desk: core.Desk) -> None:
    written = record_prices(demo_desk, DAY, [
        PriceEntry("hualian", Necessity.GRAIN, 3100),
        PriceEntry("hualian", Necessity.EGGS, None, StockState.OUT),
    ], operator="monitor.wang", now=at(9, 30))
    path = prices_path(demo_desk.root, DAY)
    read, problems = read_price_day(path, demo_desk.supermarkets)
    assert problems == [] and read == written
    eggs = read.row("hualian", Necessity.EGGS)
    assert eggs is not None and eggs.fen is None and eggs.stock is StockState.OUT
    assert eggs.entered_by == "monitor.wang" and eggs.entered_at == at(9, 30)
    # a row entered again replaces the old one and takes its operator; the others keep theirs
    record_prices(demo_desk, DAY, [PriceEntry("hualian", Necessity.EGGS, 2990, StockState.LOW)],
                  operator="monitor.chen", now=at(14))
    read, _problems = read_price_day(path, demo_desk.supermarkets)
    assert read is not None and len(read.price) == 2
    eggs, grain = read.row("hualian", Necessity.EGGS), read.row("hualian", Necessity.GRAIN)
    assert eggs is not None and (eggs.fen, eggs.entered_by) == (2990, "monitor.chen")
    assert grain is not None and (grain.entered_by, grain.entered_at) == ("monitor.wang", at(9, 30))
    assert demo_desk.load(core.deskload.PRICES)[DAY] == read


def test_a_bad_entry_writes_nothing(demo_desk: core.Desk) -> None:
    with pytest.raises(DeskError) as raised:
        record_prices(demo_desk, DAY, [PriceEntry("hualian", Necessity.GRAIN, 3100),
                                       PriceEntry("nowhere", Necessity.SALT, 200)],
                      operator="monitor.wang")
    assert "entry 2: unknown supermarket 'nowhere'" in raised.value.problems[0].message
    assert not prices_path(demo_desk.root, DAY).exists()
    with pytest.raises(DeskError, match="entered twice"):
        record_prices(demo_desk, DAY, [PriceEntry("hualian", Necessity.GRAIN, 3100),
                                       PriceEntry("hualian", Necessity.GRAIN, 3200)])
    assert not prices_path(demo_desk.root, DAY).exists()


def test_bad_values_are_refused_at_the_boundary() -> None:
    with pytest.raises(ValueError):
        PriceEntry("hualian", Necessity.GRAIN, 0)
    with pytest.raises(ValueError):
        PriceEntry("hualian", "rice", 100)


def test_a_file_of_another_day_or_with_a_row_twice_is_a_problem(demo_desk: core.Desk) -> None:
    path = prices_path(demo_desk.root, DAY)
    row = ('[[price]]\nsupermarket = "hualian"\nnecessity = "grain"\nentered_by = "li"\n'
           'entered_at = 2026-11-24T09:00:00+08:00\nfen = 3000\n')
    path.write_text("date = 2026-11-25\n" + row, encoding="utf-8")
    _day, problems = read_price_day(path, demo_desk.supermarkets)
    assert [(p.line, p.field) for p in problems] == [(1, "date")]
    path.write_text("date = 2026-11-24\n" + row + row.replace('"hualian"', '"nowhere"') + row,
                    encoding="utf-8")
    _day, problems = read_price_day(path, demo_desk.supermarkets)
    assert [(p.line, p.field) for p in problems] == [
        (9, "price[1].supermarket"), (14, "price[2]")]


def _enter(root: str, necessity: str, rounds: int, start: Any) -> None:
    desk = core.open_desk(root)
    start.wait()  # all writers at once: the race the lock prevents is at its widest
    for n in range(rounds):
        record_prices(desk, DAY, [PriceEntry("hualian", Necessity(necessity), 1000 + n)],
                      operator="monitor.wang")


def test_two_operators_entering_at_once_both_land(demo_desk: core.Desk) -> None:
    """Under the prices' lock each writer re-reads the day before replacing it: without the
    lock one operator's rows would be lost (a read-modify-write race)."""
    context = multiprocessing.get_context("fork")
    start = context.Barrier(4)
    workers = [context.Process(target=_enter, args=(str(demo_desk.root), n.value, 25, start))
               for n in (Necessity.GRAIN, Necessity.OIL, Necessity.PORK, Necessity.EGGS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    read, problems = read_price_day(prices_path(demo_desk.root, DAY), demo_desk.supermarkets)
    assert problems == [] and read is not None
    assert {(r.necessity, r.fen) for r in read.price} == {
        (n, 1024) for n in (Necessity.GRAIN, Necessity.OIL, Necessity.PORK, Necessity.EGGS)}


# --- observed signals ----------------------------------------------------------------------------

MARKETS = {"m": Supermarket("m", "超市", "Market", zone=("c",))}
COMMUNITIES = {"c": Community("c", "社区", "Community", district="d")}
START = date(2026, 11, 1)


Entry = tuple[Necessity, "int | None", StockState]


def days_of(rows: dict[int, list[Entry]]) -> dict[date, PriceDay]:
    found = {}
    for offset, entries in rows.items():
        day = START + timedelta(days=offset)
        found[day] = PriceDay(day, tuple(
            PriceRow("m", n, "li", datetime.combine(day, datetime.min.time(), TZ), fen, stock)
            for n, fen, stock in entries))
    return found


@settings(max_examples=200, deadline=None)
@given(base=st.integers(100, 100_000), rise_pct=st.integers(0, 300),
       necessity=st.sampled_from([Necessity.GRAIN, Necessity.OIL, Necessity.PORK]))
def test_prices_rising_r_percent_over_seven_days_give_a_weekly_rise_r(
        base: int, rise_pct: int, necessity: Necessity) -> None:
    final = base * (100 + rise_pct)
    # eight prices from base to base x (1 + r), never falling: the rise of the week is r
    fen = [base * 100 + (final - base * 100) * k // 7 for k in range(8)]
    days = days_of({k: [(necessity, fen[k], StockState.OK)] for k in range(8)})
    found = observed_signals(days, MARKETS, COMMUNITIES, "d", START + timedelta(days=7))
    assert found is not None
    rise = (found.signals.grain_oil_weekly_rise if necessity is not Necessity.PORK
            else found.signals.lean_pork_weekly_rise)
    assert rise == pytest.approx(rise_pct / 100, abs=1e-9)
    other = (found.signals.lean_pork_weekly_rise if necessity is not Necessity.PORK
             else found.signals.grain_oil_weekly_rise)
    assert other == 0


@settings(max_examples=100, deadline=None)
@given(states=st.lists(st.sampled_from(list(StockState)), min_size=1, max_size=15))
def test_tight_days_are_the_run_of_low_or_out_days_up_to_the_day(
        states: list[StockState]) -> None:
    days = days_of({k: [(Necessity.EGGS, 990, s), (Necessity.SALT, 200, StockState.OK)]
                    for k, s in enumerate(states)})
    found = observed_signals(days, MARKETS, COMMUNITIES, "d",
                             START + timedelta(days=len(states) - 1))
    assert found is not None
    run = 0
    for state in reversed(states):
        if state is StockState.OK:
            break
        run += 1
    assert found.signals.tight_days == run
    assert found.signals.stockout == (states[-1] is StockState.OUT)


def test_a_missing_day_ends_the_run_and_no_prices_is_no_signals() -> None:
    low: list[Entry] = [(Necessity.EGGS, 990, StockState.LOW)]
    days = days_of({0: low, 1: low, 3: low})
    found = observed_signals(days, MARKETS, COMMUNITIES, "d", START + timedelta(days=3))
    assert found is not None and found.signals.tight_days == 1
    assert observed_signals(days, MARKETS, COMMUNITIES, "d", START + timedelta(days=2)) is None


def test_reserve_stores_below_the_tight_cover_make_a_day_tight() -> None:
    calm: list[Entry] = [(Necessity.PORK, 1690, StockState.OK)]
    days = days_of({0: calm, 1: calm, 2: calm})
    tight = {START + timedelta(days=n): (Necessity.PORK,) for n in (1, 2)}
    found = observed_signals(days, MARKETS, COMMUNITIES, "d", START + timedelta(days=2),
                             reserve_tight=tight)
    assert found is not None and found.signals.tight_days == 2 and found.tight == (
        Necessity.PORK,)


def test_only_the_area_s_supermarkets_count() -> None:
    markets = {**MARKETS, "far": Supermarket("far", "远", "Far", zone=("x",))}
    communities = {**COMMUNITIES, "x": Community("x", "外", "Out", district="other")}
    day = START + timedelta(days=1)
    days = {d: PriceDay(d, (PriceRow("far", Necessity.EGGS, "li", datetime(2026, 11, 1, tzinfo=TZ),
                                     None, StockState.OUT),)) for d in (START, day)}
    found = observed_signals(days, markets, communities, "d", day)
    assert found is not None and found.signals.tight_days == 0 and not found.signals.stockout
    whole = observed_signals(days, markets, communities, "", day)
    assert whole is not None and whole.signals.stockout and whole.signals.tight_days == 2


def test_the_demo_desk_prices_load_clean(demo_desk_dir: Path) -> None:
    desk = core.open_desk(demo_desk_dir)
    days = desk.load(core.deskload.PRICES)
    assert sorted(days) == [date(2026, 11, 16) + timedelta(days=n) for n in range(8)]
    assert desk.problems == []


def test_a_write_that_fails_leaves_the_day_as_it_was(demo_desk: core.Desk,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The day is replaced atomically: a write that fails before the new file is on disk (here
    its flush) leaves the old file whole, and no half-written one in its place."""
    record_prices(demo_desk, DAY, [PriceEntry("hualian", Necessity.GRAIN, 3100)],
                  operator="monitor.wang")
    path = prices_path(demo_desk.root, DAY)
    before = path.read_bytes()

    def no_disk(_fd: int) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr("os.fsync", no_disk)
    with pytest.raises(OSError, match="disk gone"):
        record_prices(demo_desk, DAY, [PriceEntry("hualian", Necessity.OIL, 6490)],
                      operator="monitor.wang")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


# --- the cells of the entry screen -----------------------------------------------------------


@given(fen=st.one_of(st.none(), st.integers(1, 10_000_000)),
       stock=st.sampled_from(list(StockState)), lang=st.sampled_from(["zh", "en"]))
def test_a_cell_written_is_read_back(fen: int | None, stock: StockState, lang: str) -> None:
    if fen is None and stock is not StockState.OUT:
        return  # no such cell: a price is needed unless the necessity is out
    assert parse_cell(format_cell(fen, stock, lang)) == (fen, stock)


@pytest.mark.parametrize(("text", "expected"), [
    ("", None), ("  ", None), ("32.9", (3290, StockState.OK)), ("¥32.90", (3290, StockState.OK)),
    ("32.90 低", (3290, StockState.LOW)), ("32 LOW", (3200, StockState.LOW)),
    ("缺", (None, StockState.OUT)), ("38 out", (3800, StockState.OUT)),
])
def test_cells(text: str, expected: tuple[int | None, StockState] | None) -> None:
    assert parse_cell(text) == expected


@pytest.mark.parametrize("text", ["abc", "32.901", "0", "低", "3 4", "3 低 缺", "-5", "1e3"])
def test_bad_cells_say_why(text: str) -> None:
    with pytest.raises(BadCell):
        parse_cell(text)


# --- the import ------------------------------------------------------------------------------

SHEET = """日期,超市,品类,价格（元）,货源
2026-11-24,hualian,粮食,32.90,有
2026-11-24,永辉超市（滨河店）,eggs,,缺
2026-11-25,Hualian Supermarket (Changfeng),pork,18.5,low
"""


def test_a_sheet_is_imported_by_day_and_attributed(run: Run, demo_desk_dir: Path,
                                                   tmp_path: Path) -> None:
    sheet = tmp_path / "prices.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    status, out, err = run("prices", str(sheet), "--json", "--desk", str(demo_desk_dir))
    assert status == 0, err
    assert json.loads(out) == {"rows": 3, "days": ["2026-11-24", "2026-11-25"],
                               "written": True, "rejected": []}
    desk = core.open_desk(demo_desk_dir)
    first, problems = read_price_day(prices_path(desk.root, DAY), desk.supermarkets)
    assert problems == [] and first is not None
    assert {(r.supermarket, r.necessity, r.fen, r.stock) for r in first.price} == {
        ("hualian", Necessity.GRAIN, 3290, StockState.OK),
        ("yonghui", Necessity.EGGS, None, StockState.OUT)}
    assert {r.entered_by for r in first.price} == {os_account()}
    second, _problems = read_price_day(prices_path(desk.root, DAY + timedelta(days=1)), None)
    assert second is not None and second.price[0].fen == 1850


def test_a_bad_row_is_named_and_nothing_is_written(run: Run, demo_desk_dir: Path,
                                                   tmp_path: Path) -> None:
    sheet = tmp_path / "prices.csv"
    sheet.write_text(SHEET + "2026-11-24,nowhere,盐,2,有\n2026-11-24,hualian,粮食,abc,\n"
                     "2026-11-24,hualian,grain,33,\n", encoding="utf-8")
    status, _out, err = run("prices", str(sheet), "--desk", str(demo_desk_dir))
    assert status == 1
    assert "prices.csv:csv:5: 'nowhere' is not a supermarket" in err
    assert "prices.csv:csv:6: 'abc' is not a price in yuan" in err
    assert "prices.csv:csv:7: hualian grain on 2026-11-24 is given twice" in err
    assert not prices_path(demo_desk_dir, DAY).exists()
    status, out, _err = run("prices", str(sheet), "--dry-run", "--desk", str(demo_desk_dir))
    assert status == 1 and "would enter" in out
    assert not prices_path(demo_desk_dir, DAY).exists()
    no_dates = tmp_path / "today.csv"
    no_dates.write_text("supermarket,necessity,price\nhualian,salt,2\n", encoding="utf-8")
    status, _out, err = run("prices", str(no_dates), "--desk", str(demo_desk_dir))
    assert status == 1 and "no date" in err
    status, _out, err = run("prices", str(no_dates), "--date", "2026-11-24",
                            "--desk", str(demo_desk_dir))
    assert status == 0, err
    assert prices_path(demo_desk_dir, DAY).exists()


def test_a_broken_day_of_prices_stops_the_levels_and_the_report(demo_desk: core.Desk) -> None:
    """Levels are never computed past a prices file that cannot be read: the file and line."""
    day = date(2026, 11, 21)
    (demo_desk.root / "prices" / f"{day}.toml").write_text("date = 2026-11-21\nprice = 3\n",
                                                           encoding="utf-8")
    with pytest.raises(DeskError) as raised:
        demo_desk.levels.on(day)
    assert raised.value.problems[0].path.name == "2026-11-21.toml"
    with pytest.raises(DeskError):
        daily_report(demo_desk, day)
    # a day whose window does not reach the broken file is unaffected
    assert demo_desk.levels.on(date(2026, 11, 20)) == {"hexi": Level.IV}


def test_a_season_of_days_is_parsed_once_and_a_changed_day_again(
        demo_desk: core.Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """The levels and reports read every day's prices on each call; an unchanged file is not
    parsed again, a day entered since is."""
    from core.levels import prices

    parsed: list[Path] = []
    real = prices.read_toml

    def counting(path: Path):  # type: ignore[no-untyped-def]
        parsed.append(path)
        return real(path)

    monkeypatch.setattr(prices, "read_toml", counting)
    record_prices(demo_desk, DAY, [PriceEntry("hualian", Necessity.GRAIN, 3100)],
                  operator="monitor.wang", now=at(9))
    first, _ = prices.load_price_days(demo_desk.root, demo_desk.supermarkets)
    assert first[DAY].row("hualian", Necessity.GRAIN) is not None
    parsed.clear()
    again, _ = prices.load_price_days(demo_desk.root, demo_desk.supermarkets)
    assert again == first and parsed == []
    record_prices(demo_desk, DAY, [PriceEntry("hualian", Necessity.GRAIN, 3300)],
                  operator="monitor.chen", now=at(10))
    parsed.clear()
    changed, _ = prices.load_price_days(demo_desk.root, demo_desk.supermarkets)
    grain = changed[DAY].row("hualian", Necessity.GRAIN)
    assert parsed == [prices_path(demo_desk.root, DAY)]
    assert grain is not None and (grain.fen, grain.entered_by) == (3300, "monitor.chen")
