"""Benchmark: keypress to paint while typing into each field of a new call, beside bare widgets.

    python tests/bench/bench_intake.py [--keys 30] [--rounds 2] [--size 80x24]

In one run and one harness (headless Pilot, one key at a time, the paint time taken by the
screen's compositor itself), types into every text field of the intake form of the real app (a
small test desk) and into a bare Textual ``Input`` and ``TextArea`` in an app with nothing else;
prints per field the median and 90th percentile from key to the first paint showing it (the
field's text changed: a repaint that was already under way does not count), the ratios of the
intake's median and p90 to the bare widget's, and MET/MISSED against the goal (both within
1.5x). ``--rounds`` alternates bare and intake so a change in the machine's load falls on both.
The intake's cost includes what the form does on each key: the caller lookup on the phone, the
duplicate check on the address, the draft timer, and the app's type-ahead check
(tui/typeahead.py); and what the app does meanwhile as in a real session (``run_app``): the poll
of the case index every 2 s and the desk clock in their threads, the blinking cursor, the
drafts written, the start's objects frozen out of the collector. The bare widgets keep their own
defaults (a blinking cursor). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widget import Widget  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from tests.bench import paints  # noqa: E402
from tests.tui.deskfactory import FakeClock, make_desk  # noqa: E402
from tui import i18n  # noqa: E402
from tui.app import BaogongApp  # noqa: E402

#: what is typed into each field (repeated up to the number of keys asked for)
FIELDS: dict[str, str] = {
    "phone": "13912345678",
    "name": "王秀英",
    "street": "和平路锦绣街道",
    "building": "12",
    "unit": "3",
    "room": "1202",
    "description": "整栋楼从早上停水家里有卧床老人急需送水",
}

#: issue 13: keypress to paint within 1.5x of the bare widget, median and p90
GOAL = 1.5


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(samples), ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def _text(widget: Widget) -> str:
    return widget.text if isinstance(widget, TextArea) else str(getattr(widget, "value", ""))


async def key_to_paint(pilot: Any, widget: Widget, keys: list[str]) -> Measured:
    """Per key, from the press to the first paint showing it (the field's text changed): wall
    and CPU seconds; and how many keys no paint showed (counted, never hidden)."""
    walls: list[float] = []
    cpus: list[float] = []
    unseen = 0
    paints.probe = lambda: _text(widget)
    try:
        for key in keys:
            before = _text(widget)
            paints.clear()
            started, cpu = time.perf_counter(), time.process_time()
            await pilot.press(key)
            await pilot.pause()
            shown = [(t, c) for t, c, text in zip(paints.PAINTS, paints.CPU, paints.SHOWN,
                                                  strict=True)
                     if t >= started and text != before]
            if shown:
                walls.append(shown[0][0] - started)
                cpus.append(shown[0][1] - cpu)
            else:
                unseen += 1
    finally:
        paints.probe = None
    return Measured(walls, cpus, unseen)


def keys_for(text: str, count: int) -> list[str]:
    return [text[i % len(text)] for i in range(count)]


class BareApp(App[None]):
    """Nothing but the two stock widgets."""

    def compose(self) -> ComposeResult:
        yield Input(id="input", compact=True)
        yield TextArea(id="area", compact=True, soft_wrap=True)

    def on_mount(self) -> None:
        self.animation_level = "none"  # as the desk app's


@attrs.frozen
class Measured:
    walls: list[float]
    cpus: list[float]
    unseen: int

    def __add__(self, other: Measured) -> Measured:
        return Measured(self.walls + other.walls, self.cpus + other.cpus,
                        self.unseen + other.unseen)


Samples = dict[str, Measured]


async def measure_bare(count: int, size: tuple[int, int]) -> Samples:
    results: Samples = {}
    app = BareApp()
    async with app.run_test(size=size) as pilot:
        for field, text in FIELDS.items():
            widget = app.query_one("#area" if field == "description" else "#input")
            widget.focus()
            await pilot.pause()
            results[field] = await key_to_paint(pilot, widget, keys_for(text, count))
            if isinstance(widget, Input):
                widget.value = ""
            elif isinstance(widget, TextArea):
                widget.text = ""
            await pilot.pause()
    return results


async def measure_intake(count: int, size: tuple[int, int]) -> Samples:
    results: Samples = {}
    with tempfile.TemporaryDirectory() as directory:
        clock = FakeClock()
        desk = make_desk(Path(directory) / "desk", clock)
        # as run_app makes it: the poll, the desk clock and the blinking cursor on
        app = BaogongApp(desk, operator="bench", language="zh", clock=clock)
        app.freeze_after_start = True
        try:
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                await pilot.press("n")
                await pilot.pause()
                for field, text in FIELDS.items():
                    widget = app.screen.query_one(f"#{field}")
                    widget.focus()
                    await pilot.pause()
                    results[field] = await key_to_paint(pilot, widget, keys_for(text, count))
        finally:
            desk.cases.index.close()
            i18n.set_language("zh")
    return results


def merged(rounds: list[Samples]) -> Samples:
    every: Samples = {}
    for measured in rounds:
        for field, samples in measured.items():
            every[field] = every[field] + samples if field in every else samples
    return every


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=30, help="keys typed into each field")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of bare then intake (a change in load falls on both)")
    parser.add_argument("--size", default="80x24", help="terminal size, e.g. 120x40")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    size = (width, height)
    print(f"{args.keys} keys per field x {args.rounds} rounds, terminal {width}x{height}, "
          f"headless, load average {os.getloadavg()[0]:.1f}", flush=True)
    bare_rounds: list[Samples] = []
    our_rounds: list[Samples] = []
    for _round in range(args.rounds):
        bare_rounds.append(asyncio.run(measure_bare(args.keys, size)))
        our_rounds.append(asyncio.run(measure_intake(args.keys, size)))
    bare, ours = merged(bare_rounds), merged(our_rounds)
    print(f"\n{'field':12} {'intake median / p90':>20} {'bare median / p90':>26} "
          f"{'ratio':>14}   {'CPU ratio':>14}")
    worst = 0.0
    for field in FIELDS:
        mine, theirs = ours[field], bare[field]
        if not mine.walls or not theirs.walls:
            print(f"{field:12} (no paints measured)")
            worst = float("inf")
            continue
        median, p90 = stats(mine.walls)
        bare_median, bare_p90 = stats(theirs.walls)
        ratios = (median / bare_median, p90 / bare_p90)
        cpu_ratios = (stats(mine.cpus)[0] / max(stats(theirs.cpus)[0], 1e-6),
                      stats(mine.cpus)[1] / max(stats(theirs.cpus)[1], 1e-6))
        worst = max(worst, *ratios)
        widget = "TextArea" if field == "description" else "Input"
        missing = f"  ({mine.unseen} keys never shown)" if mine.unseen else ""
        missing += f"  (bare: {theirs.unseen} never shown)" if theirs.unseen else ""
        print(f"{field:12} {median * 1000:7.1f} / {p90 * 1000:6.1f} ms "
              f"{widget:>8} {bare_median * 1000:6.1f} / {bare_p90 * 1000:6.1f} ms "
              f"{ratios[0]:5.2f}x / {ratios[1]:.2f}x   {cpu_ratios[0]:5.2f}x / "
              f"{cpu_ratios[1]:.2f}x{missing}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    verdict = "MET" if worst <= GOAL else "MISSED"
    print(f"\nworst wall ratio (median or p90) {worst:.2f}x: {verdict} (goal: within {GOAL}x of "
          "the bare widget); the CPU ratios (CPU seconds of the process from key to paint) are "
          "what a loaded machine does not inflate")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
