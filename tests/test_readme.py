"""The README's promises that can be checked without installing anything."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import core

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Quick start") : readme.index("## What is in the box")]
    return [line for block in re.findall(r"```sh\n(.*?)```", section, re.S)
            for line in block.splitlines() if line and not line.startswith("#")]


def test_quick_start_is_two_commands() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("baogong")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()


def test_top_level_is_what_the_design_card_lists() -> None:
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    top = {name.split("/")[0] for name in tracked}
    assert top <= {"pyproject.toml", "core", "tui", "fixtures", "tests", "README.md", ".ci",
                   ".gitignore"}


def test_the_reliability_table_names_tests_that_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Reliability") : readme.index("## Benchmarks")]
    named = set(re.findall(r"`(test_\w+)`", section))
    defined = {name for path in (ROOT / "tests").rglob("test_*.py")
               for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)}
    assert len(named) >= 5
    assert named <= defined


def guide_commands() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- new-desk-guide -->")
    block = re.search(r"```sh\n(.*?)```", readme[start:], re.S)
    assert block is not None
    return [line.split() for line in block.group(1).splitlines() if line.strip()]


def test_the_new_desk_guide_runs_from_init_to_the_first_call(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_desk: core.Desk) -> None:
    """Every command of the guide, in order, in a scratch directory; the spreadsheets are the
    demo desk's registers exported under the guide's file names; the last command opens the
    app, and a call is taken on the desk it opens."""
    import asyncio

    from core.registers import RegisterKind, register_table
    from tests.tui.deskfactory import FakeClock
    from tui.app import BaogongApp
    from tui.cli import main
    from tui.xlsx import write_xlsx

    monkeypatch.chdir(tmp_path)
    commands = guide_commands()
    assert [c[0] for c in commands] == ["baogong"] * len(commands)
    files = {"communities": RegisterKind.COMMUNITIES, "supermarkets": RegisterKind.SUPERMARKETS,
             "catalogue": RegisterKind.CATALOGUE, "households": RegisterKind.HOUSEHOLDS}
    for command in commands:
        if command[1] == "import":
            write_xlsx([register_table(demo_desk, files[command[2]])], tmp_path / command[3])
    *steps, app_command = commands
    for command in steps:
        assert main(command[1:]) == 0, command
    assert app_command[1:] == ["--desk", "changfeng"]
    desk = core.open_desk(tmp_path / "changfeng")
    assert len(desk.households) == len(demo_desk.households)

    async def open_app() -> None:
        app = BaogongApp(desk, language="zh", clock=FakeClock(), cursor_blink=False,
                         poll_interval=None)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert not app.screen.query_one("#setup").display
            assert type(app.screen).__name__ == "QueueScreen"

    asyncio.run(open_app())
    case = desk.cases.create(core.Category.GROCERIES,
                             caller=core.Caller(name="张桂兰", phone="13800000001"),
                             description="家里没菜了")
    assert case.department == "commerce"
    desk.cases.index.close()
