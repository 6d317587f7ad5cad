"""The standard-box packer (标准箱装箱): boxes, orders, templates, rationing and vehicle loads.

The short public API::

    from core.packing import Box, Item, pack_items

    packing = pack_items([Item("rice", 5.0, 6.5, count=2), Item("oil", 1.65, 1.8)], Box(15, 40))
    packing.count, packing.lower_bound, packing.gap

Every result reports how many boxes (or vehicles) it used, a proved lower bound on the optimum
(at least the Martello-Toth L2 bound in each dimension) and the gap between them.
"""

from core.packing.bounds import l1, l2, vector_bound
from core.packing.boxes import (
    MAX_BOX_KG,
    MAX_BOX_LITRES,
    MAX_COPIES,
    Box,
    Item,
    PackedBox,
    Packing,
    TooBigError,
    TooManyCopiesError,
    ffd_boxes,
    pack_items,
)
from core.packing.heuristics import Instance, first_fit_decreasing
from core.packing.orders import (
    HouseholdOrder,
    Label,
    OrderLine,
    OrderPacker,
    OrderPacking,
    Payment,
    goods_class,
    totals,
)
from core.packing.rationing import (
    Allocation,
    Claim,
    FrontLine,
    MedicalRequest,
    RationCut,
    RationGroup,
    RationTable,
    allocate_medical,
    ration,
    ration_order,
)
from core.packing.solver import Solution, lower_bound, solve
from core.packing.templates import (
    BoxSpec,
    PackingConfig,
    PackTemplate,
    check_packing_config,
    expand,
    load_packing_config,
)
from core.packing.vehicles import (
    LoadPlan,
    Parcel,
    Vehicle,
    couriers_needed,
    plan_loads,
    round_schedule,
)

__all__ = [
    "MAX_BOX_KG",
    "MAX_BOX_LITRES",
    "MAX_COPIES",
    "Allocation",
    "Box",
    "BoxSpec",
    "Claim",
    "FrontLine",
    "HouseholdOrder",
    "Instance",
    "Item",
    "Label",
    "LoadPlan",
    "MedicalRequest",
    "OrderLine",
    "OrderPacker",
    "OrderPacking",
    "PackTemplate",
    "PackedBox",
    "Packing",
    "PackingConfig",
    "Parcel",
    "Payment",
    "RationCut",
    "RationGroup",
    "RationTable",
    "Solution",
    "TooBigError",
    "TooManyCopiesError",
    "Vehicle",
    "allocate_medical",
    "check_packing_config",
    "couriers_needed",
    "expand",
    "ffd_boxes",
    "first_fit_decreasing",
    "goods_class",
    "l1",
    "l2",
    "load_packing_config",
    "lower_bound",
    "pack_items",
    "plan_loads",
    "ration",
    "ration_order",
    "round_schedule",
    "solve",
    "totals",
    "vector_bound",
]
