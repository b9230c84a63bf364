"""Graph types of price protection: programs opened by a list-price drop."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from portal.domain.incentives.price_protection import closes_on
from portal.models import PriceProtectionProgram as ProgramModel
from portal.schema.common import UserError


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
    def from_model(cls, p: ProgramModel) -> PriceProtectionProgram:
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
