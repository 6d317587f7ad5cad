"""Problems found in a desk's files, as values.

A problem names the file, the line (when known), the field (when known) and what is wrong, in
the way ``hledger check`` and ``bean-check`` do: loading collects every problem and reports them
together instead of stopping at the first one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs


@attrs.frozen(order=True)
class Problem:
    """One thing wrong with one file (问题)."""

    path: Path
    line: int | None
    message: str
    field: str | None = None

    def render(self, base: Path | None = None) -> str:
        """``path:line: field: message``, with ``path`` relative to ``base`` when possible."""
        shown = self.path
        if base is not None:
            try:
                shown = self.path.relative_to(base)
            except ValueError:
                shown = self.path
        where = f"{shown}:{self.line}" if self.line is not None else f"{shown}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"


class DeskError(Exception):
    """Raised when a file (or a whole desk) cannot be used; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(p.render() for p in self.problems) or "desk error")


class InvalidField(ValueError):
    """A validator's complaint about one field, so the error can point at that field's line."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
