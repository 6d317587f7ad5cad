"""The header line every screen shows: desk, operator, counters, clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tui.i18n import _
from tui.text import clock_time

if TYPE_CHECKING:
    from tui.app import BaogongApp


class DeskHeader(Static):
    """``screen | desk | operator | open N | overdue N | call-backs late N | problems N | time``
    on one line; the counters of nothing to do are left out, but open and overdue. On a training
    desk, where the operator's name is not checked against the system, ``培训 TRAINING`` stands
    before it."""

    DEFAULT_CSS = """
    DeskHeader { dock: top; height: 1; background: $primary; color: $text; }
    """

    def __init__(self, screen_title: str) -> None:
        super().__init__()
        self.screen_title = screen_title
        #: the text last rendered: a poll that changes nothing does not repaint the line
        self._shown = ""

    def render(self) -> Text:
        app: BaogongApp = self.app  # type: ignore[assignment]
        settings = app.desk.settings
        desk_name = settings.name if app.language == "zh" else (settings.name_en or settings.name)
        right = Text()
        if settings.training:
            right.append(f" {_('Training')} ", style="bold reverse")
            right.append(" ")
        if app.indexing is not None:
            done, total = app.indexing
            right.append(f"{_('Indexing')} {done * 100 // total}%  ", style="bold")
        right.append(f"{app.operator}  ")
        right.append(f"{_('Open')} {app.open_count}  ")
        right.append(f"{_('Overdue')} {app.overdue_count}",
                     style="bold reverse" if app.overdue_count else "")
        if app.late_callback_count:
            right.append(f"  {_('Call-backs late')} {app.late_callback_count}", style="bold")
        if app.problem_count:
            right.append(f"  {_('Problems')} {app.problem_count}", style="bold")
        if app.replicated:  # a desk replicated with other sites: when it last synced
            synced = app.last_sync
            right.append(f"  {_('Synced')} {synced.strftime('%H:%M') if synced else '-'}")
        right.append(f"  {clock_time(app.clock())} ")
        title = Text(f" {_(self.screen_title)} ", style="bold reverse")
        width = self.size.width
        room = width - right.cell_len - title.cell_len - 2
        name = Text(f" {desk_name}")
        if name.cell_len > room:
            name = Text("")  # the whole name or none: "Hexi D" helps nobody
        gap = max(1, width - title.cell_len - name.cell_len - right.cell_len)
        shown = Text.assemble(title, name, " " * gap, right)
        self._shown = shown.plain
        return shown

    def refresh_if_changed(self) -> None:
        """Repaint if the line would read differently (a count, the minute): the desk is polled
        every two seconds, and a repaint for nothing lands between an operator's keys."""
        before = self._shown
        if self.render().plain != before:
            self.refresh()

    def relabel(self) -> None:
        self.refresh()
