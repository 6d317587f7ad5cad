"""A real terminal for tests: a tmux session we type into and read the screen of."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

TMUX = shutil.which("tmux")


class Terminal:
    """The tmux session ``name``; ``start`` creates it, or it was created elsewhere."""

    def __init__(self, name: str, *, timeout: float = 20, key_pause: float = 0.08,
                 type_pause: float = 0.3) -> None:
        self.name = name
        self.timeout = timeout
        self.key_pause = key_pause
        self.type_pause = type_pause

    def tmux(self, *args: str) -> str:
        return subprocess.run([TMUX or "tmux", *args], check=True, capture_output=True,
                              text=True).stdout

    def start(self, command: list[str], env: dict[str, str], cwd: Path,
              size: tuple[int, int] = (80, 24)) -> None:
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        shell = f"cd {cwd} && env {exports} {' '.join(command)}; sleep 30"
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                  shell)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float | None = None) -> str:
        deadline = time.monotonic() + (timeout or self.timeout)
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{screen}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(self.key_pause)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)
        time.sleep(self.type_pause)

    def kill(self) -> None:
        subprocess.run([TMUX or "tmux", "kill-session", "-t", self.name], capture_output=True)
