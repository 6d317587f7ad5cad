"""The desk's shifts: which shift a moment falls in, the one handed over, desk.toml's list."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.desk import load_settings
from core.shifts import (
    DEFAULT_SHIFTS,
    ShiftTime,
    shift_at,
    shift_before,
    shift_to_hand_over,
    shifts_on,
)

ZONE = ZoneInfo("Asia/Shanghai")
THREE = (ShiftTime("早班", "07:00", "Early"), ShiftTime("中班", "15:00", "Middle"),
         ShiftTime("晚班", "23:00", "Late"))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


@pytest.mark.parametrize(("moment", "name", "start", "end"), [
    (at(23, 7, 59), "夜班", at(22, 20), at(23, 8)),
    (at(23, 8), "白班", at(23, 8), at(23, 20)),
    (at(23, 19, 59), "白班", at(23, 8), at(23, 20)),
    (at(23, 20), "夜班", at(23, 20), at(24, 8)),
    (at(23, 23, 59), "夜班", at(23, 20), at(24, 8)),
])
def test_the_two_default_shifts(moment: datetime, name: str, start: datetime,
                                end: datetime) -> None:
    shift = shift_at(DEFAULT_SHIFTS, moment, ZONE)
    assert (shift.name, shift.start, shift.end) == (name, start, end)
    assert moment in shift


def test_a_moment_in_another_zone_is_placed_in_the_desk_s_day() -> None:
    utc = datetime(2026, 11, 23, 0, 30, tzinfo=ZoneInfo("UTC"))  # 08:30 in Shanghai
    assert shift_at(DEFAULT_SHIFTS, utc, ZONE).name == "白班"


def test_three_shifts_round_the_clock_and_the_one_before() -> None:
    late = shift_at(THREE, at(23, 2), ZONE)
    assert (late.name, late.start, late.end) == ("晚班", at(22, 23), at(23, 7))
    assert shift_before(THREE, late, ZONE).name == "中班"
    assert [s.name for s in shifts_on(THREE, date(2026, 11, 23), ZONE)] == ["早班", "中班", "晚班"]
    assert late.label("en") == "Late" and late.label("zh") == "晚班"


def test_the_shift_handed_over_is_the_one_ending() -> None:
    assert shift_to_hand_over(DEFAULT_SHIFTS, at(23, 19, 40), ZONE).name == "白班"
    just_after = shift_to_hand_over(DEFAULT_SHIFTS, at(23, 20, 30), ZONE)
    assert (just_after.name, just_after.start) == ("白班", at(23, 8))
    assert shift_to_hand_over(DEFAULT_SHIFTS, at(23, 21, 30), ZONE).name == "夜班"


@pytest.mark.parametrize(("toml", "field", "line", "message"), [
    ('[[shifts]]\nname = "早班"\nstart = "7am"\n', "shifts[0].start", 4, "not a time of day"),
    ('[[shifts]]\nname = "早班"\nstart = "24:00"\n', "shifts[0].start", 4, "not a time of day"),
    ('[[shifts]]\nname = " "\nstart = "07:00"\n', "shifts[0].name", 3, "needs a name"),
    ("shifts = []\n", "shifts", 2, "at least one shift"),
    ('[[shifts]]\nname = "a"\nstart = "08:00"\n[[shifts]]\nname = "b"\nstart = "08:00"\n',
     "shifts", 2, "two shifts start at 08:00"),
    ('[[shifts]]\nname = "a"\nstart = "08:00"\n[[shifts]]\nname = "a"\nstart = "20:00"\n',
     "shifts", 2, "two shifts are named 'a'"),
])
def test_bad_shifts_in_desk_toml_name_the_field_and_line(tmp_path: Path, toml: str, field: str,
                                                         line: int, message: str) -> None:
    path = tmp_path / "desk.toml"
    path.write_text('name = "测试热线"\n' + toml, encoding="utf-8")
    settings, problems = load_settings(path)
    assert settings is None
    assert [(p.field, p.line) for p in problems] == [(field, line)]
    assert message in problems[0].message


def test_desk_toml_shifts_are_read_and_default_to_two(tmp_path: Path) -> None:
    path = tmp_path / "desk.toml"
    path.write_text('name = "测试热线"\n', encoding="utf-8")
    settings, _problems = load_settings(path)
    assert settings is not None and settings.shifts == DEFAULT_SHIFTS
    path.write_text('name = "测试热线"\n' + "".join(
        f'[[shifts]]\nname = "{s.name}"\nname_en = "{s.name_en}"\nstart = "{s.start}"\n'
        for s in THREE), encoding="utf-8")
    settings, _problems = load_settings(path)
    assert settings is not None and settings.shifts == THREE


def test_the_desk_s_shifts_answer_every_question() -> None:
    """``desk.shifts`` is the one place the handover, the shift report and the console ask."""
    from core.shifts import Shifts

    shifts = Shifts(THREE, ZONE)
    assert shifts.at(at(23, 2)) == shift_at(THREE, at(23, 2), ZONE)
    assert shifts.before(shifts.at(at(23, 2))).name == "中班"
    assert shifts.to_hand_over(at(23, 7, 30)).name == "晚班"
    assert shifts.received_at(at(23, 16)).name == "早班"
    assert [s.name for s in shifts.on(date(2026, 11, 23))] == ["早班", "中班", "晚班"]
