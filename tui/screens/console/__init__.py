"""The supervisors' console (值班长控制台): issue 8.

Reached from the queue with ``b``, only by the desk's supervisors (``desk.toml``'s
``supervisors`` and ``supervisor_group``, see :mod:`core.identity`); an operator pressing the
key is told so and nothing opens. Every supervisor decision is also checked in :mod:`core`
(``NotASupervisor``), so a screen reached some other way still cannot act for an operator.

Screens: the situation board, the daily medical allocation, the delivery rounds, reconciliation
and reports. Each is a thin shell over :mod:`core.reports.situation`, :mod:`core.allocation`,
:mod:`core.rounds` with ``desk.levels``, :mod:`core.ledger` and :mod:`core.reports`; each
computes in a worker thread, once per change of what it reads (:class:`ComputedPage`), never
per keypress.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from core.cases.store import CASES_DIR
from core.storage.deskfiles import file_states
from tui.i18n import _
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import Choice, DeskFooter, PickerField, TextField, Tr
from tui.widgets.form import FormDialog, field_moves

if TYPE_CHECKING:
    from core.desk import Desk
    from tui.app import BaogongApp

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")

#: (file, modification time in ns, size) of the files a page read
FileState = tuple[tuple[str, int, int], ...]
#: desk folders no console page reads: the case files (their index stands for them), exports
UNREAD = frozenset({CASES_DIR, "exports"})


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


def desk_files(desk: Desk) -> FileState:
    """(file, modification time in ns, size) of every file of the desk a console page may
    read, that is all but the case files, exports and hidden ones (the index, locks): while it
    is the same, so are the pages."""
    paths: list[str] = []
    for top, dirs, files in os.walk(desk.root):
        dirs[:] = [d for d in dirs if not d.startswith(".")
                   and not (top == str(desk.root) and d in UNREAD)]
        paths.extend(os.path.join(top, name) for name in files if not name.startswith("."))
    return file_states(sorted(paths))


def case_state(desk: Desk) -> FileState:
    """(folder, modification time in ns, size) of every day's folder of case files: a case
    saved, by this session or another, changes its folder's (the test the index refreshes by)."""
    found = []
    root = str(desk.root / CASES_DIR)
    for top, dirs, _files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d.isdigit())
        if top == root:
            continue
        try:
            status = os.stat(top)
        except OSError:
            continue
        found.append((top, status.st_mtime_ns, status.st_size))
    return tuple(found)


class ComputedPage(ConsolePage, Generic[K, R]):
    """A console page computed in a worker thread, once per change of its inputs.

    :meth:`inputs` (UI thread, cheap) names what the user chose and the part of the clock the
    page depends on; :meth:`files` (worker) the state of the files it reads; :meth:`compute`
    (worker) the result, which :meth:`draw` draws. Changing the language or a view toggle
    draws the result again; the page computes again when it is shown again or refreshed and
    its inputs or files changed. A result for earlier inputs is dropped, and one that arrives
    after the page was closed is ignored.
    """

    def __init__(self) -> None:
        super().__init__()
        self.outcome: R | None = None
        #: the inputs and files of ``outcome``; a failure to compute, shown instead of it
        self.computed: tuple[K, Hashable] | None = None
        self.failure: Exception | None = None
        self._in_flight = False
        self._again = False
        self._force = False

    def inputs(self, now: datetime) -> K:
        raise NotImplementedError

    def files(self) -> Hashable:
        return desk_files(self.desk_app.desk)

    def compute(self, inputs: K, now: datetime) -> R:
        raise NotImplementedError

    def draw(self, result: R) -> Text | str:
        raise NotImplementedError

    def body(self) -> Text | str:
        if self.failure is not None:
            raise self.failure
        if self.outcome is None:
            return "  " + _("Working it out...")
        return self.draw(self.outcome)

    def took(self) -> None:
        """A new outcome (or failure) arrived and is about to be shown."""

    def on_screen_resume(self) -> None:
        self.recompute()

    def recompute(self, force: bool = False) -> None:
        """Compute in a worker thread if the inputs changed (any case with ``force``); one
        runs at a time."""
        self._force = self._force or force
        if self._in_flight:
            self._again = True
            return
        self._in_flight, self._again = True, False
        now = self.desk_app.clock()
        inputs = self.inputs(now)
        known = None if self._force else self.computed
        self._force = False

        def work() -> None:
            key: tuple[K, Hashable] | None = None
            result: R | None = None
            failure: Exception | None = None
            try:
                key = (inputs, self.files())
                if key != known:
                    result = self.compute(inputs, now)
            except Exception as exc:  # a broken file must not end the shift: show it
                failure = exc
            self.app.call_from_thread(self._computed, key, result, failure)

        self.run_worker(work, thread=True, group="page", exit_on_error=False)

    def _computed(self, key: tuple[K, Hashable] | None, result: R | None,
                  failure: Exception | None) -> None:
        self._in_flight = False
        if not self.is_attached:  # the page was closed while it computed
            return
        if failure is not None:
            self.computed, self.outcome, self.failure = None, None, failure
            self.took()
            self.show()
        elif result is not None and key is not None:
            if key[0] == self.inputs(self.desk_app.clock()):
                self.computed, self.outcome, self.failure = key, result, None
                self.took()
                self.show()
            else:  # computed for an earlier choice or hour: compute the current one
                self._again = True
        if self._again:
            self.recompute()

    def inputs_changed(self) -> None:
        """The user chose something else: the result shown is not theirs; compute it."""
        self.outcome, self.computed = None, None
        self.show()
        self.recompute()


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
