"""Which desk a ``baogong`` command works on.

``--desk DIR`` wins, then ``$BAOGONG_DESK``, then the user's own desk in the platform's data
directory, which starts life as a copy of the demo desk (the shipped copy is never modified).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from core.demo import copy_demo_desk


def user_desk_path() -> Path:
    return Path(platformdirs.user_data_dir("baogong", appauthor=False)) / "desk"


def resolve_desk(given: str | None) -> Path:
    if given:
        return Path(given).expanduser()
    from_env = os.environ.get("BAOGONG_DESK")
    if from_env:
        return Path(from_env).expanduser()
    desk = user_desk_path()
    if not (desk / "desk.toml").exists():
        desk.parent.mkdir(parents=True, exist_ok=True)
        copy_demo_desk(desk)
    return desk


def user_log_dir() -> Path:
    """Where ``baogong`` writes the details of an internal error (the platform's user log dir)."""
    return Path(platformdirs.user_log_dir("baogong", appauthor=False))
