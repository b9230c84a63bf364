"""Graph types of volume and growth rebates: programs, statements and their inputs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from portal.domain.incentives.rebate_liability import ProgramLiability
from portal.domain.incentives.rebate_settlement import Statement
from portal.models import RebatePayout as PayoutModel
from portal.models import RebateProgram as ProgramModel
from portal.models import enums
from portal.schema.common import UserError
from portal.schema.enums import PartnerTier
from portal.schema.incentives.types import _partner_code as partner_code_of

RebateMeasure = enums.RebateMeasure
RebateMode = enums.RebateMode
RebateStatus = enums.RebateStatus
RebateInterimSchedule = enums.RebateInterimSchedule
strawberry.enum(RebateMeasure)
strawberry.enum(RebateInterimSchedule)
strawberry.enum(RebateMode)
strawberry.enum(RebateStatus)


@strawberry.type
class RebateTier:
    threshold: Decimal = strawberry.field(
        description="Volume (units or value), or percent growth for a growth program."
    )
    rate: Decimal = strawberry.field(description="Percent of the value, 0 to 100.")


@strawberry.type
class RebatePayout:
    kind: str = strawberry.field(description="INTERIM (on account) or FINAL (at closing).")
    interval: str | None = strawberry.field(
        description="The scheduled interval an automatic interim payout is for (2026-10,"
        " 2026-Q4); null for one paid by hand (payRebateInterim) or at closing."
    )
    amount: Decimal = strawberry.field(description="Negative for a debit memo at closing.")
    claim_id: strawberry.ID
    created_at: datetime.datetime
    partner_id: strawberry.Private[int]

    @strawberry.field
    async def partner_code(self, info: Info) -> str:
        return await partner_code_of(info, self.partner_id)

    @classmethod
    def from_model(cls, p: PayoutModel) -> RebatePayout:
        return cls(
            kind=p.kind,
            interval=p.interval,
            amount=Decimal(p.amount),
            claim_id=strawberry.ID(str(p.claim_id)),
            created_at=p.created_at,
            partner_id=p.partner_id,
        )


@strawberry.type
class RebateProgram:
    id: strawberry.ID
    name: str
    period_from: str
    period_to: str
    measure: RebateMeasure
    mode: RebateMode
    growth: bool
    partner_tier: PartnerTier | None
    categories: list[str]
    tiers: list[RebateTier]
    require_compliance: bool
    currency: str
    interim_schedule: RebateInterimSchedule
    interim_through: str | None = strawberry.field(
        description="The last scheduled interval paid on account (2026-10, 2026-Q4)."
    )
    status: RebateStatus
    created_at: datetime.datetime
    closed_at: datetime.datetime | None

    @strawberry.field(
        description="Its payouts, oldest first (interim and final): every partner's for the"
        " manufacturer's staff, a partner's own only."
    )
    async def payouts(self, info: Info) -> list[RebatePayout]:
        found = await info.context.loaders.incentives.rebate_payouts.load(int(self.id))
        return [RebatePayout.from_model(p) for p in found]

    @classmethod
    def from_model(cls, p: ProgramModel) -> RebateProgram:
        return cls(
            id=strawberry.ID(str(p.id)),
            name=p.name,
            period_from=p.period_from,
            period_to=p.period_to,
            measure=p.measure,
            mode=p.mode,
            growth=p.growth,
            partner_tier=enums.PartnerTier(p.partner_tier) if p.partner_tier else None,
            categories=list(p.categories),
            tiers=[RebateTier(threshold=Decimal(t), rate=Decimal(r)) for t, r in p.tiers],
            require_compliance=p.require_compliance,
            currency=p.currency,
            interim_schedule=p.interim_schedule,
            interim_through=p.interim_through,
            status=p.status,
            created_at=p.created_at,
            closed_at=p.closed_at,
        )


@strawberry.type
class RebateStatement:
    program_id: strawberry.ID
    partner_code: str
    attained: Decimal = strawberry.field(
        description="Volume so far (units or value), or percent growth for a growth program."
    )
    current_rate: Decimal = strawberry.field(description="Percent, of the highest tier reached.")
    next_threshold: Decimal | None
    remaining_to_next: Decimal | None
    accrued: Decimal
    paid: Decimal = strawberry.field(description="Interim and final payouts so far.")
    failing_periods: list[str] = strawberry.field(
        description="Periods failing the reporting-compliance condition (left out)."
    )

    @classmethod
    def from_domain(cls, s: Statement) -> RebateStatement:
        return cls(
            program_id=strawberry.ID(str(s.program_id)),
            partner_code=s.partner_code,
            attained=s.attained,
            current_rate=s.current_rate,
            next_threshold=s.next_threshold,
            remaining_to_next=s.remaining_to_next,
            accrued=s.accrued,
            paid=s.paid,
            failing_periods=s.failing_periods,
        )


@strawberry.input
class RebateTierInput:
    threshold: Decimal
    rate: Decimal


@strawberry.input
class CreateRebateProgramInput:
    name: str
    period_from: str
    period_to: str
    measure: RebateMeasure
    mode: RebateMode
    tiers: list[RebateTierInput]
    growth: bool = False
    partner_codes: list[str] | None = None
    partner_tier: PartnerTier | None = None
    skus: list[str] | None = None
    categories: list[str] | None = None
    require_compliance: bool = False
    currency: str | None = strawberry.field(
        default=None, description="ISO code; default: the latest list-price currency."
    )
    interim_schedule: RebateInterimSchedule = RebateInterimSchedule.NONE
    idempotency_key: str | None = None


@strawberry.type
class RebateProgramPayload:
    rebate_program: RebateProgram | None
    errors: list[UserError]


@strawberry.type
class RebatePeriodAccrual:
    period: str
    accrued: Decimal = strawberry.field(
        description="What the period added to the accrued amount, all partners."
    )


@strawberry.type
class RebateLiability:
    program_id: strawberry.ID
    currency: str
    partners: int = strawberry.field(description="The partners the program is for.")
    accrued: Decimal = strawberry.field(description="The partners' statements' accrued, summed.")
    paid: Decimal = strawberry.field(description="Interim and final payouts so far.")
    open: Decimal = strawberry.field(description="Accrued less paid.")
    accruals: list[RebatePeriodAccrual] = strawberry.field(
        description="Each period of the program, oldest first, with what it added."
    )

    @classmethod
    def from_domain(cls, x: ProgramLiability) -> RebateLiability:
        return cls(
            program_id=strawberry.ID(str(x.program_id)),
            currency=x.currency,
            partners=x.partners,
            accrued=x.accrued,
            paid=x.paid,
            open=x.open,
            accruals=[RebatePeriodAccrual(period=a.period, accrued=a.accrued) for a in x.accruals],
        )
