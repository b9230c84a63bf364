"""Returns to the manufacturer: raised by the partner, posted (``RETURN_TO_MANUFACTURER``)
when the manufacturer receives them. More than is in stock is ``INSUFFICIENT_STOCK``,
checked when raised and again, under lock, when received.

A return of a reseller's order goes to its supplier, a distributor (``to_partner_id``,
``to_warehouse_id``; see ``portal.domain.orders.returns``): the distributor (or the
manufacturer's shipping staff) receives it, which posts the reseller's
``RETURN_TO_MANUFACTURER`` (its returns to its supplier) and the distributor's
``CUSTOMER_RETURN`` into the receiving warehouse; serials move with the goods."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.dates import check_business_date
from portal.domain.bounds.text import CODE, clean_text
from portal.domain.catalog.lookups import get_warehouse
from portal.domain.conflicts import retried_on_conflict
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.domain.ledger import serials as serial_units
from portal.domain.ledger.posting import Movement, post
from portal.domain.ledger.shipments import LineInput, clean_lines, require_lines_in_stock
from portal.domain.orders.returns import release_returned
from portal.domain.tenancy import save_fields, visible_to
from portal.models import Product, StockReturn, StockReturnLine, Warehouse
from portal.models.enums import LedgerKind, ReturnStatus


def visible_returns(principal: Principal) -> QuerySet[StockReturn]:
    """The manufacturer's returns; a partner's own, and those coming back to it as a
    supplier (a distributor receiving its resellers' returns)."""
    principal.require(Action.VIEW_INVENTORY)
    if principal.is_partner:
        return StockReturn.filter(manufacturer_id=principal.manufacturer_id).filter(
            Q(partner_id=principal.partner_id) | Q(to_partner_id=principal.partner_id)
        )
    return visible_to(principal, StockReturn)


async def raise_return(
    principal: Principal,
    *,
    warehouse_code: str,
    lines: list[LineInput],
    rma_no: str = "",
    idempotency_key: str | None = None,
) -> StockReturn:
    principal.require(Action.MOVE_STOCK)
    request: dict[str, Any] = {
        "warehouse": warehouse_code,
        "rma": rma_no,
        "lines": [vars(line) for line in lines],
    }

    async def create() -> StockReturn:
        warehouse = await get_warehouse(principal, warehouse_code)
        if warehouse.partner_id is None:
            raise DomainError(
                ErrorCode.INVALID, "Returns leave a partner warehouse.", ["warehouseCode"]
            )
        rma = clean_text(rma_no, "rmaNo", max_length=CODE, required=False)
        cleaned = await clean_lines(principal, lines)
        await require_lines_in_stock(principal.manufacturer_id, warehouse.id, cleaned)
        async with in_transaction():
            stock_return = await StockReturn.create(
                manufacturer_id=principal.manufacturer_id,
                partner_id=warehouse.partner_id,
                warehouse=warehouse,
                rma_no=rma,
            )
            await StockReturnLine.bulk_create(
                [
                    StockReturnLine(
                        manufacturer_id=principal.manufacturer_id,
                        stock_return=stock_return,
                        product=ln.product,
                        quantity=ln.quantity,
                        serials=ln.serials,
                        batch_no=ln.batch_no,
                    )
                    for ln in cleaned
                ]
            )
        return stock_return

    return await idempotent(
        principal, "raiseReturn", idempotency_key, request, create=create, model=StockReturn
    )


async def _locked(principal: Principal, return_id: int) -> StockReturn:
    query = visible_returns(principal).filter(id=return_id)
    if is_postgres():
        query = query.select_for_update()
    stock_return = await query.first()
    if stock_return is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such return.", ["id"])
    if stock_return.status is not ReturnStatus.REQUESTED:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"The return is {stock_return.status.value}.", ["id"]
        )
    return stock_return


@retried_on_conflict
async def receive_return(
    principal: Principal, return_id: int, *, received_on: date | None = None
) -> StockReturn:
    """The goods arrived: the partner's stock goes down now (and, for a return to a
    distributor, the distributor's goes up). A return to the manufacturer is received by
    its shipping staff; one to a distributor by that distributor or by them."""
    principal.require(Action.RECEIVE_RETURN)
    day = check_business_date(received_on or datetime.now(UTC).date(), ["receivedOn"])
    m = principal.manufacturer_id
    async with in_transaction():
        stock_return = await _locked(principal, return_id)
        if stock_return.to_partner_id is None:
            principal.require(Action.RECORD_SHIPMENT)  # the manufacturer's staff only
        elif principal.is_partner and stock_return.to_partner_id != principal.partner_id:
            raise DomainError(
                ErrorCode.INVALID_STATE,
                "Only the supplier the goods go back to receives this return.",
                ["id"],
            )
        warehouse = await Warehouse.get(manufacturer_id=m, id=stock_return.warehouse_id)
        receiver = (
            await Warehouse.get(manufacturer_id=m, id=stock_return.to_warehouse_id)
            if stock_return.to_warehouse_id is not None
            else None
        )
        lines = await StockReturnLine.filter(manufacturer_id=m, stock_return_id=stock_return.id)
        movements = [
            Movement(
                warehouse,
                ln.product_id,
                -ln.quantity,
                LedgerKind.RETURN_TO_MANUFACTURER,
                day,
                ln.serials,
                batch_no=ln.batch_no,
            )
            for ln in lines
        ]
        if receiver is not None:
            movements += [
                Movement(
                    receiver,
                    ln.product_id,
                    ln.quantity,
                    LedgerKind.CUSTOMER_RETURN,
                    day,
                    ln.serials,
                    batch_no=ln.batch_no,
                )
                for ln in lines
            ]
        await post(m, movements, source=("RETURN", stock_return.id), token_id=principal.token_id)
        for index, line in enumerate(lines):
            product = await Product.get(manufacturer_id=m, id=line.product_id)
            await serial_units.take_from_stock(
                product, line.serials, warehouse, receiver, ["lines", str(index)]
            )
            if receiver is not None:
                await serial_units.arrive(product.id, line.serials, receiver)
        stock_return.status = ReturnStatus.RECEIVED
        stock_return.received_on = day
        await save_fields(stock_return, "status", "received_on")
    return stock_return


async def cancel_return(principal: Principal, return_id: int) -> StockReturn:
    principal.require(Action.MOVE_STOCK)
    async with in_transaction():
        stock_return = await _locked(principal, return_id)
        if principal.is_partner and stock_return.partner_id != principal.partner_id:
            raise DomainError(
                ErrorCode.INVALID_STATE, "Only the returning partner cancels a return.", ["id"]
            )
        await release_returned(stock_return)
        stock_return.status = ReturnStatus.CANCELLED
        await save_fields(stock_return, "status")
    return stock_return
