"""Fixtures for replay tests: a scratch demo desk and syrupy extensions for screens and files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.image import SVGImageSnapshotExtension

from core.demo import copy_demo_desk

SESSIONS = Path(__file__).resolve().parents[2] / "fixtures" / "sessions"


@pytest.fixture
def scratch_desk(tmp_path: Path) -> Callable[[str], Path]:
    """Make a fresh copy of the demo desk under ``tmp_path/name``."""

    def make(name: str = "desk") -> Path:
        return copy_demo_desk(tmp_path / name)

    return make


@pytest.fixture
def svg_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """One .svg file per named screen (open them in a browser to look)."""
    return snapshot.use_extension(SVGImageSnapshotExtension)
