"""Hand-over manifests (交接清单) as a PDF: one per vehicle load, then one per drop point.

Each manifest starts on a page of its own (the driver and each drop point keep theirs); a table
longer than a page continues on the next with its heading repeated. A vehicle's manifest lists
its stops with boxes, kilograms and litres; a drop point's lists every box with the address, the
payment and what to collect, a column to tick on receipt, the totals and lines to sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.desk import Desk
from core.ledger import yuan
from core.manifests import DropManifest, VehicleManifest, drop_manifests, vehicle_manifests
from core.packing.orders import Payment
from core.rounds import RoundPlan
from tui.i18n import _, record_name
from tui.printing.pages import FAMILY, document, save

if TYPE_CHECKING:
    from fpdf import FPDF



def payment_name(payment: Payment) -> str:
    return {Payment.DUE: _("due"), Payment.PAID: _("paid"),
            Payment.ON_ACCOUNT: _("on account")}[payment]


def leg_name(leg: str) -> str:
    return {"city->station": _("city to transfer station"),
            "station->drop": _("transfer station to drop points")}.get(leg, leg)


def vehicle_name(vehicle: str) -> str:
    return {"truck": _("truck"), "van": _("van")}.get(vehicle, vehicle)


def write_manifests(desk: Desk, plan: RoundPlan, path: Path) -> tuple[int, int, int]:
    """Write the round's manifests to ``path``: ``(vehicle manifests, drop points, pages)``.

    Raises :class:`tui.printing.FontMissing` when there is no CJK font, before writing.
    """
    vehicles = vehicle_manifests(plan)
    drops = drop_manifests(desk, plan)
    pdf = document(f"{_('Manifests')} {plan.round.code}")
    for vehicle in vehicles:
        vehicle_page(desk, pdf, plan, vehicle)
    for drop in drops:
        drop_page(pdf, plan, drop)
    pages = pdf.pages_count
    save(pdf, path, mode=desk.file_mode)
    return len(vehicles), len(drops), pages


def heading(pdf: FPDF, title: str, lines: list[str]) -> None:
    pdf.add_page()
    pdf.set_font(FAMILY, size=15)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=10)
    for line in lines:
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def table(pdf: FPDF, widths: tuple[float, ...], rows: Sequence[tuple[str, ...]],
          numeric: set[int]) -> None:
    """``rows`` (the first is the heading) as a table across pages; ``numeric`` columns right."""
    from fpdf.fonts import FontFace

    pdf.set_font(FAMILY, size=9)
    with pdf.table(col_widths=widths, line_height=5.5, first_row_as_headings=True,
                   headings_style=FontFace(emphasis="NONE", fill_color=(225, 225, 225)),
                   text_align=tuple("RIGHT" if n in numeric else "LEFT"
                                    for n in range(len(widths))),
                   repeat_headings=1) as grid:
        for values in rows:
            row = grid.row()
            for value in values:
                row.cell(value)
    pdf.ln(3)


def signatures(pdf: FPDF, who: tuple[str, str]) -> None:
    pdf.set_font(FAMILY, size=10)
    pdf.ln(4)
    width = (pdf.epw - 10) / 2
    for name in who:
        pdf.cell(width, 8, f"{name}: ____________________", new_x="RIGHT")
    pdf.ln(8)
    pdf.cell(0, 8, f"{_('Time')}: ______________", new_x="LMARGIN", new_y="NEXT")


def when(plan: RoundPlan, milestone: int) -> str:
    """The time of the round schedule's ``milestone`` (3: trucks leave, 4: vans arrive)."""
    return f"{plan.schedule[milestone].when:%Y-%m-%d %H:%M}"


def vehicle_page(desk: Desk, pdf: FPDF, plan: RoundPlan, vehicle: VehicleManifest) -> None:
    district = record_name(desk.districts.get(vehicle.district), vehicle.district)
    heading(pdf, f"{_('Vehicle manifest')}  {plan.round.code} #{vehicle.number}", [
        f"{_('Leg')}: {leg_name(vehicle.leg)}  {_('District')}: {district}  "
        f"{_('Vehicle')}: {vehicle_name(vehicle.vehicle)}",
        f"{_('Leaves')}: {when(plan, 3)}" if vehicle.leg == "city->station"
        else f"{_('At the drop points from')}: {when(plan, 4)}",
    ])
    rows = [(_("Stop"), _("Place"), _("Boxes"), "kg", _("Litres"), _("Received"))]
    rows += [(str(number), stop.place, str(stop.boxes), f"{stop.kg:.1f}", f"{stop.litres:.1f}",
              "") for number, stop in enumerate(vehicle.stops, start=1)]
    rows.append(("", _("Total"), str(vehicle.boxes), f"{vehicle.kg:.1f}",
                 f"{vehicle.litres:.1f}", ""))
    table(pdf, (12, 86, 18, 20, 20, 30), rows, {0, 2, 3, 4})
    signatures(pdf, (_("Driver"), _("Received by")))


def drop_page(pdf: FPDF, plan: RoundPlan, drop: DropManifest) -> None:
    trips = ", ".join(f"#{n}" for n in drop.trips)
    heading(pdf, f"{_('Drop point manifest')}  {plan.round.code}  {drop.place}", [
        f"{_('Communities')}: {', '.join(drop.communities)}  {_('Vehicle loads')}: {trips}",
        f"{_('At the drop point from')}: {when(plan, 4)}",
    ])
    rows = [(_("Box"), _("Address"), _("Household"), _("Payment"), _("Reference"),
             _("To collect"), _("Received"))]
    seen: set[str] = set()
    for box in drop.boxes:
        # what an order paid on delivery brings in is written once, on its first box
        collect = (yuan(box.order_fen) if box.payment == Payment.DUE and box.order not in seen
                   else "")
        seen.add(box.order)
        rows.append((f"{box.order} {box.box}/{box.of}", f"{box.community} {box.address}",
                     box.household, payment_name(box.payment), box.payment_ref, collect, ""))
    rows.append((_("Total"), _("{boxes} boxes, {orders} orders, {kg} kg").format(
        boxes=len(drop.boxes), orders=drop.orders, kg=f"{drop.kg:.1f}"), "", "", "",
        yuan(drop.due_fen), ""))
    table(pdf, (30, 48, 18, 22, 26, 22, 20), rows, {5})
    pdf.cell(0, 5.5, _("{due} due, {paid} paid, {account} on account").format(
        due=drop.payments(Payment.DUE), paid=drop.payments(Payment.PAID),
        account=drop.payments(Payment.ON_ACCOUNT)), new_x="LMARGIN", new_y="NEXT")
    signatures(pdf, (_("Delivered by"), _("Received by")))
