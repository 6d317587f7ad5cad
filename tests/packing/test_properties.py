"""The bars of the packer, as properties: checked on random item lists."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from core.packing import Box, Instance, Item, ffd_boxes, first_fit_decreasing, pack_items, solve
from core.packing.boxes import grams

KINDS = ["", "food", "chemical", "chilled"]


@st.composite
def item_lists(draw: st.DrawFn) -> tuple[list[Item], Box]:
    max_kg = draw(st.sampled_from([5, 10, 12.5, 20]))
    volume = draw(st.booleans())
    max_l = draw(st.sampled_from([8, 30, 45.5])) if volume else None
    items = []
    for n in range(draw(st.integers(1, 25))):
        kg = draw(st.integers(0, int(max_kg * 10))) / 10
        litres = draw(st.integers(0, int((max_l or 10) * 10))) / 10
        items.append(
            Item(
                f"i{n}",
                min(kg, max_kg),
                min(litres, max_l) if max_l is not None else litres,
                draw(st.integers(1, 4)),
                draw(st.sampled_from(KINDS)),
            )
        )
    return items, Box(max_kg, max_l)


@settings(max_examples=80, deadline=None)
@given(item_lists())
def test_packing_keeps_every_rule(case: tuple[list[Item], Box]) -> None:
    items, box = case
    packing = pack_items(items, box, time_limit=0.05)
    by_id = {i.id: i for i in items}
    # every copy packed exactly once
    packed = Counter(i for b in packing.boxes for i in b.items)
    assert packed == Counter({i.id: i.count for i in items})
    for b in packing.boxes:
        assert b.items, "no empty boxes"
        # no box over weight or volume (compared exactly, in grams and millilitres)
        assert sum(grams(by_id[i].kg) for i in b.items) <= grams(box.max_kg)
        if box.max_litres is not None:
            assert sum(grams(by_id[i].litres) for i in b.items) <= grams(box.max_litres)
        # no forbidden mix
        kinds = {by_id[i].kind for i in b.items} - {""}
        assert len(kinds) <= 1
        assert b.kind == (kinds.pop() if kinds else "")
    assert packing.lower_bound <= packing.count
    assert packing.count <= len(ffd_boxes(items, box)) == packing.ffd_count
    assert packing.gap == packing.count - packing.lower_bound


@settings(max_examples=60, deadline=None)
@given(
    st.integers(50, 1000).flatmap(
        lambda c: st.tuples(st.just(c), st.lists(st.integers(1, c), min_size=1, max_size=60))
    )
)
def test_engine_one_dimension(case: tuple[int, list[int]]) -> None:
    capacity, sizes = case
    inst = Instance.one_dimensional(sizes, capacity)
    solution = solve(inst, time_limit=0.05, seed=1)
    assert sorted(i for b in solution.bins for i in b) == list(range(len(sizes)))
    assert all(sum(sizes[i] for i in b) <= capacity for b in solution.bins)
    assert solution.lower_bound <= solution.count <= len(first_fit_decreasing(inst))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), min_size=1, max_size=50),
)
def test_engine_two_dimensions(pairs: list[tuple[int, int]]) -> None:
    inst = Instance(tuple(a for a, _ in pairs), tuple(b for _, b in pairs), 100, 100)
    solution = solve(inst, time_limit=0.05, seed=2)
    assert sorted(i for b in solution.bins for i in b) == list(range(len(pairs)))
    for b in solution.bins:
        assert sum(inst.w1[i] for i in b) <= 100
        assert sum(inst.w2[i] for i in b) <= 100
    assert solution.lower_bound <= solution.count <= len(first_fit_decreasing(inst))


def test_same_seed_same_packing() -> None:
    items = [Item(f"x{k}", (k * 37) % 97 / 10, (k * 53) % 89 / 10) for k in range(60)]
    box = Box(20, 20)
    first = pack_items(items, box, time_limit=0.2, seed=7)
    again = pack_items(items, box, time_limit=0.2, seed=7)
    assert first.count == again.count


def test_package_docstring_example_runs() -> None:
    import core.packing

    doc = core.packing.__doc__ or ""
    block = []
    for line in doc.split("::", 1)[1].splitlines()[1:]:
        if line and not line.startswith("    "):
            break
        block.append(line[4:])
    namespace: dict[str, object] = {}
    exec(compile("\n".join(block), "example", "exec"), namespace)
    packing = namespace["packing"]
    assert isinstance(packing, core.packing.Packing)
    assert packing.count == packing.lower_bound == 1
