"""The districts a city desk follows (``city.toml``): one ``[[district]]`` per district desk.

A city desk (市级保供指挥台) is a desk whose ``city.toml`` names the district desks it follows,
each by a code of the city's choosing, with the district desk's place: a git remote (``git``: a
URL or path git can clone from, followed as a read-only clone under the city desk) or a
directory on this machine (``path``: read in place)::

    [[district]]
    code = "hexi"
    name = "河西区"
    name_en = "Hexi District"
    git = "ssh://hotline-hexi/srv/baogong/hexi.git"

    [[district]]
    code = "dongcheng"
    name = "东城区"
    name_en = "Dongcheng District"
    path = "/srv/baogong/dongcheng"

A relative ``path`` (or local ``git`` path) is taken from the city desk's directory.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from core.problems import InvalidField, Problem
from core.reference import check_code, check_not_blank
from core.storage.convert import converter
from core.storage.tomlio import line_of, locate_lines, read_toml, structure_list

CITY_FILE = "city.toml"


@attrs.frozen
class CityDistrict:
    """A district desk the city follows (区级热线台): where it is and what the city calls it."""

    code: str = attrs.field(validator=check_code)
    name: str = attrs.field(validator=check_not_blank)
    name_en: str = attrs.field(default="")
    #: a git remote (URL or path) the city clones and fetches; or
    git: str = ""
    #: a district desk directory on this machine, read in place
    path: str = ""

    def __attrs_post_init__(self) -> None:
        if bool(self.git.strip()) == bool(self.path.strip()):
            raise InvalidField("git", "give the district desk's place: either git = URL "
                                      "(a remote to follow) or path = DIR (a directory on "
                                      "this machine), not both")

    def label(self, lang: str) -> str:
        return self.name if lang == "zh" else (self.name_en or self.name)

    @property
    def followed_by_git(self) -> bool:
        return bool(self.git)


@attrs.frozen
class CityConfig:
    """The district desks of a city desk, in the order ``city.toml`` lists them."""

    districts: tuple[CityDistrict, ...]

    def get(self, code: str) -> CityDistrict | None:
        return next((d for d in self.districts if d.code == code), None)


def load_city(path: Path) -> tuple[CityConfig | None, list[Problem]]:
    """The city desk's districts in ``city.toml`` at ``path``: None when the file is absent
    (the desk is not a city desk); the good records and every problem otherwise."""
    if not path.exists() and not path.is_symlink():
        return None, []
    data, text, problems = read_toml(path)
    if data is None:
        return CityConfig(()), problems
    rows = data.get("district", [])
    lines = locate_lines(text)
    if not isinstance(rows, list):
        return CityConfig(()), [Problem(path, line_of(lines, ("district",)),
                                        "expected an array of tables [[district]]", "district")]
    unknown = sorted(set(data) - {"district"})
    problems.extend(Problem(path, line_of(lines, (key,)), "unknown field", key)
                    for key in unknown)
    records, found = structure_list(converter, rows, CityDistrict, path, text, "district")
    problems.extend(found)
    seen: set[str] = set()
    for index, row in enumerate(rows):
        code = row.get("code") if isinstance(row, dict) else None
        if isinstance(code, str) and code in seen:
            problems.append(Problem(path, line_of(lines, ("district", index)),
                                    f"duplicate code {code!r}", f"district[{index}]"))
        seen.add(str(code))
    kept: dict[str, CityDistrict] = {}
    for record in records:
        kept.setdefault(record.code, record)  # the first one wins
    return CityConfig(tuple(kept.values())), problems


__all__ = ["CITY_FILE", "CityConfig", "CityDistrict", "load_city"]
