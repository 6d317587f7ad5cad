"""Price monitoring (市场价格监测): the day's price and stock of each necessity at each designated
supermarket, entered on one screen.

One row per necessity, one column per supermarket; a cell takes ``32.90`` (in stock),
``32.90 低`` / ``32.90 low`` (low), ``缺`` / ``out`` (out). The arrow keys move between cells,
``ctrl+s`` saves the cells that changed (each row then carries the operator's name),
``pageup`` / ``pagedown`` go to the day before or after, ``esc`` goes back. The file and its
rules are :mod:`core.levels.prices`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from core.identity import NotTheOperator
from core.levels.prices import (
    BadCell,
    Necessity,
    PriceEntry,
    format_cell,
    parse_cell,
    prices_path,
    read_price_day,
    record_prices,
)
from core.names import NECESSITY_NAMES
from core.problems import DeskError
from tui.i18n import _, record_name
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import DeskFooter, TextField
from tui.widgets.form import KeyHints

if TYPE_CHECKING:
    from tui.app import BaogongApp

#: the widest a supermarket's column gets
COLUMN_WIDTH = 16


class PricesScreen(Screen[None]):
    """The day's price monitoring, necessities by supermarkets."""

    CSS_PATH = "prices.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="prices.save"),
        Binding("pageup", "day(-1)", "Day before", id="prices.previous_day"),
        Binding("pagedown", "day(1)", "Day after", id="prices.next_day"),
        Binding("escape", "back", "Back", id="prices.back"),
        Binding("down", "move(1)", "Next row", show=False, id="prices.down"),
        Binding("up", "move(-1)", "Previous row", show=False, id="prices.up"),
    ]

    def __init__(self, day: date | None = None) -> None:
        super().__init__()
        self.day = day or date.min  # date.min: the desk's today, set when composed
        self.markets: list[str] = []
        #: (supermarket, necessity) -> the cell as read from the file
        self.saved: dict[tuple[str, Necessity], str] = {}

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        app = self.desk_app
        if self.day == date.min:
            self.day = app.clock().astimezone(app.desk.settings.zone).date()
        self.markets = sorted(app.desk.supermarkets)
        yield DeskHeader("Price monitoring")
        with VerticalScroll(id="prices-body"):
            yield Static(id="prices-title")
            grid = Grid(id="prices-grid")
            grid.styles.grid_size_columns = len(self.markets) + 1
            grid.styles.grid_columns = f"12 {' '.join(['1fr'] * len(self.markets))}"
            with grid:
                yield Static("", classes="corner")
                for market in self.markets:
                    yield Static(self._market_name(market), classes="market")
                for necessity in Necessity:
                    yield Static(NECESSITY_NAMES[necessity].get(self._lang()), classes="need")
                    for market in self.markets:
                        yield TextField(id=f"cell-{market}-{necessity.value}",
                                        classes="cell")
            yield Static(id="prices-error")
            yield Static(id="prices-help")
            yield KeyHints(classes="keys")
        yield DeskFooter()

    def _lang(self) -> str:
        return self.desk_app.language

    def _market_name(self, code: str) -> str:
        market = self.desk_app.desk.supermarkets.get(code)
        name = record_name(market, code) if market is not None else code
        return name[:COLUMN_WIDTH]

    def on_mount(self) -> None:
        self.load()
        self._cells()[0].focus()

    def _cells(self) -> list[Input]:
        return list(self.query(".cell").results(Input))

    def _cell(self, market: str, necessity: Necessity) -> Input:
        return self.query_one(f"#cell-{market}-{necessity.value}", Input)

    def load(self) -> None:
        """Fill the cells from the day's file (empty where nothing was entered)."""
        desk = self.desk_app.desk
        path = prices_path(desk.root, self.day)
        error = ""
        self.saved = {}
        if path.exists():
            day, problems = read_price_day(path, desk.supermarkets)
            if day is None:
                error = "\n".join(p.render(desk.root) for p in problems)
            else:
                for row in day.price:
                    self.saved[row.key] = format_cell(row.fen, row.stock, self._lang())
        for market in self.markets:
            for necessity in Necessity:
                self._cell(market, necessity).value = self.saved.get((market, necessity), "")
        self.query_one("#prices-title", Static).update(
            _("Prices on {day}: yuan per rice 5 kg, oil 5 l, pork 500 g, eggs 30, milk 1 l, "
              "cabbage 2 kg, salt 400 g").format(day=self.day.isoformat()))
        self.query_one("#prices-help", Static).update(
            _("A cell: 32.90 in stock, 32.90 低 (low), 缺 (out)"))
        self._error(error)

    def _error(self, text: str) -> None:
        self.query_one("#prices-error", Static).update(text)

    def changed(self) -> dict[tuple[str, Necessity], str]:
        """The cells whose text differs from the file, by supermarket and necessity."""
        found = {}
        for market in self.markets:
            for necessity in Necessity:
                text = self._cell(market, necessity).value.strip()
                if text != self.saved.get((market, necessity), ""):
                    found[(market, necessity)] = text
        return found

    def action_save(self) -> None:
        entries: list[PriceEntry] = []
        for (market, necessity), text in self.changed().items():
            where = f"{self._market_name(market)} {NECESSITY_NAMES[necessity].get(self._lang())}"
            try:
                cell = parse_cell(text)
            except BadCell as exc:
                self._error(f"{where}: {exc}")
                self._cell(market, necessity).focus()
                return
            if cell is None:
                self._error(f"{where}: " + _("an entered price cannot be emptied; "
                                             "enter it again or correct it"))
                self._cell(market, necessity).focus()
                return
            entries.append(PriceEntry(market, necessity, cell[0], cell[1]))
        if not entries:
            self.notify(_("Nothing to save."))
            return
        try:
            record_prices(self.desk_app.desk, self.day, entries,
                          operator=self.desk_app.operator)
        except (DeskError, NotTheOperator, OSError) as exc:
            problems = getattr(exc, "problems", None)
            self._error("\n".join(p.render(self.desk_app.desk.root) for p in problems)
                        if problems else str(exc))
            return
        self.load()
        self.notify(_("Saved {n} prices for {day}").format(n=len(entries),
                                                          day=self.day.isoformat()))

    def action_day(self, step: int) -> None:
        if self.changed():
            self._error(_("Save (ctrl+s) or undo the changed cells before changing the day."))
            return
        self.day += timedelta(days=step)
        self.load()

    def action_move(self, step: int) -> None:
        """Up and down move by a row (a necessity), staying in the supermarket's column."""
        cells = self._cells()
        focused = self.focused
        if not isinstance(focused, Input) or focused not in cells:
            return
        index = cells.index(focused) + step * len(self.markets)
        if 0 <= index < len(cells):
            cells[index].focus()

    def action_back(self) -> None:
        if self.changed():
            self._error(_("Save (ctrl+s) or undo the changed cells before leaving."))
            return
        self.app.pop_screen()

    def relabel(self) -> None:
        self.load()
