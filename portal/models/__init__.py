"""Tortoise models of the ``models`` app. The domain layer is the only writer."""

from portal.models.access import ApiToken, TokenUsage
from portal.models.designs import DesignEvent, DesignLine, DesignRegistration
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
from portal.models.reconciliation import (
    ExceptionEvent,
    ReconcileDirty,
    ReconciliationRow,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal.models.submissions import (
    EndCustomer,
    MappingTemplate,
    OutboxEvent,
    PosLine,
    StockLine,
    Submission,
    SubmissionContent,
    SubmissionIssue,
)
from portal.models.tenants import Manufacturer, ManufacturerSettings

__all__ = [
    "ApiToken",
    "DesignEvent",
    "DesignLine",
    "DesignRegistration",
    "EndCustomer",
    "ErpCursor",
    "ErpSyncRun",
    "ExceptionEvent",
    "IdempotencyRecord",
    "Job",
    "LedgerEntry",
    "Manufacturer",
    "ManufacturerSettings",
    "MappingTemplate",
    "OutboxEvent",
    "Partner",
    "PartnerSkuMapping",
    "PosLine",
    "Product",
    "ProductPrice",
    "ReconcileDirty",
    "ReconciliationRow",
    "SerialUnit",
    "Shipment",
    "ShipmentLine",
    "StockBalance",
    "StockLine",
    "StockReturn",
    "StockReturnLine",
    "Submission",
    "SubmissionContent",
    "SubmissionIssue",
    "TokenUsage",
    "Transfer",
    "TransferLine",
    "Warehouse",
    "WebhookDelivery",
    "WebhookEndpoint",
]
