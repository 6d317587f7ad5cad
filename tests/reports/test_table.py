"""Tables as text and CSV: headers in both languages, Chinese aligned, BOM for Excel."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from core.levels.plans import Text
from core.reports import CSV_ENCODING, Column, Table, csv_text, render_table, write_csv

TABLE = Table(
    "demo", Text("示例", "Example"),
    (Column("name", "名称", "name"), Column("count", "数量", "count"),
     Column("days", "天数", "days"), Column("ok", "达标", "ok")),
    ((Text("大米", "rice"), 12, 7.5, True), ("oil", 3, None, False)),
    notes=(Text("来源：测试", "source: test"),),
)


def test_text_aligns_chinese() -> None:
    text = render_table(TABLE, "zh")
    lines = text.splitlines()
    assert lines[0] == "示例"
    assert lines[1] == "  名称  数量  天数  达标"
    assert lines[3] == "  大米    12   7.5  是"
    assert lines[4] == "  oil      3        否"
    assert lines[-1] == "  * 来源：测试"
    assert "rice" in render_table(TABLE, "en")


def test_csv_single_table_and_bom(tmp_path: Path) -> None:
    path = write_csv(TABLE, tmp_path / "t.csv", lang="zh")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode(CSV_ENCODING))))
    assert rows == [["名称", "数量", "天数", "达标"], ["大米", "12", "7.5", "是"],
                    ["oil", "3", "", "否"]]
    assert oct(path.stat().st_mode & 0o777) == "0o644"


def test_csv_sections() -> None:
    rows = list(csv.reader(io.StringIO(csv_text([TABLE, TABLE], "en"))))
    assert rows[0] == ["Example"] and rows[1] == ["name", "count", "days", "ok"]
    assert rows[4] == [] and rows[5] == ["Example"]


def test_rows_must_fit_the_columns() -> None:
    with pytest.raises(ValueError, match="row 1 has 1 cells for 2 columns"):
        Table("x", Text("x", "x"), (Column("a", "a", "a"), Column("b", "b", "b")), (("1",),))
