"""Exports and reports for supervisors (值班长报表): issue 8.

- :func:`shift_summary` and :func:`day_summary`: the hotline's figures for a shift or a day;
- :func:`daily_report`: the daily report (日报) of each high-risk area, every figure with its
  source;
- :func:`service_requests`: the cases as an Open311 GeoReport v2 feed, without personal data;
- :func:`cases_table`: the case list;
- :class:`Table`: what every report turns into, written as text (:func:`render_text`), CSV
  (:func:`write_csv`) or, by the app, XLSX (``tui.xlsx``)::

    import core
    from core.reports import day_summary, render_text, write_csv

    desk = core.open_desk("desk")
    summary = day_summary(desk, date(2026, 11, 22))
    print(render_text(summary, "en"))
    summary.totals.taken, summary.per_hour[9]
    write_csv(summary.tables(), Path("day.csv"))

``core.reports`` is pure Python (the standard library's ``csv``) and never imports Textual.
"""

from __future__ import annotations

from core.reports.cases import case_rows, cases_table
from core.reports.daily import (
    AreaReport,
    CategoryDemand,
    DailyReport,
    GoodsDemand,
    LevelFigure,
    PriceLine,
    daily_report,
    high_risk_areas,
)
from core.reports.open311 import (
    FIELDS as OPEN311_FIELDS,
)
from core.reports.open311 import (
    mask_personal,
    service_request,
    service_requests,
    validate_request,
    write_json_array,
)
from core.reports.render import Report, render_text
from core.reports.summary import (
    Counts,
    DaySummary,
    HotSpot,
    OperatorCounts,
    ShiftSummary,
    Totals,
    day_bounds,
    day_summary,
    shift_bounds,
    shift_summary,
)
from core.reports.table import CSV_ENCODING, Cell, Column, Table, csv_text, render_table, write_csv
from core.reports.timeline import CaseState, state_at

__all__ = [
    "CSV_ENCODING", "OPEN311_FIELDS", "AreaReport", "CaseState",
    "CategoryDemand", "Cell", "Column", "Counts", "DailyReport", "DaySummary", "GoodsDemand",
    "HotSpot", "LevelFigure", "OperatorCounts", "PriceLine", "Report", "ShiftSummary", "Table",
    "Totals", "case_rows", "cases_table", "csv_text", "daily_report", "day_bounds",
    "day_summary", "high_risk_areas", "mask_personal", "render_table", "render_text",
    "service_request", "service_requests", "shift_bounds", "shift_summary", "state_at",
    "validate_request", "write_csv", "write_json_array",
]
