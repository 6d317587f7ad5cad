"""A case in full (工单详情): every field, the history, and the actions of the closed loop.

Each action is attributed to the operator and saved with compare-and-swap; if another operator
changed the case meanwhile, the conflict screen shows what changed and the operator chooses to
apply their action to the latest version or to drop it. A correction of the case's details
(caller, address, community, priority, description) is one more action: applied to the latest
version it changes only the fields the operator corrected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from core.cases.case import (
    DESK_CLOCK,
    TRANSITIONS,
    Action,
    Case,
    CaseStatus,
    ClosedLoopError,
    Evaluation,
    TransitionError,
)
from core.cases.edits import Details, rebase_details
from core.cases.facts import fact_names, facts_field
from core.cases.store import CaseNotFound, ConflictError
from core.problems import DeskError
from core.reference import PriorityFlag
from core.storage.atomic import LockTimeout
from tui.i18n import (
    _,
    action_name,
    category_name,
    evaluation_name,
    flag_name,
    kind_name,
    priority_name,
    record_name,
    status_name,
)
from tui.screens.case_dialogs import (
    ActionDialog,
    ActionRequest,
    ConflictScreen,
    EditDialog,
    note_language,
    plan_for,
)
from tui.screens.case_order import ORDERING, start_order
from tui.screens.facts import FactsDialog, FactsResult, describe_facts, facts_line, facts_of
from tui.text import clock_time, time_left
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import DeskFooter, Tr

if TYPE_CHECKING:
    from tui.app import BaogongApp

#: binding action name -> domain action
ACTIONS: dict[str, Action] = {
    "dispatch": Action.DISPATCH,
    "start": Action.START,
    "note": Action.NOTE,
    "reply": Action.REPLY,
    "chase": Action.CHASE,
    "resolve": Action.RESOLVE,
    "call_back": Action.CALL_BACK,
    "evaluate": Action.EVALUATE,
    "reopen": Action.REOPEN,
    "edit": Action.EDIT,
}


class DetailScreen(Screen[None]):
    CSS_PATH = "detail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False, id="detail.back"),
        Binding("d", "act('dispatch')", "Dispatch", id="detail.dispatch"),
        Binding("t", "act('start')", "Started", id="detail.start"),
        Binding("n", "act('note')", "Note", id="detail.note"),
        Binding("r", "act('reply')", "Reply", id="detail.reply"),
        Binding("c", "act('chase')", "Chase", id="detail.chase"),
        Binding("x", "act('resolve')", "Resolve", id="detail.resolve"),
        Binding("b", "act('call_back')", "Call back", id="detail.call_back"),
        Binding("e", "act('evaluate')", "Evaluate", id="detail.evaluate"),
        Binding("o", "act('reopen')", "Reopen", id="detail.reopen"),
        Binding("m", "act('edit')", "Edit", id="detail.edit"),
        Binding("f", "facts", "Facts", id="detail.facts"),
        Binding("g", "order", "Order", id="detail.order"),
        Binding("h", "household", "Household", show=False, id="detail.household"),
        # the case and its history scroll: long notes are shown in full, wrapped
        Binding("pagedown", "scroll('page_down')", "More", priority=True,
                id="detail.page_down"),
        Binding("pageup", "scroll('page_up')", "Back up", show=False, id="detail.page_up"),
        Binding("j", "scroll('down')", "Line down", show=False, id="detail.line_down"),
        Binding("k", "scroll('up')", "Line up", show=False, id="detail.line_up"),
        Binding("home", "scroll('home')", "Top", show=False, id="detail.top"),
        Binding("end", "scroll('end')", "Bottom", show=False, id="detail.bottom"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.case: Case | None = None
        self.error: str = ""

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield DeskHeader("Case")
        with VerticalScroll(id="detail"):
            yield Static(id="fields")
            yield Tr("History", classes="section")
            yield Static(id="timeline")
        yield Static(id="more")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load()
        scroll = self.query_one("#detail", VerticalScroll)
        scroll.focus()
        self.watch(scroll, "scroll_y", self._scrolled, init=False)
        self.watch(scroll, "virtual_size", self._scrolled, init=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._scrolled)

    def _scrolled(self) -> None:
        """The line under the case says how much is below, and how to read it."""
        scroll = self.query_one("#detail", VerticalScroll)
        below = max(0, round(scroll.max_scroll_y - scroll.scroll_y))
        more = self.query_one("#more", Static)
        more.update(_("{n} more lines below: pgdn or j to read on").format(n=below)
                    if below else "")
        self.refresh_bindings()

    def action_scroll(self, how: str) -> None:
        scroll = self.query_one("#detail", VerticalScroll)
        moves = {"page_down": scroll.scroll_page_down, "page_up": scroll.scroll_page_up,
                 "down": scroll.scroll_down, "up": scroll.scroll_up,
                 "home": scroll.scroll_home, "end": scroll.scroll_end}
        moves[how](animate=False)

    def load(self) -> None:
        try:
            self.case = self.desk_app.desk.cases.get(self.case_id)
            self.error = ""
        except CaseNotFound:
            self.case, self.error = None, _("This case file no longer exists.")
        except DeskError as exc:
            self.case = None
            self.error = _("This case file cannot be read; it is listed under problems "
                           "and will not be written to.") + "\n" + "\n".join(
                p.render(self.desk_app.desk.root) for p in exc.problems)
        self.show()
        self.refresh_bindings()

    def check_for_changes(self) -> None:
        """Called when the desk changed: reload if another operator saved this case."""
        if self.case is None or self.app.screen is not self:
            return
        rows = self.desk_app.reader.rows([self.case_id])
        row = rows.get(self.case_id)
        if row is not None and row.revision != self.case.revision:
            self.load()
            self.notify(_("Updated by another operator"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scroll" and parameters == ("page_down",):
            # shown in the footer only while there is more to read
            scrolls = self.query("#detail")
            return bool(scrolls) and scrolls.first().max_scroll_y > 0
        if action == "facts":
            return self.case is not None and facts_field(self.case.category.value) is not None
        if action == "order":
            return self.case is not None and self.case.category in ORDERING
        if action == "household":  # a caller in the register: their household can be corrected
            return self.case is not None and self.case.household in self.desk_app.desk.households
        if action != "act":
            return True
        if self.case is None:
            return False
        # False hides the key: the footer shows only what the case's status allows
        allowed, _target = TRANSITIONS[ACTIONS[str(parameters[0])]]
        return self.case.status in allowed

    # --- showing --------------------------------------------------------------------------

    def show(self) -> None:
        fields = self.query_one("#fields", Static)
        timeline = self.query_one("#timeline", Static)
        case = self.case
        if case is None:
            fields.update(Text(self.error, style="bold red"))
            timeline.update("")
            return
        app = self.desk_app
        desk = app.desk
        now = app.clock()
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")  # Chinese has no spaces to wrap at: fold anywhere
        left, overdue = time_left(now, case.due)
        due = f"{clock_time(case.due)}  ({left})" if case.due else ""
        if not case.is_open:
            due = clock_time(case.due) if case.due else ""
        rows: list[tuple[str, str | Text]] = [
            (_("Case"), Text(f"{case.id}   {status_name(case.status)}", style="bold")),
            (_("Category"), f"{kind_name(case.kind)} / {category_name(case.category)}"),
            (_("Priority"), priority_name(case.priority)),
            (_("Caller"), f"{case.caller.name}  {case.caller.phone}"),
            (_("Address"), f"{record_name(desk.communities.get(case.community), case.community)}"
                           f"  {case.caller.address.render()}"),
        ]
        if case.flags:
            rows.append((_("Priority people"), Text(", ".join(
                flag_name(f) for f in PriorityFlag if f in case.flags), style="bold yellow")))
        if case.items:
            rows.append((_("Items"), "; ".join(
                f"{record_name(desk.catalogue.get(i.code), i.name or i.code)} x{i.quantity:g}"
                for i in case.items)))
        kind = facts_field(case.category.value)
        facts = facts_of(case, kind) if kind else None
        if facts is not None:
            rows.append((_("Facts"), facts_line(facts, self.desk_app.desk)))
        elif kind:
            rows.append((_("Facts"), Text(_("not taken down yet: f to add"), style="dim")))
        rows += [
            (_("Description"), case.description),
            (_("Department"), record_name(desk.departments.get(case.department),
                                          case.department)),
            (_("Accepted"), f"{clock_time(case.created)}  {case.created_by}"),
            (_("Due"), Text(due, style="bold red" if overdue and case.is_open else "")),
        ]
        if case.callback_due:
            left, late = time_left(now, case.callback_due)
            text = f"{clock_time(case.callback_due)}  ({left})" if case.status.value == \
                "resolved" else clock_time(case.callback_due)
            rows.append((_("Call back by"), Text(text, style="bold red" if late and
                                                 case.status.value == "resolved" else "")))
        if case.evaluation:
            rows.append((_("Evaluation"), evaluation_name(case.evaluation)))
        for label, value in rows:
            grid.add_row(label, value)
        fields.update(grid)
        history = Table.grid(padding=(0, 1))
        history.add_column(no_wrap=True, style="dim")
        history.add_column(no_wrap=True)
        history.add_column(overflow="fold")  # a note in full, wrapped
        for event in case.history:
            what = action_name(event.action)
            if event.department:
                department = record_name(desk.departments.get(event.department),
                                         event.department)
                what += f" -> {department}"
            if event.evaluation:
                what += f": {evaluation_name(event.evaluation)}"
            if event.step is not None:
                tier = desk.settings.ladder.tier(event.step)
                what += f": {tier.label(self.desk_app.language) if tier else event.step}"
            who = _("desk clock") if event.operator == DESK_CLOCK else event.operator
            history.add_row(clock_time(event.time), who,
                            what + (f"  {event.note}" if event.note else ""))
        timeline.update(history)
        self.call_after_refresh(self._scrolled)

    # --- acting ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_act(self, name: str) -> None:
        if self.case is None:
            return
        action = ACTIONS[name]
        loaded = self.case

        def chosen(request: ActionRequest | None) -> None:
            if request is not None:
                self.perform(loaded, request)

        dialog = EditDialog(loaded) if action is Action.EDIT else ActionDialog(action, loaded)
        self.app.push_screen(dialog, chosen)

    def perform(self, loaded: Case, request: ActionRequest) -> None:
        app = self.desk_app
        store = app.desk.cases
        try:
            if request.action is Action.EDIT:
                edited = self._edit(loaded, request)
                if edited is None:
                    return
                case = edited
            else:
                case = store.act(loaded, request.action, operator=app.operator,
                                 note=request.note, department=request.department,
                                 evaluation=(request.evaluation
                                             if request.action is Action.EVALUATE else None))
            if request.action is Action.CALL_BACK and request.evaluation is not None:
                case = store.act(case, Action.EVALUATE, operator=app.operator,
                                 evaluation=request.evaluation)
        except ConflictError as conflict:
            self._conflict(loaded, conflict.current, request)
            return
        except ClosedLoopError as exc:
            self.notify(exc.message(app.language), severity="error")
            return
        except TransitionError as exc:
            self.notify(f"{_('Not possible now')}: {exc}", severity="error")
            return
        except (DeskError, LockTimeout, OSError, ValueError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.case = case
        self.show()
        self.refresh_bindings()
        if case.status is CaseStatus.AWAITING_APPROVAL:
            self.notify(_("Resolved: waiting for a supervisor's approval (console 9)"))
        else:
            self.notify(_("Saved: {action}").format(action=action_name(request.action)))
        app.after_write()
        if request.reopen and case.evaluation is Evaluation.UNSATISFIED:
            self.reopen_and_chase(case, request.note)

    def reopen_and_chase(self, evaluated: Case, said: str) -> None:
        app = self.desk_app
        store = app.desk.cases
        english = note_language(app) == "en"
        reopen_note = said or ("The caller is not satisfied" if english else "来电人不满意")
        chase_note = ("Chased: the caller is not satisfied" if english
                      else "来电人不满意，催办承办单位")
        def reopen_and_chase() -> Case:
            case = store.act(evaluated, Action.REOPEN, operator=app.operator, note=reopen_note)
            chased: Case = store.act(case, Action.CHASE, operator=app.operator, note=chase_note)
            return chased

        self._save(reopen_and_chase, done=_("Reopened and chased"),
                   lost=_("Another operator changed the case meanwhile; nothing was reopened. "
                          "Showing the latest version."))

    def _save(self, save: Callable[[], Case], *, done: str, lost: str) -> None:
        """Run ``save`` and show the case it returns; after a conflict, the latest version
        with ``lost`` (nothing of ``save`` was kept), after any other failure the reason."""
        try:
            case = save()
        except ConflictError as conflict:
            self.case = conflict.current
            self.show()
            self.refresh_bindings()
            self.notify(lost, severity="warning")
            return
        except (TransitionError, DeskError, LockTimeout, OSError, ValueError) as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.case = case
        self.show()
        self.refresh_bindings()
        self.notify(done)
        self.desk_app.after_write()

    def action_order(self) -> None:
        """Preview the case's order in the round open now; enter adds it."""
        if self.case is None or self.case.category not in ORDERING:
            return

        def shown(case: Case) -> None:
            self.case = case
            self.show()
            self.refresh_bindings()

        start_order(self.desk_app, self.case, shown)

    def action_household(self) -> None:
        """Correct the caller's registered household (更正住户)."""
        from tui.screens.household_dialog import correct_household

        correct_household(self)

    def action_facts(self) -> None:
        """Add or correct the case's facts (a price complaint's shop and prices...)."""
        loaded = self.case
        kind = facts_field(loaded.category.value) if loaded is not None else None
        if loaded is None or kind is None:
            return

        def chosen(result: FactsResult | None) -> None:
            if result is not None:
                self.save_facts(loaded, result)

        self.app.push_screen(FactsDialog(kind, facts_of(loaded, kind)), chosen)

    def save_facts(self, loaded: Case, result: FactsResult) -> None:
        """An ``edit`` event with the facts before and after, saved with compare-and-swap."""
        app = self.desk_app
        if getattr(loaded, result.kind) == result.facts:
            self.notify(_("Nothing was changed"))
            return
        lang = note_language(app)
        old = facts_of(loaded, result.kind)
        names = fact_names(app.desk, lang)
        before = describe_facts(old, lang, names) if old is not None else ""
        after = describe_facts(result.facts, lang, names) if result.facts is not None else ""
        name = "诉求要素" if lang == "zh" else "facts"
        empty = "（无）" if lang == "zh" else "(none)"
        note = f"{name} {before or empty} -> {after or empty}"

        def save() -> Case:
            saved: Case = app.desk.cases.act(loaded, Action.EDIT, operator=app.operator,
                                             note=note, changes={result.kind: result.facts})
            return saved

        self._save(save, done=_("Saved: {action}").format(action=_("Facts")),
                   lost=_("Another operator changed the case meanwhile; nothing was saved. "
                          "Showing the latest version."))

    def _edit(self, loaded: Case, request: ActionRequest) -> Case | None:
        """Save the corrections of an edit request on ``loaded``; None if there are none left."""
        app = self.desk_app
        if request.seen is None or request.wanted is None:
            raise ValueError("an edit needs the details seen and wanted")
        # only what the operator corrected: a newer version keeps everyone else's changes
        wanted = rebase_details(request.seen, request.wanted, Details.of(loaded))
        edit = plan_for(app, loaded, wanted)
        if edit is None:
            self.case = loaded
            self.show()
            self.refresh_bindings()
            self.notify(_("The case already has these details; nothing was saved."))
            return None
        case: Case = app.desk.cases.act(loaded, Action.EDIT, operator=app.operator,
                                        note=edit.note, changes=edit.changes)
        return case

    def _conflict(self, loaded: Case, current: Case, request: ActionRequest) -> None:
        def chosen(apply: bool | None) -> None:
            self.case = current
            self.show()
            self.refresh_bindings()
            if apply:
                self.perform(current, request)
            else:
                self.notify(_("Your action was dropped; showing the latest version."))

        self.app.push_screen(ConflictScreen(loaded, current, request), chosen)

    def relabel(self) -> None:
        self.show()
