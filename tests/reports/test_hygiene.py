"""``core.reports`` stays a library: no Textual, no Rich, and no openpyxl until XLSX is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_reports_imports_nothing_heavy() -> None:
    script = (
        "import sys, core.reports, core.reports.daily, core.reports.open311\n"
        "print(','.join(sorted(m for m in sys.modules\n"
        "    if m.split('.')[0] in ('textual', 'rich', 'tui', 'openpyxl'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == ""


def test_export_command_loads_openpyxl_only_for_xlsx() -> None:
    script = (
        "import sys\nfrom tui.cli import COMMANDS, build_parser\n"
        "for command in COMMANDS:\n    build_parser(command)\n"
        "import tui.commands.export\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'openpyxl')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == ""
