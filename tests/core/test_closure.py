"""Closure approval (审核办结) and the closed loop: what desk.toml's [closure] asks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import core
from core.cases.case import Action, CaseStatus, ClosedLoopError, TransitionError
from core.cases.escalation import DEFAULT_CLOSURE, ClosureRules
from core.identity import NotASupervisor
from core.problems import DeskError
from tests.conftest import MINIMAL_SETTINGS

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
CLOSURE = """
[closure]
approval = ["price_gouging"]
on_the_spot = ["supply_inquiry"]
"""


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[core.Desk]:
    root = tmp_path / "desk"
    root.mkdir()
    (root / "desk.toml").write_text(MINIMAL_SETTINGS + 'supervisors = ["zhou.min"]\n' + CLOSURE,
                                    encoding="utf-8")
    opened = core.open_desk(root)
    yield opened
    opened.cases.index.close()


def test_a_resolution_needing_approval_waits_for_a_supervisor(desk: core.Desk) -> None:
    store = desk.cases
    case = store.create(core.Category.PRICE_GOUGING, operator="li", created=T0)
    case = store.act(case, Action.DISPATCH, operator="li", time=T0 + timedelta(hours=1))
    case = store.act(case, Action.RESOLVE, operator="li", note="已查处",
                     time=T0 + timedelta(hours=5))
    assert case.status is CaseStatus.AWAITING_APPROVAL and case.is_open
    assert case.callback_due is None
    with pytest.raises(NotASupervisor):
        store.act(case, Action.APPROVE, operator="li", time=T0 + timedelta(hours=6))
    with pytest.raises(TransitionError, match="reason"):
        store.act(case, Action.SEND_BACK, operator="zhou.min", note=" ")
    sent_back = store.act(case, Action.SEND_BACK, operator="zhou.min", note="未附处罚决定书",
                          time=T0 + timedelta(hours=6))
    assert sent_back.status is CaseStatus.IN_PROGRESS
    assert (sent_back.history[-1].operator, sent_back.history[-1].note) == (
        "zhou.min", "未附处罚决定书")
    again = store.act(sent_back, Action.RESOLVE, operator="li", time=T0 + timedelta(hours=8))
    approved = store.act(again, Action.APPROVE, operator="zhou.min",
                         time=T0 + timedelta(hours=9))
    assert approved.status is CaseStatus.RESOLVED and not approved.is_open
    assert approved.callback_due is not None and approved.history[-1].operator == "zhou.min"


def test_a_category_without_approval_resolves_at_once(desk: core.Desk) -> None:
    case = desk.cases.create(core.Category.GROCERIES, operator="li", created=T0)
    case = desk.cases.act(case, Action.DISPATCH, operator="li")
    assert desk.cases.act(case, Action.RESOLVE, operator="li").status is CaseStatus.RESOLVED


def test_skipping_the_closed_loop_is_refused_in_both_languages(desk: core.Desk) -> None:
    case = desk.cases.create(core.Category.GROCERIES, operator="li", created=T0)
    with pytest.raises(ClosedLoopError) as refused:
        desk.cases.act(case, Action.RESOLVE, operator="li")
    assert "派单" in refused.value.message("zh") and "dispatch" in refused.value.message("en")
    assert desk.cases.get(case.id).status is CaseStatus.ACCEPTED
    inquiry = desk.cases.create(core.Category.SUPPLY_INQUIRY, operator="li", created=T0)
    answered = desk.cases.act(inquiry, Action.RESOLVE, operator="li", note="当场答复")
    assert answered.status is CaseStatus.RESOLVED


def test_a_desk_without_closure_rules_keeps_resolving_as_before(
        empty_desk: core.Desk) -> None:
    case = empty_desk.cases.create(core.Category.PRICE_GOUGING, operator="li", created=T0)
    assert empty_desk.cases.act(case, Action.RESOLVE, operator="li").status is (
        CaseStatus.RESOLVED)


def test_init_writes_the_default_closure_rules() -> None:
    assert DEFAULT_CLOSURE.needs_approval(core.Category.PRICE_GOUGING)
    assert not DEFAULT_CLOSURE.needs_approval(core.Category.GROCERIES)
    assert DEFAULT_CLOSURE.answers_on_the_spot(core.Category.POLICY_INQUIRY)
    assert not DEFAULT_CLOSURE.answers_on_the_spot(core.Category.GROCERIES)
    assert ClosureRules().answers_on_the_spot(core.Category.GROCERIES)


@pytest.mark.parametrize(("section", "field"), [
    ('[closure]\napproval = ["no_such_category"]\n', "approval"),
    ('[ladder]\ntiers = [{ step = "a", after_hours = 2 }, { step = "b", after_hours = 1 }]\n',
     "after_hours"),
    ('[ladder]\non_reply = "sometimes"\n', "on_reply"),
])
def test_a_wrong_escalation_setting_is_a_problem_naming_its_line(
        tmp_path: Path, section: str, field: str) -> None:
    (tmp_path / "desk.toml").write_text(MINIMAL_SETTINGS + section, encoding="utf-8")
    with pytest.raises(DeskError) as failed:
        core.open_desk(tmp_path)
    (problem,) = failed.value.problems
    assert problem.line is not None and problem.line > 4
    assert field in (problem.field or "") + problem.message


def test_init_writes_the_ladder_and_closure_a_desk_reads_back(tmp_path: Path) -> None:
    from core.cases.escalation import DEFAULT_TIERS
    from core.deskinit import init_desk

    root = init_desk(tmp_path / "new", name="新热线台")
    text = (root / "desk.toml").read_text(encoding="utf-8")
    assert "[ladder]" in text and "[closure]" in text
    desk = core.open_desk(root)
    assert desk.settings.ladder.tiers == DEFAULT_TIERS
    assert desk.settings.closure == DEFAULT_CLOSURE
    desk.cases.index.close()
