"""Resolvers of products, list prices and partner SKU mappings."""

from __future__ import annotations

import asyncio

from strawberry.types import Info

from portal.domain.catalog import products
from portal.domain.catalog.lookups import get_product, partner_scope
from portal.domain.pagination import paginate
from portal.models import Product as ProductModel
from portal.schema.catalog.products import (
    CreateProductInput,
    MapPartnerSkuInput,
    Product,
    ProductPayload,
    SetListPriceInput,
    SkuMapping,
    SkuMappingPayload,
    UnmapPartnerSkuInput,
    UpdateProductInput,
)
from portal.schema.common import Connection, attempt, to_connection


async def resolve_products(
    info: Info, first: int | None = None, after: str | None = None, search: str | None = None
) -> Connection[Product]:
    ctx = info.context
    page = await paginate(
        products.visible_products(ctx.principal, search),
        first=first,
        after=after,
        limit=ctx.settings.max_page_size,
    )
    return to_connection(page, Product.from_model, after)


async def create_product(info: Info, input: CreateProductInput) -> ProductPayload:
    product, errors = await attempt(
        lambda: products.create_product(
            info.context.principal,
            sku=input.sku,
            name=input.name,
            category=input.category,
            serial_controlled=input.serial_controlled,
            batch_controlled=input.batch_controlled,
            list_price=input.list_price,
            currency=input.currency,
            price_valid_from=input.price_valid_from,
            idempotency_key=input.idempotency_key,
        )
    )
    return ProductPayload(
        product=Product.from_model(product) if product is not None else None, errors=errors
    )


async def update_product(info: Info, input: UpdateProductInput) -> ProductPayload:
    product, errors = await attempt(
        lambda: products.update_product(
            info.context.principal,
            input.sku,
            name=input.name,
            category=input.category,
            batch_controlled=input.batch_controlled,
            active=input.active,
        )
    )
    return ProductPayload(
        product=Product.from_model(product) if product is not None else None, errors=errors
    )


async def set_list_price(info: Info, input: SetListPriceInput) -> ProductPayload:
    principal = info.context.principal

    async def run() -> ProductModel:
        await products.set_list_price(
            principal,
            input.sku,
            price=input.price,
            valid_from=input.valid_from,
            currency=input.currency,
        )
        return await get_product(principal, input.sku)

    product, errors = await attempt(run)
    return ProductPayload(
        product=Product.from_model(product) if product is not None else None, errors=errors
    )


async def resolve_sku_mappings(
    info: Info, partner_code: str | None = None, first: int | None = None, after: str | None = None
) -> Connection[SkuMapping]:
    ctx = info.context
    partner_id = await partner_scope(ctx.principal, partner_code)
    page = await paginate(
        products.visible_sku_mappings(ctx.principal, partner_id),
        first=first,
        after=after,
        limit=ctx.settings.max_page_size,
    )
    page.items = list(await asyncio.gather(*(SkuMapping.from_model(m, info) for m in page.items)))
    return to_connection(page, lambda m: m, after)


async def map_partner_sku(info: Info, input: MapPartnerSkuInput) -> SkuMappingPayload:
    mapping, errors = await attempt(
        lambda: products.map_partner_sku(
            info.context.principal,
            partner_sku=input.partner_sku,
            sku=input.sku,
            partner_code=input.partner_code,
        )
    )
    return SkuMappingPayload(
        mapping=await SkuMapping.from_model(mapping, info) if mapping is not None else None,
        errors=errors,
    )


async def unmap_partner_sku(info: Info, input: UnmapPartnerSkuInput) -> SkuMappingPayload:
    _, errors = await attempt(
        lambda: products.unmap_partner_sku(
            info.context.principal, partner_sku=input.partner_sku, partner_code=input.partner_code
        )
    )
    return SkuMappingPayload(mapping=None, errors=errors)
