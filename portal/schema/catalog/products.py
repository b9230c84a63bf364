"""Graph types of products, list prices and partner SKU mappings."""

from __future__ import annotations

import asyncio
import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from portal.domain.catalog.products import list_price_on
from portal.models import PartnerSkuMapping as MappingModel
from portal.models import Product as ProductModel
from portal.schema.common import UserError


@strawberry.type
class ListPrice:
    valid_from: datetime.date
    price: Decimal
    currency: str


@strawberry.type
class Product:
    id: strawberry.ID
    sku: str
    name: str
    category: str
    serial_controlled: bool
    batch_controlled: bool
    active: bool
    pk: strawberry.Private[int]

    @strawberry.field(description="The list price valid today (or on the given date).")
    async def list_price(self, info: Info, on: datetime.date | None = None) -> Decimal | None:
        if on is None:
            return await info.context.loaders.catalog.price_today.load(self.pk)
        price = await list_price_on(self.pk, on)
        return price.price if price else None

    @strawberry.field(description="Every dated list price, oldest first.")
    async def price_history(self, info: Info) -> list[ListPrice]:
        rows = await info.context.loaders.catalog.price_history.load(self.pk)
        return [
            ListPrice(valid_from=r.valid_from, price=r.price, currency=r.currency) for r in rows
        ]

    @classmethod
    def from_model(cls, product: ProductModel) -> Product:
        return cls(
            id=strawberry.ID(str(product.id)),
            sku=product.sku,
            name=product.name,
            category=product.category,
            serial_controlled=product.serial_controlled,
            batch_controlled=product.batch_controlled,
            active=product.active,
            pk=product.id,
        )


@strawberry.type
class SkuMapping:
    partner_sku: str
    sku: str
    partner_code: str

    @classmethod
    async def from_model(cls, mapping: MappingModel, info: Info) -> SkuMapping:
        loaders = info.context.loaders.catalog
        product, partner = await asyncio.gather(
            loaders.product.load(mapping.product_id),
            loaders.partner.load(mapping.partner_id),
        )
        return cls(partner_sku=mapping.partner_sku, sku=product.sku, partner_code=partner.code)


@strawberry.input
class CreateProductInput:
    sku: str
    name: str
    category: str = ""
    serial_controlled: bool = False
    batch_controlled: bool = False
    list_price: Decimal | None = None
    currency: str = "USD"
    price_valid_from: datetime.date | None = None
    idempotency_key: str | None = None


@strawberry.input
class UpdateProductInput:
    sku: str
    name: str | None = None
    category: str | None = None
    batch_controlled: bool | None = None
    active: bool | None = None


@strawberry.input
class SetListPriceInput:
    sku: str
    price: Decimal
    valid_from: datetime.date
    currency: str = "USD"


@strawberry.input
class MapPartnerSkuInput:
    partner_sku: str
    sku: str
    partner_code: str | None = None


@strawberry.input
class UnmapPartnerSkuInput:
    partner_sku: str
    partner_code: str | None = None


@strawberry.type
class ProductPayload:
    product: Product | None
    errors: list[UserError]


@strawberry.type
class SkuMappingPayload:
    mapping: SkuMapping | None
    errors: list[UserError]
