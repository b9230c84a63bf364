"""Design conflicts: two partners registering the same opportunity.

An active registration (submitted, or approved and not expired) by another partner for
the same end customer (the registry: "ACME Robotics, Inc." = "Acme Robotics" in the same
country) and product is a conflict: both registrations show it, but a partner never learns
who the other partner is.

    found = await conflicts_of(principal, [registration, ...])   # {registration id: [...]}

Batched: three statements whatever the number of registrations (the graph's DataLoader).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.expressions import Q

from portal.domain.access.principal import Principal
from portal.models import DesignLine, DesignRegistration, Partner
from portal.models.enums import DesignStatus

ACTIVE = (DesignStatus.SUBMITTED, DesignStatus.APPROVED)


@dataclass(frozen=True, slots=True)
class Conflict:
    sku: str
    end_customer_name: str
    registration_id: int | None  # None for partner principals
    partner_code: str | None


async def conflicts_of(
    principal: Principal,
    registrations: Sequence[DesignRegistration],
    today: date | None = None,
) -> dict[int, list[Conflict]]:
    """The conflicts of each registration (all of the principal's manufacturer)."""
    today = today or datetime.now(UTC).date()
    result: dict[int, list[Conflict]] = {r.id: [] for r in registrations}
    if not registrations:
        return result
    manufacturer_id = principal.manufacturer_id
    mine: dict[int, dict[int, str]] = defaultdict(dict)  # registration -> product -> sku
    for registration_id, product_id, sku in await DesignLine.filter(
        manufacturer_id=manufacturer_id,
        product__manufacturer_id=manufacturer_id,
        registration_id__in=list(result),
    ).values_list("registration_id", "product_id", "product__sku"):
        mine[registration_id][product_id] = sku
    products = {product for lines in mine.values() for product in lines}
    customers = {r.end_customer_id for r in registrations}
    active = await DesignLine.filter(
        Q(manufacturer_id=manufacturer_id)
        & Q(registration__manufacturer_id=manufacturer_id)
        & Q(registration__end_customer_id__in=customers)
        & Q(registration__status__in=ACTIVE)
        & (Q(registration__expires_on__isnull=True) | Q(registration__expires_on__gte=today)),
        product_id__in=products,
    ).values_list(
        "product_id", "registration_id", "registration__partner_id", "registration__end_customer_id"
    )
    if not active:
        return result
    codes = dict(
        await Partner.filter(
            manufacturer_id=manufacturer_id, id__in={a[2] for a in active}
        ).values_list("id", "code")
    )
    hide = principal.is_partner
    for registration in registrations:
        lines = mine.get(registration.id, {})
        found = {
            (lines[product_id], None if hide else reg_id, None if hide else codes.get(partner_id))
            for product_id, reg_id, partner_id, customer_id in active
            if product_id in lines
            and customer_id == registration.end_customer_id
            and partner_id != registration.partner_id
        }
        result[registration.id] = [
            Conflict(sku, registration.end_customer_name, reg_id, code)
            for sku, reg_id, code in sorted(found, key=str)
        ]
    return result


async def conflicts(
    principal: Principal, registration: DesignRegistration, today: date | None = None
) -> list[Conflict]:
    return (await conflicts_of(principal, [registration], today))[registration.id]
