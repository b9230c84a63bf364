"""What a delivery event is for: a sell-in shipment, or a partner supplier's shipping
notice (a distributor shipping its reseller's orders), which ships by transfer.

    target = await locked_target(principal, shipment_id=None, document_no="DN-R")

A document number names a partner supplier's notice first (its transfers carry no document
number), else a sell-in shipment (a manufacturer's notice has the same document number as
its shipment). Both are locked on PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from portal.db import is_postgres
from portal.domain.access.principal import Principal
from portal.domain.catalog.lookups import CODE_LENGTH
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger import shipments
from portal.domain.orders.notices import visible_notices
from portal.models import Shipment, ShipmentLine, ShippingNotice, Transfer, TransferLine
from portal.models.enums import TransferStatus


@dataclass
class Target:
    shipment: Shipment | None  # a sell-in shipment
    notice: ShippingNotice | None  # its shipping notice, or a partner supplier's notice
    transfers: list[Transfer] = field(default_factory=list)  # of a partner supplier's notice

    @property
    def by_transfer(self) -> bool:
        return self.shipment is None

    @property
    def partner_id(self) -> int:
        found = self.shipment or self.notice
        assert found is not None
        return found.partner_id

    @property
    def status(self) -> str:
        """The shipment's status; a notice's: ``RECEIVED`` once all its transfers are."""
        if self.shipment is not None:
            return self.shipment.status.value
        done = all(t.status is TransferStatus.RECEIVED for t in self.transfers)
        return TransferStatus.RECEIVED.value if done else TransferStatus.SHIPPED.value

    @property
    def delivered_on(self) -> date | None:
        found = self.shipment or self.notice
        assert found is not None
        return found.delivered_on

    @property
    def shipped_on(self) -> date:
        if self.shipment is not None:
            return self.shipment.shipped_on
        days = [t.shipped_on for t in self.transfers if t.shipped_on is not None]
        return min(days, default=date.min)  # a notice's transfers ship when it is made

    async def shipped(self) -> dict[int, int]:
        """Quantity shipped per product."""
        if self.shipment is not None:
            m = self.shipment.manufacturer_id
            lines: list[ShipmentLine | TransferLine] = list(
                await ShipmentLine.filter(manufacturer_id=m, shipment_id=self.shipment.id)
            )
        else:
            assert self.notice is not None
            m = self.notice.manufacturer_id
            lines = list(
                await TransferLine.filter(
                    manufacturer_id=m, transfer_id__in=[t.id for t in self.transfers]
                )
            )
        total: dict[int, int] = defaultdict(int)
        for line in lines:
            total[line.product_id] += line.quantity
        return total

    async def reload_transfers(self) -> None:
        if self.notice is not None and self.by_transfer:
            self.transfers = await _transfers(self.notice)


async def _transfers(notice: ShippingNotice, *, lock: bool = False) -> list[Transfer]:
    ids = list(notice.transfer_ids or [])
    query = Transfer.filter(manufacturer_id=notice.manufacturer_id, id__in=ids).order_by("id")
    if lock and is_postgres():
        query = query.select_for_update()
    return list(await query)


async def locked_target(
    principal: Principal, shipment_id: int | None, document_no: str | None
) -> Target:
    m = principal.manufacturer_id
    if shipment_id is None and document_no and len(document_no) <= CODE_LENGTH:
        query = visible_notices(principal).filter(
            document_no=document_no.strip(), supplier_partner_id__not_isnull=True
        )
        if is_postgres():
            query = query.select_for_update()
        notice = await query.first()
        if notice is not None:
            return Target(None, notice, await _transfers(notice, lock=True))
    shipment = await shipment_locked(principal, shipment_id, document_no)
    return Target(
        shipment, await ShippingNotice.get_or_none(manufacturer_id=m, shipment_id=shipment.id)
    )


async def target_of(manufacturer_id: int, shipment_id: int | None, notice_id: int | None) -> Target:
    """The target of a recorded event (to answer a replay)."""
    if shipment_id is not None:
        shipment = await Shipment.get(manufacturer_id=manufacturer_id, id=shipment_id)
        notice = await ShippingNotice.get_or_none(
            manufacturer_id=manufacturer_id, shipment_id=shipment_id
        )
        return Target(shipment, notice)
    notice = await ShippingNotice.get(manufacturer_id=manufacturer_id, id=notice_id)
    return Target(None, notice, await _transfers(notice))


async def shipment_locked(
    principal: Principal, shipment_id: int | None, document_no: str | None
) -> Shipment:
    query = shipments.visible_shipments(principal)
    if shipment_id is not None:
        query = query.filter(id=shipment_id)
        where = "shipmentId"
    elif document_no and len(document_no) <= CODE_LENGTH:
        query = query.filter(document_no=document_no.strip())
        where = "documentNo"
    else:
        raise DomainError(
            ErrorCode.REQUIRED, "shipmentId or documentNo names the shipment.", ["documentNo"]
        )
    if is_postgres():
        query = query.select_for_update()
    shipment = await query.first()
    if shipment is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such shipment.", [where])
    return shipment
