"""Inputs of ``requestReturn``: a return against orders, a shipment, or source-free."""

from __future__ import annotations

import strawberry


@strawberry.input
class ReturnLineInput:
    sku: str
    quantity: int
    serials: list[str] = strawberry.field(default_factory=list)
    reason: str = ""
    batch_no: str | None = strawberry.field(
        default=None, description="The batch (lot) of a batch-controlled SKU; refused for others."
    )


@strawberry.input
class RequestReturnInput:
    lines: list[ReturnLineInput]
    order_ids: list[strawberry.ID] | None = None
    shipment_id: strawberry.ID | None = None
    warehouse_code: str | None = None  # source-free: the partner warehouse the goods leave
    exchange: bool = False
    rma_no: str = ""
    idempotency_key: str | None = None


@strawberry.type(description="What a return form offers, per the manufacturer's settings.")
class ReturnOptions:
    against_orders: bool = strawberry.field(description="returnsAgainstOrders")
    against_shipments: bool = strawberry.field(description="returnsAgainstShipments")
    source_free: bool = strawberry.field(description="sourceFreeReturns")
    exchanges: bool
