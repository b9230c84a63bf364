"""Graph types of incentives: price agreements, claims, credit memos, liability."""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from portal.domain.incentives.claims import Draft
from portal.domain.incentives.liability import Liability
from portal.models import Claim as ClaimModel
from portal.models import ClaimLine as ClaimLineModel
from portal.models import CreditMemo as MemoModel
from portal.models import PriceAgreement as AgreementModel
from portal.models import enums
from portal.schema.common import UserError
from portal.schema.reporting.submissions import EndCustomerInput, EndCustomerRef

ClaimKind = enums.ClaimKind
ClaimStatus = enums.ClaimStatus
ClaimLineStatus = enums.ClaimLineStatus
strawberry.enum(ClaimKind)
strawberry.enum(ClaimStatus)
strawberry.enum(ClaimLineStatus)


@strawberry.enum
class ClaimDecision(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


async def _partner_code(info: Info, partner_id: int) -> str:
    partner = await info.context.loaders.catalog.partner.load(partner_id)
    return partner.code if partner else ""


@strawberry.type
class PriceAgreementLine:
    sku: str
    book_cost: Decimal
    authorized_price: Decimal
    max_quantity: int | None
    unit_credit: Decimal


@strawberry.type
class PriceAgreement:
    id: strawberry.ID
    valid_from: datetime.date
    valid_to: datetime.date
    currency: str
    end_customer: EndCustomerRef | None
    design_registration_id: strawberry.ID | None
    created_at: datetime.datetime
    model: strawberry.Private[AgreementModel]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        return await _partner_code(info, self.model.partner_id)

    @strawberry.field
    async def lines(self, info: Info) -> list[PriceAgreementLine]:
        rows = await info.context.loaders.incentives.agreement_lines.load(self.model.id)
        products = await info.context.loaders.catalog.product.load_many(
            [r.product_id for r in rows]
        )
        return [
            PriceAgreementLine(
                sku=p.sku if p else "",
                book_cost=r.book_cost,
                authorized_price=r.authorized_price,
                max_quantity=r.max_quantity,
                unit_credit=r.book_cost - r.authorized_price,
            )
            for r, p in zip(rows, products, strict=True)
        ]

    @classmethod
    def from_model(cls, a: AgreementModel) -> PriceAgreement:
        return cls(
            id=strawberry.ID(str(a.id)),
            valid_from=a.valid_from,
            valid_to=a.valid_to,
            currency=a.currency,
            end_customer=EndCustomerRef(
                name=a.end_customer_name, country=a.end_customer_country, postal_code=""
            )
            if a.end_customer_id is not None
            else None,
            design_registration_id=strawberry.ID(str(a.design_registration_id))
            if a.design_registration_id
            else None,
            created_at=a.created_at,
            model=a,
        )


@strawberry.type
class ClaimEvidence:
    """POS units behind a claim line; negative units were released or clawed back."""

    pos_line_id: strawberry.ID | None
    submission_id: strawberry.ID | None
    row: int | None
    sold_on: datetime.date | None
    invoice_no: str
    units: int
    reason: str


@strawberry.type
class ClaimLine:
    sku: str
    quantity: int
    end_customer_name: str
    approved_quantity: int | None
    unit_credit: Decimal | None
    amount: Decimal | None
    status: ClaimLineStatus
    codes: list[str]
    clawed_back_quantity: int
    agreement_id: strawberry.ID | None
    model: strawberry.Private[ClaimLineModel]

    @strawberry.field(description="The accepted POS lines the approved units rest on.")
    async def evidence(self, info: Info) -> list[ClaimEvidence]:
        found = await info.context.loaders.incentives.evidence.load(self.model.id)
        return [
            ClaimEvidence(
                pos_line_id=strawberry.ID(str(e.pos_line_id)) if e.pos_line_id else None,
                submission_id=strawberry.ID(str(e.submission_id)) if e.submission_id else None,
                row=e.row,
                sold_on=e.sold_on,
                invoice_no=e.invoice_no,
                units=e.units,
                reason=e.reason,
            )
            for e in found
        ]

    @classmethod
    def from_model(cls, line: ClaimLineModel) -> ClaimLine:
        return cls(
            sku=line.sku,
            quantity=line.quantity,
            end_customer_name=line.end_customer_name,
            approved_quantity=line.approved_quantity,
            unit_credit=line.unit_credit,
            amount=line.amount,
            status=line.status,
            codes=list(line.codes or []),
            clawed_back_quantity=line.clawed_back_quantity,
            agreement_id=strawberry.ID(str(line.agreement_id)) if line.agreement_id else None,
            model=line,
        )


@strawberry.type
class CreditMemoLine:
    sku: str
    quantity: int
    unit_credit: Decimal
    amount: Decimal
    reason: str


@strawberry.type
class CreditMemo:
    id: strawberry.ID
    number: str
    kind: str = strawberry.field(description="CREDIT, or DEBIT for a clawback.")
    amount: Decimal
    currency: str
    period: str | None
    claim_id: strawberry.ID
    created_at: datetime.datetime
    model: strawberry.Private[MemoModel]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        return await _partner_code(info, self.model.partner_id)

    @strawberry.field
    async def lines(self, info: Info) -> list[CreditMemoLine]:
        rows = await info.context.loaders.incentives.memo_lines.load(self.model.id)
        return [
            CreditMemoLine(
                sku=r.sku,
                quantity=r.quantity,
                unit_credit=r.unit_credit,
                amount=r.amount,
                reason=r.reason,
            )
            for r in rows
        ]

    @classmethod
    def from_model(cls, m: MemoModel) -> CreditMemo:
        return cls(
            id=strawberry.ID(str(m.id)),
            number=m.number,
            kind=m.kind,
            amount=m.amount,
            currency=m.currency,
            period=m.period,
            claim_id=strawberry.ID(str(m.claim_id)),
            created_at=m.created_at,
            model=m,
        )


@strawberry.type
class Claim:
    id: strawberry.ID
    kind: ClaimKind
    status: ClaimStatus
    period: str | None
    claimed_amount: Decimal
    approved_amount: Decimal | None
    currency: str
    review_note: str | None
    created_at: datetime.datetime
    program_id: strawberry.ID | None = strawberry.field(
        description="PRICE_PROTECTION: the program claimed against (null for other kinds)."
    )
    model: strawberry.Private[ClaimModel]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        return await _partner_code(info, self.model.partner_id)

    @strawberry.field
    async def lines(self, info: Info) -> list[ClaimLine]:
        rows = await info.context.loaders.incentives.claim_lines.load(self.model.id)
        return [ClaimLine.from_model(r) for r in rows]

    @strawberry.field(description="The memo its approval issued (null until approved).")
    async def credit_memo(self, info: Info) -> CreditMemo | None:
        memos = await info.context.loaders.incentives.claim_memos.load(self.model.id)
        credit = [m for m in memos if m.kind == "CREDIT"]
        return CreditMemo.from_model(credit[0]) if credit else None

    @strawberry.field(description="Every memo of the claim: its credit and any clawbacks.")
    async def credit_memos(self, info: Info) -> list[CreditMemo]:
        memos = await info.context.loaders.incentives.claim_memos.load(self.model.id)
        return [CreditMemo.from_model(m) for m in memos]

    @classmethod
    def from_model(cls, c: ClaimModel) -> Claim:
        return cls(
            id=strawberry.ID(str(c.id)),
            kind=c.kind,
            status=c.status,
            period=c.period,
            claimed_amount=c.claimed_amount,
            approved_amount=c.approved_amount,
            currency=c.currency,
            review_note=c.review_note,
            created_at=c.created_at,
            program_id=strawberry.ID(str(c.program_id)) if c.program_id is not None else None,
            model=c,
        )


@strawberry.type
class ClaimDraftLine:
    sku: str
    quantity: int
    end_customer_name: str
    agreement_id: strawberry.ID | None
    unit_credit: Decimal
    amount: Decimal
    warehouse_code: str | None


@strawberry.type
class ClaimDraft:
    kind: ClaimKind
    period: str
    currency: str
    lines: list[ClaimDraftLine]
    program_id: strawberry.ID | None
    partner_id: strawberry.Private[int]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        return await _partner_code(info, self.partner_id)

    @classmethod
    def from_domain(cls, d: Draft) -> ClaimDraft:
        return cls(
            kind=d.kind,
            period=d.period,
            currency=d.currency,
            partner_id=d.partner_id,
            program_id=strawberry.ID(str(d.program_id)) if d.program_id is not None else None,
            lines=[
                ClaimDraftLine(
                    sku=x.sku,
                    quantity=x.quantity,
                    end_customer_name=x.end_customer_name,
                    agreement_id=strawberry.ID(str(x.agreement_id))
                    if x.agreement_id is not None
                    else None,
                    unit_credit=x.unit_credit,
                    amount=x.amount,
                    warehouse_code=x.warehouse_code,
                )
                for x in d.lines
            ],
        )


@strawberry.type
class AgreementLiability:
    agreement: PriceAgreement
    eligible_unclaimed_units: int
    eligible_unclaimed: Decimal
    claimed: Decimal
    approved: Decimal
    credited: Decimal

    @classmethod
    def from_domain(cls, x: Liability) -> AgreementLiability:
        return cls(
            agreement=PriceAgreement.from_model(x.agreement),
            eligible_unclaimed_units=x.eligible_unclaimed_units,
            eligible_unclaimed=x.eligible_unclaimed,
            claimed=x.claimed,
            approved=x.approved,
            credited=x.credited,
        )


@strawberry.input
class PriceAgreementLineInput:
    sku: str
    book_cost: Decimal
    authorized_price: Decimal
    max_quantity: int | None = None


@strawberry.input
class CreatePriceAgreementInput:
    valid_from: datetime.date
    valid_to: datetime.date
    lines: list[PriceAgreementLineInput]
    partner_code: str | None = None
    end_customer: EndCustomerInput | None = None
    design_registration_id: strawberry.ID | None = None
    currency: str = "USD"
    idempotency_key: str | None = None


@strawberry.input
class ClaimLineInput:
    sku: str
    quantity: int
    end_customer_name: str = ""
    warehouse_code: str | None = None
    agreement_id: strawberry.ID | None = None


@strawberry.input
class SubmitClaimInput:
    kind: ClaimKind
    lines: list[ClaimLineInput]
    period: str | None = None
    program_id: strawberry.ID | None = None
    partner_code: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class ReviewClaimInput:
    id: strawberry.ID
    decision: ClaimDecision
    note: str | None = None


@strawberry.type
class PriceAgreementPayload:
    price_agreement: PriceAgreement | None
    errors: list[UserError]


@strawberry.type
class ClaimPayload:
    claim: Claim | None
    errors: list[UserError]
