from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

import core
from core import ledger as L
from core.demo import demo_desk_path

DAY = date(2026, 11, 16)


class Book:
    """A desk with empty ledgers and helpers that write records at given times."""

    def __init__(self, desk: core.Desk) -> None:
        self.desk = desk
        self.ledgers = L.Ledgers(desk)
        self.zone = desk.settings.zone

    def at(self, day_offset: int = 0, hour: int = 9, minute: int = 0) -> datetime:
        return datetime.combine(DAY + timedelta(days=day_offset), time(hour, minute), self.zone)

    def write(self, *drafts: L.Draft, operator: str = "tester",
              recorded: datetime | None = None) -> list[L.Record]:
        recorded = recorded or max(d.fields["time"] for d in drafts) + timedelta(minutes=5)
        return self.ledgers.append(list(drafts), operator=operator, recorded=recorded)

    def one(self, kind: type[L.Record], **fields: Any) -> L.Record:
        return self.write(L.draft(kind, **fields))[0]

    def collection(self, household: str = "h0001", amount: int = 3290, day: int = 0,
                   hour: int = 9, **extra: Any) -> L.Record:
        fields = dict(time=self.at(day, hour), household=household, community="jinxiu",
                      supermarket="hualian", round="r1116", order=f"o-{household}-{hour}",
                      grid_worker="grid.jinxiu.1", amount_fen=amount)
        fields.update(extra)
        return self.one(L.Collection, **fields)

    def reconcile(self, **kwargs: Any) -> L.Reconciliation:
        return self.ledgers.reconcile(**kwargs)


def codes(result: L.Reconciliation) -> Counter[str]:
    return Counter(f.code for f in result.findings)


@pytest.fixture
def desk_dir(tmp_path: Path) -> Path:
    """The demo desk's reference data, without its cases and ledgers."""
    target = tmp_path / "desk"
    shutil.copytree(demo_desk_path(), target, ignore=shutil.ignore_patterns(
        "cases", "ledgers", ".index", ".locks"))
    return target


@pytest.fixture
def book(desk_dir: Path) -> Iterator[Book]:
    yield Book(core.open_desk(desk_dir))
