"""The medical allocation's 17:00 delivered-by and 17:30 report: late approvals, deliveries and
what was never delivered are flagged with the time and who; reusable items issued and not
returned are listed."""

from __future__ import annotations

import pytest

from core import ledger as L
from core.allocation import approve, day_report, load_reusable, propose
from core.desk import Desk
from core.ledger.files import write_batch
from core.problems import DeskError
from tests.console.conftest import ALLOCATION_TOML, SUPERVISOR, at
from tests.tui.deskfactory import uid_sequence


def notes(desk: Desk, hour: int, minute: int = 0) -> list[str]:
    table = day_report(desk, at(11).date(), now=at(hour, minute))
    return [note.en for note in table.notes[1:]]


def test_an_allocation_approved_and_issued_at_19_00_is_flagged_late(desk: Desk) -> None:
    proposal = propose(desk, at(11).date())
    assert notes(desk, 16, 59) == ["approved and delivered by 17:00: nothing late"]
    approve(desk, proposal, supervisor=SUPERVISOR, reason="按原则分配", when=at(19))
    assert notes(desk, 19, 30) == [
        f"late approval: {sheet} approved at 19:00 by zhao, due by 17:00"
        if kind == "approval" else
        f"late delivery: {sheet} issued at 19:00, signed for by {who} / zhao, due by 17:00"
        for sheet, who in (("20261123-0001-1 (光明社区居委会)", "李梅"),
                           ("20261123-0001-2 (和平社区居委会)", "张强"),
                           ("20261123-0001-3 (西城医院发热门诊)", "王芳"))
        for kind in ("approval", "delivery")]
    assert proposal.sheets


def test_an_approval_with_nothing_issued_by_17_00_is_not_delivered(desk: Desk) -> None:
    request = propose(desk, at(11).date()).sheets[0].id
    write_batch(desk.root, [L.draft(L.Approval, time=at(16), request=request,
                                    approved_by=SUPERVISOR)],
                operator=SUPERVISOR, zone=desk.settings.zone, recorded=at(16), mode=0o600,
                uid_factory=uid_sequence(7000))
    assert notes(desk, 16, 30) == ["approved and delivered by 17:00: nothing late"]
    assert notes(desk, 17, 30) == [
        f"not delivered by 17:00: {request} (光明社区居委会), approved by zhao"]


def test_reusable_items_out_are_listed_until_returned(desk: Desk) -> None:
    (desk.root / "allocation.toml").write_text('reusable = ["thermo"]\n' + ALLOCATION_TOML,
                                               encoding="utf-8")
    assert load_reusable(desk.root) == ("thermo",)
    approve(desk, propose(desk, at(11).date()), supervisor=SUPERVISOR, reason="按原则",
            when=at(12))
    out = [n for n in notes(desk, 17, 30) if n.startswith("not returned")]
    assert out == ["not returned: 和平社区居委会 thermo 4 (issued 4, returned 0)"]
    write_batch(desk.root, [L.draft(L.StockReturn, time=at(17), store="west-depot",
                                    item="thermo", quantity=1, unit="和平社区居委会")],
                operator="keeper.liu", zone=desk.settings.zone, recorded=at(17), mode=0o600,
                uid_factory=uid_sequence(7100))
    out = [n for n in notes(desk, 17, 30) if n.startswith("not returned")]
    assert out == ["not returned: 和平社区居委会 thermo 3 (issued 4, returned 1)"]


def test_a_bad_reusable_list_names_its_line(desk: Desk) -> None:
    (desk.root / "allocation.toml").write_text('reusable = "thermo"\n' + ALLOCATION_TOML,
                                               encoding="utf-8")
    with pytest.raises(DeskError) as caught:
        load_reusable(desk.root)
    [problem] = caught.value.problems
    assert problem.field == "reusable" and problem.line == 1


def test_designated_and_other_donations_are_told_apart(desk: Desk) -> None:
    write_batch(desk.root, [
        L.draft(L.StockReceipt, time=at(9), store="west-depot", item="mask-10", quantity=30,
                source=L.Source.DONATION, keeper="keeper.liu", donor="某企业",
                designated="西城医院发热门诊"),
        L.draft(L.StockReceipt, time=at(9), store="west-depot", item="mask-10", quantity=20,
                source=L.Source.DONATION, keeper="keeper.liu", donor="某商会"),
    ], operator="keeper.liu", zone=desk.settings.zone, recorded=at(9), mode=0o600,
        uid_factory=uid_sequence(7200))
    table = day_report(desk, at(11).date(), now=at(17, 30))
    keys = [column.key for column in table.columns]
    [row] = [r for r in table.rows if r[0] == "mask-10"]
    assert (row[keys.index("donation")], row[keys.index("designated")]) == (20, 30)
    with pytest.raises(ValueError, match="only a donation"):
        L.StockReceipt(id="20261123-0001-1", uid="00000000-0000-0000-0000-000000000001",
                       time=at(9), recorded=at(9), operator="keeper.liu", store="west-depot",
                       item="mask-10", quantity=1, source=L.Source.PURCHASE,
                       keeper="keeper.liu", designated="西城医院")
