"""Graph types of price protection: programs opened by a list-price drop."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Self

import strawberry

from portal.domain.incentives.price_protection import closes_on
from portal.domain.incentives.price_protection_eligible import EligibleRow
from portal.models import PriceProtectionProgram as ProgramModel
from portal.schema.common import UserError


@strawberry.type
class PriceProtectionEligible:
    partner_code: str
    warehouse_code: str
    warehouse_name: str
    on_hand: int = strawberry.field(description="Partner-owned units at the effective date.")
    in_transit: int = strawberry.field(description="In transit then (0 unless included).")
    units: int = strawberry.field(description="onHand + inTransit: what may be claimed.")
    amount: Decimal = strawberry.field(description="units x unitCredit.")

    @classmethod
    def from_domain(cls, r: EligibleRow) -> PriceProtectionEligible:
        return cls(
            partner_code=r.partner_code,
            warehouse_code=r.warehouse_code,
            warehouse_name=r.warehouse_name,
            on_hand=r.on_hand,
            in_transit=r.in_transit,
            units=r.units,
            amount=r.amount,
        )


@strawberry.type
class PriceProtectionProgram:
    id: strawberry.ID
    sku: str
    old_price: Decimal
    new_price: Decimal
    unit_credit: Decimal = strawberry.field(description="oldPrice - newPrice, per unit.")
    currency: str
    effective_on: datetime.date
    claim_window_days: int
    closes_on: datetime.date = strawberry.field(description="The last day a claim is accepted.")
    include_in_transit: bool
    created_at: datetime.datetime

    @classmethod
    def from_model(cls, p: ProgramModel) -> Self:
        return cls(
            id=strawberry.ID(str(p.id)),
            sku=p.sku,
            old_price=p.old_price,
            new_price=p.new_price,
            unit_credit=p.old_price - p.new_price,
            currency=p.currency,
            effective_on=p.effective_on,
            claim_window_days=p.claim_window_days,
            closes_on=closes_on(p),
            include_in_transit=p.include_in_transit,
            created_at=p.created_at,
        )


@strawberry.type(
    description="One program with its eligible units (`priceProtectionProgram(id)` only: they"
    " are computed from the ledger per program, so listings do not offer them)."
)
class PriceProtectionProgramDetail(PriceProtectionProgram):
    @strawberry.field(
        description="Eligible units per partner warehouse: every partner's for the"
        " manufacturer's staff, a partner's own only."
    )
    async def eligible(self, info: strawberry.Info) -> list[PriceProtectionEligible]:
        from portal.domain.incentives.price_protection_eligible import eligible_rows

        rows = await eligible_rows(info.context.principal, int(self.id))
        return [PriceProtectionEligible.from_domain(r) for r in rows]


@strawberry.input
class AnnouncePriceDropInput:
    sku: str
    new_price: Decimal
    effective_on: datetime.date
    claim_window_days: int
    include_in_transit: bool = False
    idempotency_key: str | None = None


@strawberry.type
class PriceProtectionProgramPayload:
    price_protection_program: PriceProtectionProgram | None
    errors: list[UserError]
