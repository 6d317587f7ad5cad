"""``baogong reconcile``: exit status, text, JSON, CSV and XLSX, bad input."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from core.demo import demo_desk_path
from tests.ledger.conftest import Book
from tui.cli import main


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    target = tmp_path / "desk"
    shutil.copytree(demo_desk_path(), target, ignore=shutil.ignore_patterns("cases"))
    return target


def test_demo_desk_has_findings(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", "--desk", str(demo_copy), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    for code in ("short_delivery", "markup", "diversion", "stock_loss"):
        assert out.count(f"[{code}]") == 1
    assert "ledgers/2026/11/" in out and "→ next:" in out


def test_jobs_is_accepted_and_ignored(demo_copy: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", "--desk", str(demo_copy), "--json", "--jobs", "1"]) == 1
    one = capsys.readouterr()
    assert len(json.loads(one.out)["findings"]) == 4 and one.err == ""
    assert main(["reconcile", "--desk", str(demo_copy), "--json", "--jobs", "4"]) == 1
    four = capsys.readouterr()
    assert four.out == one.out
    assert four.err == ("baogong reconcile: --jobs 4 is ignored: the ledgers are read in one "
                        "process\n")
    with pytest.raises(SystemExit) as exited:
        main(["reconcile", "--desk", str(demo_copy), "--jobs", "0"])
    assert exited.value.code == 2
    assert "--jobs: '0': give from 1 to 64 processes" in capsys.readouterr().err


def test_chinese_report(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", "--desk", str(demo_copy), "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    assert "对账报告" in out and "疑似挪用" in out and "建议" in out


def test_json(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", "--desk", str(demo_copy), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["balanced"] is False
    assert sorted(f["code"] for f in data["findings"]) == [
        "diversion", "markup", "short_delivery", "stock_loss"]
    assert all(f["path"].startswith("ledgers/") and f["line"] for f in data["findings"])
    money = data["money"]
    assert money["collected"] == money["matched"] + money["open"]


def test_scope_and_period_options(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", "--desk", str(demo_copy), "--json", "--community", "jinxiu"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in data["findings"]] == ["short_delivery"]
    assert main(["reconcile", "--desk", str(demo_copy), "--json", "--supermarket", "xinjiayi",
                 "--from", "2026-11-19", "--to", "2026-11-22"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["reconcile", "--desk", str(demo_copy), "--grid-worker", "grid.taoyuan.1",
                 "--json"]) == 1
    assert [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["markup"]


def test_balanced_desk_exits_zero(book: Book, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", "--desk", str(book.desk.root)]) == 0
    assert "账平" in capsys.readouterr().out


def test_csv_and_xlsx_read_back(demo_copy: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    out_dir, workbook = tmp_path / "csv", tmp_path / "report.xlsx"
    assert main(["reconcile", "--desk", str(demo_copy), "--lang", "en", "--csv", str(out_dir),
                 "--xlsx", str(workbook), "--write-matches"]) == 1
    capsys.readouterr()
    with (out_dir / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["code"] for r in rows) == ["diversion", "markup", "short_delivery",
                                               "stock_loss"]
    markup = next(r for r in rows if r["code"] == "markup")
    assert markup["amount_yuan"] == "0.50" and markup["file"].startswith("ledgers/")
    with (out_dir / "ledgers" / "collection.csv").open(encoding="utf-8-sig", newline="") as h:
        collections = list(csv.DictReader(h))
    assert collections and collections[0]["kind"] == "collection"
    assert {"amount_fen", "amount_yuan", "file", "line"} <= set(collections[0])
    with (out_dir / "ledgers" / "invoice_lines.csv").open(encoding="utf-8-sig", newline="") as h:
        lines = list(csv.DictReader(h))
    assert any(r["item"] == "pork-lean-500g" and r["unit_price_fen"] == "1740" for r in lines)
    with (out_dir / "matches.csv").open(encoding="utf-8-sig", newline="") as h:
        matches = list(csv.DictReader(h))
    assert matches and {r["balanced"] for r in matches} <= {"True", "False"}  # for scripts

    from openpyxl import load_workbook

    book = load_workbook(workbook, read_only=True)
    assert {"findings", "open_items", "matches", "stock", "ledger_collection",
            "ledger_invoice_lines"} <= set(book.sheetnames)
    sheet_rows = list(book["findings"].iter_rows(values_only=True))
    assert sheet_rows[0][:2] == ("severity", "code")
    assert sorted(r[1] for r in sheet_rows[1:]) == ["diversion", "markup", "short_delivery",
                                                    "stock_loss"]
    collected = list(book["ledger_collection"].iter_rows(values_only=True))
    assert len(collected) == len(collections) + 1
    assert list((demo_copy / "ledgers" / "matches").glob("M-*.toml"))


def test_unreadable_ledger_exits_two(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = sorted((demo_copy / "ledgers" / "2026" / "11" / "18").glob("*.toml"))[0]
    text = victim.read_text(encoding="utf-8").replace("amount_fen = ", "amount_fen = -", 1)
    text = text.replace('community = "', 'community = "BAD ', 1)
    victim.write_text(text, encoding="utf-8")
    assert main(["reconcile", "--desk", str(demo_copy)]) == 2
    err = capsys.readouterr().err
    relative = victim.relative_to(demo_copy)
    assert f"{relative}:4: record[0].community:" in err or f"{relative}:4:" in err
    assert err.count(f"{relative}:") >= 1


def test_bad_desk_and_arguments(tmp_path: Path, demo_copy: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", "--desk", str(tmp_path / "nowhere")]) == 2
    assert "desk directory not found" in capsys.readouterr().err
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "desk.toml").write_text("name = [\n", encoding="utf-8")
    assert main(["reconcile", "--desk", str(tmp_path / "broken")]) == 2
    assert "desk.toml:" in capsys.readouterr().err
    assert main(["reconcile", "--desk", str(demo_copy), "--community", "atlantis"]) == 2
    assert main(["reconcile", "--desk", str(demo_copy), "--from", "2026-11-20",
                 "--to", "2026-11-19"]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["reconcile", "--desk", str(demo_copy), "--from", "yesterday"])
    assert exit_info.value.code == 2
