"""A city desk (市级保供指挥台): a desk whose ``city.toml`` names the district desks it follows.

The city desk is an ordinary desk directory (``desk.toml`` gives its name, time zone and
language; ``departments.toml`` may name the member units) plus ``city.toml``
(:mod:`core.city.config`); the district desks are followed below it (:mod:`core.city.follow`)
and read only through the desk API::

    from core.city import City, city_board, fetch_all

    city = City.open("city-desk")
    fetch_all(city.root, city.config.districts, city.desk.cases.now())
    board = city_board(city, city.desk.cases.now())
    for figures in board.districts:
        print(figures.district.code, figures.level, figures.open, figures.past_due)
"""

from __future__ import annotations

from pathlib import Path

import attrs

from core.city.config import CITY_FILE, CityConfig, CityDistrict
from core.city.follow import district_root
from core.desk import Desk
from core.problems import DeskError, Problem


@attrs.frozen
class City:
    """An open city desk: its own desk and the districts it follows."""

    desk: Desk
    config: CityConfig
    #: what is wrong in ``city.toml`` (the good districts are followed all the same)
    problems: tuple[Problem, ...] = ()

    @property
    def root(self) -> Path:
        return self.desk.root

    @classmethod
    def open(cls, root: Path | str) -> City:
        """Open the city desk at ``root``; :class:`DeskError` if it has no usable ``desk.toml``
        or no ``city.toml`` (then it is a district desk, not a city desk)."""
        from core.deskload import CITY

        desk = Desk.open(root)
        config, problems = desk.read(CITY)
        if config is None:
            raise DeskError([Problem(desk.root / CITY_FILE, None,
                                     "not a city desk: no city.toml naming the district desks "
                                     "it follows")])
        return cls(desk, config, tuple(problems))

    def district_root(self, district: CityDistrict) -> Path:
        """Where the city reads ``district``'s desk."""
        return district_root(self.root, district)


def why(exc: Exception) -> str:
    """One line on why a district could not be read: its first problems, or the error."""
    problems = getattr(exc, "problems", None)
    if problems:
        more = f" (+{len(problems) - 3})" if len(problems) > 3 else ""
        return "; ".join(p.render() for p in problems[:3]) + more
    return f"{type(exc).__name__}: {exc}"


__all__ = ["City", "why"]
