"""``baogong check`` for the level files of a desk: ``levels.toml``, ``reserves.toml`` and the
supervisors' decisions under ``levels/decisions/``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.identity import supervisors
from core.levels.manual import load_decisions
from core.levels.reserves import check_reserves
from core.levels.thresholds import desk_thresholds
from core.problems import Problem

if TYPE_CHECKING:
    from core.desk import Desk


def check_level_files(desk: Desk) -> list[Problem]:
    """Every problem of the desk's level files (a desk without them has none)."""
    problems = list(desk_thresholds(desk.root)[1])
    problems.extend(check_reserves(desk))
    problems.extend(load_decisions(desk.root, supervisors(desk))[1])
    return problems
