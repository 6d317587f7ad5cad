"""Hotline evidence for a level change (热线研判依据): surges of calls in one community.

Callers report shortages (物资品种短缺), panic buying (抢购, 囤积居奇) and price rises (哄抬价格):
the case categories whose ``info.evidence`` is set. For each community the cases of those
categories created in the last ``window_hours`` are counted and compared with the community's own
rate over the ``baseline_days`` before the window. It is a surge when both hold:

- at least ``min_cases`` cases in the window, and
- at least ``ratio`` times the baseline's count for a period as long as the window
  (a community with no such calls in the baseline needs only ``min_cases``).

A price complaint taken without the caller's community still counts when its facts name a
designated supermarket (:class:`core.cases.facts.PriceReport`): its prices are those of every
community the supermarket serves, so it counts in each community of the supermarket's zone.

A surge is evidence shown to the supervisor with the cases behind it; it never changes the level
by itself. A supervisor who agrees records a manual level (:mod:`core.levels.manual`) or updates
the signals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.cases.case import Category
from core.cases.index import CaseRow, Query
from core.levels.plans import Text
from core.levels.signals import Level
from core.levels.thresholds import DEFAULT_THRESHOLDS, EvidenceRule, Thresholds
from core.reference import Community

if TYPE_CHECKING:
    from core.desk import Desk

#: evidence kind -> (Chinese, English)
EVIDENCE_KINDS: dict[str, tuple[str, str]] = {
    "shortage": ("物资短缺", "shortages"),
    "panic_buying": ("抢购囤积", "panic buying"),
    "price_rise": ("价格上涨", "price rises"),
}
EVIDENCE_CATEGORIES: frozenset[Category] = frozenset(
    c for c in Category if c.info.evidence is not None
)


@attrs.frozen
class Surge:
    """A surge of evidence calls in one community, with the cases that support it."""

    community: str
    district: str
    cases: int  # in the window
    expected: float  # the baseline's count scaled to the window's length
    by_kind: tuple[tuple[str, int], ...]  # evidence kind -> cases in the window
    case_ids: tuple[str, ...]  # newest first
    window_start: datetime
    window_end: datetime
    suggested_level: Level = Level.IV
    community_name: str = ""
    community_name_en: str = ""

    @property
    def explanation(self) -> Text:
        name = self.community_name or self.community
        name_en = self.community_name_en or self.community
        kinds_zh = "、".join(f"{EVIDENCE_KINDS[k][0]}{n}件" for k, n in self.by_kind)
        kinds_en = ", ".join(f"{n} about {EVIDENCE_KINDS[k][1]}" for k, n in self.by_kind)
        hours = round((self.window_end - self.window_start).total_seconds() / 3600)
        return Text(
            f"{name}社区{hours}小时内热线反映{self.cases}件（{kinds_zh}），"
            f"基线约{self.expected:.1f}件；请值班长研判是否调整应急等级"
            f"（可支持{self.suggested_level.value}级及以上）",
            f"{self.cases} hotline cases in {hours} h from {name_en} ({kinds_en}) against a "
            f"baseline of about {self.expected:.1f}; the supervisor should review the level "
            f"(evidence for level {self.suggested_level.value} or above)",
        )


def find_surges(
    rows: Iterable[CaseRow],
    now: datetime,
    rule: EvidenceRule = DEFAULT_THRESHOLDS.evidence,
    communities: Mapping[str, Community] | None = None,
    places: Mapping[str, Sequence[str]] | None = None,
) -> list[Surge]:
    """The surges among ``rows`` (cases of any category; others are ignored), largest first.

    ``places`` gives the communities of cases taken without one (case id -> community codes),
    e.g. the zone of the supermarket a price complaint names (:func:`evidence_places`).
    """
    window_start = now - timedelta(hours=rule.window_hours)
    baseline_start = window_start - timedelta(days=rule.baseline_days)
    in_window: dict[str, list[CaseRow]] = {}
    in_baseline: dict[str, int] = {}
    for row in rows:
        if row.category not in EVIDENCE_CATEGORIES:
            continue
        codes = (row.community,) if row.community else (places or {}).get(row.id, ())
        for code in codes:
            if window_start <= row.created <= now:
                in_window.setdefault(code, []).append(row)
            elif baseline_start <= row.created < window_start:
                in_baseline[code] = in_baseline.get(code, 0) + 1
    scale = rule.window_hours / (rule.baseline_days * 24)
    surges: list[Surge] = []
    for code, found in in_window.items():
        expected = in_baseline.get(code, 0) * scale
        if len(found) < rule.min_cases or len(found) < rule.ratio * expected:
            continue
        counts: dict[str, int] = {}
        for row in found:
            kind = row.category.info.evidence or ""
            counts[kind] = counts.get(kind, 0) + 1
        found.sort(key=lambda r: (r.created, r.id), reverse=True)
        community = (communities or {}).get(code)
        surges.append(Surge(
            community=code,
            district=community.district if community else "",
            cases=len(found),
            expected=expected,
            by_kind=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            case_ids=tuple(r.id for r in found),
            window_start=window_start,
            window_end=now,
            community_name=community.name if community else "",
            community_name_en=community.name_en if community else "",
        ))
    surges.sort(key=lambda s: (-s.cases, s.community))
    return surges


def desk_surges(
    desk: Desk,
    now: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    district: str = "",
) -> list[Surge]:
    """The surges in the desk's recent cases (optionally of one district's communities)."""
    rule = thresholds.evidence
    now = now or desk.cases.now()
    since = now - timedelta(hours=rule.window_hours, days=rule.baseline_days)
    desk.cases.refresh()
    rows = desk.cases.query(Query(since=since))
    surges = find_surges(rows, now, rule, desk.communities, evidence_places(desk, rows))
    if district:
        surges = [s for s in surges if s.district == district]
    return surges


def evidence_places(desk: Desk, rows: Iterable[CaseRow]) -> dict[str, tuple[str, ...]]:
    """The communities of evidence cases taken without one, from the supermarket their price
    facts name (case id -> the supermarket's zone). Only those few case files are read."""
    places: dict[str, tuple[str, ...]] = {}
    for row in rows:
        if row.community or row.category not in EVIDENCE_CATEGORIES:
            continue
        case, _problems = desk.cases.load(Path(row.path))
        if case is None or case.price is None or not case.price.supermarket:
            continue
        supermarket = desk.supermarkets.get(case.price.supermarket)
        if supermarket is not None and supermarket.zone:
            places[row.id] = supermarket.zone
    return places
