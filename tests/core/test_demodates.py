"""A first start's copy of the demo desk is moved so its week of calls ends yesterday."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest

import core
from core.cases.store import CASES_DIR
from core.check import check_desk
from core.demo import copy_demo_desk, demo_desk_path
from core.demodates import newest_case_day, shift_case
from core.levels.authority import activations_dir, load_activations
from tui.cli import main

YESTERDAY = date(2027, 3, 10)


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo_desk(tmp_path_factory.mktemp("moved") / "desk", yesterday=YESTERDAY)


def case_files(root: Path) -> list[Path]:
    return sorted((root / CASES_DIR).glob("*/*/*/*.toml"))


def test_the_newest_case_is_yesterday_and_every_case_moved(moved: Path) -> None:
    shipped = demo_desk_path()
    days = (YESTERDAY - date(2026, 11, 22)).days
    assert newest_case_day(moved) == YESTERDAY
    assert len(case_files(moved)) == len(case_files(shipped))
    original = {c.uid: c for c in core.open_desk(shipped).cases}
    for case in core.open_desk(moved).cases:
        before = original.pop(case.uid)
        assert case == shift_case(before, days)
        assert case.created - before.created == timedelta(days=days)
        assert case.created.strftime("%Y%m%d") == case.id[:8]
        assert [e.time - b.time for e, b in zip(case.history, before.history, strict=True)] \
            == [timedelta(days=days)] * len(case.history)
    assert not original
    assert sorted(p.name for p in (moved / "signals").iterdir()) == [
        "2027-03-10.toml", "2027-03-11.toml"]
    text = (moved / "signals" / "2027-03-10.toml").read_text(encoding="utf-8")
    assert "date = 2027-03-10" in text and "# Market signals" in text  # comments kept
    # the week of price monitoring moves with the calls, each row's entry time too
    shipped_prices = core.open_desk(shipped).load(core.deskload.PRICES)
    moved_prices = core.open_desk(moved).load(core.deskload.PRICES)
    assert sorted(moved_prices) == [d + timedelta(days=days) for d in sorted(shipped_prices)]
    for day, prices in shipped_prices.items():
        again = moved_prices[day + timedelta(days=days)]
        assert [(r.key, r.fen, r.stock, r.entered_by) for r in again.price] == [
            (r.key, r.fen, r.stock, r.entered_by) for r in prices.price]
        assert {r.entered_at - p.entered_at for r, p in zip(again.price, prices.price,
                                                            strict=True)} == {timedelta(days)}
    # the level III activation the signals of the first day called for moves with them
    [shipped_record] = load_activations(shipped)[0]
    [moved_record] = load_activations(moved)[0]
    assert moved_record == attrs.evolve(
        shipped_record, time=shipped_record.time + timedelta(days=days),
        recorded_at=shipped_record.recorded_at + timedelta(days=days))
    assert [p.name for p in activations_dir(moved).iterdir()] == ["20270310-095000-zhou_min.toml"]


def test_the_shipped_desk_keeps_its_dates(moved: Path) -> None:
    assert newest_case_day(demo_desk_path()) == date(2026, 11, 22)
    assert (demo_desk_path() / "signals" / "2026-11-22.toml").exists()
    assert not list(moved.parent.glob(".*preparing"))


def test_the_moved_copy_checks_clean(moved: Path) -> None:
    report = check_desk(moved, workers=1)
    assert report.opened and not report.problems


def test_reconcile_finds_what_it_finds_on_the_shipped_desk(
        moved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixed = copy_demo_desk(tmp_path / "fixed")
    counts = []
    for root in (fixed, moved):
        assert main(["reconcile", "--desk", str(root), "--json"]) == 1
        counts.append(len(json.loads(capsys.readouterr().out)["findings"]))
    assert counts[0] == counts[1] > 0


def test_a_first_start_copies_the_demo_moved_to_yesterday(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from tui import deskpath

    monkeypatch.delenv("BAOGONG_DESK", raising=False)
    monkeypatch.setattr(deskpath, "user_desk_path", lambda: tmp_path / "data" / "desk")
    monkeypatch.setattr(deskpath, "demo_yesterday", lambda: YESTERDAY)
    root = deskpath.resolve_desk(None)
    assert newest_case_day(root) == YESTERDAY
