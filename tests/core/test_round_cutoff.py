"""Which round an order goes to: orders in by 11:00 on day 1, desk time, else the next round."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core.roundorders import open_round_for, round_for
from core.rounds import read_round

ZONE = ZoneInfo("Asia/Shanghai")


def _round(root: Path, day_one: date) -> None:
    (root / "rounds").mkdir(exist_ok=True)
    code = f"r{day_one:%m%d}"
    (root / "rounds" / f"{code}.toml").write_text(
        f'# round {code}\nschema_version = 1\nround = "{code}"\nday_one = {day_one}\n',
        encoding="utf-8")


def _at(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZONE)


@pytest.mark.parametrize(("hh", "mm", "code"), [(10, 59, "r1125"), (11, 0, "r1125"),
                                                 (11, 1, "r1128")])
def test_orders_are_in_by_eleven_on_day_one(demo_desk: core.Desk, hh: int, mm: int,
                                             code: str) -> None:
    found, message = open_round_for(demo_desk, _at(date(2026, 11, 25), hh, mm))
    assert found == code
    if code == "r1125":
        assert (message.zh, message.en) == ("", "")
        assert not (demo_desk.root / "rounds" / "r1128.toml").exists()
    else:
        assert "r1125" in message.en and "cut-off" in message.en and "r1128" in message.en
        assert "截单" in message.zh and "新建 r1128" in message.zh
        made = read_round(demo_desk, demo_desk.root / "rounds" / "r1128.toml")
        assert (made.code, made.day_one, made.orders) == ("r1128", date(2026, 11, 28), ())


def test_the_next_round_is_made_once(demo_desk: core.Desk) -> None:
    at = _at(date(2026, 11, 26), 9, 0)
    first = open_round_for(demo_desk, at)
    path = demo_desk.root / "rounds" / "r1128.toml"
    made = path.read_bytes()
    again = open_round_for(demo_desk, at + timedelta(hours=1))
    assert first[0] == again[0] == "r1128"
    assert "started" in first[1].en and "started" not in again[1].en
    assert "r1125" in again[1].en  # still says why the order is not in r1125
    assert path.read_bytes() == made
    assert sorted(p.name for p in (demo_desk.root / "rounds").glob("*.toml")) == [
        "r1125.toml", "r1128.toml"]


def test_the_cut_off_is_desk_time(demo_desk: core.Desk) -> None:
    assert round_for(demo_desk, datetime(2026, 11, 25, 3, 0, tzinfo=UTC)).code == "r1125"
    assert round_for(demo_desk, datetime(2026, 11, 25, 3, 1, tzinfo=UTC)).code == "r1128"


@pytest.mark.parametrize(("day_one", "next_day"), [
    (date(2026, 11, 30), date(2026, 12, 3)),
    (date(2026, 12, 31), date(2027, 1, 3)),
    (date(2028, 2, 28), date(2028, 3, 2)),  # a leap year
])
def test_the_next_round_across_month_and_year_ends(empty_desk: core.Desk, day_one: date,
                                                   next_day: date) -> None:
    _round(empty_desk.root, day_one)
    assert open_round_for(empty_desk, _at(day_one, 11, 0))[0] == f"r{day_one:%m%d}"
    code, message = open_round_for(empty_desk, _at(day_one, 11, 1))
    assert code == f"r{next_day:%m%d}"
    assert f"day one {next_day:%m-%d}" in message.en
    made = read_round(empty_desk, empty_desk.root / "rounds" / f"{code}.toml")
    assert made.day_one == next_day


def test_an_idle_desk_skips_to_the_round_still_taking_orders(demo_desk: core.Desk) -> None:
    # r1128 and r1201 closed while nobody ordered: the order goes to r1204, not into the past
    code, message = open_round_for(demo_desk, _at(date(2026, 12, 2), 10, 0))
    assert code == "r1204"
    assert message.en.startswith("past round r1201's cut-off (12-01 11:00)")
    assert read_round(demo_desk, demo_desk.root / "rounds" / "r1204.toml").day_one == date(
        2026, 12, 4)


def test_a_desk_without_rounds_starts_one(empty_desk: core.Desk) -> None:
    assert round_for(empty_desk, _at(date(2026, 12, 2), 10, 0)).code == "r1202"
    code, message = open_round_for(empty_desk, _at(date(2026, 12, 2), 11, 1))
    assert code == "r1203"
    assert message.en == "round r1203 started"


def test_a_time_without_zone_is_refused(demo_desk: core.Desk) -> None:
    with pytest.raises(ValueError, match="time zone"):
        round_for(demo_desk, datetime(2026, 11, 25, 10, 0))


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(min_value=-3 * 24 * 60, max_value=60 * 24 * 60))
def test_the_chosen_round_is_the_first_whose_cut_off_is_not_past(minutes: int,
                                                                  tmp_path_factory:
                                                                  pytest.TempPathFactory
                                                                  ) -> None:
    root = tmp_path_factory.mktemp("desk")
    (root / "desk.toml").write_text('name = "t"\ntime_zone = "Asia/Shanghai"\n',
                                    encoding="utf-8")
    first = date(2026, 12, 29)
    _round(root, first)
    desk = core.open_desk(root)
    try:
        at = _at(first, 11, 0) + timedelta(minutes=minutes)
        found = round_for(desk, at)
        closes = _at(found.day_one, 11, 0)
        assert at <= closes
        if found.day_one > first:
            assert (found.day_one - first).days % 3 == 0
            assert at > closes - timedelta(days=3)  # the round before had closed
            assert not found.exists and found.message.en
        else:
            assert found.exists and found.code == "r1229"
    finally:
        desk.cases.index.close()
