"""Benchmark: keypress to paint while typing into each field of a new call, beside bare widgets.

    python tests/bench/bench_intake.py [--keys 30] [--size 80x24]

In one run and one harness (headless Pilot, one key at a time, the paint time taken by the
screen's compositor itself), types into every text field of the intake form of the real app (a
small test desk) and into a bare Textual ``Input`` and ``TextArea`` in an app with nothing else;
prints per field the median and 90th percentile from key to the first paint after it, and the
ratio of the intake's median to the bare widget's (the goal: within 1.5x). The intake's cost
includes what the form does on each key: the caller lookup on the phone, the duplicate check on
the address, the draft timer, and the app's type-ahead check (tui/typeahead.py). Not collected
by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from tests.bench.paints import PAINTS  # noqa: E402
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

def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(samples), ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


async def key_to_paint(pilot: Any, keys: list[str]) -> list[float]:
    samples = []
    for key in keys:
        PAINTS.clear()
        started = time.perf_counter()
        await pilot.press(key)
        await pilot.pause()
        painted = [t for t in PAINTS if t >= started]
        if painted:
            samples.append(painted[0] - started)
    return samples


def keys_for(text: str, count: int) -> list[str]:
    return [text[i % len(text)] for i in range(count)]


class BareApp(App[None]):
    """Nothing but the two stock widgets."""

    def compose(self) -> ComposeResult:
        yield Input(id="input", compact=True)
        yield TextArea(id="area", compact=True, soft_wrap=True)

    def on_mount(self) -> None:
        self.animation_level = "none"
        self.query_one(Input).cursor_blink = False
        self.query_one(TextArea).cursor_blink = False


async def measure_bare(count: int, size: tuple[int, int]) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    app = BareApp()
    async with app.run_test(size=size) as pilot:
        for field, text in FIELDS.items():
            widget = app.query_one("#area" if field == "description" else "#input")
            widget.focus()
            await pilot.pause()
            results[field] = await key_to_paint(pilot, keys_for(text, count))
            if isinstance(widget, Input):
                widget.value = ""
            else:
                widget.text = ""
            await pilot.pause()
    return results


async def measure_intake(count: int, size: tuple[int, int]) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as directory:
        clock = FakeClock()
        desk = make_desk(Path(directory) / "desk", clock)
        app = BaogongApp(desk, operator="bench", language="zh", clock=clock,
                         cursor_blink=False, poll_interval=None)
        try:
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                await pilot.press("n")
                await pilot.pause()
                for field, text in FIELDS.items():
                    widget = app.screen.query_one(f"#{field}")
                    widget.focus()
                    await pilot.pause()
                    results[field] = await key_to_paint(pilot, keys_for(text, count))
        finally:
            desk.cases.index.close()
            i18n.set_language("zh")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=30, help="keys typed into each field")
    parser.add_argument("--size", default="80x24", help="terminal size, e.g. 120x40")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    size = (width, height)
    print(f"{args.keys} keys per field, terminal {width}x{height}, headless", flush=True)
    bare = asyncio.run(measure_bare(args.keys, size))
    ours = asyncio.run(measure_intake(args.keys, size))
    print(f"\n{'field':12} {'intake median / p90':>22} {'bare widget median / p90':>26} "
          f"{'ratio':>7}")
    worst = 0.0
    for field in FIELDS:
        if not ours.get(field) or not bare.get(field):
            print(f"{field:12} (no paints measured)")
            continue
        median, p90 = stats(ours[field])
        bare_median, bare_p90 = stats(bare[field])
        ratio = median / bare_median
        worst = max(worst, ratio)
        widget = "TextArea" if field == "description" else "Input"
        print(f"{field:12} {median * 1000:9.1f} / {p90 * 1000:6.1f} ms "
              f"{widget:>8} {bare_median * 1000:7.1f} / {bare_p90 * 1000:6.1f} ms "
              f"{ratio:6.2f}x")
    print(f"\nworst median ratio {worst:.2f}x (goal: within 1.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
