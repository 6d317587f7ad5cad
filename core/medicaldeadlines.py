"""The medical allocation's deadlines after the 11:00 cut-off (DOMAIN.md section 5): the plan is
approved and delivered by 17:00, and the day is reported at 17:30; and the reusable items
(thermometers...) issued and not yet returned.

Read from the supplies ledgers (:mod:`core.ledger`), where every record carries its time and the
operator it is attributed to:

- an ``approval`` of the day after 17:00 is a *late approval* (who approved, when);
- a ``stock_issue`` against a request after 17:00 on the day of its approval is a *late
  delivery* (who signed for it, who recorded it, when);
- a request approved that day with nothing issued on it by 17:00 is *not delivered by 17:00*.

Which items come back after use is ``allocation.toml``'s ``reusable`` list (item codes)::

    reusable = ["thermo"]

:func:`core.allocation.day_report`, the 17:30 report, says what was late and what is still out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, tzinfo

import attrs

from core.ledger import Approval, Decision, Record, StockIssue, StockReturn
from core.levels.plans import Text

DELIVER_BY = time(17, 0)


@attrs.frozen
class Late:
    """One thing that missed its deadline, with the time and who."""

    kind: str  # "approval" | "delivery" | "not_delivered"
    request: str
    unit: str
    who: str
    at: datetime | None  # None: not done yet
    due: datetime

    @property
    def text(self) -> Text:
        when = f"{self.at:%H:%M}" if self.at is not None else ""
        if self.kind == "approval":
            return Text(f"逾期审批：{self.request}（{self.unit}）{when} 由 {self.who} 批准，"
                        f"应于 {self.due:%H:%M} 前",
                        f"late approval: {self.request} ({self.unit}) approved at {when} by "
                        f"{self.who}, due by {self.due:%H:%M}")
        if self.kind == "delivery":
            return Text(f"逾期送达：{self.request}（{self.unit}）{when} 发放，签收 {self.who}，"
                        f"应于 {self.due:%H:%M} 前",
                        f"late delivery: {self.request} ({self.unit}) issued at {when}, signed "
                        f"for by {self.who}, due by {self.due:%H:%M}")
        return Text(f"未按时送达：{self.request}（{self.unit}）{self.due:%H:%M} 前未发放，"
                    f"审批人 {self.who}",
                    f"not delivered by {self.due:%H:%M}: {self.request} ({self.unit}), approved "
                    f"by {self.who}")


def _live(records: Iterable[Record]) -> list[Record]:
    records = list(records)
    reversed_ids = {r.reverses for r in records if r.reverses}
    return [r for r in records if not r.reverses and r.id not in reversed_ids]


def late_on(records: Sequence[Record], day: date, tz: tzinfo, now: datetime,
            deliver_by: time = DELIVER_BY, *, every_miss: bool = False) -> list[Late]:
    """What missed the deadline (``deliver_by``, 17:00) of ``day`` (in time zone ``tz``) as of
    ``now``, in the order it happened. A request delivered late is named once, by its late
    delivery, unless ``every_miss`` (the desk clock's flags): then it was also not delivered
    by the deadline."""
    due = datetime.combine(day, deliver_by, tz)
    live = _live(records)
    requests = {r.id: r for r in live}
    approved: dict[str, Approval] = {}
    late: list[Late] = []
    for record in live:
        if isinstance(record, Approval) and record.time.astimezone(tz).date() == day:
            unit = getattr(requests.get(record.request), "unit", "")
            if record.decision is Decision.APPROVED:
                approved[record.request] = record
            if record.time > due:
                late.append(Late("approval", record.request, unit, record.approved_by,
                                 record.time, due))
    issued_by_due: set[str] = set()
    for record in live:
        if not isinstance(record, StockIssue) or record.request not in approved:
            continue
        if record.time <= due:
            issued_by_due.add(record.request)
        elif record.time.astimezone(tz).date() == day and not any(
                x.kind == "delivery" and x.request == record.request for x in late):
            # one flag per request: its first issue after the deadline
            late.append(Late("delivery", record.request, record.unit,
                             f"{record.signed_by} / {record.operator}", record.time, due))
    if now >= due:
        for request, approval in approved.items():
            if request not in issued_by_due and (every_miss or not any(
                    x.kind == "delivery" and x.request == request for x in late)):
                unit = getattr(requests.get(request), "unit", "")
                late.append(Late("not_delivered", request, unit, approval.approved_by, None,
                                 due))
    late.sort(key=lambda x: (x.at or x.due, x.request, x.kind))
    return late


@attrs.frozen
class Outstanding:
    """Reusable units issued to a unit and not returned."""

    unit: str
    item: str
    issued: int
    returned: int

    @property
    def out(self) -> int:
        return self.issued - self.returned


def not_returned(records: Iterable[Record], reusable: Iterable[str], at: datetime
                 ) -> list[Outstanding]:
    """Per unit and reusable item, what was issued by ``at`` and not returned."""
    items = set(reusable)
    issued: dict[tuple[str, str], int] = defaultdict(int)
    returned: dict[tuple[str, str], int] = defaultdict(int)
    for record in _live(records):
        if not isinstance(record, StockIssue | StockReturn):
            continue
        if record.time > at or record.item not in items:
            continue
        if isinstance(record, StockIssue):
            issued[(record.unit, record.item)] += record.quantity
        elif isinstance(record, StockReturn):
            returned[(record.unit, record.item)] += record.quantity
    found = [Outstanding(unit, item, n, returned[(unit, item)])
             for (unit, item), n in sorted(issued.items())]
    return [o for o in found if o.out > 0]


__all__ = ["DELIVER_BY", "Late", "Outstanding", "late_on", "not_returned"]
