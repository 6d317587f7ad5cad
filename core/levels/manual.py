"""A supervisor's manual level (人工研判): the seeds' "other situations that need handling at this
level" (其他需要按照该状态进行应急处置的状况).

Each decision is one file under ``levels/decisions/`` at the desk root, created atomically and
never rewritten (append-only): the files are the audit trail of who set which level, when and why::

    # levels/decisions/20261123-093000-wang.toml
    level = "III"
    reason = "超市反映大米断货,群众排队"
    supervisor = "wang"
    time = 2026-11-23T09:30:00+08:00
    district = "hx"          # optional: "" or absent means the whole desk

Only the desk's supervisors may record one, as themselves
(:func:`core.identity.require_supervisor`). The latest decision that covers a district is in
force; a manual level raises the computed one and never lowers it, and a decision of level
``none`` withdraws an earlier manual level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from core.identity import require_supervisor
from core.levels.signals import Level
from core.problems import Problem
from core.reference import check_not_blank
from core.storage.atomic import create_atomic
from core.storage.convert import converter
from core.storage.deskfiles import make_desk_directories
from core.storage.tomlio import (
    dumps,
    line_of,
    locate_lines,
    read_record_files,
)

if TYPE_CHECKING:
    from core.desk import Desk

DECISIONS_DIR = Path("levels") / "decisions"
_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def _check_aware(_instance: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if value.utcoffset() is None:
        raise ValueError("time must carry a UTC offset, e.g. 2026-11-23T09:30:00+08:00")


@attrs.frozen
class Decision:
    """A supervisor's manual level, with the reason, their name and the time."""

    level: Level
    reason: str = attrs.field(validator=check_not_blank)
    supervisor: str = attrs.field(validator=check_not_blank)
    time: datetime = attrs.field(validator=_check_aware)
    district: str = ""

    def covers(self, district: str) -> bool:
        return not self.district or self.district == district


class LevelRecord(Protocol):
    """A record of the level files (a manual decision, an activation)."""

    @property
    def district(self) -> str: ...


def decisions_dir(root: Path) -> Path:
    return root / DECISIONS_DIR


def encode_decision(decision: LevelRecord) -> bytes:
    """A level record (a manual decision or an activation) as TOML, without a blank district."""
    data: dict[str, Any] = converter.unstructure(decision)
    if not decision.district:
        data.pop("district")
    return dumps(data).encode("utf-8")


def record_stem(when: datetime, person: str, site: str = "") -> str:
    """The name of a level record's file: when, the replica's ``site`` on a replicated desk (two
    sites never add files of the same name), and who."""
    who = _UNSAFE.sub("_", person.lower()) or "x"
    return f"{when:%Y%m%d-%H%M%S}-{f'{site}-' if site else ''}{who}"


def add_record_file(desk: Desk, directory: Path, stem: str, data: bytes) -> None:
    """Create the record file ``stem`` (``stem-1``... when taken) in ``directory``, never
    replacing one."""
    make_desk_directories(desk.root, directory, mode=desk.file_mode)
    for attempt in range(1000):
        name = f"{stem}.toml" if attempt == 0 else f"{stem}-{attempt}.toml"
        try:
            create_atomic(directory / name, data, mode=desk.file_mode)
        except FileExistsError:
            continue
        return
    raise FileExistsError(f"too many records named {stem} in {directory}")


def set_manual_level(
    desk: Desk,
    level: Level,
    *,
    reason: str,
    supervisor: str | None = None,
    district: str = "",
    time: datetime | None = None,
) -> Decision:
    """Record the acting supervisor's manual ``level`` with ``reason``; returns the stored
    decision.

    The supervisor is the process's OS account; ``supervisor`` may only repeat it, or name
    someone else on a training desk (:func:`core.identity.require_supervisor`). Raises
    :class:`NotASupervisor` for anyone who is not one of the desk's supervisors,
    :class:`~core.identity.NotTheOperator` for a name that is not the caller's, and
    ``ValueError`` for a blank reason or an unknown district.
    """
    supervisor = require_supervisor(desk, supervisor)
    if district and desk.districts and district not in desk.districts:
        raise ValueError(f"unknown district {district!r}")
    when = time or datetime.now(desk.settings.zone).replace(microsecond=0)
    decision = Decision(level=level, reason=reason.strip(), supervisor=supervisor, time=when,
                        district=district)
    add_record_file(desk, decisions_dir(desk.root), record_stem(when, supervisor, desk.site),
                    encode_decision(decision))
    return decision


def load_decisions(
    root: Path, supervisors: Sequence[str] | None = None
) -> tuple[list[Decision], list[Problem]]:
    """Every decision of the desk at ``root``, oldest first, and the problems of unusable files.

    With ``supervisors``, a decision recorded by anyone else is a problem and is not used.
    """
    read, problems = read_record_files(converter, decisions_dir(root), Decision)
    decisions: list[Decision] = []
    for path, text, decision in read:
        if supervisors is not None and decision.supervisor not in supervisors:
            problems.append(Problem(
                path, line_of(locate_lines(text), ("supervisor",)),
                f"{decision.supervisor!r} is not a supervisor of this desk", "supervisor"))
            continue
        decisions.append(decision)
    decisions.sort(key=lambda d: d.time)
    return decisions, problems


def decision_in_force(decisions: Iterable[Decision], district: str = "") -> Decision | None:
    """The latest decision covering ``district``; ``None`` if there is none or it withdrew."""
    latest: Decision | None = None
    for decision in decisions:
        if decision.covers(district) and (latest is None or decision.time >= latest.time):
            latest = decision
    if latest is None or latest.level is Level.NONE:
        return None
    return latest
