"""Problems (问题): files of the desk that could not be read, with their path and message.

A case file listed here is never written to by the app; fix it by hand (``baogong check``
shows the same list) and it disappears at the next refresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.i18n import _
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import DeskFooter

if TYPE_CHECKING:
    from tui.app import BaogongApp


class ProblemsScreen(Screen[None]):
    CSS_PATH = "problems.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="problems.back"),
        Binding("r", "recheck", "Check again", id="problems.recheck"),
    ]

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield DeskHeader("Problems")
        with VerticalScroll(id="problem-list"):
            yield Static(id="problems")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.show()
        self.query_one("#problem-list").focus()

    def show(self) -> None:
        app = self.desk_app
        problems = [*app.desk.problems, *app.case_problems]
        if not problems:
            self.query_one("#problems", Static).update(_("No problems: every file was read."))
            return
        text = Text()
        text.append(_("These files could not be read. The app will not write to them.") + "\n\n",
                    style="bold")
        for problem in problems:
            text.append(problem.render(app.desk.root) + "\n")
        self.query_one("#problems", Static).update(text)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_recheck(self) -> None:
        self.desk_app.poll()
        self.set_timer(0.5, self.show)

    def relabel(self) -> None:
        self.show()
