"""Sales agreements: what a partner committed to buy, per SKU and period, and how its
sell-in performs against it.

    agreement = await create_sales_agreement(manager, partner_code="D1", name="FY27",
        period_from="2026-10", period_to="2026-12",
        lines=[CommitmentInput("SKU-A", "2026-10", 100)])
    rows = await agreement_performance(principal, agreement.id)
    # committed 100, actual 80 (sell-in), remaining 20, variance -20
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import clean_text
from portal.domain.catalog.lookups import get_product, partner_scope
from portal.domain.demand.periods import period_range
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.ledger.period_totals import sell_in_totals
from portal.domain.tenancy import visible_to
from portal.models import Product, SalesAgreement, SalesAgreementLine

MAX_LINES = 2000


@dataclass(frozen=True, slots=True)
class CommitmentInput:
    sku: str
    period: str
    committed_quantity: int


@dataclass(frozen=True, slots=True)
class PerformanceRow:
    sku: str
    period: str
    committed: int
    actual: int  # sell-in of the partner for the SKU in the period
    remaining: int  # what is left of the obligation, never negative
    variance: int  # actual - committed


def visible_sales_agreements(
    principal: Principal, *, partner_id: int | None = None
) -> QuerySet[SalesAgreement]:
    principal.require(Action.VIEW_INVENTORY)
    agreements = visible_to(principal, SalesAgreement)
    if partner_id is not None:
        agreements = agreements.filter(partner_id=partner_id)
    return agreements


async def create_sales_agreement(
    principal: Principal,
    *,
    partner_code: str | None,
    name: str,
    period_from: str,
    period_to: str,
    lines: list[CommitmentInput],
    idempotency_key: str | None = None,
) -> SalesAgreement:
    principal.require(Action.PLAN_DEMAND)
    request = {
        "partner": partner_code,
        "name": name,
        "from": period_from,
        "to": period_to,
        "lines": [asdict(x) for x in lines],
    }

    async def create() -> SalesAgreement:
        partner_id = await partner_scope(principal, partner_code)
        if partner_id is None:
            raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
        clean_name = clean_text(name, ["name"], max_length=200)
        periods = {
            p.name for p in await period_range(principal.manufacturer_id, period_from, period_to)
        }
        if not lines or len(lines) > MAX_LINES:
            raise DomainError(
                ErrorCode.REQUIRED, f"1 to {MAX_LINES} lines are required.", ["lines"]
            )
        checked: list[tuple[int, str, int]] = []
        seen: set[tuple[int, str]] = set()
        products: dict[str, Product] = {}
        for index, line in enumerate(lines):
            at = ["lines", str(index)]
            if line.sku not in products:
                products[line.sku] = await get_product(principal, line.sku, field="sku")
            product = products[line.sku]
            if line.period not in periods:
                raise DomainError(
                    ErrorCode.INVALID_PERIOD,
                    f"{line.period} is not between {period_from} and {period_to}.",
                    [*at, "period"],
                )
            check_quantity(line.committed_quantity, [*at, "committedQuantity"], sign=Sign.POSITIVE)
            if (product.id, line.period) in seen:
                raise DomainError(
                    ErrorCode.ALREADY_EXISTS, f"{line.sku} {line.period} twice.", [*at, "sku"]
                )
            seen.add((product.id, line.period))
            checked.append((product.id, line.period, line.committed_quantity))
        async with in_transaction():
            agreement = await SalesAgreement.create(
                manufacturer_id=principal.manufacturer_id,
                partner_id=partner_id,
                name=clean_name,
                period_from=min(periods),
                period_to=max(periods),
                token_id=principal.token_id,
            )
            await SalesAgreementLine.bulk_create(
                [
                    SalesAgreementLine(
                        manufacturer_id=principal.manufacturer_id,
                        agreement_id=agreement.id,
                        partner_id=partner_id,
                        product_id=product_id,
                        period=period,
                        committed_quantity=quantity,
                    )
                    for product_id, period, quantity in checked
                ]
            )
        return agreement

    return await idempotent(
        principal,
        "createSalesAgreement",
        idempotency_key,
        request,
        create=create,
        model=SalesAgreement,
    )


async def agreement_performance(principal: Principal, agreement_id: int) -> list[PerformanceRow]:
    """Per line (SKU, period): committed, the partner's sell-in (from the manufacturer,
    and transfers received from another partner: a reseller buys from its distributor),
    remaining, variance."""
    agreement = await visible_sales_agreements(principal).filter(id=agreement_id).first()
    if agreement is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such sales agreement.", ["id"])
    m = principal.manufacturer_id
    lines = await SalesAgreementLine.filter(manufacturer_id=m, agreement_id=agreement.id).order_by(
        "period", "id"
    )
    products = {
        p.id: p.sku
        for p in await Product.filter(manufacturer_id=m, id__in=[x.product_id for x in lines])
    }
    actual = await sell_in_totals(
        m,
        periods={x.period for x in lines},
        partner_ids=[agreement.partner_id],
        product_ids=[x.product_id for x in lines],
    )
    rows = []
    for line in lines:
        done = actual.get((agreement.partner_id, line.product_id, line.period), 0)
        rows.append(
            PerformanceRow(
                sku=products.get(line.product_id, ""),
                period=line.period,
                committed=line.committed_quantity,
                actual=done,
                remaining=max(line.committed_quantity - done, 0),
                variance=done - line.committed_quantity,
            )
        )
    return rows
