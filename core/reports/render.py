"""Any report as plain text: its heading lines, then each of its tables."""

from __future__ import annotations

from typing import Protocol

from core.levels.plans import Text
from core.reports.table import Table, render_table


class Report(Protocol):
    """What every report of :mod:`core.reports` offers (shift, day and daily reports)."""

    @property
    def title(self) -> Text: ...

    def heading(self, lang: str = "zh") -> list[str]: ...

    def tables(self) -> list[Table]: ...


def render_text(report: Report, lang: str = "zh") -> str:
    """The report in ``lang`` (``zh`` or ``en``) as plain text; no colour, no terminal codes."""
    parts = ["\n".join(report.heading(lang)) + "\n"]
    parts.extend(render_table(table, lang) for table in report.tables())
    return "\n".join(parts)
