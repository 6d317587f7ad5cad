"""``baogong init DIR``: a new desk that passes ``check`` and opens, ready for its registers.

Like ``git init``, it refuses a directory that already holds anything. What it writes:

- ``desk.toml``: the name, time zone and language given, the person running ``init`` as the
  first supervisor, the shifts and SLA rules of 12345 practice (the defaults of
  :class:`core.reference.DeskSettings`, written out so they can be read and changed), the chase
  ladder's tiers and which categories need a supervisor's approval to close or may be answered
  on the spot (:mod:`core.cases.escalation`);
- ``departments.toml``: the member units the plans name, with the case categories each owns
  (telephone numbers left for the district to fill in);
- ``levels.toml``: the seeds' thresholds of the emergency levels;
- ``packing.toml``: box sizes, the dietary guidelines' daily amounts and the ration per person;
  pack templates name catalogue goods, so they are added once the catalogue is imported;
- ``communities.toml``, ``supermarkets.toml``, ``catalogue.toml``, ``pricelists.toml``,
  ``households.toml``: empty, each with a comment saying what goes in it and the
  ``baogong import`` that fills it.

``init --demo`` writes the demo desk instead, its week of calls ending yesterday. ``site`` names
the desk's site code (``desk.toml``'s ``site``): its case ids then start with it, as a desk
replicated to other sites needs (:mod:`core.replica`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from core.cases.escalation import DEFAULT_CLOSURE, DEFAULT_TIERS, ChaseLadder
from core.demo import copy_demo_desk, demo_desk_path
from core.identity import os_account
from core.levels.plans import Text
from core.problems import DeskError, Problem
from core.reference import DeskSettings
from core.storage.atomic import PRIVATE_FILE_MODE, make_directory, write_atomic
from core.storage.convert import converter
from core.storage.tomlio import dumps

if TYPE_CHECKING:
    from core.desk import Desk

LANGUAGES = {"zh": "zh_CN", "en": "en"}

EMPTY_FILES: Mapping[str, str] = {
    "communities.toml": (
        "# 区与社区 Districts and communities: [[district]] code, name, name_en, and\n"
        "# [[community]] code, name, district, households, population, drop point, supermarket.\n"
        "# Fill it from the district's register: baogong import communities FILE.xlsx\n"),
    "supermarkets.toml": (
        "# 保供超市 Designated supermarkets and the zone of communities each serves.\n"
        "# Fill it from a list of supermarkets: baogong import supermarkets FILE.xlsx\n"),
    "catalogue.toml": (
        "# 商品目录 Goods catalogue: code, name, unit, category, kg, litres, price (fen).\n"
        "# Fill it from a supermarket's price list: baogong import catalogue FILE.xlsx\n"),
    "pricelists.toml": (
        "# 超市价目表 Each supermarket's own price (fen) of catalogue goods: markups are measured\n"
        "# against it. Fill it from the supermarkets' lists (超市, 商品编码, 价格):\n"
        "#   baogong import pricelists FILE.xlsx\n"),
    "households.toml": (
        "# 居民户 Households and their residents, with priority flags (特殊群体).\n"
        "# Fill it from the grid workers' registers (one row per resident):\n"
        "#   baogong import households FILE.xlsx\n"),
}
DEPARTMENTS_HEADER = ("# 成员单位 Member departments and the case categories each owns; add each\n"
                      "# one's phone number. Cases are routed by desk.toml's [routing], else by\n"
                      "# the category's default department.\n\n")
PACKING_HEADER = ("# Pack templates ([[template]] with [[template.line]] item codes) name\n"
                  "# catalogue goods: add them once `baogong import catalogue` has filled\n"
                  "# catalogue.toml.\n")


def init_desk(root: Path, *, name: str, name_en: str = "", time_zone: str = "Asia/Shanghai",
              lang: str = "zh", demo: bool = False, yesterday: date | None = None,
              site: str = "") -> Path:
    """Create a desk at ``root`` (missing or an empty directory); :class:`DeskError` if it
    holds anything, or a setting is wrong. Returns ``root``."""
    root = Path(root).expanduser()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise DeskError([Problem(root, None, "is not an empty directory: a desk is started in "
                                             "a new one (nothing was written)")])
    settings = _settings(root, name, name_en, time_zone, lang, site)
    if demo:
        if root.exists():
            root.rmdir()
        copy_demo_desk(root, yesterday=yesterday)
        if site:
            _set_site(root / "desk.toml", site)
        return root
    make_directory(root, mode=PRIVATE_FILE_MODE)
    write = _writer(root)
    data = converter.unstructure(settings)
    if not site:
        del data["site"]
        del data["sync_minutes"]
    write("desk.toml", "# 热线台设置 Desk settings (see the README: A desk)\n\n" + dumps(data))
    write("departments.toml", DEPARTMENTS_HEADER + dumps({"department": _departments()}))
    write("levels.toml", (demo_desk_path() / "levels.toml").read_text(encoding="utf-8"))
    write("packing.toml", _packing())
    for file_name, text in EMPTY_FILES.items():
        write(file_name, text)
    return root


def _settings(root: Path, name: str, name_en: str, time_zone: str, lang: str, site: str
              ) -> DeskSettings:
    if lang not in LANGUAGES:
        raise DeskError([Problem(root, None, f"--lang must be zh or en, not {lang!r}")])
    try:
        return DeskSettings(name=name, name_en=name_en, time_zone=time_zone,
                            locale=LANGUAGES[lang], supervisors=(os_account(),), site=site,
                            ladder=ChaseLadder(DEFAULT_TIERS), closure=DEFAULT_CLOSURE)
    except ValueError as exc:
        raise DeskError([Problem(root / "desk.toml", None, str(exc))]) from None


def _set_site(path: Path, site: str) -> None:
    """Name ``site`` in a copied ``desk.toml``, after its top-level ``time_zone``."""
    lines = path.read_text(encoding="utf-8").splitlines(True)
    at = next(i for i, line in enumerate(lines) if line.startswith("time_zone ="))
    lines.insert(at + 1, f'site = "{site}"\n')
    write_atomic(path, "".join(lines).encode("utf-8"), mode=0o644)


def _writer(root: Path) -> Callable[[str, str], None]:
    def write(file_name: str, text: str) -> None:
        write_atomic(root / file_name, text.encode("utf-8"), mode=0o644)
    return write


def _departments() -> list[dict[str, Any]]:
    """The demo desk's member units, which are the plans' (成员单位), without its phone numbers."""
    data = tomllib.loads((demo_desk_path() / "departments.toml").read_text(encoding="utf-8"))
    return [{key: value for key, value in department.items() if key != "phone"}
            for department in data["department"]]


def _packing() -> str:
    """The demo desk's packing.toml without its pack templates (they name the demo's goods)."""
    lines = (demo_desk_path() / "packing.toml").read_text(encoding="utf-8").splitlines(True)
    kept: list[str] = []
    skipping = False
    for line in lines:
        if line.startswith("[[template"):
            skipping = True
        elif line.startswith("[") or line.startswith("# 按人定量"):
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(kept[:2]) + PACKING_HEADER + "".join(kept[2:])


@attrs.frozen
class SetupStep:
    """A register the desk still lacks, and the command that fills it."""

    kind: str
    name: Text
    command: str


#: what a desk needs before it can take calls well, in the order to import it
SETUP_STEPS: tuple[SetupStep, ...] = (
    SetupStep("communities", Text("社区", "Communities"),
              "baogong import communities FILE"),
    SetupStep("supermarkets", Text("保供超市", "Supermarkets"),
              "baogong import supermarkets FILE"),
    SetupStep("catalogue", Text("商品目录", "Catalogue"), "baogong import catalogue FILE"),
    SetupStep("households", Text("居民户", "Households"), "baogong import households FILE"),
)


def missing_setup(desk: Desk) -> list[SetupStep]:
    """The registers this desk has no record of yet (a desk fresh from ``init``: all four)."""
    have = {"communities": desk.communities, "supermarkets": desk.supermarkets,
            "catalogue": desk.catalogue, "households": desk.households}
    return [step for step in SETUP_STEPS if not have[step.kind]]
