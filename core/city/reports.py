"""The whole city's reports: the Open311 feed and the daily report (全市日报) over the districts.

Both are the district desks' own reports (:func:`core.reports.service_requests`,
:func:`core.reports.daily_report`) put together, never figures of their own:

- **Open311**: every district's service requests in one GeoReport v2 array. Two district
  desks may number their cases alike (``20261123-0001`` at both), so a request's
  ``service_request_id`` is qualified with the district's code in ``city.toml``
  (``hexi-20261123-0001``) unless it already starts with it.
- **Daily report**: each of the daily report's tables, with a first column naming the district
  desk a row comes from; the districts that could not be read are listed in a table of their
  own and in the heading, so a reader never takes a missing district for a calm one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import attrs

from core.city.citydesk import City, why
from core.city.config import CityDistrict
from core.desk import Desk
from core.levels.district import signals_for
from core.levels.plans import Text
from core.reports.areas import DailyReport
from core.reports.daily import daily_report
from core.reports.open311 import service_requests
from core.reports.table import Column, Table

DISTRICT_COLUMN = Column("district", "区热线台", "district desk")


def qualified_id(code: str, case_id: str) -> str:
    """A case id unique across the city: the district's code before it, once."""
    prefix = f"{code}-"
    return case_id if case_id.lower().startswith(prefix.lower()) else prefix + case_id


@attrs.define
class CityFeed:
    """The city's Open311 requests, read district by district; after iterating,
    :attr:`not_read` names the districts whose requests are missing and why."""

    city: City
    since: datetime | None = None
    until: datetime | None = None
    lang: str = "zh"
    descriptions: bool = True
    not_read: list[tuple[str, str]] = attrs.Factory(list)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for district in self.city.config.districts:
            try:
                desk = Desk.open(self.city.district_root(district))
            except Exception as exc:  # a district that cannot be read is named, not fatal
                self.not_read.append((district.code, why(exc)))
                continue
            try:
                for record in service_requests(desk, self.since, self.until, lang=self.lang,
                                               descriptions=self.descriptions):
                    record["service_request_id"] = qualified_id(
                        district.code, str(record["service_request_id"]))
                    yield record
            except Exception as exc:
                self.not_read.append((district.code, why(exc)))
            finally:
                desk.cases.index.close()


@attrs.frozen
class CityDailyReport:
    """The daily report of every district desk of a city for one day."""

    city: Text
    day: date
    as_of: datetime
    reports: tuple[tuple[CityDistrict, DailyReport], ...]
    not_read: tuple[tuple[CityDistrict, str], ...]

    @property
    def title(self) -> Text:
        return Text("全市保供日报", "City daily supply report")

    def heading(self, lang: str = "zh") -> list[str]:
        when = self.as_of.strftime("%Y-%m-%d %H:%M")
        read = [d.label(lang) for d, _r in self.reports]
        missing = [d.label(lang) for d, _r in self.not_read]
        if lang == "zh":
            lines = [f"{self.city.zh} {self.title.zh}",
                     f"日期：{self.day.isoformat()}（截至 {when}）  "
                     f"区热线台：{'、'.join(read) or '无'}"]
            if missing:
                lines.append(f"未能读取：{'、'.join(missing)}（见“未能读取的区”表）")
            lines.append("数据来源：各区热线台的高风险地区日报")
        else:
            lines = [f"{self.city.en}: {self.title.en}",
                     f"Date: {self.day.isoformat()} (as of {when})  District desks: "
                     f"{', '.join(read) or 'none'}"]
            if missing:
                lines.append(f"Not read: {', '.join(missing)} (see the table of districts not "
                             f"read)")
            lines.append("Sources: each district desk's daily report of its high-risk areas")
        return lines

    def tables(self) -> list[Table]:
        merged: dict[str, Table] = {}
        for district, report in self.reports:
            label = Text(district.name, district.name_en or district.name)
            for table in report.tables():
                rows = tuple((label, *row) for row in table.rows)
                known = merged.get(table.name)
                if known is None:
                    merged[table.name] = attrs.evolve(
                        table, columns=(DISTRICT_COLUMN, *table.columns), rows=rows)
                else:
                    notes = known.notes + tuple(n for n in table.notes if n not in known.notes)
                    merged[table.name] = attrs.evolve(known, rows=known.rows + rows,
                                                      notes=notes)
        tables = list(merged.values())
        tables.append(Table(
            "not_read", Text("未能读取的区", "Districts not read"),
            (DISTRICT_COLUMN, Column("reason", "原因", "reason")),
            tuple((Text(d.name, d.name_en or d.name), reason) for d, reason in self.not_read),
        ))
        return tables


def city_daily_report(city: City, day: date, now: datetime) -> CityDailyReport:
    """Every district desk's daily report for ``day`` (each with its own signals files)."""
    reports: list[tuple[CityDistrict, DailyReport]] = []
    missing: list[tuple[CityDistrict, str]] = []
    for district in city.config.districts:
        try:
            desk = Desk.open(city.district_root(district))
        except Exception as exc:
            missing.append((district, why(exc)))
            continue
        try:
            reports.append((district, daily_report(desk, day, signals=signals_for(desk.root, day),
                                                   now=now)))
        except Exception as exc:
            missing.append((district, why(exc)))
        finally:
            desk.cases.index.close()
    settings = city.desk.settings
    return CityDailyReport(Text(settings.name, settings.name_en or settings.name), day,
                           now, tuple(reports), tuple(missing))


__all__ = ["DISTRICT_COLUMN", "CityDailyReport", "CityFeed", "city_daily_report",
           "qualified_id"]
