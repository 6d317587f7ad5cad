"""The peers of the TUI benchmarks: a one-widget Textual app and the stock DataTable queue.

    python tests/bench/stock_apps.py bare
    python tests/bench/stock_apps.py table --desk DIR

Started in a real terminal by ``bench_tui.py`` exactly as ``baogong`` is (one Python process,
its imports counted), and run headless by its other measures. The table app reads the desk the
way any Textual app over :mod:`core` would: open the desk, ask the case index for every row and
put them all in a ``DataTable``; search clears and re-adds the matches.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input, Static

from core.cases.index import CaseRow

COLUMNS = ("Case", "Status", "Category", "Caller", "Phone", "Address")


class BareApp(App[None]):
    """A one-widget Textual app: the least any Textual app costs to start."""

    def compose(self) -> ComposeResult:
        yield Static("bare Textual app")
        yield Input(id="search")

    def on_mount(self) -> None:
        self.query_one(Input).focus()


class TableApp(App[None]):
    """The stock way: every row in a DataTable; search clears and re-adds the matches."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("slash", "search", "Search")]

    def __init__(self, rows: Callable[[], list[CaseRow]]) -> None:
        super().__init__()
        self.load = rows
        self.rows: list[tuple[str, ...]] = []
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield Input(id="search")
        yield DataTable(id="table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self.rows = [(r.id, r.status.value, r.category.value, r.name, r.phone, r.address)
                     for r in self.load()]
        table.add_rows(self.rows)
        table.focus()

    def action_search(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        table = self.query_one(DataTable)
        table.clear()
        words = event.value.lower().split()
        table.add_rows([r for r in self.rows if all(w in " ".join(r).lower() for w in words)])


def table_app(desk_root: Path) -> TableApp:
    from core.cases.index import Query
    from core.desk import Desk

    desk = Desk.open(desk_root)

    def rows() -> list[CaseRow]:
        desk.cases.refresh()  # a desk without its index builds it first, as baogong does
        return desk.cases.query(Query())

    return TableApp(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", choices=["bare", "table"])
    parser.add_argument("--desk", type=Path)
    args = parser.parse_args()
    if args.app == "bare":
        BareApp().run()
    else:
        table_app(args.desk).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
