"""Tortoise models of the ``models`` app. The domain layer is the only writer."""

from portal.models.access import ApiToken, TokenUsage
from portal.models.erp import ErpCursor, ErpSyncRun
from portal.models.idempotency import IdempotencyRecord
from portal.models.jobs import Job
from portal.models.ledger import LedgerEntry, SerialUnit, StockBalance
from portal.models.movements import (
    Shipment,
    ShipmentLine,
    StockReturn,
    StockReturnLine,
    Transfer,
    TransferLine,
)
from portal.models.partners import Partner, Warehouse
from portal.models.products import PartnerSkuMapping, Product, ProductPrice
from portal.models.tenants import Manufacturer, ManufacturerSettings

__all__ = [
    "ApiToken",
    "ErpCursor",
    "ErpSyncRun",
    "IdempotencyRecord",
    "Job",
    "LedgerEntry",
    "Manufacturer",
    "ManufacturerSettings",
    "Partner",
    "PartnerSkuMapping",
    "Product",
    "ProductPrice",
    "SerialUnit",
    "Shipment",
    "ShipmentLine",
    "StockBalance",
    "StockReturn",
    "StockReturnLine",
    "TokenUsage",
    "Transfer",
    "TransferLine",
    "Warehouse",
]
