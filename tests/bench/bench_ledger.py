"""Benchmark: reconcile a million ledger records; compare with ``bean-check -C`` on the same ledger.

Run from the repository root::

    python tests/bench/bench_ledger.py                      # 1,000,000 records
    python tests/bench/bench_ledger.py --records 100000     # a quick run
    python tests/bench/bench_ledger.py --bean-records 200000  # bean-check scaled: no claim

It generates N records (money and stock, in the proportions of a busy district: collections,
IOUs and settlements, invoices of ~10 lines and their receipts, stock receipts, requests,
approvals, issues, returns, adjustments and daily counts) with the library's own batch writer,
once, into ``~/.cache/baogong-bench/ledger-N-vF``, and reuses them. It writes the same movements
as a beancount ledger (one transaction per record, two postings each, stock as commodities,
counts as ``balance`` assertions).

Each side runs as a child process, in one process: ``baogong reconcile`` semantics (open the
desk, load every batch, fold, match, check) and ``bean-check -C``, without its pickle cache, as
a user checking a ledger for the first time runs it (writing the cache cost it 18% of its time
and twice its memory at 200,000 records). For each it reports the CPU time (user + system of the
child, from ``wait4``), the time by the clock and the peak resident memory (``ru_maxrss``), and
the goal of issue 20: bean-check's CPU time at least 10x ours on the same ledger, MET or MISSED.
baogong runs three times (``--runs``), half before bean-check and half after, and the median of
its CPU times is compared, with the range of the ratio beside it: the shared machine's speed
drifts over bean-check's minutes (a plain Python loop's CPU time moved by a quarter from one
minute to the next), which bean-check's one long run averages out and one run of a few seconds
does not.

Measured for 1,000,264 records (132 batch files, 349 MB) on the shared 2-core development
machine while other work kept its load average between 9 and 31 (CPU times swell under such
load, bean-check's from 118 s to 140 s between the two runs):

- before reading collections, IOUs and stock movements from their fields: 20.89 s of CPU,
  337 MiB; bean-check -C 117.66 s of CPU, 2,653 MiB: 5.6x by CPU time, MISSED.
- after: 19.76 s of CPU, 334 MiB; bean-check -C 140.06 s of CPU, 2,653 MiB: 7.1x, MISSED.
- after taking supply requests from their fields too, times as POSIX times without datetimes,
  patterns capturing only the fields read and no look-ahead, at load 18-20: 17.06 s of CPU,
  338 MiB; bean-check -C 116.43 s of CPU, 2,653 MiB: 6.8x, MISSED. At such loads our CPU time
  swells more than bean-check's (ours was 16.7 s before these changes at load 2, and 16.8-18.1
  s at load 15-19); the same changes, run in turn with the code before them on the same
  ledger, took 0.80-0.84 of its CPU time.

- after taking invoices, delivery receipts and settlements from their fields too, rows keeping
  their line instead of the pattern's match, households not interned, times from a table of
  minutes, and duplicates looked for a column at a time, at load 18-22: 9.81 s of CPU, 358 MiB;
  bean-check -C 87.56 s of CPU, 2,652 MiB: 8.9x, MISSED. bean-check took 99.87 s in a run an
  hour earlier at load 6-7 (ours 11.99 s then, before the last five changes): its figure moves
  as much as ours under load. Run in turn with the code before these changes on the same
  ledger (load 12-16, files in the page cache): 9.97-10.04 s against 11.55-11.62 s, 0.86 of its
  CPU time, with the same sha256 of the result at 100,024 and 1,000,264 records.
- after stating the tables of invoices, receipts and requests in their line patterns (each list
  matched once, not twice), reading a taken line's values with one ``groups()`` in the
  pattern's order and checking its id in the take, at load 2.8-3.8: 9.01 s of CPU, 357 MiB;
  bean-check -C 86.41 s of CPU, 2,650 MiB: 9.6x, MISSED (a second run at load 2.9-4.1: 8.95 s
  against 85.81 s, 9.6x). The code before, at load 1-2 in a run
  an hour earlier: 10.31 s against bean-check's 90.10 s, 8.7x. Run in turn on the 100,024-record
  ledger, six runs each under the load of other work: 0.85-1.10 s against 0.94-1.34 s; the
  same sha256 of the result at 100,024 and 1,000,264 records.
- after decoding a batch's records' lines apart from its Chinese header (ASCII text instead of
  lines copied out of a two-byte text), finding a line's kind by a fixed slice, appending
  collections through their columns' bound appends, capturing a taken time as minute, seconds
  and the rest, taking a collection's group key as the one text its line has it in, and
  importing the case store only when it is used, in four runs at load 1.5-3.5 during which
  both sides took 10-45% more CPU than in the morning's runs (the machine shared with heavier
  work): 10.65 s of CPU, 354 MiB, against bean-check -C's 116.23 s: 10.9x, MET (load 2.5-3.4);
  12.31 s against 106.66 s: 8.7x, MISSED (load 2.0-3.0; ours took 19.8 s by the clock, waiting
  for a core); 12.75 s against 126.52 s: 9.9x, MISSED (load 1.7-2.3); 11.30 s against 97.13 s:
  8.6x, MISSED (load 1.5-2.1); a fifth run with nothing else running (load 1.1-1.2): 12.00 s
  against 108.49 s: 9.0x, MISSED. The instructions of the
  child's work (import, open the desk, reconcile), counted by cachegrind, which no load moves,
  without a bytecode cache as on this machine (``PYTHONDONTWRITEBYTECODE=1``): 58.94 G before,
  52.66 G after at 1,000,264 records (-10.7%), 7.68 G and 7.09 G at 100,024 (-7.7%). Run in
  turn by CPU time (``--no-bean``, load 0.7-2.9): 12.86, 12.08, 12.04, 11.48, 10.62, 12.12 s
  before; 11.65, 10.48, 11.73, 12.35, 10.85, 11.20 s after: 0.96 of the time by the mean, less
  than the instructions say, and inside the noise of that hour. The same sha256 of the JSON
  report (``to_json`` as ``tests/ledger/test_digest.py`` takes it) before and after:
  8fdbeb05...1629 at 100,024 records, 1aa68300...0701 at 1,000,264.
- after decoding a batch's records through a view of its bytes instead of a copy as large as
  the file (the copy, made and freed for every batch, had the allocator hand its pages back and
  fault them in again: 313,000 minor page faults and a second of system time, against 86,000
  and 0.35 s without it), reading a line in one call (its pattern, then its take or its record
  built) and keeping the POSIX time of the line before's minute: on a machine with nothing
  else running (load 0.7-1.0, our own run), but whose speed fell between runs for both sides
  alike, five runs: 9.27 s of CPU against bean-check -C's 105.47 s: 11.4x, MET; 9.47 s
  against 106.32 s: 11.2x, MET; 10.72 s against 110.30 s: 10.3x, MET; 8.98 s against
  103.73 s: 11.6x, MET; 11.30 s against 108.14 s: 9.6x, MISSED (ours moves more from run to
  run than bean-check's). The code before, between the last two (load 1.0): 12.32 s against
  106.21 s: 8.6x, MISSED; an hour earlier (load 0.7): 8.47 s against 80.89 s: 9.5x. With
  three runs of ours around bean-check's and their median compared, two runs (load 0.5-1.0):
  9.50 s (9.34-12.88 s) against 118.03 s: 12.4x, MET; 9.61 s (9.13-11.47 s) against
  109.29 s: 11.4x, MET. In turn
  by CPU time (user + system, ``/usr/bin/time``, the child's script alone): 10.69, 9.80 and
  9.45 s before against 9.05, 9.08 and 7.94 s after. Instructions at 100,024 records
  (cachegrind): 6.74 G before, 6.53 G after. The same sha256 of the JSON report.

Earlier versions of this docstring gave 15.4x and then 9.7x: those were ratios by the clock
against bean-check with its cache on, not comparable with these.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core import ledger as L  # noqa: E402
from core.demo import demo_desk_path  # noqa: E402
from core.ledger.files import write_batch  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
BATCH = 10_000
#: bump when what :func:`generate` writes changes: the cached ledgers are then made anew
FORMAT = 1
#: issue 20's goal: bean-check's CPU time over ours, one process each, on the same ledger
GOAL = 10.0
ITEMS_FOOD = ["rice-5kg", "rice-10kg", "flour-5kg", "oil-soy-5l", "pork-lean-500g", "eggs-30",
              "milk-uht-12", "cabbage-2kg", "potato-2kg", "tomato-1kg", "veg-pack-5kg",
              "salt-400g"]
ITEMS_STOCK = ["mask-kn95-10", "mask-surgical-50", "protective-suit", "goggles", "gloves-100",
               "ir-thermometer", "alcohol-75-500ml", "antigen-test-20"]


class _State:
    """What the generator remembers of records already written (ids exist only once written)."""

    def __init__(self) -> None:
        self.ious: list[str] = []
        self.owed: dict[str, int] = {}
        self.stock: dict[str, int] = {}
        self.approved: list[str] = []
        self.request = ""
        self.invoices: list[tuple[str, tuple[L.InvoiceLine, ...]]] = []


def generate(desk: Path, records: int, seed: int = 1) -> tuple[int, Path]:
    """Write ``records`` ledger records to ``desk``; returns (count, beancount file)."""
    import core

    rng = random.Random(seed)
    opened = core.open_desk(desk)
    prices = {c: opened.catalogue[c].price_fen for c in ITEMS_FOOD}
    communities = sorted(opened.communities.values(), key=lambda c: c.code)
    households: dict[str, list[str]] = {}
    for h in opened.households.values():
        households.setdefault(h.community, []).append(h.id)
    bean = desk / "ledger.beancount"
    out = bean.open("w", encoding="utf-8")
    out.write('option "operating_currency" "CNY"\n')
    for account in sorted({"Assets:Cash:Grid", "Income:Collections", "Liabilities:Supermarkets",
                           "Assets:Receivable:IOU", "Equity:Donations", "Expenses:Issued",
                           "Assets:Stock"}):
        out.write(f"2020-01-01 open {account}\n")
    state = _State()
    pending: list[L.Draft] = []
    written = 0

    def uid() -> str:
        bits = f"{rng.getrandbits(128):032x}"
        return f"{bits[:8]}-{bits[8:12]}-4{bits[13:16]}-8{bits[17:20]}-{bits[20:]}"

    def flush(at: datetime) -> None:
        nonlocal written, pending
        if not pending:
            return
        _p, got = write_batch(desk, pending, operator="bench", zone=ZONE, recorded=at,
                              uid_factory=uid)
        for record in got:
            if isinstance(record, L.Iou):
                state.ious.append(record.id)
                state.owed[record.id] = record.amount_fen
            elif isinstance(record, L.Approval):
                state.approved.append(record.request)
            elif isinstance(record, L.SupplyRequest):
                state.request = record.id
            elif isinstance(record, L.Invoice):
                state.invoices.append((record.id, record.lines))
            _bean(out, record)
        written += len(got)
        pending = []

    start = datetime(2026, 1, 1, 8, tzinfo=ZONE)
    days = max(1, records // 30_000)
    count = 0
    for day in range(days):
        day_start = start + timedelta(days=day)
        target = records * (day + 1) // days
        round_id = f"r{(day // 3) * 3:03d}"
        while count < target:
            at = day_start + timedelta(seconds=int((count % 30_000) * 1.3))
            roll = rng.random()
            community = communities[count % len(communities)]
            money = dict(community=community.code, supermarket=community.supermarket,
                         round=round_id, order=f"o{count}")
            if roll < 0.55 or (0.635 <= roll < 0.65 and not state.invoices):
                item = rng.choice(ITEMS_FOOD)
                pending.append(L.draft(
                    L.Collection, time=at, household=f"b{rng.randrange(200_000):06d}",
                    grid_worker=community.grid_workers[count % 2],
                    amount_fen=prices[item] * rng.randint(1, 3), **money))
            elif roll < 0.60:
                pending.append(L.draft(
                    L.Iou, time=at, household=rng.choice(households[community.code]),
                    grid_worker=community.grid_workers[0], amount_fen=rng.randint(500, 20_000),
                    **money))
            elif roll < 0.62 and len(state.ious) >= 2:
                # one IOU in part, or two together in full (partial and combined settlements)
                chosen = state.ious[-2:] if rng.random() < 0.5 else state.ious[-1:]
                owed = sum(state.owed[i] for i in chosen)
                amount = owed if len(chosen) == 2 else max(1, owed // 2)
                for i in chosen:
                    state.owed[i] = 0 if len(chosen) == 2 else state.owed[i] - amount
                    if state.owed[i] <= 0:
                        state.ious.remove(i)
                pending.append(L.draft(
                    L.Settlement, time=at, ious=tuple(chosen), household="h0001",
                    grid_worker="grid.jinxiu.1", amount_fen=amount))
            elif roll < 0.635:
                lines = tuple(L.InvoiceLine(item=i, quantity=rng.randint(5, 60),
                                            unit_price_fen=prices[i])
                              for i in rng.sample(ITEMS_FOOD, 10))
                pending.append(L.draft(L.Invoice, time=at, supermarket=community.supermarket,
                                       community=community.code, round=round_id, lines=lines))
            elif roll < 0.65 and state.invoices:
                invoice_id, lines = state.invoices.pop(0)
                pending.append(L.draft(
                    L.Receipt, time=at, invoice=invoice_id, received_by="volunteer",
                    lines=tuple(L.ReceiptLine(item=ln.item, quantity=ln.quantity)
                                for ln in lines)))
            else:
                pending.append(_stock(rng, at, state))
            count += 1
            if len(pending) >= BATCH:
                flush(at)
        # the keeper counts every item at the end of the day and finds what the books say
        for item in ITEMS_STOCK:
            if count < target + len(ITEMS_STOCK) and item in state.stock:
                pending.append(L.draft(L.StockCount, time=day_start + timedelta(hours=13),
                                       store="depot", item=item, quantity=state.stock[item],
                                       counted_by="keeper"))
        flush(day_start + timedelta(hours=20))
    out.close()
    return written, bean


def _stock(rng: random.Random, at: datetime, state: _State) -> L.Draft:
    item = rng.choice(ITEMS_STOCK)
    where = dict(time=at, store="depot", item=item)
    kind = rng.random()
    balance = state.stock.get(item, 0)
    if kind < 0.35 or (kind >= 0.55 and balance < 30):
        quantity = rng.randint(50, 500)
        state.stock[item] = balance + quantity
        return L.draft(L.StockReceipt, quantity=quantity, source=L.Source.PURCHASE,
                       keeper="keeper", **where)
    if kind < 0.45 or not state.request:
        return L.draft(L.SupplyRequest, time=at, unit="unit", head="head",
                       lines=tuple(L.RequestLine(item=i, quantity=100_000) for i in ITEMS_STOCK))
    if kind < 0.55:
        return L.draft(L.Approval, time=at, request=state.request, approved_by="zhou.min")
    if kind < 0.85:
        quantity = rng.randint(1, 20)
        state.stock[item] = balance - quantity
        return L.draft(L.StockIssue, quantity=quantity,
                       request=state.approved[-1] if state.approved else "", unit="unit",
                       signed_by="head", **where)
    if kind < 0.995:
        state.stock[item] = balance + 1
        return L.draft(L.StockReturn, quantity=1, unit="unit", **where)
    state.stock[item] = balance - 1
    return L.draft(L.StockAdjust, quantity=-1, cause=L.Cause.DAMAGED, **where)


def _bean(out: TextIO, record: L.Record) -> None:
    """Write ``record`` as a beancount transaction (two postings) or a balance assertion."""
    write = out.write
    day = record.time.astimezone(ZONE).date().isoformat()
    head = f'{day} * "{record.KIND}" "{record.id}"\n'
    if isinstance(record, L.Collection | L.Iou | L.Settlement):
        amount = f"{record.amount_fen / 100:.2f}"
        account = "Assets:Receivable:IOU" if isinstance(record, L.Iou) else "Assets:Cash:Grid"
        write(f"{head}  {account}  {amount} CNY\n  Income:Collections  -{amount} CNY\n")
    elif isinstance(record, L.Invoice | L.Receipt):
        total = sum(getattr(ln, "amount_fen", 0) for ln in record.lines) or 100
        amount = f"{total / 100:.2f}"
        write(f"{head}  Liabilities:Supermarkets  -{amount} CNY\n"
              f"  Income:Collections  {amount} CNY\n")
    elif isinstance(record, L.StockRecord):
        commodity = "S" + record.item.upper().replace("-", "")[:20]
        quantity = getattr(record, "quantity", 0)
        if isinstance(record, L.StockCount):
            # beancount asserts a balance at the start of its day: the count of the evening is
            # the balance at the start of the next day
            after = (record.time.astimezone(ZONE).date() + timedelta(days=1)).isoformat()
            write(f"{after} balance Assets:Stock  {quantity} {commodity}\n")
            return
        sign = -1 if isinstance(record, L.StockIssue) else 1
        write(f"{head}  Assets:Stock  {sign * quantity} {commodity}\n"
              f"  Equity:Donations  {-sign * quantity} {commodity}\n")
    else:
        write(f"{head}  Expenses:Issued  1 CNY\n  Equity:Donations  -1 CNY\n")


RECONCILE = """
import sys, time
sys.path.insert(0, {root!r})
import core
from core import ledger
t = time.perf_counter()
desk = core.open_desk({desk!r})
result = ledger.reconcile(desk)
elapsed = time.perf_counter() - t
print(elapsed, result.records, len(result.findings), len(result.problems),
      len(result.matches), len(result.open_items))
"""


class Run:
    """A child process run to its end: wall seconds, CPU seconds (user + system) of it and
    everything it waited for, the system part and minor page faults of those (memory handed
    back and taken again shows there), its peak resident memory (``ru_maxrss``: the largest
    process), the peak of the sum of its process tree's resident memory (sampled every 10 ms),
    its output and exit status."""

    def __init__(self, argv: list[str], work: Path) -> None:
        out_path, err_path = work / "child.out", work / "child.err"
        with out_path.open("w") as out, err_path.open("w") as err:
            started = time.perf_counter()
            process = subprocess.Popen(argv, stdout=out, stderr=err)
            self.tree_peak = 0
            while True:
                self.tree_peak = max(self.tree_peak, _tree_rss(process.pid))
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                time.sleep(0.01)
            self.wall = time.perf_counter() - started
        # wait4 counts the child and the processes it waited for
        self.cpu = usage.ru_utime + usage.ru_stime
        self.system = usage.ru_stime
        self.faults = usage.ru_minflt
        self.peak = usage.ru_maxrss * 1024
        self.tree_peak = max(self.tree_peak, self.peak)
        self.status = os.waitstatus_to_exitcode(status)
        self.out, self.err = out_path.read_text(), err_path.read_text()


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and its descendants now (Linux /proc; 0 elsewhere)."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    pending.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def cached_ledger(records: int) -> tuple[Path, int, Path]:
    """The desk of ``records`` generated records and its beancount file, generated once and
    reused (``~/.cache/baogong-bench/ledger-N-vF``): (desk, records written, beancount file)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    desk = cache / "baogong-bench" / f"ledger-{records}-v{FORMAT}"
    done = desk / ".generated"
    bean = desk / "ledger.beancount"
    if done.exists() and bean.exists():
        return desk, int(done.read_text()), bean
    if desk.exists():
        shutil.rmtree(desk)
    desk.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(demo_desk_path(), desk, ignore=shutil.ignore_patterns("cases", "ledgers"))
    t = time.perf_counter()
    written, bean = generate(desk, records)
    print(f"generated {written:,} records in {time.perf_counter() - t:.1f} s into {desk}")
    done.write_text(str(written))
    return desk, written, bean


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--bean-records", type=int, default=None,
                        help="run bean-check on a ledger of this many records and scale linearly "
                             "(default: the same size as --records; the ratio is then no "
                             "measurement, and no MET is claimed)")
    parser.add_argument("--no-bean", action="store_true", help="skip bean-check")
    parser.add_argument("--runs", type=int, default=3,
                        help="baogong's runs, around bean-check's one: the median's CPU time is "
                             "compared (default 3)")
    args = parser.parse_args()

    desk, written, bean = cached_ledger(args.records)
    size = sum(p.stat().st_size for p in (desk / "ledgers").rglob("*.toml"))
    files = sum(1 for _ in (desk / "ledgers").rglob("*.toml"))
    print(f"ledger: {written:,} records in {files} batch files ({size / 1e6:.0f} MB); "
          f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} cores")
    work = Path(tempfile.mkdtemp(prefix="baogong-ledger-bench-"))
    try:
        script = RECONCILE.format(root=str(ROOT), desk=str(desk))
        runs: list[Run] = []
        # half of baogong's runs before bean-check's and half after: the machine's speed drifts
        # over bean-check's minutes, and a run of a few seconds samples one moment of it
        before = args.runs if args.no_bean else (args.runs + 1) // 2
        for _ in range(before):
            if not _reconcile(script, work, runs):
                return 2
        if args.no_bean:
            return 0
        checker = shutil.which("bean-check") or str(Path(sys.executable).parent / "bean-check")
        bean_records = args.bean_records or written
        if bean_records < written:
            bean = _truncate(bean, bean_records, work)
        # -C: no pickle cache, as a user checking a ledger for the first time runs it
        bean_run = Run([checker, "-C", str(bean)], work)
        for _ in range(args.runs - before):
            if not _reconcile(script, work, runs):
                return 2
        run = sorted(runs, key=lambda r: r.cpu)[len(runs) // 2]
        print(f"baogong, median of {len(runs)} runs: {run.cpu:.2f} s of CPU (from "
              f"{min(r.cpu for r in runs):.2f} s to {max(r.cpu for r in runs):.2f} s), "
              f"{run.wall:.2f} s by the clock, peak memory {run.peak / 2**20:.0f} MiB")
        errors = sum(1 for line in bean_run.err.splitlines() if line and not line[0].isspace())
        print(f"bean-check -C exit status {bean_run.status}, {errors} error lines")
        scale = written / bean_records
        scaled_cpu, scaled_wall = bean_run.cpu * scale, bean_run.wall * scale
        note = "" if scale == 1 else (f" (measured on {bean_records:,} records: "
                                      f"{bean_run.cpu:.1f} s of CPU, scaled linearly "
                                      f"x{scale:.1f})")
        print(f"bean-check -C: {written:,} transactions, {scaled_cpu:.2f} s of CPU "
              f"({bean_run.system * scale:.2f} s of it system, "
              f"{round(bean_run.faults * scale):,} page faults), "
              f"{scaled_wall:.2f} s by the clock, peak memory "
              f"{bean_run.peak / 2**20:.0f} MiB{note}")
        ratio = scaled_cpu / run.cpu
        print(f"ratio: bean-check -C takes {ratio:.1f}x baogong's CPU time (from "
              f"{scaled_cpu / max(r.cpu for r in runs):.1f}x to "
              f"{scaled_cpu / min(r.cpu for r in runs):.1f}x over its runs) "
              f"({scaled_wall / run.wall:.1f}x by the clock); its peak memory is "
              f"{bean_run.peak / run.peak:.1f}x baogong's"
              + ("" if scale == 1 else " (memory of the smaller bean-check run)"))
        verdict = "MET" if ratio >= GOAL and scale == 1 else "MISSED"
        if scale != 1:
            verdict += " (bean-check was scaled, not measured: no claim)"
        print(f"goal (issue 20): at least {GOAL:.0f}x bean-check -C by CPU time, one process, "
              f"on {written:,} records: {verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _reconcile(script: str, work: Path, runs: list[Run]) -> bool:
    """Run baogong's reconcile once in a child process, print its figures and keep its run;
    False (its error printed) when it failed."""
    run = Run([sys.executable, "-c", script], work)
    if run.status != 0:
        print(run.err, file=sys.stderr)
        return False
    seconds, records, findings, problems, matches, open_items = run.out.split()
    inner = float(seconds)
    print(f"baogong reconcile (one process): {int(records):,} records, {run.cpu:.2f} s of "
          f"CPU ({run.system:.2f} s of it system, {run.faults:,} page faults), "
          f"{run.wall:.2f} s by the clock ({inner:.2f} s without interpreter start; "
          f"{int(records) / inner:,.0f} records/s), peak memory {run.peak / 2**20:.0f} MiB; "
          f"{findings} findings, {matches} matches, {open_items} open items, "
          f"{problems} problems", flush=True)
    runs.append(run)
    return True


def _truncate(bean: Path, records: int, work: Path) -> Path:
    """The first ``records`` entries of the beancount file (plus its header), in ``work``."""
    target = work / "partial.beancount"
    entries = 0
    with bean.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        for line in source:
            if line[:1].isdigit() and " open " not in line:
                entries += 1
                if entries > records:
                    break
            out.write(line)
    return target


if __name__ == "__main__":
    sys.exit(main())
