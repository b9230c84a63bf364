"""Sell-in: shipments from the manufacturer to a partner's warehouse.

``SHIPPED`` puts the quantity in transit to the warehouse; ``RECEIVED`` posts ``SELL_IN``
to the ledger. The receipt mode of the manufacturer decides when that happens: by hand,
on shipping, automatically N days after shipping (a cron job), or on delivery (a carrier's
delivery event, ``portal.domain.orders.delivery``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date
from portal.domain.catalog.lookups import get_partner, get_product, get_warehouse
from portal.domain.catalog.tenants import settings_of
from portal.domain.conflicts import retried_on_conflict
from portal.domain.contracts.receipts import SOURCE as CONTRACT_SOURCE
from portal.domain.contracts.receipts import contract_received
from portal.domain.errors import DomainError, ErrorCode, check_code, unique_violation
from portal.domain.idempotency import idempotent
from portal.domain.job_failures import ItemGuard
from portal.domain.ledger import serials as serial_units
from portal.domain.ledger.batches import check_batch, require_batches
from portal.domain.ledger.posting import arrive, check_positive_quantity, move_in_transit
from portal.domain.ledger.stock import require_in_stock
from portal.domain.orders.completion import complete_received
from portal.domain.tenancy import save_fields, tenant_by_tenant, visible_to
from portal.jobs.kinds import AUTO_RECEIVE_SHIPMENTS
from portal.models import ManufacturerSettings, Product, Shipment, ShipmentLine, Warehouse
from portal.models.enums import LedgerKind, ReceiptMode, ShipmentStatus

MAX_LINES = 10_000


@dataclass
class LineInput:
    sku: str
    quantity: int
    serials: list[str] = field(default_factory=list)
    batch_no: str | None = None


class CleanLine(NamedTuple):
    product: Product
    quantity: int
    serials: list[str]
    batch_no: str | None


async def clean_lines(principal: Principal, lines: list[LineInput]) -> list[CleanLine]:
    """Each line's product, quantity, serials and batch (stock leaves a holder: a
    batch-controlled SKU names its batch)."""
    if not lines:
        raise DomainError(ErrorCode.REQUIRED, "At least one line is required.", ["lines"])
    if len(lines) > MAX_LINES:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_LINES} lines.", ["lines"])
    cleaned = []
    for index, line in enumerate(lines):
        path = ["lines", str(index)]
        product = await get_product(principal, line.sku, field="sku")
        check_positive_quantity(line.quantity, [*path, "quantity"])
        cleaned.append(
            CleanLine(
                product,
                line.quantity,
                serial_units.check_serials(
                    product, line.quantity, line.serials, [*path, "serials"]
                ),
                check_batch(product, line.batch_no, [*path, "batchNo"]),
            )
        )
    return cleaned


async def require_lines_in_stock(
    manufacturer_id: int, warehouse_id: int, cleaned: list[CleanLine]
) -> None:
    """The lines leave the warehouse: each quantity on hand there, and each batch's."""
    await require_in_stock(
        manufacturer_id,
        warehouse_id,
        ((ln.product, ln.quantity, ["lines", str(i), "quantity"]) for i, ln in enumerate(cleaned)),
    )
    await require_batches(
        manufacturer_id,
        warehouse_id,
        (
            (ln.product, ln.batch_no, ln.quantity, ["lines", str(i), "batchNo"])
            for i, ln in enumerate(cleaned)
        ),
    )


def visible_shipments(
    principal: Principal, status: ShipmentStatus | None = None
) -> QuerySet[Shipment]:
    principal.require(Action.VIEW_INVENTORY)
    shipments = visible_to(principal, Shipment)
    if status is not None:
        shipments = shipments.filter(status=status)
    return shipments


async def record_shipment(
    principal: Principal,
    *,
    partner_code: str,
    warehouse_code: str,
    document_no: str,
    shipped_on: date,
    lines: list[LineInput],
    idempotency_key: str | None = None,
    source: str = "GRAPHQL",
) -> Shipment:
    principal.require(Action.RECORD_SHIPMENT)
    request: dict[str, Any] = {
        "partner": partner_code,
        "warehouse": warehouse_code,
        "doc": document_no,
        "on": shipped_on,
        "lines": [vars(line) for line in lines],
    }

    async def create() -> Shipment:
        doc = check_code(document_no, "documentNo")
        check_business_date(shipped_on, ["shippedOn"])
        partner = await get_partner(principal, partner_code)
        warehouse = await get_warehouse(principal, warehouse_code)
        if warehouse.partner_id != partner.id:
            raise DomainError(
                ErrorCode.INVALID,
                "The warehouse does not belong to the partner.",
                ["warehouseCode"],
            )
        cleaned = await clean_lines(principal, lines)
        async with in_transaction():
            shipment = await create_shipment(
                principal.manufacturer_id,
                partner_id=partner.id,
                warehouse=warehouse,
                document_no=doc,
                shipped_on=shipped_on,
                lines=cleaned,
                source=source,
            )
            await receive_per_mode(shipment, principal.token_id)
        return shipment

    return await idempotent(
        principal, "recordShipment", idempotency_key, request, create=create, model=Shipment
    )


async def create_shipment(
    manufacturer_id: int,
    *,
    partner_id: int,
    warehouse: Warehouse,
    document_no: str,
    shipped_on: date,
    lines: list[CleanLine],
    source: str,
    from_warehouse_id: int | None = None,
) -> Shipment:
    """A ``SHIPPED`` shipment of ``lines`` to ``warehouse``, in transit there, in the
    caller's transaction (received by :func:`receive_per_mode` or later);
    ``DUPLICATE_DOCUMENT`` when its number is taken."""
    duplicate = DomainError(
        ErrorCode.DUPLICATE_DOCUMENT,
        f"Shipment {document_no} is already recorded.",
        ["documentNo"],
    )
    if await Shipment.exists(manufacturer_id=manufacturer_id, document_no=document_no):
        raise duplicate
    try:
        shipment = await Shipment.create(
            manufacturer_id=manufacturer_id,
            partner_id=partner_id,
            warehouse=warehouse,
            from_warehouse_id=from_warehouse_id,
            document_no=document_no,
            shipped_on=shipped_on,
            source=source,
        )
    except IntegrityError as error:  # a concurrent writer recorded the number meanwhile
        if unique_violation(error) is None:
            raise
        raise duplicate from error
    for index, (product, quantity, serials, batch_no) in enumerate(lines):
        await ShipmentLine.create(
            manufacturer_id=manufacturer_id,
            shipment=shipment,
            product=product,
            quantity=quantity,
            serials=serials,
            batch_no=batch_no,
        )
        await serial_units.ship_new(product, serials, warehouse, ["lines", str(index), "serials"])
    await move_in_transit(
        manufacturer_id, [(warehouse, ln.product.id, ln.quantity) for ln in lines]
    )
    return shipment


async def receive_per_mode(shipment: Shipment, token_id: int | None) -> None:
    """Receive a shipment just recorded when the manufacturer receives ``ON_SHIPPING``."""
    settings = await settings_of(shipment.manufacturer_id)
    if settings.shipment_receipt_mode is ReceiptMode.ON_SHIPPING:
        await receive(shipment, shipment.shipped_on, token_id)


@retried_on_conflict
async def receive_shipment(
    principal: Principal, shipment_id: int, *, received_on: date | None = None
) -> Shipment:
    principal.require(Action.RECEIVE_SHIPMENT)
    async with in_transaction():
        query = visible_shipments(principal).filter(id=shipment_id)
        if is_postgres():
            query = query.select_for_update()
        shipment = await query.first()
        if shipment is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such shipment.", ["id"])
        if shipment.status is not ShipmentStatus.SHIPPED:
            raise DomainError(ErrorCode.INVALID_STATE, "The shipment is already received.", ["id"])
        day = check_business_date(received_on or datetime.now(UTC).date(), ["receivedOn"])
        await receive(shipment, day, principal.token_id)
    return shipment


async def receive_on_delivery(shipment: Shipment, delivered_on: date, token_id: int | None) -> bool:
    """A delivery event for the locked ``shipment``: received now when the manufacturer's
    receipt mode is ``ON_DELIVERY`` and it is still ``SHIPPED``; whether it was."""
    settings = await settings_of(shipment.manufacturer_id)
    if settings.shipment_receipt_mode is not ReceiptMode.ON_DELIVERY:
        return False
    if shipment.status is not ShipmentStatus.SHIPPED:
        return False
    await receive(shipment, delivered_on, token_id)
    return True


async def receive(shipment: Shipment, received_on: date, token_id: int | None) -> None:
    """The locked ``SHIPPED`` shipment arrives: ``SELL_IN`` (a WDS dispatch, which leaves
    the partner's own deposit: ``TRANSFER_IN``), and the contract line it initialises gets
    its quantity and reception date."""
    tenant = shipment.manufacturer_id
    await arrive(
        shipment.manufacturer_id,
        await Warehouse.get(manufacturer_id=tenant, id=shipment.warehouse_id),
        await ShipmentLine.filter(manufacturer_id=tenant, shipment_id=shipment.id),
        kind=LedgerKind.SELL_IN if shipment.from_warehouse_id is None else LedgerKind.TRANSFER_IN,
        day=received_on,
        source=("SHIPMENT", shipment.id),
        token_id=token_id,
    )
    shipment.status = ShipmentStatus.RECEIVED
    shipment.received_on = received_on
    await save_fields(shipment, "status", "received_on")
    if shipment.source == CONTRACT_SOURCE:
        await contract_received(shipment)
    await complete_received(tenant, shipment.partner_id, None, shipment.warehouse_id)


async def auto_receive_due(today: date | None = None) -> int:
    """Receive shipments of ``AFTER_DAYS`` manufacturers shipped N days ago or more.

    Each manufacturer and each shipment runs under a guard: one that fails is recorded in
    its manufacturer's ``jobFailures`` and skipped, the others are received."""
    today = today or datetime.now(UTC).date()
    guard = await ItemGuard.open(AUTO_RECEIVE_SHIPMENTS)
    received = 0
    after_days = ManufacturerSettings.filter(shipment_receipt_mode=ReceiptMode.AFTER_DAYS)
    for settings in await tenant_by_tenant(after_days):

        async def due_ids(settings: ManufacturerSettings = settings) -> list[int]:
            due = today - timedelta(days=settings.receipt_after_days)
            ids = await Shipment.filter(
                manufacturer_id=settings.manufacturer_id,
                status=ShipmentStatus.SHIPPED,
                shipped_on__lte=due,
            ).values_list("id", flat=True)
            return [int(i) for i in ids]  # type: ignore[call-overload]

        ids = await guard.run(settings.manufacturer_id, "due shipments", due_ids)
        for shipment_id in ids or []:

            async def receive_due(shipment_id: int = shipment_id) -> int:
                async with in_transaction():
                    query = Shipment.filter(id=shipment_id, status=ShipmentStatus.SHIPPED)
                    if is_postgres():
                        query = query.select_for_update()
                    shipment = await query.first()
                    if shipment is None:
                        return 0
                    await receive(shipment, today, None)
                    return 1

            name = f"shipment {shipment_id}"
            received += await guard.run(settings.manufacturer_id, name, receive_due) or 0
    return received
