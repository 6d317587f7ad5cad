"""``core`` is a library: importing any of it must not drag in Textual or Rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parents[2]


def core_modules() -> list[str]:
    return ["core"] + [
        f"core.{m.name}" for m in pkgutil.walk_packages(core.__path__, prefix="")
    ]


def test_core_imports_without_textual_or_rich() -> None:
    modules = core_modules()
    assert len(modules) > 5
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'tui'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "", f"core pulled in: {result.stdout.strip()}"


def test_command_line_subcommands_do_not_import_textual() -> None:
    script = (
        "import sys\nfrom tui.cli import COMMANDS, build_parser\n"
        "for command in COMMANDS:\n    build_parser(command)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual','rich'))))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == ""


def test_lazy_packages_give_every_public_name() -> None:
    """``core``, ``core.levels`` and ``core.registers`` import their names on first use: each
    name in ``__all__`` is found, from the module it was always imported from."""
    script = (
        "import importlib\n"
        "for name in ('core', 'core.levels', 'core.registers'):\n"
        "    package = importlib.import_module(name)\n"
        "    for attribute in package.__all__:\n"
        "        value = getattr(package, attribute)\n"
        "        assert getattr(package, attribute) is value, attribute\n"
        "    try:\n"
        "        getattr(package, 'no_such_name')\n"
        "    except AttributeError:\n"
        "        pass\n"
        "    else:\n"
        "        raise SystemExit(name + ' invented a name')\n"
        "from core.levels import plans\n"
        "from core import Desk, open_desk\n"
        "from core.desk import Desk as Same\n"
        "assert Desk is Same and plans.Text.__module__ == 'core.levels.plans'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "ok"


def test_register_import_loads_no_unrelated_capability() -> None:
    """``baogong import`` reads a register: it does not wait for the packer, the rounds, the
    reports or the level classifier to be imported (a whole package's ``__init__`` used to run
    for one module of it)."""
    script = (
        "import sys\nimport tui.commands.register_import\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('core.packing', "
        "'core.rounds', 'core.reports', 'core.levels.classifier', 'core.levels.reserves', "
        "'core.ledger', 'textual', 'rich')))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == ""
