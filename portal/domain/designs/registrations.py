"""Design registration: partners claim opportunities, managers approve or reject,
registrations expire, and design wins are tracked by the partner's POS.

Conflicts between registrations are :mod:`portal.domain.designs.conflicts`. With
``design_first_registrant_priority`` a later registration cannot be approved while an
earlier conflicting one is active.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_planning_date
from portal.domain.bounds.quantities import Sign, check_quantity
from portal.domain.bounds.text import CUSTOMER_NAME, NAME, NOTE, clean_text
from portal.domain.catalog.lookups import get_product, partner_scope
from portal.domain.catalog.products import check_price
from portal.domain.catalog.tenants import settings_of
from portal.domain.designs.conflicts import conflicts
from portal.domain.designs.reads import sell_through_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.job_failures import ItemGuard
from portal.domain.reporting import customers as end_customers
from portal.domain.tenancy import save_fields, tenant_by_tenant, visible_to
from portal.jobs.kinds import EXPIRE_DESIGNS
from portal.models import (
    DesignEvent,
    DesignLine,
    DesignRegistration,
    OutboxEvent,
)
from portal.models.enums import DesignStatus

MAX_LINES = 200


@dataclass(frozen=True, slots=True)
class DesignLineInput:
    sku: str
    expected_quantity: int
    requested_price: Decimal | None = None


def visible_designs(
    principal: Principal,
    *,
    partner_id: int | None = None,
    status: DesignStatus | None = None,
) -> QuerySet[DesignRegistration]:
    principal.require(Action.VIEW_INVENTORY)
    designs = visible_to(principal, DesignRegistration)
    if partner_id is not None:
        designs = designs.filter(partner_id=partner_id)
    if status is not None:
        designs = designs.filter(status=status)
    return designs


async def _event(
    registration: DesignRegistration, principal: Principal | None, action: str, **details: Any
) -> None:
    await DesignEvent.create(
        manufacturer_id=registration.manufacturer_id,
        registration_id=registration.id,
        token_id=principal.token_id if principal else None,
        action=action,
        details=details,
    )


async def _announce(registration: DesignRegistration, event: str) -> None:
    """An outbox event for the webhooks (submitted, approved, rejected, expired)."""
    await OutboxEvent.get_or_create(
        manufacturer_id=registration.manufacturer_id,
        dedupe_key=f"{event}:{registration.id}",
        defaults={
            "event_type": event,
            "payload": {
                "registrationId": str(registration.id),
                "status": registration.status.value,
                "projectName": registration.project_name,
            },
        },
    )


async def register_design(
    principal: Principal,
    *,
    customer_name: str,
    country: str,
    postal_code: str = "",
    project_name: str,
    application: str = "",
    expected_close_on: date,
    lines: list[DesignLineInput],
    attachments: list[str] | None = None,
    partner_code: str | None = None,
    idempotency_key: str | None = None,
) -> DesignRegistration:
    principal.require(Action.REGISTER_DESIGNS)
    request = {
        "customer": [customer_name, country, postal_code],
        "project": project_name,
        "app": application,
        "close": expected_close_on,
        "lines": [asdict(x) for x in lines],
        "att": attachments,
        "partner": partner_code,
    }

    async def create() -> DesignRegistration:
        partner_id = await partner_scope(principal, partner_code)
        if partner_id is None:
            raise DomainError(ErrorCode.REQUIRED, "partnerCode is required.", ["partnerCode"])
        name = clean_text(customer_name, ["endCustomer", "name"], max_length=CUSTOMER_NAME)
        postal = clean_text(
            postal_code, ["endCustomer", "postalCode"], max_length=20, required=False
        )
        clean_country = country.strip().upper()
        if len(clean_country) != 2 or not (clean_country.isascii() and clean_country.isalpha()):
            raise DomainError(
                ErrorCode.INVALID, "country is a 2-letter ISO code.", ["endCustomer", "country"]
            )
        project = clean_text(project_name, "projectName", max_length=NAME)
        clean_application = clean_text(application, "application", max_length=NAME, required=False)
        check_planning_date(expected_close_on, ["expectedCloseOn"])
        if not lines or len(lines) > MAX_LINES:
            raise DomainError(
                ErrorCode.REQUIRED, f"1 to {MAX_LINES} lines are required.", ["lines"]
            )
        links = [a.strip() for a in attachments or [] if a.strip()]
        if (
            any(not a.startswith(("https://", "http://")) or len(a) > 1000 for a in links)
            or len(links) > 20
        ):
            raise DomainError(
                ErrorCode.INVALID, "Attachments are up to 20 http(s) links.", ["attachments"]
            )
        products = []
        for index, line in enumerate(lines):
            product = await get_product(principal, line.sku, field="sku")
            check_quantity(
                line.expected_quantity,
                ["lines", str(index), "expectedQuantity"],
                sign=Sign.POSITIVE,
            )
            price = (
                None
                if line.requested_price is None
                else check_price(line.requested_price, "requestedPrice")
            )
            products.append((product, line.expected_quantity, price))
        customer = await end_customers.resolve(
            principal.manufacturer_id, name, clean_country, postal
        )
        async with in_transaction():
            registration = await DesignRegistration.create(
                manufacturer_id=principal.manufacturer_id,
                partner_id=partner_id,
                end_customer=customer,
                end_customer_name=name,
                project_name=project,
                application=clean_application,
                expected_close_on=expected_close_on,
                attachments=links,
            )
            await DesignLine.bulk_create(
                [
                    DesignLine(
                        manufacturer_id=registration.manufacturer_id,
                        registration=registration,
                        product=p,
                        expected_annual_quantity=q,
                        requested_price=r,
                    )
                    for p, q, r in products
                ]
            )
            await _event(registration, principal, "SUBMITTED")
            await OutboxEvent.create(
                manufacturer_id=principal.manufacturer_id,
                event_type="design.registered",
                dedupe_key=f"design.registered:{registration.id}",
                payload={"registrationId": str(registration.id), "projectName": project},
            )
        return registration

    return await idempotent(
        principal,
        "registerDesign",
        idempotency_key,
        request,
        create=create,
        model=DesignRegistration,
    )


async def review_design(
    principal: Principal,
    registration_id: int,
    *,
    approve: bool,
    expires_on: date | None = None,
    note: str | None = None,
    authorized_prices: dict[str, Decimal] | None = None,
    today: date | None = None,
) -> DesignRegistration:
    principal.require(Action.REVIEW_DESIGNS)
    today = today or datetime.now(UTC).date()
    clean_note = clean_text(note, "note", max_length=NOTE // 2, required=False, multiline=True)
    if expires_on is not None:
        check_planning_date(expires_on, ["expiresOn"], today)
    async with in_transaction():
        query = visible_designs(principal).filter(id=registration_id)
        if is_postgres():
            query = query.select_for_update()
        registration = await query.first()
        if registration is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such design registration.", ["id"])
        if registration.status is not DesignStatus.SUBMITTED:
            raise DomainError(
                ErrorCode.INVALID_STATE, f"The registration is {registration.status.value}.", ["id"]
            )
        if approve:
            if expires_on is None or expires_on <= today:
                raise DomainError(
                    ErrorCode.INVALID, "Approval needs an expiry date in the future.", ["expiresOn"]
                )
            settings = await settings_of(principal.manufacturer_id)
            if settings.design_first_registrant_priority:
                earlier = [
                    c
                    for c in await conflicts(principal, registration, today)
                    if c.registration_id is not None and c.registration_id < registration.id
                ]
                if earlier:
                    raise DomainError(
                        ErrorCode.CONFLICT_PRIORITY,
                        f"Registration {earlier[0].registration_id} by "
                        f"{earlier[0].partner_code} came first.",
                        ["id"],
                    )
            for sku, price in (authorized_prices or {}).items():
                product = await get_product(principal, sku, field="authorizedPrices")
                updated = await DesignLine.filter(
                    manufacturer_id=registration.manufacturer_id,
                    registration_id=registration.id,
                    product_id=product.id,
                ).update(authorized_price=check_price(price, "authorizedPrices"))
                if not updated:
                    raise DomainError(
                        ErrorCode.NOT_FOUND,
                        f"{sku} is not on this registration.",
                        ["authorizedPrices"],
                    )
            registration.status = DesignStatus.APPROVED
            registration.expires_on = expires_on
        else:
            if not clean_note:
                raise DomainError(
                    ErrorCode.REQUIRED, "A rejection needs a reason (note).", ["note"]
                )
            registration.status = DesignStatus.REJECTED
        registration.review_note = clean_note or None
        await save_fields(registration, "status", "expires_on", "review_note")
        await _event(
            registration,
            principal,
            registration.status.value,
            expiresOn=expires_on.isoformat() if expires_on else None,
            note=registration.review_note,
        )
        await _announce(registration, f"design.{registration.status.value.lower()}")
        if approve and authorized_prices and expires_on is not None:
            from portal.domain.incentives.agreements import agreement_for_design

            await agreement_for_design(registration, today, expires_on, principal.token_id)
    return registration


async def close_design(
    principal: Principal, registration_id: int, *, won: bool
) -> DesignRegistration:
    principal.require(Action.REGISTER_DESIGNS)
    registration = await visible_designs(principal).get_or_none(id=registration_id)
    if registration is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such design registration.", ["id"])
    if registration.status is not DesignStatus.APPROVED:
        raise DomainError(
            ErrorCode.INVALID_STATE, "Only an approved registration is won or lost.", ["id"]
        )
    registration.status = DesignStatus.WON if won else DesignStatus.LOST
    await save_fields(registration, "status")
    await _event(registration, principal, registration.status.value)
    return registration


async def expire_due(today: date | None = None) -> int:
    """Cron: approved registrations past their expiry become ``EXPIRED`` (each under a
    guard: one that fails is recorded in its manufacturer's ``jobFailures``, the rest go on)."""
    today = today or datetime.now(UTC).date()
    guard = await ItemGuard.open(EXPIRE_DESIGNS)
    due = DesignRegistration.filter(status=DesignStatus.APPROVED, expires_on__lt=today)
    expired = 0
    for registration in await tenant_by_tenant(due):

        async def expire(registration: DesignRegistration = registration) -> int:
            async with in_transaction():
                registration.status = DesignStatus.EXPIRED
                await save_fields(registration, "status")
                await _event(registration, None, "EXPIRED")
                await _announce(registration, "design.expired")
            return 1

        expired += (
            await guard.run(registration.manufacturer_id, f"registration {registration.id}", expire)
            or 0
        )
    return expired


async def sell_through(registration: DesignRegistration) -> dict[int, int]:
    """Units sold to the registered customer per product, from the current accepted POS
    of the registering partner since the registration (design-win tracking)."""
    manufacturer_id: int = registration.manufacturer_id
    return (await sell_through_of(manufacturer_id, [registration]))[0]
