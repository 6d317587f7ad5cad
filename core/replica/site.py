"""Which site this replica of a desk is (站点): the code its new case ids start with.

A desk replicated through git (:mod:`core.replica.git`) has one replica per site: a district's
hotline room, a street office, a laptop on the road. Each numbers its own cases, so each needs
its own code, and that code must not travel with the replicated files, or the first sync would
give every replica the same one. So:

- ``desk.toml``'s ``site`` names the site of the replica that started the desk
  (``baogong init DIR --site HX``): replicated, read by every replica as the desk's home site;
- ``local.toml`` beside it names this replica's own code (``baogong clone URL DIR --site XC``
  writes it) and is listed in the desk's ``.gitignore``: it is never committed, so never
  replicated.

This replica's site is ``local.toml``'s when there is one, else ``desk.toml``'s; a desk with
neither keeps ids without a site (``20261123-0042``).
"""

from __future__ import annotations

from pathlib import Path

import attrs

from core.problems import DeskError, Problem
from core.reference import SITE_PATTERN, check_site
from core.storage.atomic import write_atomic
from core.storage.convert import converter
from core.storage.tomlio import dumps, read_toml, structure

LOCAL_FILE = "local.toml"


@attrs.frozen
class LocalSettings:
    """``local.toml``: what belongs to this replica alone and is never replicated."""

    site: str = attrs.field(default="", validator=check_site)


def load_local(path: Path) -> tuple[LocalSettings | None, list[Problem]]:
    """This replica's ``local.toml`` at ``path``: None and no problem when there is none."""
    if not path.exists() and not path.is_symlink():
        return None, []
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems
    return structure(converter, data, LocalSettings, path, text)


def write_local(root: Path, site: str, *, mode: int = 0o644) -> Path:
    """Write this replica's site code into ``root/local.toml``; :class:`DeskError` on a bad
    code (nothing written)."""
    path = root / LOCAL_FILE
    if not SITE_PATTERN.match(site):
        raise DeskError([Problem(path, None, f"{site!r} is not a site code (2 to 6 capital "
                                             "letters and digits, a letter first, e.g. HX)",
                                 "site")])
    text = ("# 本机设置 This replica's own settings: never committed, never replicated\n"
            + dumps(converter.unstructure(LocalSettings(site=site))))
    write_atomic(path, text.encode("utf-8"), mode=mode)
    return path


def replica_site(desk_site: str, local: LocalSettings | None) -> str:
    """This replica's site code: ``local.toml``'s, else the desk's (``desk.toml``)."""
    if local is not None and local.site:
        return local.site
    return desk_site
