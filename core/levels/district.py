"""A district's emergency level on a day (``desk.levels.on(day)``), as the daily report has it.

:class:`DistrictLevels` reads only what a level rests on: the thresholds (``levels.toml``), the
supervisors' decisions (``levels/decisions/``) and the day's market signals, read from the desk's
``signals/`` directory: a file named after the day (``signals/2026-11-23.toml``, or
``signals/2026-11-23-*.toml``), which overrides the signals observed from the day's price
monitoring and the stock ledger (:mod:`core.levels.observed`). Without either the level is the
manual level alone, or *not assessed*; nothing is estimated. The daily report
(:mod:`core.reports.daily`) computes each area's level with the same
:func:`core.reports.daily.level_figure`.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.identity import supervisors
from core.levels.classifier import Classifier
from core.levels.manual import load_decisions
from core.levels.signals import Level
from core.levels.thresholds import desk_thresholds
from core.problems import DeskError, Problem
from core.reports.daily import (
    LevelFigure,
    high_risk_areas,
    level_figure,
    read_signals_sources,
    sources_problems,
)
from core.reports.supply import observed_by_area

if TYPE_CHECKING:
    from core.desk import Desk

SIGNALS_DIR = "signals"


def signals_for(root: Path, day: date) -> list[Path]:
    """The desk's signals files for ``day``, by name."""
    directory = root / SIGNALS_DIR
    if not directory.is_dir():
        return []
    stem = day.isoformat()
    return sorted(p for p in directory.glob(f"{stem}*.toml")
                  if p.stem == stem or p.stem.startswith(stem + "-"))


@attrs.frozen
class DistrictLevels:
    """The emergency levels of a desk's high-risk districts (``desk.levels``)."""

    desk: Desk

    def figures(self, day: date) -> dict[str, LevelFigure]:
        """The level of each high-risk area on ``day`` with what it rests on, by district code
        (``""``: the whole desk, when no district is marked high-risk).

        Raises :class:`DeskError` with every problem when ``levels.toml``, the supervisors'
        decisions or a signals file of the day cannot be used.
        """
        desk = self.desk
        problems: list[Problem] = []
        thresholds, found = desk_thresholds(desk.root)
        problems.extend(found)
        decisions, found = load_decisions(desk.root, supervisors(desk))
        problems.extend(found)
        sources, found = read_signals_sources(signals_for(desk.root, day), thresholds)
        problems.extend(found)
        problems.extend(sources_problems(desk, day, sources))
        if problems or thresholds is None:
            raise DeskError(problems)
        classifier = Classifier(thresholds)
        codes = high_risk_areas(desk)
        observed = observed_by_area(desk, day, codes, thresholds)
        return {code: level_figure(classifier, sources, decisions, code, day, observed[code])
                for code in codes}

    def in_force(self, at: datetime) -> dict[str, Level]:
        """The level in force in each district at ``at``: the last recorded activation or
        de-escalation (:mod:`core.levels.authority`). The computed level is advice; rationing,
        police and reserve requests follow this one."""
        from core.levels.authority import activated_levels

        return activated_levels(self.desk, at)

    def on(self, day: date) -> dict[str, Level]:
        """The emergency level of each high-risk district on ``day``.

        A district that is not assessed (no market signals for the day and no manual level) is
        left out; a desk that marks no district high-risk gives every district the level of the
        whole desk. Raises :class:`DeskError` like :meth:`figures`.
        """
        levels: dict[str, Level] = {}
        for code, figure in self.figures(day).items():
            if figure.level is not None:
                for district in [code] if code else list(self.desk.districts):
                    levels[district] = figure.level
        return levels


__all__ = ["SIGNALS_DIR", "DistrictLevels", "signals_for"]
