"""The tenant (manufacturer) and its settings."""

from __future__ import annotations

from decimal import Decimal

from tortoise import fields
from tortoise.models import Model

from portal.models.enums import (
    CountVariancePolicy,
    FileRejectionPolicy,
    InsufficientStockPolicy,
    OrderingMode,
    PeriodGranularity,
    ReceiptMode,
)


class Manufacturer(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "manufacturer"


class ManufacturerSettings(Model):
    id = fields.IntField(primary_key=True)
    manufacturer: fields.OneToOneRelation[Manufacturer] = fields.OneToOneField(
        "models.Manufacturer", related_name="settings", on_delete=fields.CASCADE
    )
    manufacturer_id: int
    period_granularity = fields.CharEnumField(
        PeriodGranularity, max_length=16, default=PeriodGranularity.MONTHLY
    )
    submission_due_days = fields.IntField(default=10)
    tolerance_units = fields.IntField(default=0)
    tolerance_percent = fields.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    shipment_receipt_mode = fields.CharEnumField(
        ReceiptMode, max_length=16, default=ReceiptMode.MANUAL
    )
    receipt_after_days = fields.IntField(default=3)
    auto_receive_transfers = fields.BooleanField(default=False)
    file_rejection_policy = fields.CharEnumField(
        FileRejectionPolicy, max_length=16, default=FileRejectionPolicy.REJECT_FILE
    )
    design_first_registrant_priority = fields.BooleanField(default=True)
    count_variance_policy = fields.CharEnumField(
        CountVariancePolicy, max_length=16, default=CountVariancePolicy.POST_AT_APPROVAL
    )
    # Inventory documents above this total quantity wait for a channel manager (0: never)
    document_approval_threshold = fields.IntField(default=0)
    erp_base_url = fields.CharField(max_length=500, null=True)
    erp_api_key = fields.CharField(max_length=500, null=True)
    # signs POST /logistics/events (docs/http.md); null: the route refuses every event
    logistics_secret = fields.CharField(max_length=200, null=True)
    # Partner orders (docs/domain.md "Partner orders")
    ordering_mode = fields.CharEnumField(
        OrderingMode, max_length=20, default=OrderingMode.SINGLE_WAREHOUSE
    )
    insufficient_stock_policy = fields.CharEnumField(
        InsufficientStockPolicy, max_length=8, default=InsufficientStockPolicy.BLOCK
    )
    show_availability = fields.BooleanField(default=True)
    allow_reservation_adjustment = fields.BooleanField(default=False)
    returns_against_orders = fields.BooleanField(default=True)
    returns_against_shipments = fields.BooleanField(default=False)
    source_free_returns = fields.BooleanField(default=False)
    exchanges = fields.BooleanField(default=False)
    multi_order_shipping = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "manufacturer_settings"
