"""The progress display of long exports: ``Open311 [#####.....] 512/1024``, on a console page
or on the terminal of a command.

Plain ASCII: block characters have an ambiguous width in East Asian terminals.
"""

from __future__ import annotations

from typing import IO

WIDTH = 30


def progress_bar(done: int, total: int, width: int = WIDTH) -> str:
    """``[#######.......] 12/40``."""
    filled = width * done // total if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


def progress_line(label: str, done: int, total: int) -> str:
    """``label [#######.......] 12/40``."""
    return f"{label} {progress_bar(done, total)}"


class ProgressBar:
    """:func:`progress_line` redrawn in place on a terminal; call it with ``(done, total)``."""

    def __init__(self, stream: IO[str], label: str) -> None:
        self.stream = stream
        self.label = label
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        self.stream.write(f"\r{progress_line(self.label, done, total)}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
