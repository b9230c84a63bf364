"""``GET /exports/charges.csv?period=P[&partnerCode=X]``: the charges of inventory
contracts of a period (billing lines at the contract price), one row per charge,
streamed in pages; a partner token gets its own only."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response

from portal.http.exports import csv_response, inert, pages_after_id, period_query

COLUMNS = [
    "charge_id",
    "charged_on",
    "period",
    "partner",
    "contract_id",
    "call_off_id",
    "sku",
    "quantity",
    "unit_price",
    "amount",
    "currency",
]


async def export_charges(request: Request) -> Response:
    from portal.domain.catalog.reads import by_ids
    from portal.domain.contracts.consumption import find_charges
    from portal.models import Partner, Product

    found = await period_query(request, find_charges)
    if isinstance(found, Response):
        return found
    principal, charges = found
    m = principal.manufacturer_id

    async def batches() -> AsyncIterator[list[list[object]]]:
        async for page in pages_after_id(charges):
            partners = await by_ids(Partner, m, [x.partner_id for x in page])
            products = await by_ids(Product, m, [x.product_id for x in page])
            yield [
                [
                    charge.id,
                    charge.charged_on.isoformat(),
                    inert(charge.period),
                    inert(partner.code if partner else ""),
                    charge.contract_id,
                    charge.call_off_id,
                    inert(product.sku if product else ""),
                    charge.quantity,  # numbers as numbers: never formulas
                    charge.unit_price,
                    charge.amount,
                    inert(charge.currency),
                ]
                for charge, partner, product in zip(page, partners, products, strict=True)
            ]

    return csv_response("charges.csv", COLUMNS, batches())
