"""Reads and writes that name the tenant: what a sharded engine routes by.

    claims = visible_to(principal, Claim)                 # the principal's scope
    await save_fields(transfer, "status", "shipped_on")

Tortoise's ``instance.save()`` updates ``WHERE id = …``; on a database distributed by
``manufacturer_id`` (docs/scale-out.md) that is a statement on every shard. This updates
the same fields with the tenant key in the filter, and stamps ``updated_at`` when the
model keeps one (``auto_now`` only applies to ``save``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from portal.domain.access.principal import Principal

M = TypeVar("M", bound=Model)


def visible_to(principal: Principal, model: type[M]) -> QuerySet[M]:
    """The rows of ``model`` the principal may see: its manufacturer's, and for a partner
    principal only its own partner's (the model carries ``partner_id``)."""
    rows = model.filter(manufacturer_id=principal.manufacturer_id)
    if principal.is_partner:
        rows = rows.filter(partner_id=principal.partner_id)
    return rows


async def save_fields(row: Model, *fields: str) -> None:
    if "updated_at" in row._meta.fields_map:
        row.updated_at = datetime.now(UTC)
        fields = (*fields, "updated_at")
    values: dict[str, Any] = {name: getattr(row, name) for name in fields}
    tenant: int = row.manufacturer_id  # type: ignore[attr-defined]  # every tenant model has it
    await type(row).filter(manufacturer_id=tenant, pk=row.pk).update(**values)


def joined(query: QuerySet[M], manufacturer_id: int, *relations: str) -> QuerySet[M]:
    """``select_related`` whose joined rows also name the tenant (a co-located join)."""
    tenant = {f"{relation}__manufacturer_id": manufacturer_id for relation in relations}
    return query.filter(**tenant).select_related(*relations)


async def tenants_with(query: QuerySet[M]) -> list[int]:
    """The manufacturers holding rows of ``query``: how a periodic job finds its work
    before it reads and writes each tenant's rows with the tenant key (on a sharded
    engine, this one statement runs on every node; the rest are routed to one)."""
    found = await query.distinct().values_list("manufacturer_id", flat=True)
    return sorted({int(m) for m in found})  # type: ignore[call-overload]


async def tenant_by_tenant(query: QuerySet[M], *order: str) -> list[M]:
    """The rows of a cross-tenant ``query`` (a periodic job's due work), read one tenant at
    a time with the tenant key, tenants in id order."""
    return [
        row
        for m in await tenants_with(query)
        for row in await query.filter(manufacturer_id=m).order_by(*(order or ("id",)))
    ]


def tenant_of(manufacturer_id: int | None) -> dict[str, int]:
    """The tenant filter of a job's first read of its subject by id, when the job recorded
    its tenant (``filter(id=…, **tenant_of(m))``); older jobs name only the id."""
    return {} if manufacturer_id is None else {"manufacturer_id": manufacturer_id}
