"""Who activates each level: recorded activations and de-escalations, on the right authority,
by a supervisor, append-only; the level in force is the last record, never the computed one."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import core
from core.levels import Level, NotASupervisor
from core.levels.authority import (
    Activation,
    ActivationRefused,
    Authorities,
    Authority,
    Change,
    NotTheAuthority,
    activations_dir,
    level_in_force,
    load_activations,
    record_change,
)
from core.levels.thresholds import desk_thresholds

ZONE = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 11, 25, 10, 5, tzinfo=ZONE)
NOW = T + timedelta(minutes=10)


def activate(desk: core.Desk, level: Level, authority: Authority, *, at: datetime = T,
             supervisor: str = "zhou.min", district: str = "", now: datetime = NOW
             ) -> Activation:
    return record_change(desk, Change.ACTIVATE, level, authority=authority, person="县长 刘建国",
                         reference="县政发〔2026〕12号", time=at, district=district,
                         supervisor=supervisor, now=now)


def test_the_seeds_name_who_starts_each_level(level_desk: core.Desk) -> None:
    authorities = Authorities()
    assert [authorities.of(level) for level in (Level.IV, Level.III, Level.II, Level.I)] == [
        Authority.STREET_OFFICE, Authority.STREET_OFFICE, Authority.COUNTY, Authority.CITY]
    demo, problems = desk_thresholds(Path(__file__).parents[2] / "fixtures" / "desk")
    assert problems == [] and demo is not None and demo.authority == authorities


def test_a_county_activation_of_level_two_is_recorded(level_desk: core.Desk) -> None:
    record = activate(level_desk, Level.II, Authority.COUNTY, district="hexi")
    files = list(activations_dir(level_desk.root).glob("*.toml"))
    assert [f.name for f in files] == ["20261125-101500-zhou_min.toml"]
    text = files[0].read_text(encoding="utf-8")
    for part in ('level = "II"', 'authority = "county"', "刘建国", "县政发", "zhou.min"):
        assert part in text
    records, problems = load_activations(level_desk.root, ["zhou.min"])
    assert problems == [] and records == [record]
    assert level_desk.levels.in_force(NOW) == {"hexi": Level.II}
    assert level_desk.levels.in_force(T - timedelta(minutes=1)) == {}


def test_the_street_office_may_not_start_level_two(level_desk: core.Desk) -> None:
    with pytest.raises(NotTheAuthority, match="county government"):
        activate(level_desk, Level.II, Authority.STREET_OFFICE)
    with pytest.raises(NotTheAuthority, match="city government"):
        activate(level_desk, Level.I, Authority.COUNTY)
    assert not list(activations_dir(level_desk.root).glob("*.toml"))
    # a higher authority may start a milder level
    assert activate(level_desk, Level.III, Authority.CITY).level is Level.III


def test_only_a_supervisor_records_with_a_person_and_reference(level_desk: core.Desk) -> None:
    with pytest.raises(NotASupervisor):
        activate(level_desk, Level.IV, Authority.STREET_OFFICE, supervisor="wang")
    for person, reference in (("", "x"), ("x", "  ")):
        with pytest.raises(ActivationRefused):
            record_change(level_desk, Change.ACTIVATE, Level.IV,
                          authority=Authority.STREET_OFFICE, person=person,
                          reference=reference, time=T, supervisor="zhou.min", now=NOW)
    with pytest.raises(ActivationRefused, match="to come"):
        activate(level_desk, Level.IV, Authority.STREET_OFFICE, at=NOW + timedelta(hours=1))
    with pytest.raises(ActivationRefused, match="district"):
        activate(level_desk, Level.IV, Authority.STREET_OFFICE, district="nowhere")
    assert not activations_dir(level_desk.root).exists() or not list(
        activations_dir(level_desk.root).glob("*.toml"))


def test_an_activation_raises_and_a_deescalation_lowers(level_desk: core.Desk) -> None:
    activate(level_desk, Level.III, Authority.STREET_OFFICE)
    with pytest.raises(ActivationRefused, match="already in force"):
        activate(level_desk, Level.IV, Authority.STREET_OFFICE, at=T + timedelta(minutes=1))
    activate(level_desk, Level.II, Authority.COUNTY, at=T + timedelta(minutes=2))
    # level II is ended by the county, not by the street office that started level III
    with pytest.raises(NotTheAuthority):
        record_change(level_desk, Change.DEESCALATE, Level.III,
                      authority=Authority.STREET_OFFICE, person="主任 王", reference="电话",
                      time=T + timedelta(minutes=3), supervisor="zhou.min", now=NOW)
    with pytest.raises(ActivationRefused, match="lowers"):
        record_change(level_desk, Change.DEESCALATE, Level.I, authority=Authority.CITY,
                      person="市长", reference="电话", time=T + timedelta(minutes=3),
                      supervisor="zhou.min", now=NOW)
    record_change(level_desk, Change.DEESCALATE, Level.NONE, authority=Authority.COUNTY,
                  person="县长 刘建国", reference="县政发〔2026〕15号",
                  time=T + timedelta(minutes=4), supervisor="zhou.min", now=NOW)
    records, _ = load_activations(level_desk.root)
    assert [(r.change, r.level) for r in records] == [
        (Change.ACTIVATE, Level.III), (Change.ACTIVATE, Level.II),
        (Change.DEESCALATE, Level.NONE)]
    assert level_in_force(records) is None
    assert level_in_force(records, at=T + timedelta(minutes=3)) == records[1]
    assert level_desk.levels.in_force(NOW) == {}


def test_a_record_by_someone_not_a_supervisor_is_a_problem(level_desk: core.Desk) -> None:
    activate(level_desk, Level.IV, Authority.STREET_OFFICE)
    path = next(activations_dir(level_desk.root).glob("*.toml"))
    path.write_text(path.read_text(encoding="utf-8").replace("zhou.min", "mallory"),
                    encoding="utf-8")
    records, problems = load_activations(level_desk.root, ["zhou.min"])
    assert records == [] and problems[0].field == "recorded_by" and problems[0].line
    with pytest.raises(core.DeskError):
        level_desk.levels.in_force(NOW)


def test_levels_toml_names_a_known_authority_in_order(tmp_path: Path) -> None:
    path = tmp_path / "levels.toml"
    path.write_text('[authority]\nII = "province"\n', encoding="utf-8")
    thresholds, problems = desk_thresholds(tmp_path)
    assert thresholds is None and problems[0].line == 2
    path.write_text('[authority]\nIV = "county"\nIII = "street_office"\n', encoding="utf-8")
    thresholds, problems = desk_thresholds(tmp_path)
    assert thresholds is None
    assert [(p.line, p.field) for p in problems] == [(3, "authority.III")]


def test_two_supervisors_at_once_never_both_raise_the_level(level_desk: core.Desk) -> None:
    """Two supervisors record level III in the same moment: the lock lets one in, and the other
    finds III in force and is refused (without it, both read "none" and both are written)."""
    errors: list[Exception] = []
    barrier = threading.Barrier(4)

    def one(minute: int) -> None:
        barrier.wait()
        try:
            activate(level_desk, Level.III, Authority.STREET_OFFICE,
                     at=T + timedelta(seconds=minute))
        except ActivationRefused as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records, _ = load_activations(level_desk.root)
    assert len(records) == 1 and len(errors) == 3
