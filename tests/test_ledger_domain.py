"""The ledger issue's 'done when', through the domain layer, on both backends."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.catalog import tenants
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger import shipments, transfers
from portal.domain.ledger.adjustments import AdjustmentReason, post_adjustment
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.ledger.shipments import LineInput
from portal.models import LedgerEntry, StockBalance, Transfer
from portal.models.enums import LedgerKind, ReceiptMode, ShipmentStatus, TransferStatus
from tests.ledger_fixtures import build_channel


async def balance(code: str, sku: str) -> tuple[int, int]:
    row = await StockBalance.get_or_none(warehouse__code=code, product__sku=sku)
    return (row.quantity, row.in_transit) if row else (0, 0)


async def test_shipment_transfer_and_refusal(db) -> None:
    ch = await build_channel()
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-1",
        shipped_on=date(2026, 10, 3),
        lines=[LineInput("SKU-A", 1000)],
    )
    assert await balance("W1", "SKU-A") == (0, 1000)  # in transit until received
    await shipments.receive_shipment(ch.d1, shipment.id, received_on=date(2026, 10, 5))
    assert await balance("W1", "SKU-A") == (1000, 0)

    transfer = await transfers.raise_transfer(
        ch.d1, from_warehouse_code="W1", to_warehouse_code="W2", lines=[LineInput("SKU-A", 50)]
    )
    assert transfer.status is TransferStatus.APPROVED  # intra-partner: at once
    await transfers.ship_transfer(ch.d1, transfer.id)
    assert await balance("W1", "SKU-A") == (950, 0)
    assert await balance("W2", "SKU-A") == (0, 50)
    await transfers.receive_transfer(ch.d1, transfer.id)
    assert await balance("W2", "SKU-A") == (50, 0)

    transfers_before = await Transfer.all().count()
    with pytest.raises(DomainError) as refused_at_raising:
        await transfers.raise_transfer(
            ch.d1,
            from_warehouse_code="W1",
            to_warehouse_code="W2",
            lines=[LineInput("SKU-A", 10950)],
        )
    assert refused_at_raising.value.code is ErrorCode.INSUFFICIENT_STOCK
    assert refused_at_raising.value.field == ["lines", "0", "quantity"]
    assert await Transfer.all().count() == transfers_before

    # Two requests that each fit, but not both: the second is refused under lock at shipping.
    first, greedy = [
        await transfers.raise_transfer(
            ch.d1, from_warehouse_code="W1", to_warehouse_code="W2", lines=[LineInput("SKU-A", 900)]
        )
        for _ in range(2)
    ]
    await transfers.ship_transfer(ch.d1, first.id)
    entries_before = await LedgerEntry.all().count()
    with pytest.raises(DomainError) as refused:
        await transfers.ship_transfer(ch.d1, greedy.id)
    assert refused.value.code is ErrorCode.INSUFFICIENT_STOCK
    assert await LedgerEntry.all().count() == entries_before
    assert await balance("W1", "SKU-A") == (50, 0)
    assert await balance("W2", "SKU-A") == (50, 900)
    assert (
        await transfers.visible_transfers(ch.d1).get(id=greedy.id)
    ).status is TransferStatus.APPROVED
    assert await ledger_mismatches() == []


async def test_inter_partner_transfer_needs_approval_and_downstream_is_sell_in(db) -> None:
    ch = await build_channel()
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-1",
        shipped_on=date(2026, 10, 3),
        lines=[LineInput("SKU-A", 100)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id)
    to_reseller = await transfers.raise_transfer(
        ch.d1,
        from_warehouse_code="W1",
        to_partner_code="R1",
        to_warehouse_code="WR",
        lines=[LineInput("SKU-A", 30)],
    )
    assert to_reseller.status is TransferStatus.REQUESTED
    with pytest.raises(DomainError) as unapproved:  # not shippable before approval
        await transfers.ship_transfer(ch.d1, to_reseller.id)
    assert unapproved.value.code is ErrorCode.INVALID_STATE
    assert unapproved.value.message == "The transfer is REQUESTED."
    await transfers.approve_transfer(ch.admin, to_reseller.id)
    await transfers.ship_transfer(ch.d1, to_reseller.id)
    with pytest.raises(DomainError) as wrong_side:  # the sender cannot receive for the reseller
        await transfers.receive_transfer(ch.d1, to_reseller.id)
    assert wrong_side.value.code is ErrorCode.INVALID_STATE
    assert wrong_side.value.message == "Only the other side of the transfer can do this."
    await transfers.receive_transfer(ch.r1, to_reseller.id)
    kinds = (
        await LedgerEntry.filter(source_type="TRANSFER")
        .order_by("id")
        .values_list("kind", "quantity")
    )
    assert [(LedgerKind(k), q) for k, q in kinds] == [
        (LedgerKind.SELL_THROUGH, -30),
        (LedgerKind.SELL_IN, 30),
    ]
    assert await balance("WR", "SKU-A") == (30, 0)
    # Another partner sees neither the transfer nor can act on it.
    assert await transfers.visible_transfers(ch.d2).count() == 0
    assert await ledger_mismatches() == []


async def test_serials_one_per_unit_never_twice_in_stock(db) -> None:
    ch = await build_channel()
    with pytest.raises(DomainError) as wrong_count:
        await shipments.record_shipment(
            ch.admin,
            partner_code="D1",
            warehouse_code="W1",
            document_no="S-0",
            shipped_on=date(2026, 10, 1),
            lines=[LineInput("SKU-S", 2, ["A1"])],
        )
    assert wrong_count.value.code is ErrorCode.SERIALS_MISMATCH
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="S-1",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-S", 2, ["A1", "A2"])],
    )
    await shipments.receive_shipment(ch.admin, shipment.id)
    with pytest.raises(DomainError) as twice:
        await shipments.record_shipment(
            ch.admin,
            partner_code="D2",
            warehouse_code="W3",
            document_no="S-2",
            shipped_on=date(2026, 10, 2),
            lines=[LineInput("SKU-S", 1, ["A2"])],
        )
    assert twice.value.code is ErrorCode.SERIAL_IN_STOCK
    assert await balance("W3", "SKU-S") == (0, 0)
    moved = await transfers.raise_transfer(
        ch.d1,
        from_warehouse_code="W1",
        to_warehouse_code="W2",
        lines=[LineInput("SKU-S", 1, ["ZZ"])],
    )
    with pytest.raises(DomainError) as unknown:
        await transfers.ship_transfer(ch.d1, moved.id)
    assert unknown.value.code is ErrorCode.SERIAL_NOT_IN_STOCK
    assert await balance("W1", "SKU-S") == (2, 0)
    assert await ledger_mismatches() == []


async def test_receipt_modes(db) -> None:
    ch = await build_channel()
    await tenants.update_settings(ch.admin, shipment_receipt_mode=ReceiptMode.ON_SHIPPING)
    at_once = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="A-1",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-A", 5)],
    )
    assert at_once.status is ShipmentStatus.RECEIVED
    await tenants.update_settings(
        ch.admin, shipment_receipt_mode=ReceiptMode.AFTER_DAYS, receipt_after_days=3
    )
    later = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="A-2",
        shipped_on=date(2026, 10, 10),
        lines=[LineInput("SKU-A", 7)],
    )
    assert await shipments.auto_receive_due(today=date(2026, 10, 12)) == 0
    assert await shipments.auto_receive_due(today=date(2026, 10, 13)) == 1
    assert (
        await shipments.visible_shipments(ch.admin).get(id=later.id)
    ).status is ShipmentStatus.RECEIVED
    assert await balance("W1", "SKU-A") == (12, 0)
    assert await ledger_mismatches() == []


async def test_duplicate_document_and_idempotency(db) -> None:
    ch = await build_channel()
    args = dict(
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-9",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-A", 3)],
    )
    first = await shipments.record_shipment(ch.admin, **args, idempotency_key="k1")
    again = await shipments.record_shipment(ch.admin, **args, idempotency_key="k1")
    assert first.id == again.id
    with pytest.raises(DomainError) as dup:
        await shipments.record_shipment(ch.admin, **args)
    assert dup.value.code is ErrorCode.DUPLICATE_DOCUMENT
    with pytest.raises(DomainError) as reused:
        await shipments.record_shipment(
            ch.admin, **{**args, "document_no": "X"}, idempotency_key="k1"
        )
    assert reused.value.code is ErrorCode.IDEMPOTENCY_KEY_REUSED
    assert await balance("W1", "SKU-A") == (0, 3)


async def test_adjustment_and_check_ledger_detects_tampering(db) -> None:
    ch = await build_channel()
    await post_adjustment(
        ch.admin,
        warehouse_code="W1",
        sku="SKU-A",
        quantity=4,
        reason=AdjustmentReason.COUNT_CORRECTION,
    )
    with pytest.raises(DomainError) as overdrawn:
        await post_adjustment(
            ch.admin, warehouse_code="W1", sku="SKU-A", quantity=-5, reason=AdjustmentReason.DAMAGE
        )
    assert overdrawn.value.code is ErrorCode.INSUFFICIENT_STOCK
    assert await balance("W1", "SKU-A") == (4, 0)
    assert await ledger_mismatches() == []
    await StockBalance.filter(warehouse__code="W1").update(quantity=9)  # a write around the ledger
    assert await ledger_mismatches() != []
