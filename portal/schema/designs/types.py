"""Graph types of design registrations."""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from portal.models import DesignRegistration as RegistrationModel
from portal.models import enums
from portal.schema.common import UserError
from portal.schema.reporting.submissions import EndCustomerInput, EndCustomerRef

DesignStatus = enums.DesignStatus
strawberry.enum(DesignStatus)


@strawberry.enum
class DesignDecision(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@strawberry.enum
class DesignOutcome(Enum):
    WON = "WON"
    LOST = "LOST"


@strawberry.type
class DesignConflict:
    sku: str
    end_customer_name: str
    registration_id: strawberry.ID | None = strawberry.field(
        description="Null for partner principals."
    )
    partner_code: str | None = strawberry.field(description="Null for partner principals.")


@strawberry.type
class DesignLine:
    sku: str
    expected_quantity: int
    requested_price: Decimal | None
    authorized_price: Decimal | None
    sell_through_to_date: int


@strawberry.type
class DesignEventType:
    action: str
    details: JSON
    at: datetime.datetime


@strawberry.type
class DesignRegistration:
    id: strawberry.ID
    status: DesignStatus
    project_name: str
    application: str
    expected_close_on: datetime.date
    expires_on: datetime.date | None
    review_note: str | None
    attachments: list[str]
    end_customer: EndCustomerRef
    created_at: datetime.datetime
    model: strawberry.Private[RegistrationModel]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        partner = await info.context.loaders.catalog.partner.load(self.model.partner_id)
        return partner.code if partner else ""

    @strawberry.field
    async def conflicts(self, info: Info) -> list[DesignConflict]:
        found = await info.context.loaders.designs.conflicts.load(self.model)
        return [
            DesignConflict(
                sku=c.sku,
                end_customer_name=c.end_customer_name,
                registration_id=strawberry.ID(str(c.registration_id))
                if c.registration_id
                else None,
                partner_code=c.partner_code,
            )
            for c in found
        ]

    @strawberry.field
    async def lines(self, info: Info) -> list[DesignLine]:
        sold = await info.context.loaders.designs.sell_through.load(self.model)
        rows = await info.context.loaders.designs.lines.load(self.model.id)
        products = await info.context.loaders.catalog.product.load_many(
            [line.product_id for line in rows]
        )
        return [
            DesignLine(
                sku=product.sku if product else "",
                expected_quantity=line.expected_annual_quantity,
                requested_price=line.requested_price,
                authorized_price=line.authorized_price,
                sell_through_to_date=sold.get(line.product_id, 0),
            )
            for line, product in zip(rows, products, strict=True)
        ]

    @strawberry.field(description="The whole history of the registration, oldest first.")
    async def history(self, info: Info) -> list[DesignEventType]:
        events = await info.context.loaders.designs.history.load(self.model.id)
        return [DesignEventType(action=e.action, details=e.details, at=e.at) for e in events]

    @classmethod
    def from_model(cls, r: RegistrationModel) -> DesignRegistration:
        return cls(
            id=strawberry.ID(str(r.id)),
            status=r.status,
            project_name=r.project_name,
            application=r.application,
            expected_close_on=r.expected_close_on,
            expires_on=r.expires_on,
            review_note=r.review_note,
            attachments=list(r.attachments or []),
            end_customer=EndCustomerRef(name=r.end_customer_name, country="", postal_code=""),
            created_at=r.created_at,
            model=r,
        )


@strawberry.input
class DesignLineInput:
    sku: str
    expected_quantity: int
    requested_price: Decimal | None = None


@strawberry.input
class RegisterDesignInput:
    end_customer: EndCustomerInput
    project_name: str
    expected_close_on: datetime.date
    lines: list[DesignLineInput]
    application: str = ""
    attachments: list[str] = strawberry.field(default_factory=list)
    partner_code: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class AuthorizedPriceInput:
    sku: str
    price: Decimal


@strawberry.input
class ReviewDesignInput:
    id: strawberry.ID
    decision: DesignDecision
    expires_on: datetime.date | None = None
    note: str | None = None
    authorized_prices: list[AuthorizedPriceInput] = strawberry.field(default_factory=list)


@strawberry.input
class CloseDesignInput:
    id: strawberry.ID
    outcome: DesignOutcome


@strawberry.type
class DesignRegistrationPayload:
    design_registration: DesignRegistration | None
    errors: list[UserError]
