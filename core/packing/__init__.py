"""The standard-box packer (标准箱装箱): boxes, orders, rationing and vehicle loads.

The short public API::

    from core.packing import Box, Item, pack_items

    packing = pack_items([Item("rice", 5.0, 6.0, count=2), Item("oil", 1.8, 2.0)], Box(12, 30))
    packing.count, packing.lower_bound, packing.gap

Every result reports how many boxes (or vehicles) it used, a proved lower bound on the optimum
(at least the Martello-Toth L2 bound in each dimension) and the gap between them.
"""

from core.packing.boxes import (
    Box,
    Item,
    PackedBox,
    Packing,
    TooBigError,
    ffd_boxes,
    pack_items,
)
from core.packing.bounds import l1, l2, vector_bound
from core.packing.heuristics import Instance, first_fit_decreasing
from core.packing.solver import Solution, lower_bound, solve

__all__ = [
    "Box",
    "Instance",
    "Item",
    "PackedBox",
    "Packing",
    "Solution",
    "TooBigError",
    "ffd_boxes",
    "first_fit_decreasing",
    "l1",
    "l2",
    "lower_bound",
    "pack_items",
    "solve",
    "vector_bound",
]
