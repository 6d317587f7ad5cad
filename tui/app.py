"""The operators' desk (接线台): a Textual app over :mod:`core`.

``baogong`` with no subcommand starts it. The app is a stack of screens over one desk: the
queue at the bottom, a new call (intake), a case's detail, the shift handover and the problem
list on top. Other operators' writes are picked up by polling the case index every few seconds.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.scrollbar import ScrollBar, ScrollBarRender

from core.cases.index import Query
from core.desk import Desk
from core.identity import acting_name, describe_supervisors
from core.problems import DeskError, Problem
from core.reference import Household
from core.replica.git import is_repository, last_sync, sync_desk
from tui import i18n
from tui.drafts import DraftStore
from tui.i18n import _, record_name
from tui.keys import APP_BINDINGS, apply_keymap, keymap_problems
from tui.later import Later
from tui.palette import DeskCommands
from tui.text import KEY_NAMES
from tui.typeahead import ReleasedKey, TypeAhead
from tui.widgets.common import Choice, Confirm, DeskKeyPanel, PickerField, is_supervisor, speak
from tui.widgets.source import CaseSource

ANY = "*"


@runtime_checkable
class FollowsCase(Protocol):
    """A screen showing one case (:class:`tui.screens.detail.DetailScreen`): told when cases
    changed on disk, to look at its own."""

    def check_for_changes(self) -> None: ...


class PlainScrollBarRender(ScrollBarRender):
    """Scroll bars drawn with spaces only: the block characters have ambiguous width."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


ScrollBar.renderer = PlainScrollBarRender


#: seconds after start before the desk clock's first run is queued (:mod:`tui.later`): the first
#: paint and the first keys do not wait for it
CLOCK_START_DELAY = 1.0


class BaogongApp(App[int]):
    """The desk app. Everything that makes runs differ (clock, operator, blink) is injectable."""

    CSS_PATH = "app.tcss"
    TITLE = "baogong"
    COMMANDS: ClassVar[set[Any]] = {DeskCommands}
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def __init__(
        self,
        desk: Desk,
        *,
        operator: str | None = None,
        language: str | None = None,
        clock: Callable[[], datetime] | None = None,
        cursor_blink: bool = True,
        poll_interval: float | None = 2.0,
        drafts: DraftStore | None = None,
        clock_interval: float = 60.0,
    ) -> None:
        super().__init__()
        self.desk = desk
        #: the OS account; another name only on a training desk (:mod:`core.identity`)
        self.operator = acting_name(desk, operator)
        self.language = i18n.choose_language(language, desk.settings.locale)
        i18n.set_language(self.language)
        #: the desk's own clock stamps the cases; open the desk with ``clock=`` to set it
        self.clock: Callable[[], datetime] = clock or desk.cases.now
        self.cursor_blink = cursor_blink
        self.poll_interval = poll_interval
        #: how often the desk's clock rules run (core.tick) while the desk is live (polled)
        self.clock_interval = clock_interval
        self._clock_desk: Desk | None = None
        self._clock_running = False
        self.animation_level = "none"
        self.reader = CaseSource(desk)
        self.drafts = drafts or DraftStore(desk.root, self.operator, mode=desk.file_mode)
        self.open_count = 0
        self.overdue_count = 0  # open cases past due
        self.late_callback_count = 0  # resolved cases not called back in time
        self.problem_count = 0
        #: ``(files read, files to read)`` while the case index is being built, else None
        self.indexing: tuple[int, int] | None = None
        self.case_problems: list[Problem] = []
        self.keymap_problems: list[str] = []
        self._queue_shown = False
        self.started = self.clock()
        self._households_by_phone: dict[str, list[Household]] | None = None
        self._data_version = -1
        #: a poll is running; another was asked for meanwhile (:meth:`poll`)
        self._polling = self._poll_again = False
        self.type_ahead = TypeAhead(self)
        #: work left for after the first paint, run while the operator is not typing
        self.later = Later(self)
        #: set for a real session (run_app): the start's objects are frozen once loaded (see
        #: queue_shown); not in tests, where many apps come and go in one process
        self.freeze_after_start = False
        #: the desk is a git repository replicated with other sites (core.replica.git)
        self.replicated = is_repository(desk.root)
        self.last_sync: datetime | None = last_sync(desk.root) if self.replicated else None

    def get_key_display(self, binding: Binding) -> str:
        # spelled out: the symbols Textual uses for some keys are missing from many fonts
        key = binding.key.split(",")[0]
        return KEY_NAMES.get(key) or super().get_key_display(binding)

    # --- keys typed ahead (tui.typeahead) -------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste):
            self.later.key()
        if self.type_ahead.hold(event):
            return  # delivered, in order, once the keys before it are handled
        await super().on_event(event)

    async def on_released_key(self, message: ReleasedKey) -> None:
        await super().on_event(message.event)

    # --- start ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        from tui.screens.queue import QueueScreen

        apply_keymap(self, self.desk.settings.keys)
        self.push_screen(QueueScreen())
        self.poll(first=True)
        if self.poll_interval:
            self.set_interval(self.poll_interval, self.poll)
            # catch up with what fell due while the app was closed, once the first screen is up
            self.set_timer(CLOCK_START_DELAY, lambda: self.later.add("clock", self._clock_job))
            self.set_interval(self.clock_interval, self.run_clock)
        self.set_interval(30, self._tick)
        if self.replicated and self.desk.settings.sync_minutes:
            self.set_interval(self.desk.settings.sync_minutes * 60, self.sync_now)
        self.call_after_refresh(self.offer_drafts)

    def queue_shown(self) -> None:
        """The queue's first rows are on screen: the work the start left for later."""
        if self._queue_shown:
            return
        self._queue_shown = True
        self.keymap_problems = keymap_problems(self.desk.settings.keys)
        for problem in self.keymap_problems:
            self.notify(problem, severity="warning", timeout=8)
        freeze = self.freeze_after_start

        def work() -> None:
            preload()
            if freeze:
                # what the start loaded (the desk, the index, pypinyin's dictionaries) is kept
                # for the whole shift: leaving it out of the collector keeps a full collection
                # while an operator types at a few ms, not ~100 (gc.freeze)
                gc.freeze()

        self.later.add("preload", lambda: work)
        self.later.start()

    def _tick(self) -> None:
        from tui.widgets.chrome import DeskHeader

        for header in self.screen.query(DeskHeader):
            header.refresh()

    # --- the live desk --------------------------------------------------------------------

    def poll(self, first: bool = False) -> None:
        """Re-read changed case files in a worker; update the queue, counters and problems.
        One at a time: building the index of a big desk takes minutes, and polls piling up
        behind it would hold every worker thread (the list's and the search's too); one asked
        for meanwhile runs once it ends."""
        if self._polling:
            self._poll_again = True
            return
        self._polling = True
        reader = self.reader
        now = self.clock()

        def progress(done: int, total: int) -> None:
            self.call_from_thread(self._indexed, done, total)

        def work() -> None:
            try:
                changed = reader.refresh(progress)
                version = reader.data_version()
                if version != self._data_version:
                    # another session wrote cases and indexed them itself
                    self._data_version = version
                    changed += 1
                counts = (reader.count(Query(open_only=True)),
                          reader.count(Query.past_due(now)),
                          reader.count(Query.late_callbacks(now)))
                problems = reader.problems()
            except Exception as exc:  # a disk or index error must not end the shift
                self.call_from_thread(self.notify, f"{_('Cannot read the cases')}: {exc}",
                                      severity="error")
                return
            else:
                self.call_from_thread(self._polled, changed, counts, problems, first)
            finally:
                self.call_from_thread(self._poll_ended)

        self.run_worker(work, thread=True, group="poll", exclusive=False, exit_on_error=False)

    def _poll_ended(self) -> None:
        self._polling = False
        if self._poll_again:
            self._poll_again = False
            self.poll()

    def sync_now(self) -> None:
        """Sync the desk with its remotes in a worker (``desk.toml``'s ``sync_minutes``); the
        header shows when it last synced, and a failure is told."""
        desk = self.desk

        def work() -> None:
            try:
                result = sync_desk(desk)
            except DeskError as exc:
                message = "; ".join(p.message for p in exc.problems)
                self.call_from_thread(self.notify, f"{_('Sync failed')}: {message}",
                                      severity="error")
                return
            if not result.ok:
                failed = [f"{r.remote}: {r.error or ', '.join(r.conflicts)}"
                          for r in result.remotes if r.error or r.conflicts]
                self.call_from_thread(self.notify, f"{_('Sync failed')}: {'; '.join(failed)}",
                                      severity="warning")
                return
            self.last_sync = result.when
            self.call_from_thread(self._tick)
            self.call_from_thread(self.poll)

        self.run_worker(work, thread=True, group="sync", exclusive=True, exit_on_error=False)

    def _indexed(self, done: int, total: int) -> None:
        """A batch of case files is in the index: show how far it is, and the cases so far."""
        from tui.screens.queue import QueueScreen
        from tui.widgets.chrome import DeskHeader

        self.indexing = None if done >= total else (done, total)
        for screen in self.screen_stack:
            for header in screen.query(DeskHeader):
                header.refresh()
            if isinstance(screen, QueueScreen) and done < total:
                screen.refreshed()

    def run_clock(self) -> None:
        """Run the desk's clock rules up to now in a worker (chase ladder steps...), as
        ``baogong tick`` does; one run at a time, on a desk object of its own (its own index
        connection), so the screens' reads never wait for it."""
        work = self._clock_job()
        if work is not None:
            self.run_worker(work, thread=True, group="clock", exit_on_error=False)

    def _clock_job(self) -> Callable[[], None] | None:
        """The work of one run of the desk's clock, or None while a run is still going."""
        from core.tick import run_tick

        if self._clock_running:
            return None
        self._clock_running = True
        if self._clock_desk is None:
            self._clock_desk = Desk(root=self.desk.root, settings=self.desk.settings,
                                    clock=self.desk.clock)
        desk = self._clock_desk
        now = self.clock()

        def work() -> None:
            try:
                result = run_tick(desk, now)
            except Exception as exc:  # a disk or index error must not end the shift
                self.call_from_thread(self.notify, f"{_('Cannot run the desk clock')}: {exc}",
                                      severity="error")
                return
            finally:
                self._clock_running = False
            if result.written:
                self.call_from_thread(self.poll)

        return work

    def show_in_queue(self, case_id: str) -> None:
        """Select ``case_id`` in the queue under the screens on top (a call just put on file)."""
        from tui.screens.queue import QueueScreen

        for screen in self.screen_stack:
            if isinstance(screen, QueueScreen):
                screen.show_case(case_id)

    def _polled(self, changed: int, counts: tuple[int, int, int], problems: list[Problem],
                first: bool) -> None:
        from tui.screens.queue import QueueScreen
        from tui.widgets.chrome import DeskHeader

        self.case_problems = problems
        self.open_count, self.overdue_count, self.late_callback_count = counts
        self.problem_count = len(problems) + len(self.desk.problems)
        # every screen's header: the one under a dialog (the read-back after a save) too
        for screen in self.screen_stack:
            for header in screen.query(DeskHeader):
                header.refresh_if_changed()
        for screen in self.screen_stack:
            if isinstance(screen, QueueScreen):
                screen.update_setup()  # a register imported meanwhile
        if changed or first:
            for screen in self.screen_stack:
                if isinstance(screen, QueueScreen):
                    screen.refreshed()
                if isinstance(screen, FollowsCase):  # a case's screen, loaded once opened
                    screen.check_for_changes()

    def after_write(self) -> None:
        """This operator saved a case: refresh the queue and counters now."""
        self.poll()

    # --- navigation -----------------------------------------------------------------------

    def new_call(self) -> None:
        from tui.screens.intake import IntakeScreen

        self.push_screen(IntakeScreen())

    def open_case(self, case_id: str) -> None:
        from tui.screens.detail import DetailScreen

        self.push_screen(DetailScreen(case_id))

    def open_handover(self) -> None:
        from tui.screens.handover import HandoverScreen

        self.push_screen(HandoverScreen())

    def open_console(self) -> None:
        """The supervisors' console; operators are told it is for supervisors only."""
        from tui.screens.console.menu import ConsoleScreen

        if not is_supervisor(self):
            self.notify(_("Supervisors only: the console is for the desk's supervisors "
                          "({names}).").format(names=describe_supervisors(self.desk)),
                        severity="warning", timeout=6)
            return
        self.push_screen(ConsoleScreen())

    def open_problems(self) -> None:
        from tui.screens.problems import ProblemsScreen

        self.push_screen(ProblemsScreen())

    def offer_drafts(self) -> None:
        """A call left unsaved (a dropped connection, a crash) is offered back."""
        drafts, problems = self.drafts.load_all()
        for problem in problems:
            self.notify(problem.render(self.desk.root), title=_("Draft not readable"),
                        severity="error", timeout=10)
        if not drafts:
            return
        draft = drafts[-1]

        def answer(resume: bool | None) -> None:
            if resume:
                from tui.screens.intake import IntakeScreen

                self.push_screen(IntakeScreen(draft=draft))
            else:
                self.drafts.discard(draft)

        when = draft.saved.strftime("%m-%d %H:%M") if draft.saved else "?"
        question = _("An unsaved call from {when} was kept as a draft. Resume it?").format(
            when=when)
        self.push_screen(Confirm(question, yes="Resume", no="Discard"), answer)

    # --- language, keys, quitting ---------------------------------------------------------

    def action_switch_language(self) -> None:
        self.set_language("en" if self.language == "zh" else "zh")

    def set_language(self, language: str) -> None:
        self.language = language
        speak(self, language)

    def action_command_palette(self) -> None:
        """The palette, its prompt in the current language."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder=_("Search for commands"),
                                            id="--command-palette"))

    def action_show_keys(self) -> None:
        panels = self.screen.query(DeskKeyPanel)
        if panels:
            panels.remove()
        else:
            self.screen.mount(DeskKeyPanel())

    async def action_quit(self) -> None:
        from tui.screens.intake import IntakeScreen

        logging = [s for s in self.screen_stack if isinstance(s, IntakeScreen) and s.dirty]
        if not logging:
            self.exit(0)
            return
        for screen in logging:
            screen.save_draft()

        def answer(quit_: bool | None) -> None:
            if quit_:
                self.exit(0)

        self.push_screen(Confirm(
            _("A call is being logged and is not saved. Quit anyway? "
              "It is kept as a draft and offered back next time."),
            yes="Quit", no="Keep logging"), answer)

    def save_drafts_now(self) -> None:
        from tui.screens.intake import IntakeScreen

        for screen in self.screen_stack:
            if isinstance(screen, IntakeScreen) and screen.dirty:
                screen.save_draft()

    # --- choices shared by screens -------------------------------------------------------

    def households_by_phone(self) -> dict[str, list[Household]]:
        if self._households_by_phone is None:
            self._households_by_phone = self.desk.households_by_phone()
        return self._households_by_phone

    def households_changed(self) -> None:
        """A household was registered or corrected here: look phones up afresh."""
        self._households_by_phone = None

    def community_choices(self) -> list[Choice]:
        return [Choice.of(c.code, record_name(c, c.code), c.name, c.name_en, c.street)
                for c in self.desk.communities.values()]

    def community_choices_any(self) -> list[Choice]:
        return [Choice.of(ANY, _("Any")), *self.community_choices()]

    def department_choices(self) -> list[Choice]:
        return [Choice.of(d.code, record_name(d, d.code), d.name, d.name_en)
                for d in self.desk.departments.values()]

    def department_choices_any(self) -> list[Choice]:
        return [Choice.of(ANY, _("Any")), *self.department_choices()]


# --- starting from the command line ---------------------------------------------------------


def preload() -> None:
    """Load what the first new call needs (the intake screen, pypinyin and its dictionaries),
    in a thread once the queue is on screen and the operator pauses (:mod:`tui.later`): the
    start does not wait for it, and ``n`` does not stop the app while it loads. A key typed
    before it is done is held as any other (:mod:`tui.typeahead`): ``n`` then waits for the
    import to finish, or makes it itself if it has not started."""
    import tui.screens.intake  # noqa: F401
    from tui.pinyin import keys_for

    keys_for("保供热线")


__all__ = ["BaogongApp", "PickerField"]
