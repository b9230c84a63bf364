"""Prefilled drafts: what makes partners actually report.

- POS draft for P: one row per (warehouse, SKU, end customer) the partner reported in
  P-1 (its current accepted version), quantity empty.
- Stock draft for P: one row per (warehouse, SKU) with the calculated closing quantity
  of P from the ledger (entries dated up to the period's end).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Sum

from portal.domain.access.principal import Action, Principal
from portal.domain.catalog.lookups import partner_scope
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.periods import parse_period
from portal.domain.reporting.accepted import current_report
from portal.domain.reporting.lines import pos_lines_of
from portal.models import EndCustomer, LedgerEntry, Product, Warehouse
from portal.models.enums import SubmissionKind

MAX_DRAFT_LINES = 50_000


@dataclass(frozen=True, slots=True)
class PosDraftRow:
    warehouse_code: str
    sku: str
    customer_name: str
    country: str
    postal_code: str


@dataclass(frozen=True, slots=True)
class StockDraftRow:
    warehouse_code: str
    sku: str
    quantity: int


async def _partner(principal: Principal, partner_code: str | None) -> int:
    principal.require(Action.VIEW_INVENTORY)
    partner_id = await partner_scope(principal, partner_code)
    if partner_id is None:
        raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
    return partner_id


async def pos_draft(
    principal: Principal, period: str, partner_code: str | None = None
) -> list[PosDraftRow]:
    partner_id = await _partner(principal, partner_code)
    settings = await settings_of(principal.manufacturer_id)
    previous = parse_period(period, settings.period_granularity).previous()
    source = await current_report(
        principal.manufacturer_id, partner_id, SubmissionKind.POS, previous.name
    )
    if source is None:
        return []
    keys = (
        await pos_lines_of(source)
        .distinct()
        .limit(MAX_DRAFT_LINES)
        .values_list("warehouse_id", "product_id", "end_customer_id")
    )
    warehouses = dict(
        await Warehouse.filter(
            manufacturer_id=principal.manufacturer_id, id__in={k[0] for k in keys}
        ).values_list("id", "code")
    )
    skus = dict(
        await Product.filter(
            manufacturer_id=principal.manufacturer_id, id__in={k[1] for k in keys}
        ).values_list("id", "sku")
    )
    customers = {
        c.id: c
        for c in await EndCustomer.filter(
            manufacturer_id=principal.manufacturer_id, id__in={k[2] for k in keys}
        )
    }
    rows = [
        PosDraftRow(
            warehouses[w],
            skus[p],
            customers[c].name,
            customers[c].country,
            customers[c].postal_code,
        )
        for w, p, c in keys
    ]
    return sorted(set(rows), key=lambda r: (r.warehouse_code, r.sku, r.customer_name))


async def stock_draft(
    principal: Principal, period: str, partner_code: str | None = None
) -> list[StockDraftRow]:
    partner_id = await _partner(principal, partner_code)
    settings = await settings_of(principal.manufacturer_id)
    end = parse_period(period, settings.period_granularity).end
    sums = (
        await LedgerEntry.filter(
            partner_id=partner_id, manufacturer_id=principal.manufacturer_id, business_date__lte=end
        )
        .annotate(total=Sum("quantity"))
        .group_by("warehouse_id", "product_id")
        .values_list("warehouse_id", "product_id", "total")
    )
    warehouses = dict(
        await Warehouse.filter(
            manufacturer_id=principal.manufacturer_id, id__in={s[0] for s in sums}
        ).values_list("id", "code")
    )
    skus = dict(
        await Product.filter(
            manufacturer_id=principal.manufacturer_id, id__in={s[1] for s in sums}
        ).values_list("id", "sku")
    )
    rows = [StockDraftRow(warehouses[w], skus[p], int(total or 0)) for w, p, total in sums]
    return sorted(rows, key=lambda r: (r.warehouse_code, r.sku))[:MAX_DRAFT_LINES]
