"""A price-protection program's eligible units per partner warehouse, as the graph shows
them: every partner's for the manufacturer's staff, a partner principal's own only.

    rows = await eligible_rows(principal, program_id)
    rows[0].partner_code, .warehouse_code, .on_hand, .in_transit, .units, .amount

Units are :func:`portal.domain.incentives.price_protection.eligible_units` (the ledger at
the start of the effective date, plus in transit when the program includes it); the
amount is units x (old - new price), rounded to cents. Warehouses without eligible units
are left out; rows are ordered by partner code, then warehouse code. Three queries
whatever the number of partners.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.domain.access.principal import Principal
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.incentives.codes import money
from portal.domain.incentives.price_protection import eligible_units, visible_programs
from portal.models import Partner, Warehouse


@dataclass(frozen=True, slots=True)
class EligibleRow:
    partner_code: str
    warehouse_code: str
    warehouse_name: str
    on_hand: int
    in_transit: int
    units: int
    amount: Decimal


async def eligible_rows(principal: Principal, program_id: int) -> list[EligibleRow]:
    program = await visible_programs(principal).filter(id=program_id).first()
    if program is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such price protection program.", ["id"])
    m = principal.manufacturer_id
    found = [
        e
        for e in (await eligible_units(program)).values()
        if e.units > 0 and (principal.partner_id is None or e.partner_id == principal.partner_id)
    ]
    if not found:
        return []
    partners = dict(
        await Partner.filter(
            manufacturer_id=m, id__in=sorted({e.partner_id for e in found})
        ).values_list("id", "code")
    )
    places = {
        int(w): (code, name)
        for w, code, name in await Warehouse.filter(
            manufacturer_id=m, id__in=sorted({e.warehouse_id for e in found})
        ).values_list("id", "code", "name")
    }
    unit_credit = program.old_price - program.new_price
    rows = [
        EligibleRow(
            partner_code=partners[e.partner_id],
            warehouse_code=places[e.warehouse_id][0],
            warehouse_name=places[e.warehouse_id][1],
            on_hand=max(e.on_hand, 0),
            in_transit=max(e.in_transit, 0),
            units=e.units,
            amount=money(unit_credit * e.units),
        )
        for e in found
    ]
    return sorted(rows, key=lambda r: (r.partner_code, r.warehouse_code))
