"""The supervisors' console (值班长控制台): issue 8.

Reached from the queue with ``b``, only by the desk's supervisors (``desk.toml``'s
``supervisors`` and ``supervisor_group``, see :mod:`core.identity`); an operator pressing the
key is told so and nothing opens. Every supervisor decision is also checked in :mod:`core`
(``NotASupervisor``), so a screen reached some other way still cannot act for an operator.

Screens: the situation board, the daily medical allocation, the delivery rounds, reconciliation
and reports. Each is a thin shell over :mod:`core.reports.situation`, :mod:`core.allocation`,
:mod:`core.rounds` with ``desk.levels``, :mod:`core.ledger` and :mod:`core.reports`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.i18n import _
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import Choice, DeskFooter, PickerField, TextField, Tr
from tui.widgets.form import FormDialog, field_moves

if TYPE_CHECKING:
    from tui.app import BaogongApp


def lang(app: BaogongApp) -> str:
    return app.language


class ConsolePage(Screen[None]):
    """A console page: header, one scrolling body of text, footer; esc goes back."""

    TITLE_MSGID = "Console"

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.TITLE_MSGID)
        with VerticalScroll(id="body-scroll"):
            yield Static(id="body")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.show()
        self.query_one("#body-scroll").focus()

    def body(self) -> Text | str:
        return ""

    def show(self) -> None:
        try:
            content = self.body()
        except Exception as exc:  # a broken file must not end the shift: say what it is
            problems = getattr(exc, "problems", None)
            lines = [p.render(self.desk_app.desk.root) for p in problems] if problems \
                else [str(exc)]
            content = "\n".join([_("Cannot show this page"), "", *lines])
        self.query_one("#body", Static).update(content)

    def action_back(self) -> None:
        self.app.pop_screen()

    def relabel(self) -> None:
        self.show()


class ReasonDialog(FormDialog[tuple[str | None, str] | None]):
    """A supervisor's decision: an optional choice (a level...) and a reason, both required."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Confirm", id="reason.confirm"),
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
        *field_moves("reason"),
    ]
    DEFAULT_CSS = """
    ReasonDialog > Vertical { width: 70; max-height: initial; padding: 1 2; }
    ReasonDialog .title { margin-bottom: 0; }
    ReasonDialog Horizontal { margin-top: 1; }
    ReasonDialog Tr.label { width: 12; color: $foreground; }
    ReasonDialog #error { color: $error; }
    """

    def __init__(self, title: str, summary: str = "",
                 choices: list[Choice] | None = None, choice_title: str = "",
                 value: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.summary = summary
        self.choices = choices
        self.choice_title = choice_title
        self.value = value

    def fields(self) -> ComposeResult:
        yield Static(self.title_text, classes="title")
        if self.summary:
            yield Static(self.summary)
        if self.choices is not None:
            choices = self.choices
            yield Horizontal(Tr(self.choice_title, classes="label"),
                             PickerField(self.choice_title, lambda: choices, self.value,
                                         id="choice"))
        yield Horizontal(Tr("Reason", classes="label"), TextField(id="reason"))
        yield Static(id="error")

    def on_mount(self) -> None:
        self.query_one("#choice" if self.choices is not None else "#reason").focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        value = self.query_one("#choice", PickerField).value if self.choices is not None \
            else None
        if not reason:
            self.query_one("#error", Static).update(_("A reason is required."))
            return
        self.dismiss((value, reason))
