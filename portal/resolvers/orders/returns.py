"""Resolver of ``requestReturn``: cleans the input, calls the orders domain."""

from __future__ import annotations

from strawberry.types import Info

from portal.domain.orders import returns
from portal.resolvers.helpers import object_id
from portal.schema.common import attempt
from portal.schema.ledger.returns import ReturnPayload, StockReturn
from portal.schema.orders.returns import RequestReturnInput, ReturnOptions


async def request_return(info: Info, input: RequestReturnInput) -> ReturnPayload:
    made, errors = await attempt(
        lambda: returns.request_return(
            info.context.principal,
            lines=[
                returns.ReturnLineInput(
                    ln.sku, ln.quantity, list(ln.serials), ln.reason, ln.batch_no
                )
                for ln in input.lines
            ],
            order_ids=[object_id(i) for i in input.order_ids or []],
            shipment_id=object_id(input.shipment_id) if input.shipment_id is not None else None,
            warehouse_code=input.warehouse_code,
            exchange=input.exchange,
            rma_no=input.rma_no,
            idempotency_key=input.idempotency_key,
        )
    )
    return ReturnPayload(
        stock_return=StockReturn.from_model(made) if made is not None else None, errors=errors
    )


async def resolve_return_options(info: Info) -> ReturnOptions:
    options = await returns.return_options(info.context.principal)
    return ReturnOptions(
        against_orders=options.against_orders,
        against_shipments=options.against_shipments,
        source_free=options.source_free,
        exchanges=options.exchanges,
    )
