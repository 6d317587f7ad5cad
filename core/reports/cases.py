"""The case list as a table, for ``baogong export cases`` (工单清单).

Built from the index alone (:class:`core.cases.index.CaseRow`), so a 100,000-case desk exports in
seconds. Personal data (the caller's name, phone and address) is left out unless asked for with
``personal=True``; the command writes such a file private to the desk's users.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.cases.facts import describe, fact_names, facts_field
from core.cases.index import CaseRow, Query
from core.levels.plans import Text
from core.names import KIND_NAMES, STATUS_NAMES, category_name
from core.reports.table import Cell, Column, Table

if TYPE_CHECKING:
    from core.desk import Desk

COLUMNS = (
    Column("id", "工单号", "case id"),
    Column("created", "受理时间", "taken at"),
    Column("kind", "性质", "kind"),
    Column("category", "类别", "category"),
    Column("category_code", "类别代码", "category code"),
    Column("status", "状态", "status"),
    Column("open311", "开闭", "open/closed"),
    Column("priority", "优先级", "priority"),
    Column("community", "社区", "community"),
    Column("department", "承办部门", "department"),
    Column("flags", "特殊群体", "priority people"),
    Column("due", "办理时限", "due"),
    Column("callback_due", "回访时限", "call-back due"),
    Column("overdue", "超期", "overdue"),
    Column("created_by", "受理人", "taken by"),
    Column("updated", "最后办理", "last action"),
    Column("facts", "诉求要素", "facts"),
)
PERSONAL_COLUMNS = (
    Column("caller", "来电人", "caller"),
    Column("phone", "电话", "phone"),
    Column("address", "地址", "address"),
)


def case_rows(desk: Desk, since: datetime | None = None,
              until: datetime | None = None) -> list[CaseRow]:
    """The index rows of the cases taken in ``[since, until)``, oldest first."""
    desk.cases.refresh()
    rows = [r for r in desk.cases.query(Query(since=since))
            if until is None or r.created < until]
    rows.reverse()
    return rows


def cases_table(desk: Desk, rows: list[CaseRow], now: datetime, *,
                personal: bool = False) -> Table:
    """One row per case; ``overdue`` is judged at ``now``.

    The facts of price complaints, short deliveries and relief requests
    (:mod:`core.cases.facts`) are not in the index: only those cases' files are read for them.
    """
    out: list[tuple[Cell, ...]] = []
    for r in rows:
        facts: Cell = ""
        if facts_field(r.category.value) is not None:
            case, _problems = desk.cases.load(Path(r.path))
            if case is not None:
                facts = Text(*(describe(case.price, case.shortfall, case.relief, lang,
                                        fact_names(desk, lang)) for lang in ("zh", "en")))
        department = desk.departments.get(r.department)
        community = desk.communities.get(r.community)
        cells: list[Cell] = [
            r.id, r.created, KIND_NAMES[r.kind], category_name(r.category), r.category.value,
            STATUS_NAMES[r.status], r.status.open311, r.priority.value,
            Text(community.name, community.name_en) if community else r.community,
            Text(department.name, department.name_en) if department else r.department,
            " ".join(sorted(f.value for f in r.flags)), r.due, r.callback_due,
            r.is_overdue(now), r.created_by, r.updated, facts,
        ]
        if personal:
            cells.extend([r.name, r.phone, r.address])
        out.append(tuple(cells))
    return Table(
        "cases", Text("工单清单", "Cases"),
        COLUMNS + (PERSONAL_COLUMNS if personal else ()),
        tuple(out),
    )
