"""Which desk a ``baogong`` command works on.

``--desk DIR`` wins, then ``$BAOGONG_DESK``, then the user's own desk in the platform's data
directory, which starts life as a copy of the demo desk (the shipped copy is never modified),
its week of calls moved to end yesterday.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import platformdirs

from core.demo import copy_demo_desk, demo_desk_path
from core.desk import load_settings


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
        copy_demo_desk(desk, yesterday=demo_yesterday())
    return desk


def demo_yesterday() -> date:
    """Yesterday in the demo desk's time zone: its copied week of calls ends then."""
    settings, _problems = load_settings(demo_desk_path() / "desk.toml")
    zone = settings.zone if settings is not None else ZoneInfo("Asia/Shanghai")
    return datetime.now(zone).date() - timedelta(days=1)


def user_log_dir() -> Path:
    """Where ``baogong`` writes the details of an internal error (the platform's user log dir)."""
    return Path(platformdirs.user_log_dir("baogong", appauthor=False))
