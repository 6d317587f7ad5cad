"""The authorities that start the emergency levels (启动主体), as ``levels.toml`` names them
(see :mod:`core.levels.authority` for the recorded activations)."""

from __future__ import annotations

import enum
from itertools import pairwise
from pathlib import Path

import attrs

from core.levels.signals import Level
from core.problems import Problem
from core.storage.tomlio import line_of, locate_lines


class Authority(enum.StrEnum):
    """Who may start an emergency level's response, lowest first."""

    STREET_OFFICE = "street_office"  # 街道办事处
    COUNTY = "county"  # 县人民政府
    CITY = "city"  # 市人民政府

    @property
    def rank(self) -> int:
        return _RANK[self]

    def label(self, lang: str = "zh") -> str:
        return _NAMES[self][0 if lang == "zh" else 1]


_RANK = {Authority.STREET_OFFICE: 1, Authority.COUNTY: 2, Authority.CITY: 3}
_NAMES = {
    Authority.STREET_OFFICE: ("街道办事处", "street office"),
    Authority.COUNTY: ("县人民政府", "county government"),
    Authority.CITY: ("市人民政府", "city government"),
}


@attrs.frozen
class Authorities:
    """The authority of each level (``levels.toml``'s ``[authority]``); the seeds' defaults."""

    IV: Authority = Authority.STREET_OFFICE
    III: Authority = Authority.STREET_OFFICE
    II: Authority = Authority.COUNTY
    I: Authority = Authority.CITY  # noqa: E741

    def of(self, level: Level) -> Authority:
        """The authority that starts ``level`` (the street office for ``none``)."""
        if level is Level.NONE:
            return Authority.STREET_OFFICE
        found: Authority = getattr(self, level.value)
        return found


def authority_order_problems(authorities: Authorities, path: Path, text: str) -> list[Problem]:
    """A more severe level started by a lower authority than a milder one is an error."""
    lines = locate_lines(text)
    problems: list[Problem] = []
    levels = (Level.IV, Level.III, Level.II, Level.I)
    for milder, severe in pairwise(levels):
        if authorities.of(severe).rank < authorities.of(milder).rank:
            problems.append(Problem(
                path, line_of(lines, ("authority", severe.value)),
                f"level {severe.value} is started by {authorities.of(severe).value}, below "
                f"level {milder.value}'s {authorities.of(milder).value}",
                f"authority.{severe.value}"))
    return problems
