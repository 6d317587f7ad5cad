"""The demo desk shipped with baogong: a district in lockdown with a week of hotline calls.

It lives in ``fixtures/desk`` in the source tree and is installed inside the package as
``core/_demo_desk``. The shipped copy is never modified: :func:`copy_demo_desk` makes a working
copy wherever the caller wants one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_IGNORED = shutil.ignore_patterns(".index", ".locks", ".drafts", "*.tmp", "__pycache__")


def demo_desk_path() -> Path:
    """The read-only demo desk: installed with the package, or in the source tree."""
    for candidate in (_PACKAGE / "_demo_desk", _PACKAGE.parent / "fixtures" / "desk"):
        if (candidate / "desk.toml").is_file():
            return candidate
    raise FileNotFoundError("the demo desk is not installed with this copy of baogong")


def copy_demo_desk(target: Path) -> Path:
    """Copy the demo desk to ``target`` (which must not exist yet) and return it."""
    shutil.copytree(demo_desk_path(), target, ignore=_IGNORED)
    return target
