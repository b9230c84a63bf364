"""Enumerations stored in the database and surfaced in the graph under the same names."""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    ADMIN = "ADMIN"
    CHANNEL_MANAGER = "CHANNEL_MANAGER"
    SHIPPING = "SHIPPING"
    PARTNER_ADMIN = "PARTNER_ADMIN"
    PARTNER_INVENTORY = "PARTNER_INVENTORY"
    PARTNER_SALES = "PARTNER_SALES"
    PARTNER_VIEWER = "PARTNER_VIEWER"

    @property
    def is_partner_role(self) -> bool:
        return self.value.startswith("PARTNER_")


class PartnerTier(str, Enum):
    DISTRIBUTOR = "DISTRIBUTOR"
    SUB_DISTRIBUTOR = "SUB_DISTRIBUTOR"
    RESELLER = "RESELLER"
    DEALER = "DEALER"


class WarehouseKind(str, Enum):
    OWNED = "OWNED"
    CONSIGNMENT = "CONSIGNMENT"


class PeriodGranularity(str, Enum):
    MONTHLY = "MONTHLY"
    WEEKLY = "WEEKLY"


class ReceiptMode(str, Enum):
    MANUAL = "MANUAL"
    ON_SHIPPING = "ON_SHIPPING"
    AFTER_DAYS = "AFTER_DAYS"
    ON_DELIVERY = "ON_DELIVERY"  # a delivery event (carrier or staff) receives the shipment


class FileRejectionPolicy(str, Enum):
    REJECT_FILE = "REJECT_FILE"
    SKIP_BAD_ROWS = "SKIP_BAD_ROWS"


class JobStatus(str, Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


class LedgerKind(str, Enum):
    OPENING = "OPENING"
    SELL_IN = "SELL_IN"
    SELL_THROUGH = "SELL_THROUGH"
    CUSTOMER_RETURN = "CUSTOMER_RETURN"
    TRANSFER_OUT = "TRANSFER_OUT"
    TRANSFER_IN = "TRANSFER_IN"
    RETURN_TO_MANUFACTURER = "RETURN_TO_MANUFACTURER"
    ADJUSTMENT = "ADJUSTMENT"
    OWNERSHIP_TRANSFER = "OWNERSHIP_TRANSFER"  # out of one owner, into another, same place


class Owner(str, Enum):
    PARTNER = "PARTNER"
    MANUFACTURER = "MANUFACTURER"
    END_CUSTOMER = "END_CUSTOMER"  # a customer deposit (CDS) held at the partner


class ShipmentStatus(str, Enum):
    SHIPPED = "SHIPPED"
    RECEIVED = "RECEIVED"


class DeliveryDifferenceKind(str, Enum):
    SHORT = "SHORT"
    DAMAGED = "DAMAGED"
    OVER = "OVER"


class TransferStatus(str, Enum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    SHIPPED = "SHIPPED"
    RECEIVED = "RECEIVED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"


class SerialStatus(str, Enum):
    IN_TRANSIT = "IN_TRANSIT"
    IN_STOCK = "IN_STOCK"
    GONE = "GONE"  # sold, returned to the manufacturer or written off


class ReturnStatus(str, Enum):
    REQUESTED = "REQUESTED"
    RECEIVED = "RECEIVED"
    CANCELLED = "CANCELLED"


class SubmissionKind(str, Enum):
    POS = "POS"
    STOCK = "STOCK"


class SubmissionStatus(str, Enum):
    QUEUED = "QUEUED"
    VALIDATING = "VALIDATING"
    ACCEPTED = "ACCEPTED"
    ACCEPTED_WITH_WARNINGS = "ACCEPTED_WITH_WARNINGS"
    REJECTED = "REJECTED"

    @property
    def final(self) -> bool:
        return self in (
            SubmissionStatus.ACCEPTED,
            SubmissionStatus.ACCEPTED_WITH_WARNINGS,
            SubmissionStatus.REJECTED,
        )

    @property
    def accepted(self) -> bool:
        return self in ACCEPTED_STATUSES


ACCEPTED_STATUSES = (SubmissionStatus.ACCEPTED, SubmissionStatus.ACCEPTED_WITH_WARNINGS)


class SubmissionSource(str, Enum):
    GRAPHQL = "GRAPHQL"
    FILE = "FILE"
    CHECK = "CHECK"  # an approved inventory check became the stock report


class IssueSeverity(str, Enum):
    ERROR = "ERROR"
    WARNING = "WARNING"


class ReconciliationStatus(str, Enum):
    OK = "OK"
    WITHIN_TOLERANCE = "WITHIN_TOLERANCE"
    EXCEPTION = "EXCEPTION"
    MISSING_REPORT = "MISSING_REPORT"


class ExceptionStatus(str, Enum):
    OPEN = "OPEN"
    INVESTIGATING = "INVESTIGATING"
    RESOLVED = "RESOLVED"


class ExceptionReason(str, Enum):
    DELAYED_POS = "DELAYED_POS"
    UNRECORDED_TRANSFER = "UNRECORDED_TRANSFER"
    UNPROCESSED_RETURN = "UNPROCESSED_RETURN"
    DAMAGE = "DAMAGE"
    TIMING = "TIMING"
    REPORTING_ERROR = "REPORTING_ERROR"
    OTHER = "OTHER"


class DesignStatus(str, Enum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WON = "WON"
    LOST = "LOST"
    EXPIRED = "EXPIRED"


class ClaimKind(str, Enum):
    SHIP_AND_DEBIT = "SHIP_AND_DEBIT"
    PRICE_PROTECTION = "PRICE_PROTECTION"
    REBATE = "REBATE"


class ClaimStatus(str, Enum):
    SUBMITTED = "SUBMITTED"
    VALIDATING = "VALIDATING"
    VALIDATED = "VALIDATED"
    APPROVED = "APPROVED"
    PARTIALLY_APPROVED = "PARTIALLY_APPROVED"
    REJECTED = "REJECTED"
    CREDITED = "CREDITED"


class ClaimLineStatus(str, Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    PARTIAL = "PARTIAL"
    REJECTED = "REJECTED"


class InventoryContractType(str, Enum):
    SCS = "SCS"  # supplier consignment: at the partner, the manufacturer's
    WDS = "WDS"  # wholesaler deposit: at the manufacturer, the partner's
    WBS = "WBS"  # wholesaler buffer: at the manufacturer, reserved for the partner
    CBS = "CBS"  # customer buffer: at the partner, reserved for one end customer
    WCS = "WCS"  # wholesaler consignment at the customer: the partner's
    CDS = "CDS"  # customer deposit: at the partner, the end customer's
    DIS = "DIS"  # deferred indent: at the customer, the manufacturer's


class InventoryContractStatus(str, Enum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"


class OrderingMode(str, Enum):
    NO_WAREHOUSE = "NO_WAREHOUSE"  # no stock check, nothing reserved
    SINGLE_WAREHOUSE = "SINGLE_WAREHOUSE"  # the order names the supplying warehouse
    CONSOLIDATED = "CONSOLIDATED"  # all the supplier's warehouses


class InsufficientStockPolicy(str, Enum):
    BLOCK = "BLOCK"  # refused with INSUFFICIENT_STOCK
    ALLOW = "ALLOW"  # accepted, the short quantity backordered


class OrderStatus(str, Enum):
    SUBMITTED = "SUBMITTED"
    CONFIRMED = "CONFIRMED"
    PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
    SHIPPED = "SHIPPED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"


class CheckSource(str, Enum):
    ALL_PRODUCTS = "ALL_PRODUCTS"  # every active product
    IN_STOCK = "IN_STOCK"  # products with a book quantity at the count date


class CheckStatus(str, Enum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class CountVariancePolicy(str, Enum):
    POST_AT_APPROVAL = "POST_AT_APPROVAL"  # variances post as COUNT_VARIANCE adjustments
    OPEN_EXCEPTION = "OPEN_EXCEPTION"  # the count is reported; the gap is an exception first


class InventoryDocumentKind(str, Enum):
    """A partner's own stock document (docs/domain.md "Inventory documents")."""

    OPENING_STOCK = "OPENING_STOCK"  # stock on hand when the warehouse joins: OPENING entries
    INBOUND = "INBOUND"  # goods received from elsewhere: + ADJUSTMENT entries
    OUTBOUND = "OUTBOUND"  # non-sale issues (samples, scrap, internal use): - ADJUSTMENT


class InventoryDocumentReason(str, Enum):
    OPENING_BALANCE = "OPENING_BALANCE"  # the only reason of OPENING_STOCK
    OTHER_SUPPLIER = "OTHER_SUPPLIER"  # inbound: bought outside the manufacturer's channel
    FOUND = "FOUND"  # inbound: stock that turned up
    RETURNED_FROM_LOAN = "RETURNED_FROM_LOAN"  # inbound: a demo or loan unit came back
    SAMPLE = "SAMPLE"  # outbound
    SCRAP = "SCRAP"  # outbound
    INTERNAL_USE = "INTERNAL_USE"  # outbound
    LOAN = "LOAN"  # outbound: a demo or loan unit leaves
    OTHER = "OTHER"  # inbound or outbound, with a note


class InventoryDocumentStatus(str, Enum):
    POSTED = "POSTED"  # its ledger entries are written
    PENDING_APPROVAL = "PENDING_APPROVAL"  # over the approval threshold: nothing posted yet
    REJECTED = "REJECTED"  # a channel manager refused it: nothing posted


class RebateMeasure(str, Enum):
    SELL_IN_VALUE = "SELL_IN_VALUE"
    SELL_THROUGH_UNITS = "SELL_THROUGH_UNITS"
    SELL_THROUGH_VALUE = "SELL_THROUGH_VALUE"


class RebateMode(str, Enum):
    RETROACTIVE = "RETROACTIVE"  # all volume at the rate of the highest tier reached
    INCREMENTAL = "INCREMENTAL"  # each band at its own rate


class RebateInterimSchedule(str, Enum):
    NONE = "NONE"  # interim payouts only when asked (payRebateInterim)
    MONTHLY = "MONTHLY"  # automatically, for every elapsed calendar month
    QUARTERLY = "QUARTERLY"  # automatically, for every elapsed calendar quarter


class RebateStatus(str, Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
