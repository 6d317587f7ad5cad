"""Reports and exports (报表与导出): the daily report (日报), shift and day summaries, CSV, XLSX
and the Open311 feed, with a progress bar for long exports."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from core.levels.district import signals_for
from core.reports import (
    Report,
    daily_report,
    day_summary,
    render_text,
    service_requests,
    shift_summary,
    write_csv,
)
from core.reports.open311 import write_json_array
from core.storage.atomic import make_directories, replacing_text
from tui.i18n import _
from tui.progress import progress_line
from tui.screens.console import ComputedPage, case_state, desk_files
from tui.widgets.chrome import DeskHeader
from tui.widgets.common import DeskFooter
from tui.xlsx import write_xlsx

EXPORTS_DIR = "exports"
KINDS = ("daily", "day", "shift")


class ReportsScreen(ComputedPage[tuple[str, datetime], Report]):
    CSS_PATH = "reports.tcss"
    TITLE_MSGID = "Reports and exports"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "next_report", "Next report", id="reports.next"),
        Binding("c", "export('csv')", "CSV", id="reports.csv"),
        Binding("x", "export('xlsx')", "XLSX", id="reports.xlsx"),
        Binding("o", "open311", "Open311", id="reports.open311"),
        Binding("escape", "back", "Back", id="reports.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind = KINDS[0]
        self.saved: list[Path] = []

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.TITLE_MSGID)
        yield Static(id="progress")
        with VerticalScroll(id="body-scroll"):
            yield Static(id="body")
        yield DeskFooter()

    def report(self, kind: str | None = None, now: datetime | None = None) -> Report:
        """The report of ``kind`` (the one shown) at ``now`` (the clock's time)."""
        app = self.desk_app
        desk = app.desk
        kind = kind or self.kind
        now = now or app.clock()
        day = now.astimezone(desk.settings.zone).date()
        if kind == "daily":
            return daily_report(desk, day, signals=signals_for(desk.root, day), now=now)
        if kind == "day":
            return day_summary(desk, day, now)
        shift = desk.shifts.at(now)
        return shift_summary(desk, shift.start, shift.end, now)

    def inputs(self, now: datetime) -> tuple[str, datetime]:
        """The report chosen and the hour it is made at."""
        return self.kind, now.replace(minute=0, second=0, microsecond=0)

    def files(self) -> Hashable:
        desk = self.desk_app.desk
        return desk_files(desk), case_state(desk)

    def compute(self, inputs: tuple[str, datetime], now: datetime) -> Report:
        return self.report(inputs[0], now)

    def draw(self, result: Report) -> str:
        return render_text(result, self.desk_app.language)

    def action_next_report(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self.inputs_changed()

    def _path(self, suffix: str) -> Path:
        app = self.desk_app
        day = app.clock().astimezone(app.desk.settings.zone)
        directory = app.desk.root / EXPORTS_DIR
        make_directories(directory, mode=app.desk.file_mode)
        return directory / f"{self.kind}-{day:%Y%m%d-%H%M}.{suffix}"

    def action_export(self, fmt: str) -> None:
        app = self.desk_app
        try:
            tables = self.report().tables()
            path = self._path(fmt)
            if fmt == "csv":
                write_csv(tables, path, lang=app.language, mode=app.desk.file_mode)
            else:
                write_xlsx(tables, path, lang=app.language, mode=app.desk.file_mode)
        except Exception as exc:
            self.notify(f"{_('Cannot save')}: {exc}", severity="error")
            return
        self.saved.append(path)
        self.notify(_("Saved {path}").format(path=path.relative_to(app.desk.root)))

    def action_open311(self) -> None:
        """Every case as an Open311 GeoReport v2 JSON array, in a worker, with a progress bar."""
        app = self.desk_app
        desk = app.desk
        path = self._path("json").with_name(f"open311-{app.clock():%Y%m%d-%H%M}.json")
        bar = self.query_one("#progress", Static)
        language = app.language

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, progress_line("Open311", done, total))

        def work() -> None:
            with replacing_text(path, mode=desk.file_mode) as out:
                count = write_json_array(service_requests(desk, lang=language,
                                                          progress=progress), out)
            self.app.call_from_thread(self._exported, path, count)

        bar.update(progress_line("Open311", 0, 1))
        self.run_worker(work, thread=True, group="export", exit_on_error=False)

    def _exported(self, path: Path, count: int) -> None:
        self.saved.append(path)
        self.notify(_("Saved {path}").format(path=path.relative_to(self.desk_app.desk.root))
                    + f" ({count})")
