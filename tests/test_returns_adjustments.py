"""Returns to the manufacturer and reversing entries."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from portal.domain.errors import DomainError, ErrorCode, PermissionDenied
from portal.domain.ledger import returns, shipments
from portal.domain.ledger.adjustments import AdjustmentReason, post_adjustment, reverse_entry
from portal.domain.ledger.check import ledger_mismatches
from portal.domain.ledger.shipments import LineInput
from portal.models import LedgerEntry, StockBalance, StockReturn
from portal.models.enums import LedgerKind, ReturnStatus
from tests.ledger_fixtures import build_channel


async def stock(code: str) -> int:
    row = await StockBalance.get_or_none(warehouse__code=code, product__sku="SKU-A")
    return row.quantity if row else 0


async def _stocked(ch, quantity: int = 20) -> None:  # type: ignore[no-untyped-def]
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-1",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-A", quantity)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id)


async def test_return_posts_when_the_manufacturer_receives_it(db) -> None:
    ch = await build_channel()
    await _stocked(ch)
    with pytest.raises(DomainError) as too_many:
        await returns.raise_return(ch.d1, warehouse_code="W1", lines=[LineInput("SKU-A", 21)])
    assert too_many.value.code is ErrorCode.INSUFFICIENT_STOCK
    rma = await returns.raise_return(
        ch.d1, warehouse_code="W1", lines=[LineInput("SKU-A", 5)], rma_no="RMA-1"
    )
    assert await stock("W1") == 20  # not posted until received
    # a partner cannot receive its own return
    with pytest.raises(PermissionDenied, match="may not record_shipment"):
        await returns.receive_return(ch.d1, rma.id)
    with pytest.raises(DomainError) as unseen:  # another partner does not even see it
        await returns.cancel_return(ch.d2, rma.id)
    assert unseen.value.code is ErrorCode.NOT_FOUND
    assert (await StockReturn.get(id=rma.id)).status is ReturnStatus.REQUESTED
    received = await returns.receive_return(ch.admin, rma.id, received_on=date(2026, 10, 20))
    assert received.status is ReturnStatus.RECEIVED
    assert await stock("W1") == 15
    entry = await LedgerEntry.get(kind=LedgerKind.RETURN_TO_MANUFACTURER)
    assert (entry.quantity, entry.period) == (-5, "2026-10")
    with pytest.raises(DomainError) as twice:
        await returns.receive_return(ch.admin, rma.id)
    assert twice.value.code is ErrorCode.INVALID_STATE
    assert await ledger_mismatches() == []


async def test_concurrent_reversals_of_one_entry_reverse_it_once(db) -> None:
    ch = await build_channel()
    await _stocked(ch)
    wrong = await post_adjustment(
        ch.admin, warehouse_code="W1", sku="SKU-A", quantity=5, reason=AdjustmentReason.OTHER
    )
    outcomes = await asyncio.gather(
        *(reverse_entry(ch.admin, wrong.id) for _ in range(8)), return_exceptions=True
    )
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refused) == 7, outcomes
    assert {o.code for o in refused} == {ErrorCode.INVALID_STATE}
    assert await LedgerEntry.filter(reverses_id=wrong.id).count() == 1
    assert await stock("W1") == 20
    assert await ledger_mismatches() == []


async def test_a_mistake_is_undone_by_a_reversing_entry(db) -> None:
    ch = await build_channel()
    await _stocked(ch)
    wrong = await post_adjustment(
        ch.admin, warehouse_code="W1", sku="SKU-A", quantity=-7, reason=AdjustmentReason.DAMAGE
    )
    assert await stock("W1") == 13
    reversal = await reverse_entry(ch.admin, wrong.id, note="counted twice")
    assert (reversal.quantity, reversal.reverses_id) == (7, wrong.id)  # type: ignore[attr-defined]
    assert await stock("W1") == 20
    assert (await LedgerEntry.get(id=wrong.id)).quantity == -7  # the original stays as it was
    with pytest.raises(DomainError) as again:
        await reverse_entry(ch.admin, wrong.id)
    assert again.value.code is ErrorCode.INVALID_STATE
    # partners cannot post corrections
    with pytest.raises(PermissionDenied, match="may not approve_movements"):
        await post_adjustment(
            ch.d1, warehouse_code="W1", sku="SKU-A", quantity=1, reason=AdjustmentReason.OTHER
        )
    assert await ledger_mismatches() == []
