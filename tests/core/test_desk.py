from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import core
from core.check import check_desk
from core.demo import demo_desk_path
from core.storage.atomic import STALE_TEMPORARY_SECONDS, leftover_temporaries
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_desk_is_a_realistic_district() -> None:
    desk = core.open_desk(demo_desk_path())
    assert desk.problems == []
    assert len(desk.districts) >= 2
    assert len(desk.communities) >= 12
    assert len(desk.supermarkets) >= 3
    assert len(desk.departments) >= 13
    assert len(desk.catalogue) >= 60
    residents = [r for h in desk.households.values() for r in h.residents]
    assert len(residents) >= 300
    assert all(any(f in r.flags for r in residents) for f in core.PriorityFlag)
    categories = Counter(item.category for item in desk.catalogue.values())
    assert set(categories) == set(core.GoodsCategory)
    assert {item.tier for item in desk.catalogue.values()} >= {1, 2, 3}
    cases = list(desk.cases)
    assert len(cases) >= 200
    # approval is not switched on in the demo: its recorded sessions are tied to its files
    assert {c.status for c in cases} == set(core.CaseStatus) - {core.CaseStatus.AWAITING_APPROVAL}
    assert len({c.created.date() for c in cases}) == 7
    for community in desk.communities.values():
        assert community.code in desk.supermarkets[community.supermarket].zone


def test_problems_in_reference_files_are_collected_with_lines(demo_desk_dir: Path) -> None:
    catalogue = demo_desk_dir / "catalogue.toml"
    text = catalogue.read_text(encoding="utf-8")
    text = text.replace("price_fen = 3290", "price_fen = -5", 1)
    text = text.replace('unit = "桶"', 'unit = "桶"\nshelf = 3', 1)
    catalogue.write_text(text, encoding="utf-8")
    communities = demo_desk_dir / "communities.toml"
    communities.write_text(communities.read_text(encoding="utf-8").replace(
        'supermarket = "hualian"', 'supermarket = "walmart"', 1), encoding="utf-8")
    desk = core.open_desk(demo_desk_dir)
    rendered = [p.render(demo_desk_dir) for p in desk.problems]
    lines = text.splitlines()
    negative = next(n for n, line in enumerate(lines, 1) if "price_fen = -5" in line)
    shelf = next(n for n, line in enumerate(lines, 1) if "shelf = 3" in line)
    assert f"catalogue.toml:{negative}: item[0].price_fen: must not be negative, got -5" in rendered
    assert f"catalogue.toml:{shelf}: item[5].shelf: unknown field" in rendered
    assert any(r.startswith("communities.toml:") and "unknown supermarket 'walmart'" in r
               for r in rendered)
    assert len(desk.catalogue) == 63  # the two broken items are left out, the rest load


def test_a_desk_without_settings_cannot_be_opened(tmp_path: Path) -> None:
    with pytest.raises(core.DeskError) as caught:
        core.open_desk(tmp_path)
    assert "desk.toml" in str(caught.value) and "file not found" in str(caught.value)


def test_settings_errors_name_the_field(tmp_path: Path) -> None:
    (tmp_path / "desk.toml").write_text(
        'name = "x"\ntime_zone = "Mars/Olympus"\n[sla]\nrequest_hours = "soon"\n',
        encoding="utf-8")
    with pytest.raises(core.DeskError) as caught:
        core.open_desk(tmp_path)
    rendered = [p.render(tmp_path) for p in caught.value.problems]
    assert rendered == ["desk.toml:4: sla.request_hours: expected a number, got str 'soon'"]
    (tmp_path / "desk.toml").write_text('name = "x"\ntime_zone = "Mars/Olympus"\n')
    with pytest.raises(core.DeskError) as caught:
        core.open_desk(tmp_path)
    assert [p.render(tmp_path) for p in caught.value.problems] == [
        "desk.toml:2: time_zone: unknown time zone 'Mars/Olympus' (use an IANA name such as "
        "Asia/Shanghai)"]


def test_check_a_clean_desk(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(demo_desk_path())]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ") and "case files, no problems" in out and out.count("\n") == 1


def test_check_reports_every_problem_and_fails(
    demo_desk_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = sorted((demo_desk_dir / "cases").rglob("*.toml"))[:2]
    first.write_bytes(first.read_bytes()[:200])
    second.write_text(second.read_text(encoding="utf-8").replace(
        'kind = "', 'kind = "x', 1), encoding="utf-8")
    assert main(["check", "--jobs", "1", str(demo_desk_dir)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert out[0].startswith(f"{first}:") and "TOML syntax error" in out[0]
    kind_line = next(n for n, line in enumerate(second.read_text().splitlines(), 1)
                     if line.startswith("kind = "))
    assert out[1].startswith(f"{second}:{kind_line}: kind: 'xrequest' is not one of: ")


def test_check_with_several_processes_finds_the_same(demo_desk_dir: Path) -> None:
    victim = sorted((demo_desk_dir / "cases").rglob("*.toml"))[10]
    victim.write_bytes(b"\xff\xfe")
    cases_dir = demo_desk_dir / "cases" / "2026" / "11" / "16"
    for n in range(2100):  # enough files to make check fan out to worker processes
        shutil.copy(next(cases_dir.iterdir()), cases_dir / f"20261116-{9000 + n:05d}.toml")
    report = check_desk(demo_desk_dir, workers=2)
    assert len([p for p in report.problems if p.path == victim]) == 1
    assert len(report.problems) == 2101  # each copy's file name disagrees with its id


def _leftover(beside: Path, age: float) -> Path:
    """A temporary file like the one a writer killed mid-write leaves, ``age`` seconds old."""
    path = beside.with_name(f".{beside.name}.4242.{time.monotonic_ns()}.0.tmp")
    path.write_bytes(beside.read_bytes()[:100])
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_leftover_temporaries_are_old_hidden_temporary_files(tmp_path: Path) -> None:
    case_file = tmp_path / "cases" / "20261116-0001.toml"
    case_file.parent.mkdir(parents=True)
    case_file.write_text('id = "20261116-0001"\n')
    old = _leftover(case_file, STALE_TEMPORARY_SECONDS + 60)
    _leftover(case_file, 5)  # its writer may still be at work
    (tmp_path / "cases" / ".notes.tmp").write_text("not one of ours")
    (tmp_path / "cases" / "plan.tmp").write_text("not hidden")
    assert leftover_temporaries(tmp_path) == [old]
    assert len(leftover_temporaries(tmp_path, older_than=0)) == 2


def test_check_lists_leftover_temporaries_and_sweep_removes_only_them(
    demo_desk_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_file = sorted((demo_desk_dir / "cases").rglob("*.toml"))[3]
    before = case_file.read_bytes()
    stale = _leftover(case_file, 2 * STALE_TEMPORARY_SECONDS)
    young = _leftover(case_file, 1)
    assert main(["check", "--jobs", "1", str(demo_desk_dir)]) == 0  # nothing saved is lost
    captured = capsys.readouterr()
    assert captured.out.startswith("ok: ")
    assert f"{stale}: temporary file left by an interrupted write" in captured.err
    assert "`baogong check --sweep` removes them" in captured.err
    assert stale.exists() and str(young) not in captured.err

    assert main(["check", "--jobs", "1", "--sweep", str(demo_desk_dir)]) == 0
    assert "removed 1 temporary file(s)" in capsys.readouterr().out
    assert not stale.exists() and young.exists()
    assert case_file.read_bytes() == before
    assert check_desk(demo_desk_dir, workers=1).leftovers == ()


def test_check_of_a_missing_desk_exits_2(tmp_path: Path) -> None:
    assert main(["check", str(tmp_path / "nowhere")]) == 2


README_EXAMPLE_START = "```python\n"


def test_the_readme_embedding_example_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- embedding-example -->")
    block = readme[readme.index(README_EXAMPLE_START, start) + len(README_EXAMPLE_START):]
    block = block[: block.index("```")]
    shutil.copytree(demo_desk_path(), tmp_path / "desk")
    result = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert "20261123-0001" in result.stdout or "-0001" in result.stdout
