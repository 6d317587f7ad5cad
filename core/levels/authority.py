"""Who activates each emergency level (启动主体), and the recorded activations (启动/降级记录).

The seeds name who starts each level's response (五、应急响应): the street office (街道办事处)
levels IV and III, the county government's consent (经县人民政府同意) level II, the city
(市人民政府) level I. ``levels.toml`` may set its own, authority by level::

    [authority]                 # 启动主体: street_office | county | city
    IV = "street_office"
    III = "street_office"
    II = "county"
    I = "city"

The computed level (:mod:`core.levels.classifier`, with a supervisor's manual level) is advice.
The level *in force* is the last recorded activation or de-escalation: one file each under
``levels/activations/``, created atomically and never rewritten (append-only), so the files
are the record of who decided what, on whose authority, when::

    # levels/activations/20261125-101500-zhou_min.toml  (on a replica: ...-101500-HX-zhou_min)
    change = "activate"          # activate | deescalate
    level = "II"                 # the level in force from ``time`` (none: every level ended)
    authority = "county"         # who decided: at least the level's authority
    person = "县长 刘建国"        # the person who decided or consented
    reference = "县政发〔2026〕12号"  # the document, or the call (电话 0351-1234 10:05)
    time = 2026-11-25T10:05:00+08:00     # when it was decided
    recorded_by = "zhou.min"     # the desk supervisor who recorded it
    recorded_at = 2026-11-25T10:15:00+08:00
    district = "hexi"            # optional: "" or absent means the whole desk

Only the desk's supervisors record them, as themselves; a level is recorded only on the
authority the file names for it, or a higher one (the city may start level III, the street office
may not start level II), and a de-escalation needs the authority of the level it ends. Rationing
per person, police and reserve requests (the measures of levels II and I) follow the level in
force, never a computed level alone.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.identity import require_supervisor
from core.levels.authorities import Authorities, Authority
from core.levels.manual import add_record_file, encode_decision, record_stem
from core.levels.signals import Level
from core.levels.thresholds import DEFAULT_THRESHOLDS, desk_thresholds
from core.problems import DeskError, Problem
from core.reference import check_not_blank
from core.storage.atomic import exclusive_lock
from core.storage.convert import converter
from core.storage.deskfiles import make_desk_directories
from core.storage.tomlio import (
    line_of,
    locate_lines,
    read_record_files,
)

if TYPE_CHECKING:
    from core.desk import Desk

ACTIVATIONS_DIR = Path("levels") / "activations"
LOCK_PATH = Path(".locks") / "activations.lock"


class Change(enum.StrEnum):
    ACTIVATE = "activate"  # 启动 / 升级
    DEESCALATE = "deescalate"  # 降级 / 终止


def _check_aware(_instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if value.utcoffset() is None:
        raise ValueError(f"{attribute.name} must carry a UTC offset, e.g. "
                         "2026-11-25T10:05:00+08:00")


@attrs.frozen
class Activation:
    """A recorded activation or de-escalation: the level in force from ``time``."""

    change: Change
    level: Level
    authority: Authority
    person: str = attrs.field(validator=check_not_blank)
    reference: str = attrs.field(validator=check_not_blank)
    time: datetime = attrs.field(validator=_check_aware)
    recorded_by: str = attrs.field(validator=check_not_blank)
    recorded_at: datetime = attrs.field(validator=_check_aware)
    district: str = ""

    def covers(self, district: str) -> bool:
        return not self.district or self.district == district


class NotTheAuthority(PermissionError):
    """A level recorded on an authority that may not decide it."""


class ActivationRefused(ValueError):
    """An activation or de-escalation that does not follow the level in force."""


def activations_dir(root: Path) -> Path:
    return root / ACTIVATIONS_DIR


def level_in_force(records: Iterable[Activation], district: str = "",
                   at: datetime | None = None) -> Activation | None:
    """The record in force for ``district`` at ``at`` (every record without ``at``): the latest
    covering it; ``None`` without one, or when the latest ended every level."""
    latest: Activation | None = None
    for record in records:
        if at is not None and record.time > at:
            continue
        if record.covers(district) and (latest is None or record.time >= latest.time):
            latest = record
    if latest is None or latest.level is Level.NONE:
        return None
    return latest


def load_activations(root: Path, supervisors: Sequence[str] | None = None
                     ) -> tuple[list[Activation], list[Problem]]:
    """Every activation and de-escalation of the desk at ``root``, oldest first, and the
    problems of unusable files (with ``supervisors``, one recorded by anyone else)."""
    read, problems = read_record_files(converter, activations_dir(root), Activation)
    records: list[Activation] = []
    for path, text, record in read:
        if supervisors is not None and record.recorded_by not in supervisors:
            problems.append(Problem(
                path, line_of(locate_lines(text), ("recorded_by",)),
                f"{record.recorded_by!r} is not a supervisor of this desk", "recorded_by"))
            continue
        records.append(record)
    records.sort(key=lambda r: (r.time, r.recorded_at))
    return records, problems


def desk_authorities(desk: Desk) -> Authorities:
    thresholds, _problems = desk_thresholds(desk.root)
    return (thresholds or DEFAULT_THRESHOLDS).authority


def activation_path(root: Path, record: Activation, site: str = "") -> Path:
    """Where ``record`` is written: named after when it was recorded and by whom, and on a
    replicated desk the replica's ``site`` (two sites never add files of the same name)."""
    stem = record_stem(record.recorded_at, record.recorded_by, site)
    return activations_dir(root) / f"{stem}.toml"


encode_activation = encode_decision


def record_change(
    desk: Desk,
    change: Change,
    level: Level,
    *,
    authority: Authority,
    person: str,
    reference: str,
    time: datetime,
    district: str = "",
    supervisor: str | None = None,
    now: datetime | None = None,
) -> Activation:
    """Record an activation of ``level`` (or a de-escalation to it) decided by ``person`` of
    ``authority`` at ``time`` with ``reference``; returns the stored record.

    Raises :class:`~core.identity.NotASupervisor` for anyone who is not a supervisor of the
    desk, :class:`NotTheAuthority` when ``authority`` may not decide it, and
    :class:`ActivationRefused` (a ``ValueError``) for a blank person or reference, a time
    to come, an unknown district, an activation that does not raise the level in force or a
    de-escalation that does not lower it.
    """
    recorder = require_supervisor(desk, supervisor)
    zone = desk.settings.zone
    now = (now or (desk.clock() if desk.clock else datetime.now(zone))).replace(microsecond=0)
    if not person.strip():
        raise ActivationRefused("name the person who decided (姓名、职务)")
    if not reference.strip():
        raise ActivationRefused("give the document number or the call (文号或电话记录)")
    if time.utcoffset() is None:
        time = time.replace(tzinfo=zone)
    if time > now:
        raise ActivationRefused(f"the decision's time {time:%m-%d %H:%M} is still to come")
    if district and desk.districts and district not in desk.districts:
        raise ActivationRefused(f"unknown district {district!r}")
    if change is Change.ACTIVATE and level is Level.NONE:
        raise ActivationRefused("an activation names a level: IV, III, II or I")
    authorities = desk_authorities(desk)
    make_desk_directories(desk.root, desk.root / LOCK_PATH.parent, mode=desk.file_mode)
    with exclusive_lock(desk.root / LOCK_PATH, mode=desk.file_mode):
        records, _problems = load_activations(desk.root)
        current = level_in_force(records, district)
        current_level = current.level if current else Level.NONE
        if change is Change.ACTIVATE:
            needed = authorities.of(level)
            if level.rank <= current_level.rank:
                raise ActivationRefused(
                    f"level {current_level.value} is already in force: record a "
                    f"de-escalation to lower it")
        else:
            needed = authorities.of(current_level)
            if level.rank >= current_level.rank:
                raise ActivationRefused(
                    f"a de-escalation lowers the level in force "
                    f"({current_level.value}); {level.value} does not")
        if authority.rank < needed.rank:
            target = level if change is Change.ACTIVATE else current_level
            raise NotTheAuthority(
                f"level {target.value} is decided by the {needed.label('en')} "
                f"({needed.label('zh')}) or above, not the {authority.label('en')}")
        record = Activation(change=change, level=level, authority=authority,
                            person=person.strip(), reference=reference.strip(), time=time,
                            recorded_by=recorder, recorded_at=now, district=district)
        add_record_file(desk, activations_dir(desk.root),
                        record_stem(now, recorder, desk.site), encode_activation(record))
    return record


def activated_levels(desk: Desk, at: datetime) -> dict[str, Level]:
    """The level in force at ``at`` in each district of ``desk`` that has one (a record for the
    whole desk covers every district). Raises :class:`DeskError` with every problem of the
    records: a level in force is never guessed from part of them."""
    records, problems = load_activations(desk.root, _supervisors(desk))
    if problems:
        raise DeskError(problems)
    levels: dict[str, Level] = {}
    for district in list(desk.districts) or [""]:
        record = level_in_force(records, district, at)
        if record is not None:
            levels[district] = record.level
    return levels


def _supervisors(desk: Desk) -> tuple[str, ...]:
    from core.identity import supervisors

    return supervisors(desk)


__all__ = [
    "ACTIVATIONS_DIR", "Activation", "ActivationRefused", "Authorities", "Authority", "Change",
    "NotTheAuthority", "activated_levels", "activation_path", "activations_dir",
    "desk_authorities", "encode_activation",
    "level_in_force", "load_activations", "record_change",
]
