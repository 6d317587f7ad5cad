"""The daily allocation of medical supplies (防疫物资每日调配), DOMAIN.md section 5.

One cycle a day, on the ledgers of :mod:`core.ledger`:

1. :func:`collect`: the signed request-approval sheets (申请审批单) recorded by 11:00 that nobody
   has decided yet; later sheets wait for the next day, unsigned sheets are listed and refused;
2. :func:`propose`: for each item, :func:`core.packing.allocate_medical` over the stock on hand
   in every store: urgent use first, key areas first (not an equal split), nearest stock first,
   with every step explained;
3. :func:`approve`: a supervisor approves the proposal with a reason; one ``approval`` record per
   sheet (the reason in its note) and one ``stock_issue`` per item and store, signed for by the
   unit head (谁签字谁负责), are written to the ledgers in one batch;
4. :func:`day_report`: the 17:30 report of the day's production, purchases, receipts and
   allocations per item, as a :class:`core.reports.Table`.

Which units are urgent (medical staff, front line) or in a key area, and how far each store is
from them, comes from the desk's optional ``allocation.toml``::

    [[unit]]
    name = "河西区人民医院发热门诊"
    urgent = true
    key_area = true
    distance_km = { hexi-depot = 3.2, chengdong-depot = 9.5 }

A unit the file does not list is served in turn, from the stores in code order, and the
explanation says so.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.identity import require_supervisor
from core.ledger import (
    Approval,
    Decision,
    Ledgers,
    Record,
    Source,
    StockAdjust,
    StockIssue,
    StockReceipt,
    StockReturn,
    SupplyRequest,
    draft,
)
from core.levels.plans import Text
from core.medicalclock import (
    day_flags,
    load_deadlines,
    load_flags,
    load_reports_sent,
    report_not_sent,
)
from core.medicaldeadlines import DELIVER_BY, late_on, not_returned
from core.packing.rationing import MedicalRequest, allocate_medical
from core.problems import DeskError, Problem
from core.reports.table import Column, Table
from core.storage.tomlio import read_toml

if TYPE_CHECKING:
    from core.desk import Desk

ALLOCATION_FILE = "allocation.toml"
CUTOFF = time(11, 0)
REPORT_AT = time(17, 30)


@attrs.frozen
class UnitProfile:
    """How a requesting unit is served: urgent use, key area, distance to each store."""

    name: str
    urgent: bool = False
    key_area: bool = False
    distance_km: Mapping[str, float] = attrs.field(factory=dict)
    listed: bool = True


def load_profiles(root: Path) -> dict[str, UnitProfile]:
    """The units of ``allocation.toml`` by name; an empty mapping without the file.

    Raises :class:`DeskError` naming the file and line of every problem.
    """
    path = root / ALLOCATION_FILE
    if not os.path.lexists(path):
        return {}
    data, text, read_problems = read_toml(path)
    if data is None:
        raise DeskError(read_problems)
    problems: list[Problem] = []
    found: dict[str, UnitProfile] = {}
    lines = text.splitlines()

    def line_of(name: str) -> int | None:
        for number, line in enumerate(lines, start=1):
            if name and name in line:
                return number
        return None

    unknown = set(data) - {"unit", "reusable", "deadlines"}  # deadlines: core.medicalclock
    for key in sorted(unknown):
        problems.append(Problem(path, line_of(key), "unknown field", key))
    reusable = data.get("reusable", [])
    if not isinstance(reusable, list) or not all(isinstance(v, str) for v in reusable):
        problems.append(Problem(path, line_of("reusable"),
                                "must be a list of item codes, e.g. [\"thermo\"]", "reusable"))
    for entry in data.get("unit", []):
        name = str(entry.get("name", "")).strip() if isinstance(entry, dict) else ""
        if not name:
            problems.append(Problem(path, None, "every [[unit]] needs a name", "unit.name"))
            continue
        extra = set(entry) - {"name", "urgent", "key_area", "distance_km"}
        for key in sorted(extra):
            problems.append(Problem(path, line_of(name), f"{name}: unknown field", key))
        distances = entry.get("distance_km", {})
        if not isinstance(distances, dict) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
                for v in distances.values()):
            problems.append(Problem(path, line_of(name),
                                    f"{name}: distance_km must map stores to kilometres >= 0",
                                    "distance_km"))
            continue
        for flag in ("urgent", "key_area"):
            if not isinstance(entry.get(flag, False), bool):
                problems.append(Problem(path, line_of(name), f"{name}: must be true or false",
                                        flag))
        if name in found:
            problems.append(Problem(path, line_of(name), f"{name}: listed twice", "name"))
        found[name] = UnitProfile(name, bool(entry.get("urgent", False)),
                                  bool(entry.get("key_area", False)),
                                  {str(k): float(v) for k, v in distances.items()})
    if problems:
        raise DeskError(problems)
    return found


def load_reusable(root: Path) -> tuple[str, ...]:
    """``allocation.toml``'s ``reusable`` item codes: items recovered after use (体温计...).
    Raises :class:`DeskError` like :func:`load_profiles`."""
    load_profiles(root)
    path = root / ALLOCATION_FILE
    data = read_toml(path)[0] if os.path.lexists(path) else None
    return tuple(data.get("reusable", [])) if data else ()


# --- 1. collecting the sheets ------------------------------------------------------------------


@attrs.frozen
class Sheet:
    """A request-approval sheet waiting for the day's allocation."""

    request: SupplyRequest
    profile: UnitProfile
    late: bool  # recorded after 11:00: waits for tomorrow's allocation
    signed: bool

    @property
    def id(self) -> str:
        return self.request.id

    @property
    def signer(self) -> str:
        """The unit head's name as signed, without the title (``院长 李文静`` -> ``李文静``)."""
        return self.request.head.split()[-1] if self.request.head.strip() else ""


def _live(records: Iterable[Record]) -> list[Record]:
    records = list(records)
    reversed_ids = {r.reverses for r in records if r.reverses}
    return [r for r in records if not r.reverses and r.id not in reversed_ids]


def collect(desk: Desk, day: date, records: Iterable[Record] | None = None) -> list[Sheet]:
    """Every undecided sheet recorded up to ``day`` (those after 11:00 on ``day`` marked late).

    Decided means approved or refused, or already issued on (an issue without approval is the
    reconciler's diversion finding, never a second allocation).
    """
    live = _live(Ledgers(desk).records() if records is None else records)
    decided = {r.request for r in live if isinstance(r, Approval)}
    # a sheet stock was already issued on without approval is for the reconciler (diversion),
    # not for another allocation
    decided |= {r.request for r in live if isinstance(r, StockIssue) and r.request}
    zone = desk.settings.zone
    cutoff = datetime.combine(day, CUTOFF, zone)
    profiles = load_profiles(desk.root)
    sheets = []
    for record in live:
        if not isinstance(record, SupplyRequest) or record.id in decided:
            continue
        if record.time.astimezone(zone).date() > day:
            continue
        profile = profiles.get(record.unit) or UnitProfile(record.unit, listed=False)
        sheets.append(Sheet(record, profile, late=record.time >= cutoff,
                            signed=bool(record.head.strip())))
    return sorted(sheets, key=lambda s: (s.request.time, s.id))


# --- 2. the proposal ---------------------------------------------------------------------------


def stock_on_hand(records: Iterable[Record], at: datetime) -> dict[tuple[str, str], int]:
    """(store, item) -> units in store at ``at``, from receipts, issues, returns, adjustments."""
    balance: dict[tuple[str, str], int] = defaultdict(int)
    for record in records:
        if record.time > at:
            continue
        sign = -1 if record.reverses else 1
        if isinstance(record, StockReceipt | StockReturn | StockAdjust):
            balance[(record.store, record.item)] += sign * record.quantity
        elif isinstance(record, StockIssue):
            balance[(record.store, record.item)] -= sign * record.quantity
    return dict(balance)


@attrs.frozen
class ProposedIssue:
    request: str
    unit: str
    signer: str
    item: str
    store: str
    quantity: int


@attrs.frozen
class Proposal:
    """What each sheet gets from which store, what is refused or waits, and why."""

    day: date
    at: datetime
    sheets: tuple[Sheet, ...]  # the sheets allocated today (signed, by 11:00)
    waiting: tuple[Sheet, ...]  # late sheets: tomorrow
    unsigned: tuple[Sheet, ...]  # refused: no unit head's signature
    issues: tuple[ProposedIssue, ...]
    asked: Mapping[tuple[str, str], int]  # (request, item) -> units asked
    stock: Mapping[tuple[str, str], int]  # (store, item) -> on hand before
    left: Mapping[tuple[str, str], int]  # (store, item) -> on hand after
    reasons: tuple[Text, ...]

    def given(self, request: str, item: str) -> int:
        return sum(i.quantity for i in self.issues if i.request == request and i.item == item)

    def short(self) -> dict[tuple[str, str], int]:
        return {key: asked - self.given(*key) for key, asked in self.asked.items()
                if asked > self.given(*key)}


def _why(sheet: Sheet) -> Text:
    if sheet.profile.urgent:
        return Text("紧急使用（医护、一线）", "urgent use (medical staff, front line)")
    if sheet.profile.key_area:
        return Text("重点地区", "key area")
    if not sheet.profile.listed:
        return Text(f"依次（{ALLOCATION_FILE} 未列此单位）",
                    f"in turn (not listed in {ALLOCATION_FILE})")
    return Text("依次", "in turn")


def propose(desk: Desk, day: date, *, at: datetime | None = None,
            records: Sequence[Record] | None = None) -> Proposal:
    """The day's allocation proposal from the stock on hand at ``at`` (default 11:00)."""
    records = list(Ledgers(desk).records()) if records is None else list(records)
    at = at or datetime.combine(day, CUTOFF, desk.settings.zone)
    sheets = collect(desk, day, records)
    today = [s for s in sheets if s.signed and not s.late]
    waiting = tuple(s for s in sheets if s.signed and s.late)
    unsigned = tuple(s for s in sheets if not s.signed)
    stock = {k: v for k, v in stock_on_hand(records, at).items() if v > 0}
    left = dict(stock)
    order = {s.id: n for n, s in enumerate(today)}
    asked: dict[tuple[str, str], int] = {}
    by_item: dict[str, list[tuple[Sheet, int]]] = defaultdict(list)
    for sheet in today:
        for line in sheet.request.lines:
            asked[(sheet.id, line.item)] = asked.get((sheet.id, line.item), 0) + line.quantity
    for sheet in today:
        for (request, item), quantity in asked.items():
            if request == sheet.id:
                by_item[item].append((sheet, quantity))
    issues: list[ProposedIssue] = []
    reasons: list[Text] = [Text(
        f"{day:%m-%d} 11:00 前签字的申请审批单 {len(today)} 张；次日处理 {len(waiting)} 张；"
        f"未签字退回 {len(unsigned)} 张",
        f"{len(today)} signed sheets by 11:00 on {day:%m-%d}; {len(waiting)} late (tomorrow); "
        f"{len(unsigned)} unsigned (returned)")]
    reasons.append(Text("原则：紧急使用优先，重点地区优先（不平均分配），就近调配",
                        "principles: urgent use first, key areas first (not an equal split), "
                        "nearest stock first"))
    for item in sorted(by_item):
        wanted = by_item[item]
        points = {store: qty for (store, code), qty in left.items() if code == item}
        sheets_by_unit = {s.request.unit + "\x00" + s.id: s for s, _q in wanted}
        requests = [MedicalRequest(unit, qty, urgent=s.profile.urgent,
                                   key_area=s.profile.key_area, received=order[s.id])
                    for unit, (s, qty) in zip(sheets_by_unit, wanted, strict=True)]
        distances = {(unit, store): km for unit, s in sheets_by_unit.items()
                     for store, km in s.profile.distance_km.items()}
        done, rest, _steps = allocate_medical(requests, points, distances)
        on_hand = sum(points.values())
        total = sum(q for _s, q in wanted)
        reasons.append(Text(f"{item}：申请 {total}，库存 {on_hand}",
                            f"{item}: asked {total}, in stock {on_hand}"))
        for med in sorted(requests, key=lambda r: (not r.urgent, not r.key_area,
                                                       r.received, r.unit)):
            sheet = sheets_by_unit[med.unit]
            mine = [i for i in done if i.unit == med.unit]
            got = sum(i.quantity for i in mine)
            stores = "、".join(f"{i.stock} {i.quantity}" for i in mine) or "-"
            stores_en = ", ".join(f"{i.stock} {i.quantity}" for i in mine) or "-"
            why = _why(sheet)
            reasons.append(Text(
                f"  {sheet.request.unit}（{why.zh}）：申请 {med.quantity}，拟发 {got}，"
                f"出自 {stores}",
                f"  {sheet.request.unit} ({why.en}): asked {med.quantity}, proposed {got}, "
                f"from {stores_en}"))
            issues.extend(ProposedIssue(sheet.id, sheet.request.unit, sheet.signer, item,
                                        i.stock, i.quantity) for i in mine)
        for store, qty in rest.items():
            left[(store, item)] = qty
    for sheet in waiting:
        reasons.append(Text(f"  {sheet.request.unit}：11:00 后送达，转次日",
                            f"  {sheet.request.unit}: after 11:00, allocated tomorrow"))
    for sheet in unsigned:
        reasons.append(Text(f"  {sheet.request.unit}：无单位负责人签字，退回",
                            f"  {sheet.request.unit}: not signed by the unit head, returned"))
    return Proposal(day, at, tuple(today), waiting, unsigned, tuple(issues), asked, stock,
                    left, tuple(reasons))


# --- 3. approval -------------------------------------------------------------------------------


def approve(desk: Desk, proposal: Proposal, *, supervisor: str | None = None, reason: str,
            when: datetime) -> list[Record]:
    """Record the supervisor's approval (name and reason) and the issues, in one batch.

    A sheet that gets nothing is recorded as not approved, with the same reason. The
    supervisor is the process's OS account (``supervisor`` names someone else only on a
    training desk). Raises :class:`NotASupervisor` for anyone who is not one of the desk's
    supervisors, ``ValueError`` without a reason.
    """
    supervisor = require_supervisor(desk, supervisor)
    if not reason.strip():
        raise ValueError("an approval needs a reason")
    drafts = []
    for sheet in proposal.sheets:
        given = any(i.request == sheet.id for i in proposal.issues)
        drafts.append(draft(Approval, time=when, request=sheet.id, approved_by=supervisor,
                            decision=Decision.APPROVED if given else Decision.REJECTED,
                            note=reason.strip()))
    for issue in proposal.issues:
        drafts.append(draft(StockIssue, time=when, store=issue.store, item=issue.item,
                            quantity=issue.quantity, request=issue.request, unit=issue.unit,
                            signed_by=issue.signer or issue.unit,
                            note=f"{proposal.day:%Y-%m-%d} allocation"))
    if not drafts:
        return []
    return Ledgers(desk).append(drafts, operator=supervisor, recorded=when)


# --- 4. the 17:30 report -----------------------------------------------------------------------

REPORT_COLUMNS = (
    Column("item", "物资", "item"),
    Column("name", "名称", "name"),
    Column("production", "本地生产", "production"),
    Column("purchase", "采购", "purchases"),
    Column("donation", "非定点捐赠", "donated"),
    Column("designated", "定点捐赠", "designated"),
    Column("allocation_in", "上级调拨", "allocated from above"),
    Column("received", "入库合计", "received"),
    Column("issued", "调配发放", "allocated (issued)"),
    Column("closing", "库存", "in stock"),
)


def day_report(desk: Desk, day: date, records: Sequence[Record] | None = None,
               now: datetime | None = None) -> Table:
    """The 17:30 report (17:30前报告): per item, the day's receipts by source and issues; in
    its notes what missed the 17:00 deadline as of ``now`` (default: the end of the day) and
    the reusable items still out (:mod:`core.medicaldeadlines`)."""
    records = list(Ledgers(desk).records()) if records is None else list(records)
    zone = desk.settings.zone
    start = datetime.combine(day, time(0), zone)
    end = start + timedelta(days=1)
    received: dict[str, dict[Source, int]] = defaultdict(lambda: defaultdict(int))
    designated: dict[str, int] = defaultdict(int)  # item -> units of designated donations
    issued: dict[str, int] = defaultdict(int)
    for record in records:
        if not start <= record.time < end:
            continue
        sign = -1 if record.reverses else 1
        if isinstance(record, StockReceipt):
            received[record.item][record.source] += sign * record.quantity
            if record.designated.strip():
                designated[record.item] += sign * record.quantity
        elif isinstance(record, StockIssue):
            issued[record.item] += sign * record.quantity
    closing: dict[str, int] = defaultdict(int)
    for (_store, item), qty in stock_on_hand(records, end - timedelta(microseconds=1)).items():
        closing[item] += qty
    rows = []
    for item in sorted(set(received) | set(issued)):
        got = received[item]
        catalogue = desk.catalogue.get(item)
        name = Text(catalogue.name, catalogue.name_en or catalogue.name) if catalogue else item
        rows.append((item, name, got[Source.PRODUCTION], got[Source.PURCHASE],
                     got[Source.DONATION] - designated[item], designated[item],
                     got[Source.ALLOCATION], sum(got.values()),
                     issued[item], closing[item]))
    return Table(
        "medical_day", Text(f"防疫物资日报 {day:%Y-%m-%d} 17:30",
                            f"Medical supplies {day:%Y-%m-%d} 17:30"),
        REPORT_COLUMNS, tuple(rows),
        (Text("来源：ledgers/ 中当日的入库与出库记录（红冲已抵销）",
              "source: the day's stock receipts and issues in ledgers/ (reversals netted)"),
         *deadline_notes(desk, day, records, min(now or end, end))))


def deadline_notes(desk: Desk, day: date, records: Sequence[Record], now: datetime
                   ) -> list[Text]:
    """What was late on ``day`` by ``now`` (worked out from the ledgers, and what the desk
    clock flagged, :mod:`core.medicalclock`), whether the report was sent, and the reusable
    items not returned."""
    zone = desk.settings.zone
    deadlines, problems = load_deadlines(desk.root)
    if problems:
        raise DeskError(problems)
    by = deadlines.deliver_by if deadlines else DELIVER_BY
    late = late_on(records, day, zone, now, by)
    flags = [f for f in day_flags(load_flags(desk.root)[0], day) if f.fell_due <= now]
    seen = {(x.kind, x.request) for x in late}
    delivered = {x.request for x in late if x.kind == "delivery"}
    # a flag the ledgers no longer show (its record reversed since) stays on the report; "not
    # delivered" gives way to the late delivery that followed it
    late += [f.late for f in flags if f.kind != "report" and (f.kind, f.request) not in seen
             and not (f.kind == "not_delivered" and f.request in delivered)]
    late.sort(key=lambda x: (x.at or x.due, x.request, x.kind))
    notes = [x.text for x in late] or [Text(
        f"{by:%H:%M} 前审批、送达：无逾期", f"approved and delivered by {by:%H:%M}: nothing late")]
    sent = load_reports_sent(desk.root)[0].get(day)
    report_due = datetime.combine(day, deadlines.report_by if deadlines else REPORT_AT, zone)
    if sent is not None and sent.recorded_at <= now:
        notes.append(sent.text(report_due))
    elif (deadlines is not None and day >= deadlines.since and now > report_due) or any(
            f.kind == "report" for f in flags):
        notes.append(report_not_sent(report_due))
    for out in not_returned(records, load_reusable(desk.root), now):
        notes.append(Text(f"未归还：{out.unit} {out.item} {out.out}（发 {out.issued}，"
                          f"回收 {out.returned}）",
                          f"not returned: {out.unit} {out.item} {out.out} (issued {out.issued},"
                          f" returned {out.returned})"))
    return notes


def role_check(desk: Desk, operator: str | None = None) -> None:
    """Raise :class:`NotASupervisor` unless the acting account (``operator`` on a training
    desk) is one of the desk's supervisors; see :func:`core.identity.require_supervisor`."""
    require_supervisor(desk, operator)


__all__ = ["ALLOCATION_FILE", "CUTOFF", "REPORT_AT", "Proposal", "ProposedIssue", "Sheet",
           "UnitProfile", "approve", "collect", "day_report", "deadline_notes", "load_profiles",
           "load_reusable", "propose",
           "role_check", "stock_on_hand"]
