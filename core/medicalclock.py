"""The medical allocation's deadlines on the desk's clock (DOMAIN.md section 5, issue 17 item 5):
what :mod:`core.medicaldeadlines` works out from the ledgers, written down when it falls due, and
the record that the day's 17:30 report was sent.

A desk turns the clock on in ``allocation.toml`` (a desk without the table computes the late
work when the 17:30 report is read, and its clock writes nothing)::

    [deadlines]
    since = 2026-11-23      # the first day the deadlines hold (no flags for days before)
    deliver_by = 17:00:00   # approved and delivered by (default 17:00)
    report_by = 17:30:00    # the day's report sent by (default 17:30)

:func:`allocation_rule` is the clock rule (:mod:`core.tick`). For each day from ``since`` it
flags, once each, at the time each fell due: an approval of the day after ``deliver_by``, the
first issue on an approved request after it, a request approved that day with nothing issued by
it (also when it was issued later), and a day whose report is not recorded as sent by
``report_by``. Each flag is one file
under ``allocation/late/``, created and never replaced (two clocks racing for one flag: one
wins, the other finds it on file), attributed to the desk clock::

    # allocation/late/20261123-delivery-20261123-0002-1.toml
    id = "20261123-delivery-20261123-0002-1"
    kind = "delivery"            # approval | delivery | not_delivered | report
    request = "20261123-0002-1"  # "" for the report
    unit = "河西区人民医院发热门诊"
    who = "护士长 王芳 / keeper.liu"
    at = 2026-11-23T17:20:00+08:00   # when it was done (absent: not done by the deadline)
    due = 2026-11-23T17:00:00+08:00
    flagged_by = "@clock"

The report's sending is one file per day under ``allocation/reports/``, recorded once by a
supervisor (:func:`record_report_sent`) with the time it was sent, to whom and its reference.
Two replicas that wrote one of these files apart keep the earlier
(:func:`merge_allocation_files`, run by git's merge driver).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from core.cases.case import DESK_CLOCK
from core.clockrule import Due, RuleOutcome
from core.identity import require_supervisor
from core.ledger import Ledgers, Record
from core.levels.plans import Text
from core.medicaldeadlines import DELIVER_BY, Late, late_on
from core.problems import DeskError, Problem
from core.storage.atomic import create_atomic
from core.storage.convert import converter
from core.storage.deskfiles import make_desk_directories
from core.storage.tomlio import (
    dumps,
    line_of,
    locate_lines,
    parse_toml,
    read_record_files,
    read_toml,
    structure,
)

if TYPE_CHECKING:
    from core.desk import Desk

ALLOCATION_FILE = "allocation.toml"
LATE_DIR = Path("allocation") / "late"
SENT_DIR = Path("allocation") / "reports"
REPORT_BY = time(17, 30)
#: the step a flag of each kind is listed under in ``baogong tick``'s output
STEPS = {"approval": "allocation.late_approval", "delivery": "allocation.late_delivery",
         "not_delivered": "allocation.not_delivered", "report": "allocation.report_late"}


@attrs.frozen
class Deadlines:
    """``allocation.toml``'s ``[deadlines]``: from which day, and by when."""

    since: date
    deliver_by: time = DELIVER_BY
    report_by: time = REPORT_BY


def load_deadlines(root: Path) -> tuple[Deadlines | None, list[Problem]]:
    """The desk's ``[deadlines]`` (None without the file or the table) and its problems."""
    path = root / ALLOCATION_FILE
    if not os.path.lexists(path):
        return None, []
    data, text, problems = read_toml(path)
    if data is None or "deadlines" not in data:
        return None, []  # an unreadable file is load_profiles's problem
    table = data["deadlines"]
    lines = locate_lines(text)
    if not isinstance(table, dict):
        return None, [Problem(path, line_of(lines, ("deadlines",)),
                              "must be a table [deadlines]", "deadlines")]
    for key in sorted(set(table) - {"since", "deliver_by", "report_by"}):
        problems.append(Problem(path, line_of(lines, ("deadlines", key)), "unknown field",
                                f"deadlines.{key}"))
    since = table.get("since")
    if not isinstance(since, date) or isinstance(since, datetime):
        problems.append(Problem(path, line_of(lines, ("deadlines", "since")),
                                "the first day the deadlines hold, a date: since = 2026-11-23",
                                "deadlines.since"))
    times: dict[str, time] = {}
    for key, default in (("deliver_by", DELIVER_BY), ("report_by", REPORT_BY)):
        value = table.get(key, default)
        if not isinstance(value, time) or value.tzinfo is not None:
            problems.append(Problem(path, line_of(lines, ("deadlines", key)),
                                    "a time of day without quotes, e.g. 17:00:00",
                                    f"deadlines.{key}"))
        else:
            times[key] = value
    if problems or not isinstance(since, date):
        return None, problems
    return Deadlines(since, times["deliver_by"], times["report_by"]), []


def report_due(desk: Desk, day: date) -> datetime:
    """When the report of ``day`` is due: the desk's ``report_by``, or 17:30, that day."""
    deadlines, _problems = load_deadlines(desk.root)
    return datetime.combine(day, deadlines.report_by if deadlines else REPORT_BY,
                            desk.settings.zone)


# --- the report's sending ----------------------------------------------------------------------


@attrs.frozen
class ReportSent:
    """That the 17:30 report of ``day`` was sent, when, to whom, by whom."""

    day: date
    sent_at: datetime
    sent_to: str
    reference: str
    sent_by: str
    recorded_at: datetime

    def late(self, due: datetime) -> bool:
        return self.sent_at > due

    def text(self, due: datetime) -> Text:
        if self.late(due):
            return Text(f"日报逾期报送：{self.sent_at:%m-%d %H:%M} 由 {self.sent_by} 报送"
                        f"{self.sent_to}（{self.reference}），应于 {due:%H:%M} 前",
                        f"report sent late: at {self.sent_at:%m-%d %H:%M} by {self.sent_by} to "
                        f"{self.sent_to} ({self.reference}), due by {due:%H:%M}")
        return Text(f"日报已报送：{self.sent_at:%H:%M} 由 {self.sent_by} 报送{self.sent_to}"
                    f"（{self.reference}）",
                    f"report sent at {self.sent_at:%H:%M} by {self.sent_by} to {self.sent_to} "
                    f"({self.reference})")


class SendRefused(ValueError):
    """A sending that cannot be recorded: blank fields, a time to come, already recorded."""


def _sent_path(root: Path, day: date) -> Path:
    return root / SENT_DIR / f"{day:%Y-%m-%d}.toml"


def _encode(value: object) -> bytes:
    data: dict[str, Any] = converter.unstructure(value)
    return dumps({k: v for k, v in data.items() if v is not None}).encode("utf-8")


def load_reports_sent(root: Path) -> tuple[dict[date, ReportSent], list[Problem]]:
    """Each day's recorded sending, and the problems of unusable files."""
    read, problems = read_record_files(converter, root / SENT_DIR, ReportSent)
    found: dict[date, ReportSent] = {}
    for path, _text, sent in read:
        if path.stem != f"{sent.day:%Y-%m-%d}":
            problems.append(Problem(path, 1, f"day {sent.day} is not the file's name", "day"))
            continue
        found[sent.day] = sent
    return found, problems


def record_report_sent(desk: Desk, day: date, *, to: str, reference: str, at: datetime,
                       supervisor: str | None = None, now: datetime | None = None
                       ) -> ReportSent:
    """Record that the report of ``day`` was sent to ``to`` at ``at`` with ``reference``, once.

    Raises :class:`~core.identity.NotASupervisor` for anyone who is not a supervisor and
    :class:`SendRefused` for a blank recipient or reference, a time to come or before the day,
    or a day whose sending is already recorded (naming who recorded it).
    """
    name = require_supervisor(desk, supervisor)
    zone = desk.settings.zone
    now = (now or (desk.clock() if desk.clock else datetime.now(zone))).replace(microsecond=0)
    if not to.strip():
        raise SendRefused("say to whom the report was sent (报送对象)")
    if not reference.strip():
        raise SendRefused("give the reference of the report (文号或电话记录)")
    if at.utcoffset() is None:
        at = at.replace(tzinfo=zone)
    if at > now:
        raise SendRefused(f"the sending time {at:%m-%d %H:%M} is still to come")
    if at.astimezone(zone).date() < day:
        raise SendRefused(f"the report of {day} cannot be sent before the day ({at:%m-%d})")
    sent = ReportSent(day, at, to.strip(), reference.strip(), name, now)
    path = _sent_path(desk.root, day)
    make_desk_directories(desk.root, path.parent, mode=desk.file_mode)
    try:
        create_atomic(path, _encode(sent), mode=desk.file_mode)
    except FileExistsError:
        before = load_reports_sent(desk.root)[0].get(day)
        who = f" by {before.sent_by} (sent {before.sent_at:%m-%d %H:%M})" if before else ""
        raise SendRefused(f"the report of {day} is already recorded as sent{who}") from None
    return sent


# --- the flags ---------------------------------------------------------------------------------


@attrs.frozen
class LateFlag:
    """A deadline missed, as the desk clock wrote it down."""

    id: str
    kind: str
    request: str
    unit: str
    who: str
    due: datetime
    at: datetime | None = None
    flagged_by: str = DESK_CLOCK

    @property
    def late(self) -> Late:
        return Late(self.kind, self.request, self.unit, self.who, self.at, self.due)

    @property
    def fell_due(self) -> datetime:
        """When the deadline was missed: the late act's time, or the deadline itself."""
        return self.at if self.at is not None and self.kind in ("approval", "delivery") \
            else self.due

    @property
    def text(self) -> Text:
        return self.late.text if self.kind != "report" else report_not_sent(self.due)


def report_not_sent(due: datetime) -> Text:
    return Text(f"日报未按时报送：{due:%m-%d %H:%M} 前未记录报送",
                f"report not sent by {due:%m-%d %H:%M}: no sending recorded")


def _flag_id(day: date, kind: str, request: str) -> str:
    return f"{day:%Y%m%d}-{kind}" + (f"-{request}" if request else "")


def load_flags(root: Path) -> tuple[list[LateFlag], list[Problem]]:
    """Every flag on file, by when it fell due, and the problems of unusable files."""
    read, problems = read_record_files(converter, root / LATE_DIR, LateFlag)
    flags: list[LateFlag] = []
    for path, _text, flag in read:
        if flag.id != path.stem:
            problems.append(Problem(path, 1, f"id {flag.id!r} is not the file's name", "id"))
        elif flag.kind not in STEPS:
            problems.append(Problem(path, 2, f"kind {flag.kind!r} is not one of "
                                             f"{', '.join(STEPS)}", "kind"))
        else:
            flags.append(flag)
    flags.sort(key=lambda f: (f.fell_due, f.id))
    return flags, problems


def _due_flags(records: Sequence[Record], deadlines: Deadlines, sent: dict[date, ReportSent],
               desk: Desk, now: datetime) -> list[LateFlag]:
    """Every flag fallen due by ``now`` (some may be on file already)."""
    zone = desk.settings.zone
    known = [r for r in records if r.time <= now]
    flags: list[LateFlag] = []
    day = deadlines.since
    while datetime.combine(day, time(0), zone) <= now:
        for late in late_on(known, day, zone, now, deadlines.deliver_by, every_miss=True):
            flags.append(LateFlag(_flag_id(day, late.kind, late.request), late.kind,
                                  late.request, late.unit, late.who, late.due, late.at))
        due = datetime.combine(day, deadlines.report_by, zone)
        report = sent.get(day)
        # what the desk knew at the deadline: a sending recorded after it (sent in time or
        # late, the record says which) does not undo the flag
        if now > due and (report is None or report.recorded_at > due):
            flags.append(LateFlag(_flag_id(day, "report", ""), "report", "", "", "", due))
        day += timedelta(days=1)
    return flags


def allocation_rule(desk: Desk, now: datetime) -> RuleOutcome:
    """The clock rule (:mod:`core.tick`): write each allocation flag fallen due by ``now``."""
    deadlines, _problems = load_deadlines(desk.root)
    if deadlines is None:
        return RuleOutcome()
    sent, _problems = load_reports_sent(desk.root)
    records = list(Ledgers(desk).records())
    directory = desk.root / LATE_DIR
    on_file = {flag.id for flag in load_flags(desk.root)[0]}
    written: list[Due] = []
    done = 0
    for flag in _due_flags(records, deadlines, sent, desk, now):
        if flag.id in on_file:
            done += 1
            continue
        make_desk_directories(desk.root, directory, mode=desk.file_mode)
        try:
            create_atomic(directory / f"{flag.id}.toml", _encode(flag), mode=desk.file_mode)
        except FileExistsError:  # another clock wrote it meanwhile
            done += 1
            continue
        on_file.add(flag.id)
        written.append(Due(f"allocation:{flag.id}", STEPS[flag.kind], flag.fell_due))
    return RuleOutcome(tuple(written), done)


def merge_allocation_files(ours: bytes, theirs: bytes, path: Path) -> bytes:
    """The version two replicas keep of a flag or a sending both wrote apart (git's merge
    driver): the flag that fell due first, the sending made first (ties: the same bytes at both
    sites, so the merge is symmetric). Raises :class:`DeskError` naming the file when a version
    cannot be read."""
    cls: type[LateFlag] | type[ReportSent] = LateFlag if path.parent == LATE_DIR else ReportSent
    versions: list[tuple[datetime, bytes]] = []
    for raw in (ours, theirs):
        data, text, problems = parse_toml(path, raw)
        value = None
        if data is not None:
            value, problems = structure(converter, data, cls, path, text)
        if value is None:
            raise DeskError(problems)
        when = value.fell_due if isinstance(value, LateFlag) else value.sent_at
        versions.append((when, _encode(value)))
    return min(versions)[1]


def day_flags(flags: Iterable[LateFlag], day: date) -> list[LateFlag]:
    """The flags of ``day`` (named after it)."""
    return [f for f in flags if f.id.startswith(f"{day:%Y%m%d}-")]


__all__ = ["ALLOCATION_FILE", "DESK_CLOCK", "LATE_DIR", "REPORT_BY", "SENT_DIR", "STEPS",
           "Deadlines", "LateFlag", "ReportSent", "SendRefused", "allocation_rule", "day_flags",
           "load_deadlines", "load_flags", "load_reports_sent",
           "merge_allocation_files", "record_report_sent", "report_due", "report_not_sent"]
