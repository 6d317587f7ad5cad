"""``baogong import`` and ``baogong export KIND`` as an office's IT person runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import Run

HEADERS = "社区,楼栋,单元,房号,姓名,电话,年龄,重点人群\n"


def test_import_prints_what_it_added_and_json_for_scripts(
        demo_desk_dir: Path, tmp_path: Path, run: Run) -> None:
    register = tmp_path / "r.csv"
    register.write_text(HEADERS + "锦绣社区,97,1,101,张三,,70,卧床\n", encoding="gb18030")
    status, out, _ = run("import", "households", str(register), "--dry-run", "--json",
                         "--desk", str(demo_desk_dir))
    assert (status, json.loads(out)) == (0, {"added": 1, "updated": 0, "unchanged": 0,
                                             "rejected": []})
    status, out, _ = run("import", "households", str(register), "--desk",
                         str(demo_desk_dir))
    assert status == 0
    assert out.splitlines()[-1] == "1 added, 0 updated, 0 unchanged, 0 rejected -> households.toml"
    status, out, _ = run("import", "households", str(register), "--desk",
                         str(demo_desk_dir))
    assert (status, out.splitlines()[-1]) == (
        0, "0 added, 0 updated, 1 unchanged, 0 rejected: nothing to change")


def test_rejected_rows_exit_1_with_file_sheet_row_column(
        demo_desk_dir: Path, tmp_path: Path, run: Run) -> None:
    register = tmp_path / "r.csv"
    register.write_text(HEADERS + "锦绣社区,97,1,101,张三,,-3,\n", encoding="utf-8")
    status, _, err = run("import", "households", str(register), "--desk",
                         str(demo_desk_dir))
    assert status == 1
    assert f"{register}:csv:2:年龄: must not be negative, got -3" in err
    assert "nothing was written" in err


def test_an_unreadable_register_exits_2_naming_it(
        demo_desk_dir: Path, tmp_path: Path, run: Run) -> None:
    status, _, err = run("import", "catalogue", str(tmp_path / "missing.csv"), "--desk",
                         str(demo_desk_dir))
    assert status == 2
    assert "missing.csv: cannot read" in err


def test_export_then_import_is_a_no_op(
        demo_desk_dir: Path, tmp_path: Path, run: Run) -> None:
    for kind in ("departments", "communities", "supermarkets", "catalogue", "households"):
        out = tmp_path / f"{kind}.xlsx"
        assert run("export", kind, "--xlsx", str(out), "--desk", str(demo_desk_dir))[0] == 0
        status, printed, _ = run("import", kind, str(out), "--json", "--desk",
                                 str(demo_desk_dir))
        counts = json.loads(printed)
        assert (status, counts["added"], counts["updated"]) == (0, 0, 0), kind
        assert counts["rejected"] == [], kind
    assert (tmp_path / "households.xlsx").stat().st_mode & 0o077 == 0


def test_a_named_command_imports_its_own_module_only() -> None:
    from tui.cli import COMMANDS, _named_command, build_parser

    assert _named_command(["--desk", "import", "export", "x"]) == "export"
    assert _named_command(["--lang", "en"]) is None
    assert _named_command(["nonsense"]) is None
    code = ("import sys\nfrom tui.cli import build_parser\nbuild_parser('import')\n"
            "print(sorted(m for m in sys.modules if m.startswith('tui.commands.')))\n")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[1]).stdout
    assert loaded.strip() == "['tui.commands.register_import']"
    every = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(every) == set(COMMANDS)


def test_help_lists_every_command_without_importing_any() -> None:
    """``baogong --help`` (and the app's start) read no command's module: each one's help comes
    from its source, the same text as its own ``--help``."""
    from tui.cli import COMMANDS, _load

    code = ("import sys\nfrom tui.cli import main\ntry:\n    main(['--help'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('tui.commands.')))\n")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=Path(__file__).resolve().parents[1]).stdout
    listing, loaded = printed.rstrip().rsplit("\n", 1)
    assert loaded == "[]"
    flat = " ".join(listing.split())
    for command, module_name in COMMANDS.items():
        module = _load(module_name)
        assert module is not None
        assert f"{command} {' '.join(module.HELP.split())}" in flat
