"""The real app in a real terminal: tmux runs ``baogong``, send-keys types a whole call.

Skipped only when tmux is not installed (CI installs it).
"""

from __future__ import annotations

import os
import re
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.desk import Desk
from tests.terminal import TMUX, Terminal
from tests.tui.deskfactory import make_desk

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: cannot run the real app "
                                            "in a terminal (apt-get install tmux)"),
]


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"baogong-test-{uuid.uuid4().hex[:8]}")
    yield term
    term.kill()


def app_command(desk: Path) -> tuple[list[str], dict[str, str]]:
    env = {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "TEXTUAL_ANIMATIONS": "none", "HOME": os.environ.get("HOME", "/tmp")}
    return [sys.executable, "-m", "tui.cli", "--desk", str(desk), "--lang", "en",
            "--operator", "tmuxop"], env


def test_a_whole_call_typed_in_tmux_is_written_to_disk(tmp_path: Path,
                                                       terminal: Terminal) -> None:
    root = tmp_path / "desk"
    make_desk(root).cases.index.close()
    command, env = app_command(root)
    terminal.start(command, env, ROOT)
    terminal.wait_for("Queue")
    terminal.wait_for("20261123-0002")
    terminal.keys("n")
    terminal.wait_for("Call time")
    terminal.type("13800000001")
    terminal.wait_for("Registered household")
    terminal.keys(*["Tab"] * 7, "Enter")  # past name, community and address to the category
    terminal.wait_for("pinyin initials")
    terminal.type("shwz")
    terminal.keys("Enter")
    terminal.wait_for("Groceries")
    terminal.keys("Tab", "Tab", "Enter")  # past priority and flags to the items
    terminal.wait_for("Add an item")
    terminal.type("dm")
    terminal.keys("Enter")
    terminal.wait_for("quantity")
    terminal.keys("BSpace")
    terminal.type("3")
    terminal.keys("Enter")
    terminal.wait_for("x3")
    terminal.keys("Tab")
    terminal.type("需要米，腿脚不便")
    terminal.keys("C-s")
    terminal.wait_for("ctrl+s again saves a new case")  # her groceries case is still open
    terminal.keys("C-s")
    screen = terminal.wait_for("Read the case number")
    match = re.search(r"(\d{8}) - (\d{4})", screen)
    assert match, screen
    case_id = f"{match.group(1)}-{match.group(2)}"
    terminal.keys("Enter")
    terminal.wait_for("Queue")
    terminal.keys("C-q")
    time.sleep(0.5)
    desk = Desk.open(root)
    case = desk.cases.get(case_id)
    path = desk.cases.path_for(case_id)
    assert path.is_file()
    assert case.caller.phone == "13800000001" and case.caller.name == "张桂兰"
    assert case.category.value == "groceries" and case.created_by == "tmuxop"
    assert [(i.code, i.quantity) for i in case.items] == [("rice-5kg", 3)]
    assert case.description == "需要米，腿脚不便"
    assert 'phone = "13800000001"' in path.read_text(encoding="utf-8")


def test_a_dropped_connection_keeps_the_call(tmp_path: Path, terminal: Terminal) -> None:
    root = tmp_path / "desk"
    make_desk(root).cases.index.close()
    command, env = app_command(root)
    terminal.start(command, env, ROOT)
    terminal.wait_for("20261123-0002")
    terminal.keys("n")
    terminal.wait_for("Call time")
    terminal.type("13600000004")
    terminal.keys("Tab")
    terminal.type("陈明")
    time.sleep(1.0)
    terminal.kill()  # the terminal goes away: the app gets SIGHUP
    time.sleep(0.5)
    again = Terminal(terminal.name + "b")
    try:
        again.start(command, env, ROOT)
        again.wait_for("unsaved call")
        again.keys("y")
        again.wait_for("13600000004")
        assert "陈明" in again.screen()
    finally:
        again.kill()
