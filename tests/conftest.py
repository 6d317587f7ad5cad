from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import core
from core.demo import copy_demo_desk

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

#: a training desk: the tests act as many operators from one account (core.identity)
MINIMAL_SETTINGS = ('name = "测试热线台"\nname_en = "Test desk"\ntime_zone = "Asia/Shanghai"\n'
                    "training = true\n")


@pytest.fixture
def demo_desk_dir(tmp_path: Path) -> Path:
    """A private working copy of the demo desk."""
    return copy_demo_desk(tmp_path / "desk")


@pytest.fixture
def demo_desk(demo_desk_dir: Path) -> Iterator[core.Desk]:
    desk = core.open_desk(demo_desk_dir)
    yield desk
    desk.cases.index.close()


@pytest.fixture
def empty_desk_dir(tmp_path: Path) -> Path:
    root = tmp_path / "empty-desk"
    root.mkdir()
    (root / "desk.toml").write_text(MINIMAL_SETTINGS, encoding="utf-8")
    return root


@pytest.fixture
def empty_desk(empty_desk_dir: Path) -> Iterator[core.Desk]:
    desk = core.open_desk(empty_desk_dir)
    yield desk
    desk.cases.index.close()


#: ``baogong ARGS`` run in this process: (exit status, stdout, stderr)
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``baogong ARGS`` in this process: (status, stdout, stderr); argparse's exit included."""

    def call(*argv: str) -> tuple[int, str, str]:
        try:
            from tui.cli import main

            status = main(list(argv))
        except SystemExit as exit_:
            status = int(exit_.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "Traceback" not in out
        return status, out, err

    return call
