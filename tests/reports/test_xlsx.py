"""XLSX read back with openpyxl holds the same figures as the CSV and the text."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from core.reports import csv_text, daily_report, day_summary, render_text
from tests.reports.conftest import NOW, SmallDesk
from tui.xlsx import write_xlsx


def csv_sections(text: str) -> dict[str, list[list[str]]]:
    """Sections of a several-table CSV: an empty row between them, the title on the first."""
    sections: dict[str, list[list[str]]] = {}
    block: list[list[str]] = []
    for row in [*csv.reader(io.StringIO(text)), []]:
        if row:
            block.append(row)
        elif block:
            sections[block[0][0]] = block[1:]
            block = []
    return sections


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def test_day_summary_xlsx_matches_csv_and_text(small: SmallDesk, tmp_path: Path) -> None:
    summary = day_summary(small.desk, date(2026, 11, 20), NOW)
    tables = summary.tables()
    path = write_xlsx(tables, tmp_path / "day.xlsx", lang="zh", heading=summary.heading("zh"))
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["about", "totals", "per_hour", "by_department", "hot_spots"]
    about = [r[0] for r in book["about"].iter_rows(values_only=True) if r and r[0]]
    assert about[0] == "测试热线台 热线日汇总"
    sections = csv_sections(csv_text(tables, "zh"))
    text = render_text(summary, "zh")
    for table in tables:
        sheet = [list(r) for r in book[table.name].iter_rows(values_only=True)]
        assert sheet[0] == table.headers("zh")
        assert sheet[1:] == table.values("zh")
        assert [[as_text(v) for v in row] for row in sheet] == sections[table.title.zh]
    for line in ("     4     1       0     4     1", "  21:00     1", "  区卫健局      health  "):
        assert line in text
    totals = [list(r) for r in book["totals"].iter_rows(values_only=True)]
    assert totals == [["受理", "办结", "待审核", "在办", "超期"], [4, 1, 0, 4, 1]]
    hours = {r[0]: r[1] for r in book["per_hour"].iter_rows(min_row=2, values_only=True)}
    assert hours["21:00"] == 1 and sum(hours.values()) == 4


def test_daily_report_xlsx_keeps_numbers(small: SmallDesk, tmp_path: Path) -> None:
    report = daily_report(small.desk, date(2026, 11, 20), signals=[small.signals], now=NOW)
    path = write_xlsx(report.tables(), tmp_path / "daily.xlsx", lang="en",
                      heading=report.heading("en"))
    book = load_workbook(path, read_only=True)
    reserves = list(book["reserves"].iter_rows(values_only=True))
    assert reserves[0][:3] == ("area", "scope", "kind")
    grain = next(r for r in reserves if r[2] == "grain and oil")
    assert grain[3:8] == (3000, 9000, 1200, 7.5, 15)
    prices = {r[1]: r for r in book["prices"].iter_rows(min_row=2, values_only=True)}
    assert prices["rice-5kg"][4:7] == (32.9, 36, 20)
    about = [r[0] for r in book["about"].iter_rows(values_only=True) if r and r[0]]
    assert any("reserves.toml" in str(line) for line in about)
