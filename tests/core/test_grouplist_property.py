"""A 接龙 list printed from orders of the demo desk and read back gives the same orders."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from core.demo import copy_demo_desk
from core.grouplist import Matcher, read_list
from core.packing.orders import OrderLine
from core.reference import Household


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[core.Desk]:
    desk = core.open_desk(copy_demo_desk(tmp_path_factory.mktemp("grouplist") / "desk"))
    yield desk
    desk.cases.index.close()


def _unique_households(desk: core.Desk) -> list[Household]:
    """Households whose address is theirs alone in their community."""
    seen = Counter((h.community, h.building, h.unit, h.room) for h in desk.households.values())
    return [h for h in desk.households.values()
            if seen[h.community, h.building, h.unit, h.room] == 1 and h.building and h.room]


ADDRESS_FORMS = ["{b}栋{u}单元{r}", "{b}-{u}-{r}", "{b}号楼{u}单元{r}室", "{b}幢{u}单元{r}"]
QUANTITY_FORMS = ["×{q}", "x{q}", "X{q}", "*{q}", "＊{q}", " x{q}"]
NUMBERINGS = ["{n}. ", "{n}、", "{n}) ", "{n}．"]


@st.composite
def group_lists(draw: st.DrawFn, desk: core.Desk
                ) -> tuple[str, list[tuple[str, tuple[OrderLine, ...]]]]:
    households = _unique_households(desk)
    chosen = draw(st.lists(st.sampled_from(households), min_size=1, max_size=12,
                           unique_by=lambda h: h.id))
    items = sorted(desk.catalogue.values(), key=lambda item: item.code)
    communities = desk.communities
    lines = ["#接龙", "本轮团购，11点截止", "例 3栋2单元401 张三 蔬菜包x1", ""]
    expected = []
    for number, household in enumerate(chosen, start=1):
        goods = draw(st.lists(st.sampled_from(items), min_size=1, max_size=4,
                              unique_by=lambda item: item.code))
        words = []
        order_lines = []
        for item in goods:
            quantity = draw(st.integers(1, 100))
            written = draw(st.sampled_from([item.name.replace(" ", ""), item.code]))
            if quantity > 1 or draw(st.booleans()):
                written += draw(st.sampled_from(QUANTITY_FORMS)).format(q=quantity)
            words.append(written)
            order_lines.append(OrderLine(item.code, quantity))
        form = draw(st.sampled_from(ADDRESS_FORMS))
        address = form.format(b=household.building, u=household.unit, r=household.room)
        community = communities[household.community].name
        names = [r.name for r in household.residents]
        who = [community + draw(st.sampled_from(["", " "])) + address]
        if names and draw(st.booleans()):
            who.append(draw(st.sampled_from(names)))
        numbering = draw(st.sampled_from(NUMBERINGS)).format(n=number)
        lines.append(numbering + " ".join(who + words))
        expected.append((household.id, tuple(order_lines)))
    return "\n".join(lines), expected


@given(data=st.data())
def test_a_printed_list_reads_back_as_the_same_orders(demo: core.Desk, data: st.DataObject
                                                      ) -> None:
    text, expected = data.draw(group_lists(demo))
    result = read_list(text, Matcher.for_desk(demo))
    assert [(u.text, u.why.en) for u in result.unreadable] == []
    assert [(o.household, o.lines) for o in result.orders] == expected
    assert result.lines == len(expected)


def test_the_demo_desk_has_households_to_draw(demo: core.Desk) -> None:
    assert len(_unique_households(demo)) > 50
