"""Tortoise models of the ``models`` app. The domain layer is the only writer."""

from portal.models.access.tokens import ApiToken, TokenUsage
from portal.models.catalog.partners import Partner, Warehouse
from portal.models.catalog.products import PartnerSkuMapping, Product, ProductPrice
from portal.models.catalog.tenants import Manufacturer, ManufacturerSettings
from portal.models.checks.documents import InventoryDocument, InventoryDocumentLine
from portal.models.checks.sheets import InventoryCheck, InventoryCheckLine
from portal.models.contracts.consumption import CallOffNotification, Charge
from portal.models.contracts.contracts import InventoryContract, InventoryContractLine
from portal.models.demand.plans import (
    Forecast,
    ForecastAdjustment,
    ForecastLine,
    SalesAgreement,
    SalesAgreementLine,
)
from portal.models.designs.registrations import DesignEvent, DesignLine, DesignRegistration
from portal.models.idempotency import IdempotencyRecord
from portal.models.incentives.agreements import PriceAgreement, PriceAgreementLine
from portal.models.incentives.claims import Claim, ClaimAllocation, ClaimLine, ClaimPool
from portal.models.incentives.memos import CreditMemo, CreditMemoLine, MemoCounter
from portal.models.incentives.price_protection import PriceProtectionProgram
from portal.models.incentives.rebates import (
    RebateAccrual,
    RebateDirty,
    RebatePayout,
    RebateProgram,
    RebateProgramPartner,
)
from portal.models.integrations.erp import ErpCursor, ErpSyncRun
from portal.models.jobs import Job, JobFailure
from portal.models.ledger.batches import BatchBalance
from portal.models.ledger.entries import LedgerEntry, SerialUnit, StockBalance
from portal.models.ledger.movements import (
    Shipment,
    ShipmentLine,
    StockReturn,
    StockReturnLine,
    Transfer,
    TransferLine,
)
from portal.models.orders.delivery import DeliveryDifference, DeliveryEvent
from portal.models.orders.orders import (
    Order,
    OrderLine,
    Reservation,
    ShippingNotice,
    ShippingNoticeLine,
)
from portal.models.orders.supply import SupplyBatch, SupplyMovement, SupplyStock
from portal.models.reconciliation.rows import (
    ExceptionEvent,
    ReconcileDirty,
    ReconciliationRow,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal.models.reconciliation.totals import ReconciliationTotal
from portal.models.reporting.submissions import (
    EndCustomer,
    MappingTemplate,
    OutboxEvent,
    PosLine,
    StockLine,
    Submission,
    SubmissionContent,
    SubmissionIssue,
)

__all__ = [
    "ApiToken",
    "BatchBalance",
    "CallOffNotification",
    "Charge",
    "Claim",
    "ClaimAllocation",
    "ClaimLine",
    "ClaimPool",
    "CreditMemo",
    "CreditMemoLine",
    "DeliveryDifference",
    "DeliveryEvent",
    "DesignEvent",
    "DesignLine",
    "DesignRegistration",
    "EndCustomer",
    "ErpCursor",
    "ErpSyncRun",
    "ExceptionEvent",
    "Forecast",
    "ForecastAdjustment",
    "ForecastLine",
    "IdempotencyRecord",
    "InventoryCheck",
    "InventoryCheckLine",
    "InventoryContract",
    "InventoryContractLine",
    "InventoryDocument",
    "InventoryDocumentLine",
    "Job",
    "JobFailure",
    "LedgerEntry",
    "Manufacturer",
    "ManufacturerSettings",
    "MappingTemplate",
    "MemoCounter",
    "Order",
    "OrderLine",
    "OutboxEvent",
    "Partner",
    "PartnerSkuMapping",
    "PosLine",
    "PriceAgreement",
    "PriceAgreementLine",
    "PriceProtectionProgram",
    "Product",
    "ProductPrice",
    "RebateAccrual",
    "RebateDirty",
    "RebatePayout",
    "RebateProgram",
    "RebateProgramPartner",
    "ReconcileDirty",
    "ReconciliationRow",
    "ReconciliationTotal",
    "Reservation",
    "SalesAgreement",
    "SalesAgreementLine",
    "SerialUnit",
    "Shipment",
    "ShipmentLine",
    "ShippingNotice",
    "ShippingNoticeLine",
    "StockBalance",
    "StockLine",
    "StockReturn",
    "StockReturnLine",
    "Submission",
    "SubmissionContent",
    "SubmissionIssue",
    "SupplyBatch",
    "SupplyMovement",
    "SupplyStock",
    "TokenUsage",
    "Transfer",
    "TransferLine",
    "Warehouse",
    "WebhookDelivery",
    "WebhookEndpoint",
]
