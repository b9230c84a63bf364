"""Inventory contracts and their lines: who owns stock where (DOMAIN "Inventory contracts").

A line's ``remaining`` is ``initialized - consumed - taken_over - returned``; it equals the
ledger balance of the contract's owner in the contract's warehouse when stock moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import InventoryContractStatus, InventoryContractType

if TYPE_CHECKING:
    from portal.models.catalog.partners import Partner
    from portal.models.catalog.tenants import Manufacturer


class InventoryContract(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer: fields.ForeignKeyRelation[Manufacturer] = fields.ForeignKeyField(
        "models.Manufacturer", related_name="inventory_contracts"
    )
    manufacturer_id: int
    partner: fields.ForeignKeyRelation[Partner] = fields.ForeignKeyField(
        "models.Partner", related_name="inventory_contracts"
    )
    partner_id: int
    type = fields.CharEnumField(InventoryContractType, max_length=3)
    status = fields.CharEnumField(
        InventoryContractStatus, max_length=8, default=InventoryContractStatus.DRAFT
    )
    warehouse_id = fields.IntField(null=True)  # where the stock is (the partner's logical one)
    end_customer_id = fields.BigIntField(null=True)  # the registry entry (CBS WCS CDS DIS)
    end_customer_name = fields.CharField(max_length=300, default="")
    valid_from = fields.DateField()
    valid_to = fields.DateField()
    currency = fields.CharField(max_length=3, default="USD")
    token_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "inventory_contract"
        indexes = (("manufacturer_id", "partner_id", "type"), ("partner_id",))


class InventoryContractLine(Model):
    id = fields.BigIntField(primary_key=True)
    manufacturer_id = fields.IntField()  # tenant key, as on its parent
    contract: fields.ForeignKeyRelation[InventoryContract] = fields.ForeignKeyField(
        "models.InventoryContract", related_name="lines", on_delete=fields.CASCADE
    )
    contract_id: int
    line_no = fields.IntField()
    product_id = fields.IntField()
    quantity = fields.IntField()  # contracted
    unit_price = fields.DecimalField(max_digits=18, decimal_places=4)
    initialized = fields.IntField(default=0)
    consumed = fields.IntField(default=0)
    taken_over = fields.IntField(default=0)
    returned = fields.IntField(default=0)
    reception_date = fields.DateField(null=True)
    shipment_id = fields.BigIntField(null=True)  # SCS, WDS: the sell-in that initialises it

    class Meta:
        table = "inventory_contract_line"
        unique_together = (("manufacturer_id", "contract", "line_no"),)
        indexes = (("manufacturer_id", "product_id"), ("contract_id",))

    @property
    def remaining(self) -> int:
        return self.initialized - self.consumed - self.taken_over - self.returned
