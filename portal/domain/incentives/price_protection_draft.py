"""The draft of a price-protection claim: the partner's eligible units of the program per
warehouse (:func:`portal.domain.incentives.price_protection.eligible_units`) less what
its validated or reviewed claims of the program approved, each at the program's unit
credit (old price - new price).

    draft = await price_protection_draft(partner, program_id, partner_id)
"""

from __future__ import annotations

from portal.domain.access.principal import Principal
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.incentives.claims import Draft, DraftLine
from portal.domain.incentives.codes import money
from portal.domain.incentives.price_protection import eligible_units, visible_programs
from portal.domain.incentives.price_protection_claims import taken_by_claims
from portal.domain.periods import period_containing
from portal.models import Warehouse
from portal.models.enums import ClaimKind


async def price_protection_draft(principal: Principal, program_id: int, partner_id: int) -> Draft:
    program = await visible_programs(principal).filter(id=program_id).first()
    if program is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such price protection program.", ["programId"])
    m = principal.manufacturer_id
    taken = await taken_by_claims(m, program.id, partner_id)
    left = {
        e.warehouse_id: e.units - taken.get(e.warehouse_id, 0)
        for e in (await eligible_units(program)).values()
        if e.partner_id == partner_id
    }
    held = [(w, units) for w, units in left.items() if units > 0]
    codes = dict(
        await Warehouse.filter(
            manufacturer_id=m, partner_id=partner_id, id__in=[w for w, _ in held]
        ).values_list("id", "code")
    )
    unit_credit = program.old_price - program.new_price
    settings = await settings_of(m)
    return Draft(
        kind=ClaimKind.PRICE_PROTECTION,
        period=period_containing(program.effective_on, settings.period_granularity).name,
        partner_id=partner_id,
        currency=program.currency,
        lines=[
            DraftLine(
                sku=program.sku,
                quantity=units,
                end_customer_name="",
                agreement_id=None,
                unit_credit=unit_credit,
                amount=money(unit_credit * units),
                warehouse_code=codes[w],
            )
            for w, units in sorted(held, key=lambda pair: codes[pair[0]])
        ],
        program_id=program.id,
    )
