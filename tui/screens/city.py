"""The city board (全市态势): ``baogong city`` on a city desk (:mod:`core.city`).

One screen for the city's command post: each district desk's level (the rules' and the manual
one), the level its recorded activations put in force, its report-ups open and overdue, its
open, overdue and late call-back work, hotline evidence and reserve cover, then each
department's open and overdue work across the city and where the overdue is. A district that
cannot be read says why and when the city last had a good copy. ``f`` fetches the districts
followed by git, ``/`` finds a caller's cases in every district by phone or id, ``r`` reads the
districts again. Everything is read in a worker thread; the screen never waits on a district.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from core.city import City, CityBoard, DistrictFigures, city_board, fetch_all
from core.city.search import CitySearch, search_city
from core.levels.reserves import KIND_NAMES
from tui import i18n
from tui.i18n import _, level_name
from tui.text import KEY_NAMES, clock_time
from tui.widgets.common import DeskFooter, DeskKeyPanel, TextField, Tr, speak
from tui.widgets.form import FormDialog, field_moves

#: at most this many case ids of a hotline surge are listed on the board
EVIDENCE_IDS = 3
#: the cells a board line may take (80 columns less the padding and the scroll bar)
WIDTH = 76


def _when(moment: datetime | None) -> str:
    return moment.strftime("%m-%d %H:%M") if moment is not None else "-"


def district_lines(f: DistrictFigures, lang: str) -> Text:
    """One district's block on the board."""
    out = Text()
    out.append(f.district.label(lang), style="bold")
    if not f.ok:
        out.append("  ")
        out.append(f" {_('Cannot be read')} ", style="bold reverse")
        out.append("\n  " + f.unavailable + "\n")
        out.append("  " + _("Last good copy") + f": {_when(f.state.last_good)}\n")
        return out
    level = level_name(f.level) if f.level is not None else _("not assessed")
    out.append("  ")
    out.append(f" {level} ", style="bold reverse")
    if f.stale:
        out.append("  " + _("Fetch failed; data as of {when}").format(
            when=_when(f.state.fetched)), style="bold")
    out.append("\n")
    if f.activated_problem:
        activated = _("activation records unusable")
    else:
        activated = level_name(f.activated) if f.activated is not None else _("none in force")
    out.append("  " + _("Activated") + f": {activated}  " + _("Report-ups") + ": ")
    status = f.report_ups
    if status is None or not status.open:
        out.append(_("none open"))
    else:
        out.append(_("{open} open, {overdue} overdue").format(
            open=len(status.open), overdue=status.overdue_open),
            style="bold reverse" if status.overdue_open else "")
    out.append("\n")
    out.append(f"  {_('Open')} {f.open}  {_('Overdue')} {f.past_due}  "
               f"{_('Call-backs late')} {f.late_callbacks}\n")
    if f.levels_problem:
        out.append("  " + _("Levels not assessed") + f": {f.levels_problem}\n")
    if f.activated_problem:
        out.append("  " + _("Level in force not known") + f": {f.activated_problem}\n")
    if f.report_ups_problem:
        out.append("  " + _("Report-up files left out") + f": {f.report_ups_problem}\n")
    for area in f.areas:
        where = f"{area.name.get(lang)}: " if len(f.areas) > 1 else ""
        for surge in area.evidence:
            name = surge.community_name if lang == "zh" else (
                surge.community_name_en or surge.community_name)
            ids = ", ".join(surge.case_ids[:EVIDENCE_IDS])
            out.append("  " + _("Hotline evidence") + f": {where}{name} {surge.cases} "
                       + _("calls") + f" ({ids})\n")
        covers = []
        for cover in area.reserves:
            days = f"{cover.days:.1f}" if cover.days is not None else "?"
            kind = KIND_NAMES[cover.kind][0 if lang == "zh" else 1]
            covers.append((f"{kind} {days}/{cover.norm_days:g}", cover.broken))
        if covers:
            line = Text("  " + _("Reserves") + f": {where}")
            for number, (text, broken) in enumerate(covers):
                item = text + (" !" if broken else "")
                if number and line.cell_len + 2 + cell_len(item) > WIDTH:
                    out.append_text(line)
                    out.append("\n")
                    line = Text("    ")  # a hanging indent, never a wrap at the screen's edge
                elif number:
                    line.append("  ")
                line.append(item, style="bold" if broken else "")
            out.append_text(line)
            out.append("\n")
    return out


def board_text(board: CityBoard, lang: str) -> Text:
    out = Text()
    for figures in board.districts:
        out.append_text(district_lines(figures, lang))
        out.append("\n")
    out.append(_("Open and overdue work per department, whole city") + "\n", style="bold")
    names = {f.district.code: f.district.label(lang) for f in board.districts}
    for total in board.departments:
        if not total.open and not total.past_due:
            continue
        where = ", ".join(f"{names[c]} {n}" for c, n in total.past_due_by_district)
        out.append(f"  {total.name.get(lang)}: {_('Open')} {total.open}  "
                   f"{_('Overdue')} {total.past_due}" + (f" ({where})" if where else "") + "\n")
    return out


def search_text(found: CitySearch, city: City, lang: str) -> Text:
    out = Text()
    out.append(_("Cases found in every district") + f": {found.text}\n\n", style="bold")
    names = {d.code: d.label(lang) for d in city.config.districts}
    for hit in found.hits:
        r = hit.row
        out.append(f"{names.get(hit.district, hit.district)}  ", style="bold")
        out.append(f"{r.id}  {r.created:%m-%d %H:%M}  {i18n.status_name(r.status)}  "
                   f"{i18n.category_name(r.category)}\n")
        out.append(f"  {r.name}  {r.phone}  {r.address}\n")
    if not found.hits:
        out.append("  " + _("none") + "\n")
    for code, why in found.not_searched:
        out.append("\n" + _("Not searched") + f": {names.get(code, code)}: {why}\n",
                   style="bold")
    return out


class CityHeader(Static):
    """``City board | city | districts N (cannot be read N) | open N | overdue N | time``."""

    DEFAULT_CSS = """
    CityHeader { dock: top; height: 1; background: $primary; color: $text; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_msgid = title

    def render(self) -> Text:
        app: CityApp = self.app  # type: ignore[assignment]
        settings = app.city.desk.settings
        name = settings.name if app.language == "zh" else (settings.name_en or settings.name)
        right = Text()
        board = app.board
        if board is not None:
            right.append(f"{_('Districts')} {len(board.districts)}  ")
            if board.unavailable:
                right.append(f"{_('Cannot be read')} {board.unavailable}", style="bold reverse")
                right.append("  ")
            right.append(f"{_('Open')} {board.open}  {_('Overdue')} {board.past_due}")
        right.append(f"  {clock_time(app.clock())} ")
        title = Text(f" {_(self.title_msgid)} ", style="bold reverse")
        room = self.size.width - right.cell_len - title.cell_len - 2
        city = Text(f" {name}") if len(name) * 2 + 1 <= room else Text("")
        gap = max(1, self.size.width - title.cell_len - city.cell_len - right.cell_len)
        return Text.assemble(title, city, " " * gap, right)

    def relabel(self) -> None:
        self.refresh()


class CityBoardScreen(Screen[None]):
    TITLE_MSGID = "City board"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "fetch", "Fetch", id="city.fetch"),
        Binding("slash", "search", "Search", id="city.search"),
        Binding("r", "reload", "Refresh", id="city.refresh"),
    ]
    DEFAULT_CSS = """
    CityBoardScreen #body-scroll { height: 1fr; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield CityHeader(self.TITLE_MSGID)
        with VerticalScroll(id="body-scroll"):
            yield Static("  " + _("Working it out..."), id="body")
        yield DeskFooter()

    @property
    def city_app(self) -> CityApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.query_one("#body-scroll").focus()
        self.action_reload()

    def show(self) -> None:
        app = self.city_app
        body = self.query_one("#body", Static)
        if app.failure:
            body.update(_("Cannot show this page") + "\n\n" + app.failure)
        elif app.board is not None:
            body.update(board_text(app.board, app.language))
        self.query_one(CityHeader).refresh()

    def relabel(self) -> None:
        self.show()

    def action_reload(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, group="board", exit_on_error=False)
    def compute(self) -> None:
        app = self.city_app
        try:
            board, failure = city_board(app.city, app.clock()), ""
        except Exception as exc:  # the city desk's own files: shown, never the end of the app
            board, failure = None, f"{type(exc).__name__}: {exc}"
        self.app.call_from_thread(self._computed, board, failure)

    def _computed(self, board: CityBoard | None, failure: str) -> None:
        app = self.city_app
        app.board, app.failure = board or app.board, failure
        if self.is_attached:
            self.show()

    def action_fetch(self) -> None:
        self.notify(_("Fetching the districts..."))
        self.fetch()

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def fetch(self) -> None:
        app = self.city_app
        city = app.city
        outcomes = fetch_all(city.root, city.config.districts, app.clock(),
                             mode=city.desk.file_mode)
        failed = [o.code for o in outcomes if not o.ok]
        self.app.call_from_thread(self._fetched, len(outcomes) - len(failed), failed)

    def _fetched(self, done: int, failed: list[str]) -> None:
        message = _("Fetched {n} districts").format(n=done)
        if failed:
            message += "; " + _("not fetched") + ": " + ", ".join(failed)
        self.notify(message, severity="warning" if failed else "information")
        self.action_reload()

    def action_search(self) -> None:
        def chosen(text: str | None) -> None:
            if text:
                self.app.push_screen(CitySearchScreen(text))

        self.app.push_screen(CitySearchDialog(), chosen)


class CitySearchDialog(FormDialog[str | None]):
    """A phone number, a case id or words, to find in every district."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="city_search.cancel"),
        *field_moves("city_search"),
    ]
    ENTER_SUBMITS = True

    def fields(self) -> ComposeResult:
        yield Tr("Find a caller's cases in every district", classes="title")
        yield Horizontal(Tr("Phone or id", classes="label"), TextField(id="text"))

    def on_mount(self) -> None:
        self.query_one("#text").focus()

    @on(Input.Submitted, "#text")
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        self.dismiss(self.query_one("#text", Input).value.strip() or None)


class CitySearchScreen(Screen[None]):
    """What a search found in every district (read in a worker thread)."""

    TITLE_MSGID = "City search"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="city_search.back"),
    ]
    DEFAULT_CSS = """
    CitySearchScreen #body-scroll { height: 1fr; padding: 0 1; }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.found: CitySearch | None = None

    def compose(self) -> ComposeResult:
        yield CityHeader(self.TITLE_MSGID)
        with VerticalScroll(id="body-scroll"):
            yield Static("  " + _("Working it out..."), id="body")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#body-scroll").focus()
        self.search()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search(self) -> None:
        found = search_city(self.app.city, self.text)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._found, found)

    def _found(self, found: CitySearch) -> None:
        self.found = found
        self.relabel()

    def relabel(self) -> None:
        if self.found is not None and self.is_attached:
            app: CityApp = self.app  # type: ignore[assignment]
            self.query_one("#body", Static).update(search_text(self.found, app.city,
                                                               app.language))

    def action_back(self) -> None:
        self.app.pop_screen()


class CityApp(App[int]):
    """The city board app over an open :class:`~core.city.City`; the clock is injectable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="city.quit"),
        Binding("f2", "switch_language", "Language", id="city.language"),
        Binding("f1", "show_keys", "Keys", show=False, id="city.keys"),
    ]
    CSS = """
    Screen { background: $background; }
    """

    def __init__(self, city: City, *, language: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.city = city
        self.language = i18n.choose_language(language, city.desk.settings.locale)
        i18n.set_language(self.language)
        self.clock: Callable[[], datetime] = clock or city.desk.cases.now
        self.animation_level = "none"
        self.board: CityBoard | None = None
        self.failure = ""

    def get_key_display(self, binding: Binding) -> str:
        key = binding.key.split(",")[0]
        return KEY_NAMES.get(key) or super().get_key_display(binding)

    def on_mount(self) -> None:
        self.push_screen(CityBoardScreen())

    def action_switch_language(self) -> None:
        self.language = "en" if self.language == "zh" else "zh"
        speak(self, self.language)

    def action_show_keys(self) -> None:
        panels = self.screen.query(DeskKeyPanel)
        if panels:
            panels.remove()
        else:
            self.screen.mount(DeskKeyPanel())


def run_city_app(city: City, language: str) -> int:
    return int(CityApp(city, language=language).run() or 0)


__all__ = ["CityApp", "CityBoardScreen", "CitySearchDialog", "CitySearchScreen",
           "board_text", "district_lines", "run_city_app", "search_text"]
