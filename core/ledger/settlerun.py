"""The settlement run (代付结算): every open IOU of one grid worker, per household.

The seeds have grid workers pay for residents who cannot pay online and keep a ledger of it,
everything settled once the lockdown lifts (解封后统一结算). A run lists, for one grid worker,
each household's IOUs that are not yet settled in full, with what is left of each, as the
reconciler works it out (partial and combined settlements, reversals); printed as text or CSV for
the round of visits, and the IOUs a household pays back become one settlement record for it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import attrs

from core.ledger.files import Draft, draft
from core.ledger.records import Settlement, id_key
from core.ledger.results import Scope
from core.registers.columns import fen_to_yuan

if TYPE_CHECKING:
    from core.desk import Desk

HEADERS = {
    "zh": ("户号", "地址", "代付记录", "日期", "天数", "未结金额（元）"),
    "en": ("household", "address", "IOU", "date", "days", "open (yuan)"),
}


@attrs.frozen
class OpenIou:
    """What is left to settle of one IOU."""

    id: str
    household: str
    community: str
    amount_fen: int
    since: date
    age_days: int


@attrs.frozen
class SettlementRun:
    """A grid worker's open IOUs as of a moment, by household then IOU."""

    grid_worker: str
    as_of: datetime
    ious: tuple[OpenIou, ...]
    #: household -> its address as the register has it
    addresses: dict[str, str] = attrs.field(factory=dict)

    @property
    def total_fen(self) -> int:
        return sum(i.amount_fen for i in self.ious)

    def households(self) -> dict[str, list[OpenIou]]:
        found: dict[str, list[OpenIou]] = {}
        for iou in self.ious:
            found.setdefault(iou.household, []).append(iou)
        return found

    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        return [(i.household, self.addresses.get(i.household, ""), i.id, f"{i.since:%Y-%m-%d}",
                 str(i.age_days), fen_to_yuan(i.amount_fen)) for i in self.ious]

    def text(self, lang: str = "zh") -> str:
        """The run as printable text: a block per household and its total, then the total."""
        zh = lang == "zh"
        out = [f"{'代付结算清单' if zh else 'Settlement run'}  {self.grid_worker}  "
               f"{self.as_of:%Y-%m-%d %H:%M}", ""]
        for household, ious in self.households().items():
            address = self.addresses.get(household, "")
            out.append(f"{household}  {address}".rstrip())
            for iou in ious:
                out.append(f"    {iou.id}  {iou.since:%Y-%m-%d}  {fen_to_yuan(iou.amount_fen):>10}")
            subtotal = fen_to_yuan(sum(i.amount_fen for i in ious))
            out.append(f"    {'小计' if zh else 'subtotal':<28}{subtotal:>10}")
        if not self.ious:
            out.append("没有未结代付" if zh else "No open IOUs")
        out.append("")
        out.append(f"{'合计' if zh else 'Total'}: {len(self.households())} "
                   f"{'户' if zh else 'households'}, {len(self.ious)} "
                   f"{'笔' if zh else 'IOUs'}, {fen_to_yuan(self.total_fen)} "
                   f"{'元' if zh else 'yuan'}")
        return "\n".join(out) + "\n"

    def csv(self, lang: str = "zh") -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(HEADERS["zh" if lang == "zh" else "en"])
        writer.writerows(self.rows())
        return buffer.getvalue()


def settlement_run(desk: Desk, grid_worker: str, *, as_of: datetime) -> SettlementRun:
    """``grid_worker``'s open IOUs as the reconciler sees them at ``as_of``."""
    result = desk.ledgers.reconcile(scope=Scope(grid_worker=grid_worker), as_of=as_of)
    ious = sorted((OpenIou(item.record, item.household, item.community, item.amount_fen,
                           item.since, item.age_days)
                   for item in result.open_items if item.kind == "iou"),
                  key=lambda i: (i.household, id_key(i.id)))
    addresses = {}
    for iou in ious:
        household = desk.households.get(iou.household)
        if household is not None:
            addresses[iou.household] = "-".join(
                part for part in (household.building, household.unit, household.room) if part)
    return SettlementRun(grid_worker, as_of, tuple(ious), addresses)


def settlement_drafts(run: SettlementRun, chosen: Collection[str], *, time: datetime,
                      method: str = "", payer: str = "") -> list[Draft]:
    """One settlement per household paying back the ``chosen`` IOUs of ``run`` in full."""
    drafts: list[Draft] = []
    for household, ious in run.households().items():
        paid: Sequence[OpenIou] = [i for i in ious if i.id in chosen]
        if not paid:
            continue
        drafts.append(draft(Settlement, time=time, ious=tuple(i.id for i in paid),
                            household=household, grid_worker=run.grid_worker,
                            amount_fen=sum(i.amount_fen for i in paid), method=method,
                            payer=payer))
    return drafts
