"""The demo desk shipped with baogong: a district in lockdown with a week of hotline calls.

It lives in ``fixtures/desk`` in the source tree and is installed inside the package as
``core/_demo_desk``. The shipped copy is never modified: :func:`copy_demo_desk` makes a working
copy wherever the caller wants one.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_IGNORED = shutil.ignore_patterns(".index", ".locks", ".drafts", "*.tmp", "__pycache__")


def demo_desk_path() -> Path:
    """The read-only demo desk: installed with the package, or in the source tree."""
    for candidate in (_PACKAGE / "_demo_desk", _PACKAGE.parent / "fixtures" / "desk"):
        if (candidate / "desk.toml").is_file():
            return candidate
    raise FileNotFoundError("the demo desk is not installed with this copy of baogong")


def copy_demo_desk(target: Path, *, yesterday: date | None = None) -> Path:
    """Copy the demo desk to ``target`` (which must not exist yet) and return it.

    With ``yesterday``, the copy's week of calls is moved to end that day
    (:func:`core.demodates.move_demo_week`); it is prepared beside ``target`` and renamed into
    place, so an interrupted copy never leaves a half-moved desk.
    """
    if yesterday is None:
        shutil.copytree(demo_desk_path(), target, ignore=_IGNORED)
        return target
    from core.demodates import move_demo_week

    scratch = target.with_name(f".{target.name}.preparing")
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(demo_desk_path(), scratch, ignore=_IGNORED)
    move_demo_week(scratch, yesterday)
    scratch.rename(target)
    return target
