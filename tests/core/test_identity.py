"""Identity comes from the system: the operator is the process's account, supervisors are named
by the desk and checked against that account (core.identity)."""

from __future__ import annotations

import grp
import os
import pwd
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import core
from core import identity
from core import ledger as L
from core.cases.case import apply
from core.desk import current_operator
from core.identity import NotASupervisor, NotTheOperator
from core.ledger import Ledgers
from core.levels import Level, load_decisions, set_manual_level
from tests.conftest import MINIMAL_SETTINGS

T = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
ME = identity.os_account()


def receipt() -> L.Draft:
    return L.draft(L.StockReceipt, time=T, store="depot", item="mask-kn95-10", quantity=5,
                   source=L.Source.DONATION, donor="红十字会", keeper="k")


def desk_with(root: Path, extra: str) -> core.Desk:
    root.mkdir()
    settings = MINIMAL_SETTINGS.replace("training = true\n", "") + extra
    (root / "desk.toml").write_text(settings, encoding="utf-8")
    return core.open_desk(root)


@pytest.fixture
def real_desk(tmp_path: Path) -> Iterator[core.Desk]:
    """Not a training desk; ``zhou.min`` is its listed supervisor, this process is not."""
    desk = desk_with(tmp_path / "desk", 'supervisors = ["zhou.min"]\n')
    yield desk
    desk.cases.index.close()


def test_the_operator_is_the_os_account_whatever_logname_says(
        real_desk: core.Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "zhou.min")
    assert pwd.getpwuid(os.getuid()).pw_name == ME
    assert current_operator() == ME
    case = real_desk.cases.create(core.Category.RUMOUR, description="谣言")
    assert case.created_by == ME and case.history[-1].operator == ME
    acted = real_desk.cases.act(case, core.Action.NOTE, note="x")
    assert acted.history[-1].operator == ME
    (record,) = Ledgers(real_desk).append([receipt()])
    assert record.operator == ME


def test_another_name_is_refused_on_a_desk_that_is_not_for_training(
        real_desk: core.Desk) -> None:
    with pytest.raises(NotTheOperator, match="training = true"):
        real_desk.cases.create(core.Category.RUMOUR, operator="zhou.min")
    case = real_desk.cases.create(core.Category.RUMOUR, operator=ME)
    with pytest.raises(NotTheOperator):
        real_desk.cases.act(case, core.Action.NOTE, operator="zhou.min", note="x")
    forged = apply(case, core.Action.NOTE, operator="zhou.min", time=T,
                   rules=real_desk.settings.sla, note="x")
    with pytest.raises(NotTheOperator):
        real_desk.cases.save(case, forged)
    assert real_desk.cases.get(case.id) == case  # nothing was written
    with pytest.raises(NotTheOperator):
        Ledgers(real_desk).append([receipt()], operator="zhou.min")


def test_a_listed_supervisor_name_does_not_make_a_supervisor(real_desk: core.Desk) -> None:
    with pytest.raises(NotTheOperator):
        set_manual_level(real_desk, Level.II, reason="排队", supervisor="zhou.min", time=T)
    with pytest.raises(NotASupervisor, match="not a supervisor"):
        set_manual_level(real_desk, Level.II, reason="排队", time=T)
    with pytest.raises(PermissionError):
        Ledgers(real_desk).close(date(2026, 11, 16), date(2026, 11, 18), signed_by="zhou.min")
    with pytest.raises(NotASupervisor):
        Ledgers(real_desk).close(date(2026, 11, 16), date(2026, 11, 18))
    assert not (real_desk.root / "levels").exists()
    assert not (real_desk.root / "ledgers" / "periods").exists()


def test_the_process_listed_as_supervisor_acts_under_its_own_name(tmp_path: Path) -> None:
    desk = desk_with(tmp_path / "desk", f'supervisors = ["{ME}"]\n')
    decision = set_manual_level(desk, Level.II, reason="排队", time=T)
    assert decision.supervisor == ME
    assert load_decisions(desk.root, identity.supervisors(desk))[0] == [decision]
    close = Ledgers(desk).close(date(2026, 11, 16), date(2026, 11, 18), signed=T)
    assert close.signed_by == ME
    assert Ledgers(desk).closes().closes == (close,)


def test_members_of_the_supervisor_group_are_supervisors(tmp_path: Path) -> None:
    my_group = grp.getgrgid(pwd.getpwuid(os.getuid()).pw_gid).gr_name
    desk = desk_with(tmp_path / "desk", f'supervisor_group = "{my_group}"\n')
    assert identity.is_supervisor(desk, ME) and ME in identity.supervisors(desk)
    assert set_manual_level(desk, Level.III, reason="断货", time=T).supervisor == ME
    other = desk_with(tmp_path / "other", 'supervisor_group = "no-such-group-bg"\n')
    assert not identity.is_supervisor(other, ME)
    with pytest.raises(NotASupervisor, match="group no-such-group-bg"):
        set_manual_level(other, Level.III, reason="断货", time=T)
    assert any(p.field == "supervisor_group" and "no-such-group-bg" in p.message
               for p in other.problems)


def test_a_training_desk_takes_the_name_given(empty_desk: core.Desk) -> None:
    assert empty_desk.settings.training
    case = empty_desk.cases.create(core.Category.RUMOUR, operator="li.na")
    assert case.created_by == "li.na"


def test_the_app_refuses_operator_on_a_desk_that_is_not_for_training(
        real_desk: core.Desk) -> None:
    # in a child process with a time limit: were --operator believed, the app would start
    started = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--desk", str(real_desk.root), "--operator",
         "zhou.min"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={**os.environ, "LOGNAME": "zhou.min", "USER": "zhou.min"})
    assert started.returncode == 2
    assert f"runs as {ME!r} and cannot act as 'zhou.min'" in started.stderr
    assert "--operator" in started.stderr and "training = true" in started.stderr
    recorded = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--desk", str(real_desk.root), "--operator",
         "zhou.min", "--record", str(real_desk.root / "session.toml")], capture_output=True,
        text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert recorded.returncode == 2 and "cannot act as 'zhou.min'" in recorded.stderr
    assert not (real_desk.root / "session.toml").exists()
