"""``baogong export``: open311, report shift|day|daily, cases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.reports import validate_request
from tests.reports.conftest import SmallDesk
from tui.cli import main

AT = "2026-11-21T12:00:00+08:00"


def run(*argv: str) -> int:
    return main(["export", *argv])


def test_open311_file(small: SmallDesk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                      ) -> None:
    out = tmp_path / "feed" / "open311.json"
    out.parent.mkdir()  # an export goes into a directory that exists
    root = str(small.desk.root)
    assert run("open311", "--desk", root, "--out", str(out), "--since", "2026-11-20",
               "--until", "2026-11-20") == 0
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [r["service_request_id"] for r in records] == [
        small.ids[c] for c in ("C1", "C2", "C3", "C4")]
    assert all(validate_request(r) == [] for r in records)
    assert "4 service requests" in capsys.readouterr().err
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary left


def test_open311_stdout_in_english(small: SmallDesk, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("open311", "--desk", str(small.desk.root), "--out", "-", "--lang", "en",
               "--no-descriptions") == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 7 and records[0]["service_name"] == "Supply inquiry"
    assert all(r["description"] is None for r in records)


def test_report_text(small: SmallDesk, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(small.desk.root)
    assert run("report", "shift", "--desk", root, "--date", "2026-11-20", "--at", AT) == 0
    out = capsys.readouterr().out
    assert "受理 3 件，办结 1 件；在办 3 件（其中待审核 0 件）；超期 1 件" in out
    assert run("report", "shift", "--desk", root, "--date", "2026-11-20", "--night",
               "--lang", "en", "--at", AT) == 0
    assert "Taken 1, closed 0; open 4 (awaiting approval 0); overdue 1" in capsys.readouterr().out
    assert run("report", "shift", "--desk", root, "--from", "2026-11-20T00:00",
               "--to", "2026-11-21T00:00", "--at", AT) == 0
    assert "受理 4 件" in capsys.readouterr().out
    assert run("report", "day", "--desk", root, "--date", "2026-11-20", "--at", AT) == 0
    assert "热线日汇总" in capsys.readouterr().out


def test_current_shift_by_default(small: SmallDesk, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("report", "shift", "--desk", str(small.desk.root), "--at",
               "2026-11-21T03:00:00+08:00") == 0
    assert "2026-11-20 20:00 至 2026-11-21 08:00" in capsys.readouterr().out


def test_report_daily_csv(small: SmallDesk, tmp_path: Path) -> None:
    out = tmp_path / "daily.csv"
    assert run("report", "daily", "--desk", str(small.desk.root), "--date", "2026-11-20",
               "--signals", str(small.signals), "--csv", str(out), "--at", AT) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[2][:3] == ["河西区", "III级 紧张状态", "IV级 一般状态"]


def test_report_xlsx(small: SmallDesk, tmp_path: Path) -> None:
    out = tmp_path / "shift.xlsx"
    assert run("report", "shift", "--desk", str(small.desk.root), "--date", "2026-11-20",
               "--xlsx", str(out), "--lang", "en", "--at", AT) == 0
    book = load_workbook(out, read_only=True)
    assert list(book["totals"].iter_rows(values_only=True))[1] == (3, 1, 0, 3, 1)


def test_cases_export(small: SmallDesk, tmp_path: Path) -> None:
    plain, personal = tmp_path / "cases.csv", tmp_path / "cases-personal.xlsx"
    root = str(small.desk.root)
    assert run("cases", "--desk", root, "--csv", str(plain), "--at", AT) == 0
    rows = list(csv.reader(io.StringIO(plain.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["工单号", "受理时间", "性质"] and len(rows) == 8
    assert "张桂兰" not in plain.read_text(encoding="utf-8-sig")
    overdue = {r[0]: r[13] for r in rows[1:]}
    assert overdue[small.ids["C5"]] == "是" and overdue[small.ids["C1"]] == "否"
    assert run("cases", "--desk", root, "--xlsx", str(personal), "--personal",
               "--since", "2026-11-20", "--lang", "en") == 0
    assert personal.stat().st_mode & 0o077 == 0  # personal data stays private
    sheet = list(load_workbook(personal, read_only=True)["cases"].iter_rows(values_only=True))
    assert sheet[0][-3:] == ("caller", "phone", "address")
    assert any(r[-3] == "张桂兰" for r in sheet[1:])


@pytest.mark.parametrize("argv, message", [
    (["report", "day", "--date", "20-11-2026"], "not a date"),
    (["report", "shift", "--from", "2026-11-20T08:00"], "--from and --to go together"),
    (["report", "daily", "--district", "nowhere"], "unknown district 'nowhere'"),
    (["open311", "--since", "soon", "--out", "-"], "not a date"),
])
def test_bad_arguments(small: SmallDesk, capsys: pytest.CaptureFixture[str],
                       argv: list[str], message: str) -> None:
    command = argv[:2] if argv[0] == "report" else argv[:1]
    assert run(*command, "--desk", str(small.desk.root), *argv[len(command):]) == 2
    assert message in capsys.readouterr().err


def test_cases_needs_an_output(small: SmallDesk) -> None:
    with pytest.raises(SystemExit):
        run("cases", "--desk", str(small.desk.root))


def test_progress_bar_draws_one_line() -> None:
    from tui.progress import ProgressBar

    out = io.StringIO()
    bar = ProgressBar(out, "Open311")
    bar(5, 10)
    bar(10, 10)
    bar.close()
    assert out.getvalue() == (f"\rOpen311 [{'#' * 15}{'.' * 15}] 5/10"
                              f"\rOpen311 [{'#' * 30}] 10/10\n")
