"""Group list benchmark: a 2,000-line 接龙 list read against a 30,000-household register.

    python tests/bench/bench_grouplist.py [--lines 2000] [--households 30000] [--runs 5]

Generates a register of ``--households`` households over 60 communities (buildings, units,
rooms, one to four residents with common names, so names repeat as they do in a city) and a
接龙 list of ``--lines`` numbered lines in the forms grid leaders write (``3栋2单元401``,
``3-2-401``, ``3号楼2单元401室``, a community name before the address, goods by name, pinyin or
code, quantities as ``×2``/``x2``/``*2``/``两袋``), about one line in twenty unreadable (an
unknown address, unknown goods, a quantity over the limit). Goods are the demo desk's catalogue.

Measures, in this process, the median of ``--runs``:

- indexing the register and catalogue (:class:`core.grouplist.Matcher`), once per list;
- reading the list (:func:`core.grouplist.read_list`): every line parsed, its household found
  by address or name and its goods by name, pinyin or code, with a fresh matcher each run (no
  goods looked up before);
- the peer: a plain regex split of the same text (the numbered lines found and split into
  words), the floor of any reading of the list.

Prints lines per second of each, the ratio and the load average. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.demo import copy_demo_desk  # noqa: E402
from core.desk import Desk  # noqa: E402
from core.grouplist import Matcher, read_list  # noqa: E402
from core.reference import CatalogueItem, Community, Household, Resident  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
COMMUNITIES = 60
ADDRESS_FORMS = ["{b}栋{u}单元{r}", "{b}-{u}-{r}", "{b}号楼{u}单元{r}室"]
QUANTITY_FORMS = ["×{q}", "x{q}", "*{q}", "X{q}"]
PLAIN_SPLIT = re.compile(r"^\s*(\d+)\s*[.、)）:：．]\s*(.*)$", re.MULTILINE)


def make_register(count: int, rng: random.Random) -> tuple[dict[str, Community], list[Household]]:
    communities = {f"c{n:03d}": Community(f"c{n:03d}", f"第{n}社区", f"Community {n}", "d1")
                   for n in range(1, COMMUNITIES + 1)}
    households = []
    codes = list(communities)
    for number in range(count):
        community = codes[number % COMMUNITIES]
        local = number // COMMUNITIES  # 0..499: building, unit, floor, door
        building, rest = divmod(local, 24)
        unit, rest = divmod(rest, 6)
        room = f"{rest + 1}0{unit % 2 + 1}"
        residents = tuple(
            Resident(rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(
                rng.choice((1, 2))))) for _ in range(rng.randint(1, 4)))
        households.append(Household(f"h{number:06d}", community, str(building + 1),
                                    str(unit + 1), room, residents=residents))
    return communities, households


def make_list(households: list[Household], communities: dict[str, Community],
              catalogue: dict[str, CatalogueItem], lines: int, rng: random.Random) -> str:
    items = sorted(catalogue.values(), key=lambda item: item.code)
    out = ["#接龙", "第25轮团购 11点截止", "例 3栋2单元401 张三 蔬菜包x1 大米5kg×2", ""]
    chosen = rng.sample(households, lines)
    for number, household in enumerate(chosen, start=1):
        address = rng.choice(ADDRESS_FORMS).format(b=household.building, u=household.unit,
                                                   r=household.room)
        words = [communities[household.community].name + address,
                 rng.choice(household.residents).name]
        for item in rng.sample(items, rng.randint(1, 5)):
            written = rng.choice([item.name.replace(" ", ""), item.code])
            quantity = rng.choice([1, 1, 1, 2, 2, 3])
            if quantity > 1:
                written += rng.choice(QUANTITY_FORMS).format(q=quantity)
            words.append(written)
        broken = rng.random()
        if broken < 0.02:
            words[0] = f"{communities[household.community].name}99栋9单元999"
        elif broken < 0.04:
            words.append("猪肉")
        elif broken < 0.05:
            words.append("蔬菜包x500")
        out.append(f"{number}. " + " ".join(words))
    return "\n".join(out) + "\n"


def plain_split(text: str) -> int:
    return sum(len(match.group(2).split()) > 0 for match in PLAIN_SPLIT.finditer(text))


def median_seconds(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(16)
    with tempfile.TemporaryDirectory() as tmp:
        desk = Desk.open(copy_demo_desk(Path(tmp) / "desk"))
        catalogue = desk.catalogue
        desk.cases.index.close()
    communities, households = make_register(args.households, rng)
    text = make_list(households, communities, catalogue, args.lines, rng)

    def matcher() -> Matcher:
        return Matcher(households, communities, catalogue)

    index = median_seconds(matcher, args.runs)
    fresh = [matcher() for _ in range(args.runs)]
    result = read_list(text, matcher())
    read = median_seconds(lambda: read_list(text, fresh.pop()), args.runs)
    plain = median_seconds(lambda: plain_split(text), args.runs)
    assert plain_split(text) == result.lines == args.lines
    print(f"{args.lines:,} list lines against {len(households):,} households in "
          f"{COMMUNITIES} communities, {len(catalogue)} goods; median of {args.runs} runs")
    print(f"  read: {len(result.orders):,} orders, {len(result.unreadable):,} lines unreadable")
    print(f"  index the register and catalogue   {index * 1000:9.1f} ms (once per list)")
    print(f"  read and match the list            {read * 1000:9.1f} ms   "
          f"{args.lines / read:12,.0f} lines/s")
    print(f"  plain regex split (peer)           {plain * 1000:9.1f} ms   "
          f"{args.lines / plain:12,.0f} lines/s")
    print(f"  ratio read / plain split           {read / plain:9.1f}x")
    print(f"  index + read                       {(index + read) * 1000:9.1f} ms   "
          f"{args.lines / (index + read):12,.0f} lines/s")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
