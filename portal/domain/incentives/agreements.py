"""Price agreements (special pricing authorizations): a partner may resell a SKU at an
authorized price below its book cost, optionally only to one registry end customer
and/or for one approved design registration; ship & debit credits the difference.

    agreement = await create_price_agreement(manager, partner_code="D1",
        customer=("Acme Robotics", "US", ""), valid_from=..., valid_to=...,
        lines=[AgreementLineInput("SKU-A", Decimal("100"), Decimal("80"), 500)])

Approving a design registration with authorized prices creates its agreement
(:func:`agreement_for_design`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_validity
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import CUSTOMER_NAME, clean_text
from portal.domain.catalog.lookups import get_product, partner_scope
from portal.domain.catalog.products import check_currency, check_price
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.reporting import customers as end_customers
from portal.domain.tenancy import visible_to
from portal.models import (
    DesignLine,
    DesignRegistration,
    PriceAgreement,
    PriceAgreementLine,
    ProductPrice,
)

MAX_LINES = 200


@dataclass(frozen=True, slots=True)
class AgreementLineInput:
    sku: str
    book_cost: Decimal
    authorized_price: Decimal
    max_quantity: int | None = None


def visible_agreements(
    principal: Principal, *, partner_id: int | None = None
) -> QuerySet[PriceAgreement]:
    principal.require(Action.VIEW_INVENTORY)
    agreements = visible_to(principal, PriceAgreement)
    if partner_id is not None:
        agreements = agreements.filter(partner_id=partner_id)
    return agreements


def _country(value: str) -> str:
    country = value.strip().upper()
    if len(country) != 2 or not (country.isascii() and country.isalpha()):
        raise DomainError(
            ErrorCode.INVALID, "country is a 2-letter ISO code.", ["endCustomer", "country"]
        )
    return country


async def create_price_agreement(
    principal: Principal,
    *,
    partner_code: str | None,
    valid_from: date,
    valid_to: date,
    lines: list[AgreementLineInput],
    customer: tuple[str, str, str] | None = None,
    design_registration_id: int | None = None,
    currency: str = "USD",
    idempotency_key: str | None = None,
) -> PriceAgreement:
    principal.require(Action.MANAGE_AGREEMENTS)
    request = {
        "partner": partner_code,
        "from": valid_from,
        "to": valid_to,
        "lines": [asdict(x) for x in lines],
        "customer": customer,
        "design": design_registration_id,
        "currency": currency,
    }

    async def create() -> PriceAgreement:
        partner_id = await partner_scope(principal, partner_code)
        if partner_id is None:
            raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
        check_validity(valid_from, valid_to)
        clean_currency = check_currency(currency)
        customer_id: int | None = None
        name, country = "", ""
        if design_registration_id is not None:
            design = await DesignRegistration.get_or_none(
                manufacturer_id=principal.manufacturer_id,
                id=design_registration_id,
                partner_id=partner_id,
            )
            if design is None or design.status.value not in ("APPROVED", "WON"):
                raise DomainError(
                    ErrorCode.NOT_FOUND,
                    "No approved design registration of this partner with that id.",
                    ["designRegistrationId"],
                )
            customer_id, name = design.end_customer_id, design.end_customer_name
        if customer is not None:
            name = clean_text(customer[0], ["endCustomer", "name"], max_length=CUSTOMER_NAME)
            country = _country(customer[1])
            postal = clean_text(
                customer[2], ["endCustomer", "postalCode"], max_length=20, required=False
            )
            entry = await end_customers.resolve(principal.manufacturer_id, name, country, postal)
            if customer_id is not None and entry.id != customer_id:
                raise DomainError(
                    ErrorCode.INVALID,
                    "The end customer is not the design registration's.",
                    ["endCustomer"],
                )
            customer_id = entry.id
        if not lines or len(lines) > MAX_LINES:
            raise DomainError(
                ErrorCode.REQUIRED, f"1 to {MAX_LINES} lines are required.", ["lines"]
            )
        checked: list[tuple[int, Decimal, Decimal, int | None]] = []
        seen: set[int] = set()
        for index, line in enumerate(lines):
            at = ["lines", str(index)]
            product = await get_product(principal, line.sku, field="sku")
            if product.id in seen:
                raise DomainError(ErrorCode.ALREADY_EXISTS, f"{line.sku} twice.", [*at, "sku"])
            seen.add(product.id)
            book = check_price(line.book_cost, "bookCost")
            authorized = check_price(line.authorized_price, "authorizedPrice")
            if authorized >= book:
                raise DomainError(
                    ErrorCode.INVALID,
                    "authorizedPrice must be below bookCost.",
                    [*at, "authorizedPrice"],
                )
            if line.max_quantity is not None:
                check_quantity(line.max_quantity, [*at, "maxQuantity"], sign=Sign.POSITIVE)
            checked.append((product.id, book, authorized, line.max_quantity))
        return await _store(
            principal.manufacturer_id,
            partner_id,
            customer_id=customer_id,
            customer_name=name,
            country=country,
            design_registration_id=design_registration_id,
            valid_from=valid_from,
            valid_to=valid_to,
            currency=clean_currency,
            lines=checked,
            token_id=principal.token_id,
        )

    return await idempotent(
        principal,
        "createPriceAgreement",
        idempotency_key,
        request,
        create=create,
        model=PriceAgreement,
    )


async def _store(
    manufacturer_id: int,
    partner_id: int,
    *,
    customer_id: int | None,
    customer_name: str,
    country: str,
    design_registration_id: int | None,
    valid_from: date,
    valid_to: date,
    currency: str,
    lines: list[tuple[int, Decimal, Decimal, int | None]],
    token_id: int | None,
) -> PriceAgreement:
    async with in_transaction():
        agreement = await PriceAgreement.create(
            manufacturer_id=manufacturer_id,
            partner_id=partner_id,
            end_customer_id=customer_id,
            end_customer_name=customer_name,
            end_customer_country=country,
            design_registration_id=design_registration_id,
            valid_from=valid_from,
            valid_to=valid_to,
            currency=currency,
            token_id=token_id,
        )
        await PriceAgreementLine.bulk_create(
            [
                PriceAgreementLine(
                    manufacturer_id=manufacturer_id,
                    agreement=agreement,
                    product_id=product_id,
                    book_cost=book,
                    authorized_price=authorized,
                    max_quantity=cap,
                )
                for product_id, book, authorized, cap in lines
            ]
        )
    return agreement


async def agreement_for_design(
    registration: DesignRegistration, valid_from: date, valid_to: date, token_id: int | None
) -> PriceAgreement | None:
    """The agreement an approved design with authorized prices carries: its partner and
    customer, valid until the registration expires; book cost is the list price on
    approval. Lines without a list price above the authorized price are left out (None:
    no line qualifies). Called inside the approval's transaction."""
    m: int = registration.manufacturer_id
    design_lines = await DesignLine.filter(
        manufacturer_id=m, registration_id=registration.id, authorized_price__isnull=False
    ).order_by("id")
    lines: list[tuple[int, Decimal, Decimal, int | None]] = []
    currency = "USD"
    for line in design_lines:
        price = (
            await ProductPrice.filter(
                manufacturer_id=m, product_id=line.product_id, valid_from__lte=valid_from
            )
            .order_by("-valid_from")
            .first()
        )
        authorized = line.authorized_price
        if price is None or authorized is None or authorized >= price.price:
            continue
        currency = price.currency
        lines.append((line.product_id, price.price, authorized, None))
    if not lines:
        return None
    return await _store(
        m,
        registration.partner_id,
        customer_id=registration.end_customer_id,
        customer_name=registration.end_customer_name,
        country="",
        design_registration_id=registration.id,
        valid_from=valid_from,
        valid_to=valid_to,
        currency=currency,
        lines=lines,
        token_id=token_id,
    )
