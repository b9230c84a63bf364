"""The catalogue: products, dated list prices and partner SKU mappings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_planning_date
from portal.domain.catalog.lookups import get_partner, get_product
from portal.domain.errors import DomainError, ErrorCode, check_code, check_length, require
from portal.domain.idempotency import idempotent
from portal.domain.tenancy import save_fields
from portal.models import PartnerSkuMapping, Product, ProductPrice


def visible_products(principal: Principal, search: str | None = None) -> QuerySet[Product]:
    principal.require(Action.VIEW_CATALOG)
    products = Product.filter(manufacturer_id=principal.manufacturer_id)
    if search and search.strip():
        term = search.strip()
        products = products.filter(Q(sku__icontains=term) | Q(name__icontains=term))
    return products


def check_price(value: Decimal | str | None, field: str = "listPrice") -> Decimal:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(ErrorCode.INVALID, "The price is not a number.", [field]) from None
    if not price.is_finite() or price < 0 or price >= Decimal("1e14"):
        raise DomainError(ErrorCode.INVALID, "The price must be 0 or more.", [field])
    return price.quantize(Decimal("0.0001"))


def check_currency(value: str) -> str:
    currency = value.strip().upper()
    if len(currency) != 3 or not (currency.isascii() and currency.isalpha()):
        raise DomainError(ErrorCode.INVALID, "Currency is a 3-letter ISO code.", ["currency"])
    return currency


async def create_product(
    principal: Principal,
    *,
    sku: str,
    name: str,
    category: str = "",
    serial_controlled: bool = False,
    batch_controlled: bool = False,
    list_price: Decimal | None = None,
    currency: str = "USD",
    price_valid_from: date | None = None,
    idempotency_key: str | None = None,
) -> Product:
    principal.require(Action.MANAGE_PRODUCTS)
    request: dict[str, Any] = {
        "sku": sku,
        "name": name,
        "category": category,
        "serial": serial_controlled,
        "batch": batch_controlled,
        "price": list_price,
        "currency": currency,
        "from": price_valid_from,
    }

    async def create() -> Product:
        clean_sku = check_code(sku, "sku")
        if price_valid_from is not None:
            check_planning_date(price_valid_from, ["priceValidFrom"])
        clean_name = check_length(require(name, "name"), "name")
        price = None if list_price is None else check_price(list_price)
        clean_currency = check_currency(currency)
        if await Product.exists(manufacturer_id=principal.manufacturer_id, sku=clean_sku):
            raise DomainError(
                ErrorCode.ALREADY_EXISTS, f"A product with SKU '{clean_sku}' exists.", ["sku"]
            )
        async with in_transaction():
            product = await Product.create(
                manufacturer_id=principal.manufacturer_id,
                sku=clean_sku,
                name=clean_name,
                category=check_length(category.strip(), "category", 100),
                serial_controlled=serial_controlled,
                batch_controlled=batch_controlled,
            )
            if price is not None:
                await ProductPrice.create(
                    manufacturer_id=product.manufacturer_id,
                    product=product,
                    valid_from=price_valid_from or datetime.now(UTC).date(),
                    price=price,
                    currency=clean_currency,
                )
        return product

    return await idempotent(
        principal, "createProduct", idempotency_key, request, create=create, model=Product
    )


async def update_product(
    principal: Principal,
    sku: str,
    *,
    name: str | None = None,
    category: str | None = None,
    batch_controlled: bool | None = None,
    active: bool | None = None,
) -> Product:
    """Serial control is fixed at creation: changing it would orphan recorded serials."""
    principal.require(Action.MANAGE_PRODUCTS)
    product = await get_product(principal, sku)
    if name is not None:
        product.name = check_length(require(name, "name"), "name")
    if category is not None:
        product.category = check_length(category.strip(), "category", 100)
    if batch_controlled is not None:
        product.batch_controlled = batch_controlled
    if active is not None:
        product.active = active
    await save_fields(product, "name", "category", "batch_controlled", "active")
    return product


async def set_list_price(
    principal: Principal, sku: str, *, price: Decimal, valid_from: date, currency: str = "USD"
) -> ProductPrice:
    """Add (or correct) the list price valid from a date; earlier prices stay as history."""
    principal.require(Action.MANAGE_PRODUCTS)
    product = await get_product(principal, sku)
    clean = check_price(price, "price")
    check_planning_date(valid_from, ["validFrom"])
    entry, created = await ProductPrice.get_or_create(
        manufacturer_id=product.manufacturer_id,
        product=product,
        valid_from=valid_from,
        defaults={"price": clean, "currency": check_currency(currency)},
    )
    if not created:
        entry.price = clean
        entry.currency = check_currency(currency)
        await save_fields(entry, "price", "currency")
    return entry


async def list_price_on(product_id: int, on: date) -> ProductPrice | None:
    return (
        await ProductPrice.filter(product_id=product_id, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )


def visible_sku_mappings(
    principal: Principal, partner_id: int | None
) -> QuerySet[PartnerSkuMapping]:
    principal.require(Action.VIEW_CATALOG)
    mappings = PartnerSkuMapping.filter(manufacturer_id=principal.manufacturer_id)
    if partner_id is not None:
        mappings = mappings.filter(partner_id=partner_id)
    return mappings


async def map_partner_sku(
    principal: Principal, *, partner_sku: str, sku: str, partner_code: str | None = None
) -> PartnerSkuMapping:
    """Map a partner's own part number to a SKU (replacing an earlier mapping of it)."""
    principal.require(Action.MANAGE_SKU_MAPPINGS)
    partner = await _mapping_partner(principal, partner_code)
    product = await get_product(principal, sku)
    clean = require(partner_sku, "partnerSku")
    check_length(clean, "partnerSku", 100)
    mapping, created = await PartnerSkuMapping.get_or_create(
        manufacturer_id=principal.manufacturer_id,
        partner_id=partner,
        partner_sku=clean,
        defaults={"product": product},
    )
    if not created and mapping.product_id != product.id:
        mapping.product = product
        await save_fields(mapping, "product_id")
    return mapping


async def unmap_partner_sku(
    principal: Principal, *, partner_sku: str, partner_code: str | None = None
) -> None:
    principal.require(Action.MANAGE_SKU_MAPPINGS)
    partner = await _mapping_partner(principal, partner_code)
    deleted = await PartnerSkuMapping.filter(
        manufacturer_id=principal.manufacturer_id, partner_id=partner, partner_sku=partner_sku
    ).delete()
    if not deleted:
        raise DomainError(ErrorCode.NOT_FOUND, "No such partner SKU mapping.", ["partnerSku"])


async def _mapping_partner(principal: Principal, partner_code: str | None) -> int:
    if partner_code:
        return (await get_partner(principal, partner_code)).id
    if principal.partner_id is None:
        raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
    return principal.partner_id
