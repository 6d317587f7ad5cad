"""The layout holds what it promises: files a reader can hold in the head, and import contracts
(``lint-imports``, configured in pyproject.toml) that cover every module as it is added."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 500
#: the marker that lets a file grow past MAX_LINES, with its reason on the same line
LONG_FILE = "# Over 500 lines:"
#: what core.storage may import: itself and the problems it reports
STORAGE_MAY_IMPORT = {"storage", "problems"}


def source_files() -> list[Path]:
    return sorted(p for package in ("core", "tui") for p in (ROOT / package).rglob("*.py")
                  if "_demo_desk" not in p.parts)


def contracts() -> list[dict[str, list[str]]]:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, list[str]]] = settings["tool"]["importlinter"]["contracts"]
    return found


def long_file_reason(path: Path) -> str | None:
    for line in path.read_text(encoding="utf-8").splitlines()[:3]:
        if line.startswith(LONG_FILE):
            return line.removeprefix(LONG_FILE).strip()
    return None


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_is_longer_than_a_reader_can_hold_without_saying_why(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if lines <= MAX_LINES:
        return
    reason = long_file_reason(path)
    assert reason and len(reason) >= 20, (
        f"{path.relative_to(ROOT)} has {lines} lines: split it, or say why it is one file on one "
        f"of its first three lines as '{LONG_FILE} <reason>'")


def test_storage_contract_forbids_every_capability() -> None:
    """A new capability in core is forbidden to core.storage as soon as it exists."""
    contract = next(c for c in contracts() if c["source_modules"] == ["core.storage"])
    siblings = {p.stem if p.is_file() else p.name for p in (ROOT / "core").iterdir()
                if (p.suffix == ".py" and p.stem != "__init__")
                or (p.is_dir() and (p / "__init__.py").exists())}
    forbidden = {m.removeprefix("core.") for m in contract["forbidden_modules"]}
    assert siblings - STORAGE_MAY_IMPORT == forbidden


def test_core_contract_forbids_the_app_and_its_libraries() -> None:
    contract = next(c for c in contracts() if c["source_modules"] == ["core"])
    assert {"tui", "textual", "rich"} <= set(contract["forbidden_modules"])
