"""The queue (工单队列): every case, newest first, filtered and searched as you type."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

import attrs
from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from core.cases.case import CLOSED_STATUSES, CaseKind, CaseStatus, Category
from core.cases.index import CaseRow, Query
from core.deskinit import missing_setup
from core.reference import PriorityFlag
from tui.i18n import (
    KIND_NAMES,
    STATUS_NAMES,
    _,
    category_name,
    chinese,
    flag_name,
    kind_name,
    name_of,
    record_name,
    status_name,
)
from tui.text import clock_time, time_left
from tui.widgets.case_list import PAGE, CaseList, header_text
from tui.widgets.choices import ALL, category_choices, flag_choices
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import Choice, DeskFooter, PickerField, TextField, Tr
from tui.widgets.source import Order

if TYPE_CHECKING:
    from core.cases.idlist import IdList
    from tui.app import BaogongApp

OPEN = "open"
CLOSED = "closed"
LATE_CALLBACKS = "late-callbacks"


@attrs.frozen
class Filters:
    """What the queue shows; ``None`` means any."""

    status: str | None = None  # OPEN, CLOSED or a CaseStatus value
    kind: CaseKind | None = None
    category: Category | None = None
    community: str | None = None
    department: str | None = None
    flag: PriorityFlag | None = None
    overdue: bool = False  # open work past its due time
    late_callbacks: bool = False  # resolved cases whose call-back is late
    text: str = ""

    def query(self, now: datetime) -> Query:
        statuses: frozenset[CaseStatus] | None = None
        if self.status == CLOSED:
            statuses = frozenset(CLOSED_STATUSES)
        elif self.status not in (None, OPEN):
            statuses = frozenset({CaseStatus(self.status)})
        base = Query(open_only=self.status == OPEN)
        if self.overdue:
            base = Query.past_due(now)
        elif self.late_callbacks:
            base = Query.late_callbacks(now)
        if base.status is not None:
            statuses = base.status if statuses is None else statuses & base.status
        return attrs.evolve(
            base, status=statuses, kind=self.kind, category=self.category,
            community=self.community, department=self.department,
            flags=frozenset({self.flag}) if self.flag else None,
            open_only=base.open_only or self.status == OPEN, text=self.text,
        )

    @property
    def active(self) -> bool:
        return any(v not in (None, False, "") for v in attrs.astuple(self)[:-1])


def status_choices() -> list[Choice]:
    head = [Choice.of(ALL, _("Any"), chinese("Any")), Choice.of(OPEN, _("Open"), chinese("Open")),
            Choice.of(CLOSED, _("Closed"), chinese("Closed"))]
    return head + [Choice.of(s.value, status_name(s), chinese(STATUS_NAMES[s]))
                   for s in CaseStatus]


def kind_choices() -> list[Choice]:
    return [Choice.of(ALL, _("Any"), chinese("Any"))] + [
        Choice.of(k.value, kind_name(k), chinese(KIND_NAMES[k])) for k in CaseKind]


def overdue_choices() -> list[Choice]:
    return [Choice.of("no", _("No"), chinese("No")),
            Choice.of("yes", _("Open work past due"), chinese("Open work past due")),
            Choice.of(LATE_CALLBACKS, _("Call-backs late"), chinese("Call-backs late"))]


class FilterScreen(ModalScreen[Filters | None]):
    """Choose what the queue shows: each line is a picker (enter to change)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", id="filters.apply"),
        Binding("escape", "cancel", "Cancel", id="filters.cancel"),
        Binding("ctrl+r", "reset", "Clear all", id="filters.reset"),
        Binding("down", "app.focus_next", "Next", show=False, id="filters.next"),
        Binding("up", "app.focus_previous", "Previous", show=False, id="filters.previous"),
    ]
    DEFAULT_CSS = """
    FilterScreen { align: center middle; }
    FilterScreen > Vertical { width: 70; max-width: 100%; height: auto; background: $panel;
                              padding: 0 1; }
    FilterScreen .title { text-style: bold; }
    FilterScreen Horizontal { height: 1; }
    FilterScreen Tr.label { width: 18; }
    FilterScreen .keys { color: $text-muted; }
    """

    def __init__(self, filters: Filters) -> None:
        super().__init__()
        self.filters = filters

    def compose(self) -> ComposeResult:
        app: BaogongApp = self.app  # type: ignore[assignment]
        f = self.filters

        def row(label: str, field: PickerField) -> Horizontal:
            return Horizontal(Tr(label, classes="label"), field)

        with Vertical():
            yield Tr("Filter the queue", classes="title")
            yield row("Status", PickerField("Status", status_choices, f.status or ALL,
                                            id="f-status"))
            yield row("Kind", PickerField("Kind", kind_choices, f.kind or ALL, id="f-kind"))
            yield row("Category", PickerField("Category", category_choices,
                                              f.category or ALL, id="f-category"))
            yield row("Community", PickerField("Community", app.community_choices_any,
                                               f.community or ALL, id="f-community"))
            yield row("Department", PickerField("Department", app.department_choices_any,
                                                f.department or ALL, id="f-department"))
            yield row("Priority people", PickerField("Priority people", flag_choices,
                                                     f.flag or ALL, id="f-flag"))
            yield row("Overdue only", PickerField(
                "Overdue only", overdue_choices,
                "yes" if f.overdue else LATE_CALLBACKS if f.late_callbacks else "no",
                id="f-overdue"))
            yield Static(f"enter {_('Choose')}   ctrl+s {_('Apply')}   ctrl+r {_('Clear all')}"
                         f"   esc {_('Cancel')}", classes="keys")

    def _value(self, field_id: str) -> str | None:
        value = self.query_one(f"#{field_id}", PickerField).value
        return None if value in (None, ALL) else value

    def action_apply(self) -> None:
        kind = self._value("f-kind")
        category = self._value("f-category")
        flag = self._value("f-flag")
        self.dismiss(Filters(
            status=self._value("f-status"),
            kind=CaseKind(kind) if kind else None,
            category=Category(category) if category else None,
            community=self._value("f-community"),
            department=self._value("f-department"),
            flag=PriorityFlag(flag) if flag else None,
            overdue=self._value("f-overdue") == "yes",
            late_callbacks=self._value("f-overdue") == LATE_CALLBACKS,
            text=self.filters.text,
        ))

    def action_reset(self) -> None:
        self.dismiss(Filters(text=self.filters.text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class QueueScreen(Screen[None]):
    """All cases; type to search; enter opens a case; n takes a new call."""

    CSS_PATH = "queue.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_call", "New call", id="queue.new_call"),
        Binding("slash", "search", "Search", id="queue.search"),
        Binding("f", "filters", "Filter", id="queue.filters"),
        Binding("o", "toggle_overdue", "Overdue", id="queue.overdue"),
        Binding("s", "toggle_order", "Sort", id="queue.sort"),
        Binding("h", "handover", "Handover", id="queue.handover"),
        Binding("b", "console", "Console", id="queue.console"),
        Binding("p", "problems", "Problems", show=False, id="queue.problems"),
        Binding("escape", "clear", "Clear", show=False, id="queue.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = Filters()
        self.order = Order.NEWEST
        self.generation = 0
        self.fetching = False
        self._in_flight = False
        self._waiting_keep: str | None = None
        self.total = 0

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        app = self.desk_app
        yield DeskHeader("Queue")
        with Horizontal(id="search-row"):
            yield Tr("Search", id="search-label")
            yield TextField(placeholder="id, phone, name, address or words", id="search")
        yield Static(id="filter-line")
        yield Static(id="columns")
        yield Static(id="setup")
        yield CaseList(app.desk, app.clock, id="cases")
        with Vertical(id="preview"):
            yield Static(id="preview-1")
            yield Static(id="preview-2")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(CaseList).focus()
        self._update_filter_line()
        self.update_setup()
        self.reload()

    def update_setup(self) -> None:
        """On a desk that lacks its registers and has no case yet, the set-up checklist: what is
        missing and the command that fills it (a desk fresh from ``baogong init``). It goes
        when they are in, or with the first call."""
        desk = self.desk_app.desk
        missing = missing_setup(desk)
        setup = self.query_one("#setup", Static)
        # instead of an empty queue: once calls are taken, the queue is what matters
        setup.display = bool(missing) and desk.cases.count() == 0
        if not setup.display:
            return
        width = max(cell_len(name_of(step.name)) for step in missing) + 2
        lines = [_("Set-up: this desk has no record yet of")]
        for step in missing:
            name = name_of(step.name)
            lines.append(f"  \u25a1 {name}{' ' * (width - cell_len(name))}"
                         f"{step.command.replace('FILE', _('FILE'))}")
        lines.append(_("Run them in a terminal (with --desk and this desk's directory); "
                       "this list follows by itself."))
        setup.update("\n".join(lines))

    def on_resize(self) -> None:
        self._update_columns()

    def _update_columns(self) -> None:
        width = self.query_one(CaseList).scrollable_content_region.width or self.size.width
        # one line the width of the screen (queue.tcss): a new text repaints, no layout
        self.query_one("#columns", Static).update(header_text(width), layout=False)

    # --- loading --------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        """Ask the index (in a worker thread) for the ids matching the filter.

        At most one query runs at a time: while one is running, a newer request only replaces
        the waiting one, so typing fast never queues up queries for text already gone.
        """
        self.generation += 1
        self.fetching = True
        self._waiting_keep = keep
        if not self._in_flight:
            self._start_fetch()

    def _start_fetch(self) -> None:
        generation = self.generation
        keep = self._waiting_keep
        query = self.filters.query(self.desk_app.clock())
        order = self.order
        reader = self.desk_app.reader
        self._in_flight = True

        def outdated() -> bool:
            return generation != self.generation

        def work() -> None:
            try:
                if query.text.strip():
                    # the visible page first, then the whole answer (the count, the lines
                    # further down) unless a newer key made it unwanted
                    page = reader.ids(query, order, limit=PAGE, stop=outdated)
                    if len(page) == PAGE and not outdated():
                        self.app.call_from_thread(self._page_loaded, generation, page, keep)
                    # a short first page is the whole answer
                    ids = (page if len(page) < PAGE
                           else reader.ids(query, order, stop=outdated))
                else:
                    ids = reader.ids(query, order)
            except sqlite3.Error as exc:
                self.app.call_from_thread(self._fetch_failed, exc)
                return
            self.app.call_from_thread(self._loaded, generation, ids, keep)

        self.run_worker(work, thread=True, group="reload", exit_on_error=False)

    def _prepare_search(self, generation: int) -> None:
        """Read the search text ahead of the first key (it names callers in pinyin, slow to load)
        in its turn after the first paint (:mod:`tui.later`); on an error the first key reads it."""
        query, order = self.filters.query(self.desk_app.clock()), self.order
        reader = self.desk_app.reader

        def work() -> None:
            with contextlib.suppress(sqlite3.Error):
                reader.prepare_search(query, order)
        if generation == self.generation and not query.text.strip():
            self.desk_app.later.add("search", lambda: work)  # replaces an older one waiting

    def _page_loaded(self, generation: int, ids: list[str], keep: str | None) -> None:
        """The first page of a search, while the rest is still being found."""
        if generation != self.generation:
            return
        self.query_one(CaseList).set_ids(ids, keep=keep)

    def _fetch_failed(self, exc: Exception) -> None:
        self._in_flight = self.fetching = False
        self.app.notify(_("The case index could not be read: {error}").format(error=exc),
                        severity="error")

    def _loaded(self, generation: int, ids: list[str] | IdList, keep: str | None) -> None:
        self._in_flight = False
        if generation != self.generation:
            self._start_fetch()  # the filter changed meanwhile: ask for the latest one
            return
        self.fetching = False
        self.total = len(ids)
        self.query_one(CaseList).set_ids(ids, keep=keep)
        self._update_filter_line()
        self._update_columns()
        self.call_after_refresh(self.desk_app.queue_shown)
        self.call_after_refresh(self._prepare_search, generation)

    def show_case(self, case_id: str) -> None:
        """Show and select a case just saved: a search or filter that hides it is cleared."""
        if self.filters.active or self.filters.text:
            self.filters = Filters()
            self.query_one("#search", Input).value = ""
            self._update_filter_line()
        self.query_one(CaseList).forget({case_id})
        self.reload(keep=case_id)

    def refreshed(self, changed: set[str] | None = None) -> None:
        """Other operators wrote cases: drop cached rows and ask again."""
        case_list = self.query_one(CaseList)
        case_list.forget(changed)
        self.reload()

    # --- lines ----------------------------------------------------------------------------

    def _update_filter_line(self) -> None:
        app = self.desk_app
        f = self.filters
        parts: list[str] = []
        if f.status == OPEN:
            parts.append(_("Open"))
        elif f.status == CLOSED:
            parts.append(_("Closed"))
        elif f.status:
            parts.append(status_name(CaseStatus(f.status)))
        if f.kind:
            parts.append(kind_name(f.kind))
        if f.category:
            parts.append(category_name(f.category))
        if f.community:
            parts.append(record_name(app.desk.communities.get(f.community), f.community))
        if f.department:
            parts.append(record_name(app.desk.departments.get(f.department), f.department))
        if f.flag:
            parts.append(flag_name(f.flag))
        if f.overdue:
            parts.append(_("Overdue only"))
        if f.late_callbacks:
            parts.append(_("Call-backs late"))
        shown = ", ".join(parts) if parts else _("All cases")
        order = _("newest first") if self.order is Order.NEWEST else _("needs attention first")
        count = f"{self.total}" if not self.fetching else "..."
        self.query_one("#filter-line", Static).update(
            f"{_('Showing')}: {shown}  |  {order}  |  {count} {_('cases')}", layout=False
        )

    @on(CaseList.Highlighted)
    def _highlighted(self, event: CaseList.Highlighted) -> None:
        case_list = self.query_one(CaseList)
        row = case_list.row(case_list.cursor) if event.case_id else None
        self._show_preview(row)

    def _show_preview(self, row: CaseRow | None) -> None:
        first = self.query_one("#preview-1", Static)
        second = self.query_one("#preview-2", Static)
        if row is None:
            first.update("")
            second.update(_("No cases match.") if not self.fetching else "")
            return
        app = self.desk_app
        now = app.clock()
        department = record_name(app.desk.departments.get(row.department), row.department)
        community = record_name(app.desk.communities.get(row.community), row.community)
        first.update(f"{row.id}  {row.name} {row.phone}  {community} {row.address}")
        if row.is_open:
            left, _late = time_left(now, row.due)
            due_text = f"{_('Due')} {clock_time(row.due)} ({left})" if row.due else ""
        elif row.status is CaseStatus.RESOLVED and row.callback_due:
            left, _late = time_left(now, row.callback_due)
            due_text = f"{_('Call back by')} {clock_time(row.callback_due)} ({left})"
        else:
            due_text = ""
        flags = ", ".join(flag_name(f) for f in PriorityFlag if f in row.flags)
        second.update(
            f"{status_name(row.status)}  {department}  {due_text}  {flags}".rstrip()
        )

    # --- actions --------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if event.value == self.filters.text:
            return  # cleared together with the filters (show_case): already reloading
        self.filters = attrs.evolve(self.filters, text=event.value)
        self.reload()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one(CaseList).focus()

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        search = self.query_one("#search", Input)
        if search.has_focus and key == "down":
            self.query_one(CaseList).focus()

    @on(CaseList.Opened)
    def _opened(self, event: CaseList.Opened) -> None:
        self.desk_app.open_case(event.case_id)

    def action_new_call(self) -> None:
        self.desk_app.new_call()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
        elif self.filters.active:
            self.filters = Filters()
            self._update_filter_line()
            self.reload()
        self.query_one(CaseList).focus()

    def action_filters(self) -> None:
        def chosen(filters: Filters | None) -> None:
            if filters is not None:
                self.filters = filters
                self._update_filter_line()
                self.reload()

        self.app.push_screen(FilterScreen(self.filters), chosen)

    def action_toggle_overdue(self) -> None:
        self.filters = attrs.evolve(self.filters, overdue=not self.filters.overdue,
                                    late_callbacks=False)
        self._update_filter_line()
        self.reload()

    def action_toggle_order(self) -> None:
        self.order = Order.ATTENTION if self.order is Order.NEWEST else Order.NEWEST
        self._update_filter_line()
        self.reload()

    def action_handover(self) -> None:
        self.desk_app.open_handover()

    def action_console(self) -> None:
        self.desk_app.open_console()

    def action_problems(self) -> None:
        self.desk_app.open_problems()

    def relabel(self) -> None:
        self.update_setup()
        self._update_filter_line()
        self._update_columns()
        case_list = self.query_one(CaseList)
        case_list.relabel()
        self._show_preview(case_list.row(case_list.cursor) if case_list.ids else None)
