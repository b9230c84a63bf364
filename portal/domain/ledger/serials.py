"""Serial-controlled units: exactly one serial per unit, in stock in one place at most."""

from __future__ import annotations

from portal.db import is_postgres
from portal.domain.bounds.text import SHORT, clean_text
from portal.domain.errors import DomainError, ErrorCode
from portal.models import Product, SerialUnit, Warehouse
from portal.models.enums import SerialStatus


def check_serials(
    product: Product, quantity: int, serials: list[str], field: list[str]
) -> list[str]:
    cleaned = [
        clean_text(s, field, max_length=SHORT, label="A serial") for s in serials if s and s.strip()
    ]
    if not product.serial_controlled:
        if cleaned:
            raise DomainError(
                ErrorCode.SERIALS_MISMATCH, f"{product.sku} is not serial-controlled.", field
            )
        return []
    if len(cleaned) != abs(quantity) or len(set(cleaned)) != len(cleaned):
        raise DomainError(
            ErrorCode.SERIALS_MISMATCH,
            f"{product.sku} needs exactly {abs(quantity)} distinct serials, got {len(cleaned)}.",
            field,
        )
    return cleaned


async def _units(product: Product, serials: list[str]) -> dict[str, SerialUnit]:
    query = SerialUnit.filter(
        manufacturer_id=product.manufacturer_id, product_id=product.id, serial__in=serials
    )
    if is_postgres():
        query = query.select_for_update()
    return {unit.serial: unit for unit in await query}


async def ship_new(product: Product, serials: list[str], to: Warehouse, field: list[str]) -> None:
    """Sell-in: the serials must not be in stock or in transit anywhere."""
    if not serials:
        return
    units = await _units(product, serials)
    for serial in serials:
        unit = units.get(serial)
        if unit is not None and unit.status is not SerialStatus.GONE:
            raise DomainError(
                ErrorCode.SERIAL_IN_STOCK,
                f"Serial {serial} of {product.sku} is already in the channel.",
                field,
            )
    for serial in serials:
        if serial in units:
            await SerialUnit.filter(
                manufacturer_id=product.manufacturer_id, id=units[serial].id
            ).update(warehouse_id=to.id, status=SerialStatus.IN_TRANSIT)
        else:
            await SerialUnit.create(
                manufacturer_id=product.manufacturer_id,
                product_id=product.id,
                serial=serial,
                warehouse_id=to.id,
                status=SerialStatus.IN_TRANSIT,
            )


async def take_from_stock(
    product: Product, serials: list[str], at: Warehouse, to: Warehouse | None, field: list[str]
) -> None:
    """The serials leave ``at`` (in stock there) for ``to`` (in transit) or leave the channel."""
    if not serials:
        return
    units = await _units(product, serials)
    for serial in serials:
        unit = units.get(serial)
        if unit is None or unit.status is not SerialStatus.IN_STOCK or unit.warehouse_id != at.id:
            raise DomainError(
                ErrorCode.SERIAL_NOT_IN_STOCK,
                f"Serial {serial} of {product.sku} is not in stock at {at.code}.",
                field,
            )
    await SerialUnit.filter(
        manufacturer_id=product.manufacturer_id, product_id=product.id, serial__in=serials
    ).update(
        warehouse_id=to.id if to else None,
        status=SerialStatus.IN_TRANSIT if to else SerialStatus.GONE,
    )


async def arrive(product_id: int, serials: list[str], at: Warehouse) -> None:
    if serials:
        await SerialUnit.filter(
            manufacturer_id=at.manufacturer_id, product_id=product_id, serial__in=serials
        ).update(warehouse_id=at.id, status=SerialStatus.IN_STOCK)
