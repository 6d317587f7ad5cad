"""Snapshots (syrupy) of the text reports in Chinese and English on the small desk.

Update after an intended change with ``pytest tests/reports --snapshot-update`` and review the
diff of ``__snapshots__/``.
"""

from __future__ import annotations

from datetime import date

import pytest
from syrupy.assertion import SnapshotAssertion

from core.reports import daily_report, day_summary, render_text, shift_summary
from tests.reports.conftest import NOW, SmallDesk, at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shift(small: SmallDesk, snapshot: SnapshotAssertion, lang: str) -> None:
    assert render_text(shift_summary(small.desk, at(20, 8), at(20, 20), NOW), lang) == snapshot


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_day(small: SmallDesk, snapshot: SnapshotAssertion, lang: str) -> None:
    assert render_text(day_summary(small.desk, date(2026, 11, 20), NOW), lang) == snapshot


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_daily(small: SmallDesk, snapshot: SnapshotAssertion, lang: str) -> None:
    report = daily_report(small.desk, date(2026, 11, 20), signals=[small.signals], now=NOW)
    assert render_text(report, lang) == snapshot
